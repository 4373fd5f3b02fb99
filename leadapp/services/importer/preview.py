"""The import preview's result (I3): `Preview`, its cell errors, and the typed payloads the
Import page receives (`Preview.to_dict`, `Preview.grid`, the template, the import result:
`ImportResult.to_dict`); `column` reads one field of `Preview.values` as a list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict

import numpy as np
import pandas as pd

LOOKS_GOOD = "Looks Good!"


class HeaderInfo(TypedDict):
    position: int  # 0-based column in the file
    header: str  # as written ("(column C)" when blank)
    key: str  # the field it maps to, "" when none
    label: str  # the template header of that field
    used: bool


class GuideRow(TypedDict):
    header: str
    about: str
    accepted: str
    required: str  # "Required" | "Optional"


class Template(TypedDict):
    filename: str
    csv: str
    guide: list[GuideRow]


class Counts(TypedDict):
    rows: int
    valid: int
    error_rows: int
    errors: int
    warnings: int


class ColumnMap(TypedDict):
    header: str
    maps_to: str
    used: bool


class ErrorRow(TypedDict):
    row: int
    column: str
    value: str
    message: str


class PreviewData(TypedDict):
    filename: str
    encoding: str
    ok: bool
    verdict: str
    counts: Counts
    file_errors: list[str]
    warnings: list[str]
    columns: list[ColumnMap]
    errors: list[ErrorRow]
    errors_shown: int


class GridCellData(TypedDict):
    value: str
    error: str  # "" when the cell is fine


class GridRowData(TypedDict):
    row: int
    cells: list[GridCellData]
    bad: bool


class GridData(TypedDict):
    columns: list[str]
    rows: list[GridRowData]


class UploadPreview(PreviewData):
    token: str  # the stored upload to import ("" when the file has errors)
    grid_all: GridData
    grid_errors: GridData


class ImportResultData(TypedDict):
    batch_id: int
    leads: int
    tags: int
    new_tags: int
    tag_links: int
    notes: int
    market_enrolments: int
    campaign_enrolments: int
    assigned: int
    message: str


@dataclass
class ImportResult:
    batch_id: int
    leads: int
    tags: int  # distinct tags applied
    new_tags: int
    tag_links: int
    notes: int
    market_enrolments: int  # (lead, market) pairs; three report subscriptions each
    campaign_enrolments: int
    assigned: int

    def message(self) -> str:
        parts = [f"{self.leads:,} lead{'s' if self.leads != 1 else ''} imported"]
        if self.tags:
            parts.append(
                f"{self.tags:,} tag{'s' if self.tags != 1 else ''} applied ({self.new_tags:,} new)"
            )
        if self.notes:
            parts.append(f"{self.notes:,} note{'s' if self.notes != 1 else ''}")
        if self.market_enrolments:
            parts.append(
                f"{self.market_enrolments:,} market enrolment"
                f"{'s' if self.market_enrolments != 1 else ''}"
            )
        if self.campaign_enrolments:
            parts.append(
                f"{self.campaign_enrolments:,} campaign enrolment"
                f"{'s' if self.campaign_enrolments != 1 else ''}"
            )
        return ", ".join(parts) + "."

    def to_dict(self) -> ImportResultData:
        return ImportResultData(**asdict(self), message=self.message())


@dataclass
class CellError:
    row: int  # spreadsheet row (the header is row 1)
    column: str  # the header as written in the file
    value: str
    message: str

    def text(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class Preview:
    filename: str
    encoding: str
    is_broker: bool
    headers: list[HeaderInfo]
    total_rows: int
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    # normalised values by field, one row per lead (for the import); raw cells (for the grid)
    values: pd.DataFrame | None = None
    raw: pd.DataFrame | None = None
    row_numbers: pd.Series | None = None
    error_rows_mask: np.ndarray | None = None

    @property
    def error_rows(self) -> int:
        return int(self.error_rows_mask.sum()) if self.error_rows_mask is not None else 0

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.error_rows if not self.file_errors else 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors and self.total_rows > 0

    @property
    def verdict(self) -> str:
        if self.ok:
            return LOOKS_GOOD
        if self.file_errors:
            return self.file_errors[0]
        return (
            f"{len(self.errors):,} error{'s' if len(self.errors) != 1 else ''} in "
            f"{self.error_rows:,} row{'s' if self.error_rows != 1 else ''}: fix the file and "
            "upload it again."
        )

    def counts(self) -> Counts:
        return {
            "rows": self.total_rows,
            "valid": self.valid_rows,
            "error_rows": self.error_rows,
            "errors": len(self.errors) + len(self.file_errors),
            "warnings": len(self.warnings),
        }

    def to_dict(self, max_errors: int | None = None) -> PreviewData:
        errs = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "filename": self.filename,
            "encoding": self.encoding,
            "ok": self.ok,
            "verdict": self.verdict,
            "counts": self.counts(),
            "file_errors": list(self.file_errors),
            "warnings": list(self.warnings),
            "columns": [
                {"header": h["header"], "maps_to": h["label"], "used": h["used"]}
                for h in self.headers
            ],
            "errors": [
                {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
                for e in errs
            ],
            "errors_shown": len(errs),
        }

    def grid(self, only_errors: bool = False, limit: int = 200) -> GridData:
        """Rows for the preview grid: header labels, cells {value, error} ('' when fine)."""
        used = [h for h in self.headers if h["header"] or h["used"]]
        raw, numbers = self.raw, self.row_numbers
        if raw is None or numbers is None or not len(raw):
            return {"columns": [h["header"] for h in used], "rows": []}
        if only_errors and self.error_rows_mask is not None:
            idx = np.flatnonzero(self.error_rows_mask)[:limit]
        else:
            idx = np.arange(min(limit, len(raw)))
        by_cell: dict[tuple[int, str], str] = {}
        wanted = set(int(numbers.iloc[i]) for i in idx)
        for e in self.errors:
            if e.row in wanted:
                by_cell.setdefault((e.row, e.column), e.message)
        rows: list[GridRowData] = []
        for i in idx:
            rn = int(numbers.iloc[i])
            cells: list[GridCellData] = []
            for h in used:
                val = str(raw.iat[i, h["position"]]) if h["position"] < raw.shape[1] else ""
                cells.append({"value": val[:200], "error": by_cell.get((rn, h["header"]), "")})
            rows.append({"row": rn, "cells": cells, "bad": any(c["error"] for c in cells)})
        return {"columns": [h["header"] for h in used], "rows": rows}


def column(values: pd.DataFrame, key: str, n: int, default: Any = "") -> list[Any]:
    """A column as a list; missing cells (None, NaN) become `default`."""
    if key in values:
        return [default if x is None or x != x else x for x in values[key].tolist()]
    return [default] * n
