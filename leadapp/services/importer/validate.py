"""The import preview (I2, I3): every column checked as a whole with pandas.

The rules are those of services/validation.py (the add-lead form's): the same regular
expressions and lookup tables applied to whole columns, low-cardinality columns checked
once per distinct value with the very `check_*` function the form uses, and each error
message produced by that function for the offending value. Nothing is written here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from leadapp.models import Campaign, Market, User
from leadapp.services import access, people
from leadapp.services import validation as v
from leadapp.settings import MAX_IMPORT_BYTES

from .columns import BY_KEY, HEADER_LOOKUP, norm_header
from .decode import check_size, decode, parse

log = logging.getLogger("leadapp.importer")

LOOKS_GOOD = "Looks Good!"
NAME_PART_MAX = 100
TEXT_LIMITS = {"address": (200, "Address"), "city": (100, "City"), "notes": (20000, "Notes")}


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
    headers: list[dict]  # {position, header, key, label, used}
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

    def counts(self) -> dict:
        return {
            "rows": self.total_rows,
            "valid": self.valid_rows,
            "error_rows": self.error_rows,
            "errors": len(self.errors) + len(self.file_errors),
            "warnings": len(self.warnings),
        }

    def to_dict(self, max_errors: int | None = None) -> dict:
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

    def grid(self, only_errors: bool = False, limit: int = 200) -> dict:
        """Rows for the preview grid: header labels, cells {value, error} ('' when fine)."""
        used = [h for h in self.headers if h["header"] or h["used"]]
        if self.raw is None or not len(self.raw):
            return {"columns": [h["header"] for h in used], "rows": []}
        if only_errors and self.error_rows_mask is not None:
            idx = np.flatnonzero(self.error_rows_mask)[:limit]
        else:
            idx = np.arange(min(limit, len(self.raw)))
        by_cell: dict[tuple[int, str], str] = {}
        wanted = set(int(self.row_numbers.iloc[i]) for i in idx)
        for e in self.errors:
            if e.row in wanted:
                by_cell.setdefault((e.row, e.column), e.message)
        rows = []
        for i in idx:
            rn = int(self.row_numbers.iloc[i])
            cells = []
            for h in used:
                val = (
                    str(self.raw.iat[i, h["position"]]) if h["position"] < self.raw.shape[1] else ""
                )
                cells.append({"value": val[:200], "error": by_cell.get((rn, h["header"]), "")})
            rows.append({"row": rn, "cells": cells, "bad": any(c["error"] for c in cells)})
        return {"columns": [h["header"] for h in used], "rows": rows}


# ---------------------------------------------------------------- column checks


def _message(check: Callable, raw: str) -> str:
    try:
        check(raw)
    except ValueError as exc:
        return str(exc)
    log.error("importer and %s disagree on %r", getattr(check, "__name__", check), raw)
    return f"'{raw}' is not accepted."


def _by_unique(t: pd.Series, check: Callable) -> tuple[list, np.ndarray, dict[str, str]]:
    """check() once per distinct value: (value per row, error mask, message by bad value)."""
    codes, uniques = pd.factorize(t, sort=False)
    out, bad, msgs = [], [], {}
    for u in uniques:
        try:
            out.append(check(u))
            bad.append(False)
        except ValueError as exc:
            out.append(None)
            bad.append(True)
            msgs[u] = str(exc)
    if not len(uniques):
        return [], np.zeros(0, dtype=bool), {}
    arr = np.empty(len(out), dtype=object)
    arr[:] = out
    return arr[codes].tolist(), np.asarray(bad, dtype=bool)[codes], msgs


def _match(t: pd.Series, rx: re.Pattern) -> pd.Series:
    return t.str.match(rx.pattern, flags=rx.flags & ~re.UNICODE).fillna(False).astype(bool)


def col_email(t: pd.Series) -> tuple[pd.Series, np.ndarray]:
    ok = (t != "") & (t.str.len() <= 254) & _match(t, v.EMAIL_RE)
    return t.str.lower(), ~ok.to_numpy()


def col_phone(t: pd.Series) -> tuple[pd.Series, np.ndarray]:
    empty = t == ""
    punct = _match(t, v.PHONE_PUNCT_RE)
    digits = t.str.replace(r"\D", "", regex=True)
    eleven = (digits.str.len() == 11) & digits.str.startswith("1")
    digits = digits.where(~eleven, digits.str.slice(1))
    bad = ~empty & ((t.str.len() > 60) | (punct & (digits.str.len() != 10)))
    formatted = (
        "(" + digits.str.slice(0, 3) + ") " + digits.str.slice(3, 6) + "-" + digits.str.slice(6)
    )
    value = t.where(~punct, formatted).where(~empty, "")
    return value, bad.to_numpy()


def col_postal(t: pd.Series) -> tuple[pd.Series, np.ndarray]:
    empty = t == ""
    zip_ok = _match(t, v.US_ZIP_RE)
    ca = t.str.extract(
        v.CA_POSTAL_RE.pattern, flags=v.CA_POSTAL_RE.flags & ~re.UNICODE, expand=True
    )
    ca_ok = ca[0].notna()
    ca_val = (ca[0].fillna("") + " " + ca[1].fillna("")).str.upper()
    value = t.where(zip_ok, ca_val.where(ca_ok, ""))
    bad = ~empty & ~zip_ok & ~ca_ok
    return value.where(~empty, ""), bad.to_numpy()


_DIM = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def col_date(t: pd.Series, past: bool) -> tuple[pd.Series, pd.Series, np.ndarray, np.ndarray]:
    """(ISO text or None, month*100+day or None, bad mask, rows that need the scalar check)."""
    empty = (t == "").to_numpy()
    parts = t.str.extract(v.US_DATE_RE.pattern, expand=True)
    matched = parts[0].notna().to_numpy()
    mo = pd.to_numeric(parts[0], errors="coerce").to_numpy()
    d = pd.to_numeric(parts[1], errors="coerce").to_numpy()
    y = pd.to_numeric(parts[2], errors="coerce").to_numpy()
    numeric = ~(np.isnan(mo) | np.isnan(d) | np.isnan(y))
    odd = matched & ~numeric  # e.g. non-ASCII digits: leave to the scalar rule
    mo_i = np.where(numeric, mo, 1).astype(np.int64)
    d_i = np.where(numeric, d, 1).astype(np.int64)
    y_i = np.where(numeric, y, 2000).astype(np.int64)
    leap = (y_i % 4 == 0) & ((y_i % 100 != 0) | (y_i % 400 == 0))
    mo_c = np.clip(mo_i, 1, 12)
    dim = _DIM[mo_c - 1] + ((mo_c == 2) & leap)
    real = (y_i >= 1) & (mo_i >= 1) & (mo_i <= 12) & (d_i >= 1) & (d_i <= dim)
    good = matched & numeric & real
    if past:
        today = datetime.now().date()
        ymd = y_i * 10000 + mo_i * 100 + d_i
        good &= (y_i >= 1900) & (ymd <= today.year * 10000 + today.month * 100 + today.day)
    bad = ~empty & ~good & ~odd
    iso = pd.Series(
        np.char.add(
            np.char.add(
                np.char.add(np.char.zfill(y_i.astype(str), 4), "-"),
                np.char.add(np.char.zfill(mo_i.astype(str), 2), "-"),
            ),
            np.char.zfill(d_i.astype(str), 2),
        ),
        dtype=object,
    )
    iso = iso.where(good, None)
    md = pd.Series(np.where(good, mo_i * 100 + d_i, 0), dtype="int64")
    return iso, md, bad, odd


def _name_parts(t: pd.Series) -> tuple[pd.Series, pd.Series]:
    """split_name over a column: 'Mary Ann Smith' -> ('Mary Ann', 'Smith')."""
    norm = t.str.split().str.join(" ").fillna("")
    parts = norm.str.rsplit(" ", n=1, expand=True)
    if parts.shape[1] == 1:
        return norm, pd.Series([""] * len(t), dtype=object, index=t.index)
    one = parts[1].isna()
    first = parts[0].where(~one, norm).fillna("")
    last = parts[1].where(~one, "").fillna("")
    return first, last


def _name_message(raw: str) -> str:
    first, last = v.split_name(raw)
    for part, label in ((first, "First name"), (last, "Last name")):
        try:
            v.check_text(part, NAME_PART_MAX, label)
        except ValueError as exc:
            return str(exc)
    return f"'{raw}' is not accepted."


def _id_list(text: str) -> list[int]:
    out = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        if not re.fullmatch(r"#?\d{1,9}", part):
            raise ValueError(part)
        out.append(int(part.lstrip("#")))
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- the preview


def existing_emails(session: Session, brokerage_id: int, emails: list[str]) -> set[str]:
    """The subset of (lower-case) `emails` already leads of the brokerage.

    Emails are stored lower-case (services/leads.py), so the unique index answers; the
    queries go to the driver directly (no per-parameter SQL compilation for 100k emails).
    """
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    found: set[str] = set()
    for start in range(0, len(emails), 900):
        chunk = emails[start : start + 900]
        marks = ", ".join([mark] * len(chunk))
        sql = f"SELECT email FROM lead WHERE brokerage_id = {mark} AND email IN ({marks})"
        found.update(r[0].lower() for r in conn.exec_driver_sql(sql, (brokerage_id, *chunk)).all())
    return found


def build_preview(
    session: Session,
    user: User,
    data: bytes,
    filename: str = "",
    max_bytes: int | None = MAX_IMPORT_BYTES,
) -> Preview:
    """Read and check an import file for `user`; raises ServiceError for an unreadable file."""
    check_size(data, max_bytes)
    text, encoding = decode(data)
    headers_raw, body, row_numbers = parse(text)
    is_broker = access.is_broker(user)
    pv = Preview(
        filename=filename,
        encoding=encoding,
        is_broker=is_broker,
        headers=[],
        total_rows=len(body),
        raw=body,
        row_numbers=row_numbers,
    )

    # headers -> fields
    used: dict[str, int] = {}
    for pos, header in enumerate(headers_raw):
        key = HEADER_LOOKUP.get(norm_header(header)) if header else None
        entry = {
            "position": pos,
            "header": header or f"(column {_letters(pos)})",
            "key": key or "",
            "label": BY_KEY[key].header if key else "",
            "used": False,
        }
        col_has_data = pos < body.shape[1] and bool((body[pos] != "").any())
        if not header:
            if col_has_data:
                pv.warnings.append(f"Column {_letters(pos)} has no header; it is ignored.")
        elif key is None:
            pv.warnings.append(f"Column '{header}' is not a supported column; it is ignored.")
        elif key in used:
            pv.warnings.append(
                f"Column '{header}' repeats {BY_KEY[key].header} (column "
                f"{_letters(used[key])}); it is ignored."
            )
        elif key == "agent_id" and not is_broker:
            pv.warnings.append(
                f"Column '{header}' is ignored: only brokers assign agents; your imported "
                "leads are assigned to you."
            )
        else:
            used[key] = pos
            entry["used"] = True
        pv.headers.append(entry)
    if "name" in used:
        for k in ("first_name", "last_name"):
            if k in used:
                pv.warnings.append(
                    f"Column '{headers_raw[used[k]]}' is ignored because the file has a Name "
                    "column."
                )
                next(h for h in pv.headers if h["position"] == used.pop(k))["used"] = False
    if "email" not in used:
        pv.file_errors.append(
            "The file has no Email column (the only required column). "
            "Download the template to see the expected headers."
        )
    if not len(body):
        pv.file_errors.append("The file has a header row but no leads.")
    if pv.file_errors:
        pv.error_rows_mask = np.zeros(len(body), dtype=bool)
        return pv

    n = len(body)
    header_of = {k: headers_raw[p] for k, p in used.items()}
    cols = {k: body[p].str.strip() for k, p in used.items()}  # as validation.clean() does
    empty = pd.Series([""] * n, dtype=object)
    errs: list[tuple[int, int, str, str, str]] = []  # (row index, position, header, value, message)
    row_bad = np.zeros(n, dtype=bool)
    vals: dict[str, object] = {}

    def flag(key: str, mask: np.ndarray, message_of: Callable[[str], str]) -> None:
        nonlocal row_bad
        if not mask.any():
            return
        t = cols[key]
        idx = np.flatnonzero(mask)
        cache: dict[str, str] = {}
        bad_vals = t.iloc[idx].tolist()
        for i, raw in zip(idx.tolist(), bad_vals, strict=False):
            msg = cache.get(raw)
            if msg is None:
                msg = cache[raw] = message_of(raw)
            errs.append((i, used[key], header_of[key], raw, msg))
        row_bad |= mask

    # Email: required, valid, not already a lead, not repeated in the file.
    t = cols["email"]
    email, bad = col_email(t)
    flag("email", bad, lambda raw: _message(v.check_email, raw))
    good = ~bad
    lower = email.where(good, "")
    dup = (lower.duplicated(keep="first") & good).to_numpy()
    if dup.any():
        first_row = dict(
            zip(lower[good & ~dup].tolist(), row_numbers[good & ~dup].tolist(), strict=False)
        )
        flag(
            "email",
            dup,
            lambda raw: f"'{raw}' is repeated in the file (first on row {first_row[raw.lower()]}).",
        )
    taken = existing_emails(session, user.brokerage_id, lower[good & ~dup].tolist())
    if taken:
        already = (lower.isin(taken) & good & ~dup).to_numpy()
        flag("email", already, lambda raw: f"{raw.lower()} is already a lead.")
    vals["email"] = email

    # Name (or First Name / Last Name)
    if "name" in cols:
        first, last = _name_parts(cols["name"])
        bad = ((first.str.len() > NAME_PART_MAX) | (last.str.len() > NAME_PART_MAX)).to_numpy()
        flag("name", bad, _name_message)
    else:
        first, last = cols.get("first_name", empty), cols.get("last_name", empty)
        for k, part, label in (
            ("first_name", first, "First name"),
            ("last_name", last, "Last name"),
        ):
            if k in cols:
                flag(
                    k,
                    (part.str.len() > NAME_PART_MAX).to_numpy(),
                    lambda raw, label=label: _message(
                        lambda x: v.check_text(x, NAME_PART_MAX, label), raw
                    ),
                )
    vals["first_name"], vals["last_name"] = first, last

    if "phone" in cols:
        phone, bad = col_phone(cols["phone"])
        flag("phone", bad, lambda raw: _message(v.check_phone, raw))
        vals["phone"] = phone
    for key, (limit, label) in TEXT_LIMITS.items():
        if key in cols:
            flag(
                key,
                (cols[key].str.len() > limit).to_numpy(),
                lambda raw, limit=limit, label=label: _message(
                    lambda x: v.check_text(x, limit, label), raw
                ),
            )
            vals[key] = cols[key]
    if "postal_code" in cols:
        postal, bad = col_postal(cols["postal_code"])
        flag("postal_code", bad, lambda raw: _message(v.check_postal_code, raw))
        vals["postal_code"] = postal
    for key, past, check in (
        ("birthday", True, v.check_past_date),
        ("anniversary", False, v.check_date),
    ):
        if key in cols:
            iso, md, bad, odd = col_date(cols[key], past)
            if odd.any():  # the scalar rule decides the few cells the vectorised one cannot read
                for i in np.flatnonzero(odd).tolist():
                    try:
                        dd = check(cols[key].iat[i])
                        iso.iat[i], md.iat[i] = dd.isoformat(), dd.month * 100 + dd.day
                    except ValueError:
                        bad[i] = True
            flag(key, bad, lambda raw, check=check: _message(check, raw))
            vals[key], vals[key + "_md"] = iso, md

    for key, check in (
        ("state", v.check_state),
        ("type", v.check_type),
        ("stage", v.check_stage),
        ("texting", v.check_yes_no),
        ("tags", v.check_tags),
    ):
        if key in cols:
            out, bad, msgs = _by_unique(cols[key], check)
            flag(key, bad, lambda raw, msgs=msgs: msgs[raw])
            vals[key] = out

    # Agent ID (brokers): an active user of the brokerage, by agent code (case-insensitive).
    if "agent_id" in cols:
        codes = {
            u.agent_code.strip().upper(): u.id
            for u in people.active_users(session, user.brokerage_id)
        }

        def check_agent(text: str):
            if not text:
                return None
            if text.upper() not in codes:
                raise ValueError(
                    f"'{text}' is not an Agent ID of your brokerage (see Settings → Team)."
                )
            return codes[text.upper()]

        out, bad, msgs = _by_unique(cols["agent_id"], check_agent)
        flag("agent_id", bad, lambda raw: msgs[raw])
        vals["agent_id"] = out

    for key, model, label in (
        ("market_id", Market, "Market ID"),
        ("campaign_id", Campaign, "Campaign ID"),
    ):
        if key not in cols:
            continue
        known = {
            r.id: r
            for r in session.exec(
                select(model).where(model.brokerage_id == user.brokerage_id)
            ).all()
        }

        def check_ids(text: str, known=known, label=label, model=model):
            try:
                ids = _id_list(text)
            except ValueError as exc:
                raise ValueError(f"'{exc}' is not a {label} (a number).") from None
            for i in ids:
                if i not in known:
                    raise ValueError(f"{i} is not a {label} of your brokerage.")
                if model is Campaign and not known[i].active:
                    raise ValueError(f"Campaign {i} ({known[i].name}) is not active.")
            return ids

        out, bad, msgs = _by_unique(cols[key], check_ids)
        flag(key, bad, lambda raw, msgs=msgs: msgs[raw])
        vals[key] = out

    # errors sorted by row, then by column position
    if errs:
        errs.sort(key=lambda e: (e[0], e[1]))
        rn = row_numbers.to_numpy()
        pv.errors = [CellError(int(rn[i]), h, raw, msg) for i, _, h, raw, msg in errs]
    pv.error_rows_mask = row_bad
    pv.values = pd.DataFrame(
        {
            k: (
                pd.Series(s, dtype=object).reset_index(drop=True)
                if isinstance(s, pd.Series)
                else pd.Series(s, dtype=object)
            )
            for k, s in vals.items()
        },
        dtype=object,
    )
    return pv


def _letters(pos: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (the spreadsheet's column letters)."""
    out = ""
    pos += 1
    while pos:
        pos, r = divmod(pos - 1, 26)
        out = chr(65 + r) + out
    return out
