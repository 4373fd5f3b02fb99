"""The Import page (I1-I4): template download, upload + preview, the import with progress."""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import reflex as rx

from leadapp import db
from leadapp.services import importer
from leadapp.services.errors import ServiceError
from leadapp.settings import MAX_IMPORT_BYTES

from .base import AuthState, _as_user_call

UPLOAD_ID = "import_upload"


@dataclasses.dataclass
class GridCell:
    value: str = ""
    error: str = ""


@dataclasses.dataclass
class GridRow:
    row: int = 0
    bad: bool = False
    cells: list[GridCell] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ErrorItem:
    row: int = 0
    column: str = ""
    value: str = ""
    message: str = ""


@dataclasses.dataclass
class GuideItem:
    header: str = ""
    about: str = ""
    accepted: str = ""
    required: str = ""


@dataclasses.dataclass
class ImportCounts:
    """What the import wrote (I4), shown on the done card."""

    leads: int = 0
    tags: int = 0
    new_tags: int = 0
    notes: int = 0
    market_enrolments: int = 0
    campaign_enrolments: int = 0
    assigned: int = 0
    batch_id: int = 0


def _grid(g: importer.GridData) -> tuple[list[str], list[GridRow]]:
    return list(g["columns"]), [
        GridRow(
            row=r["row"], bad=r["bad"], cells=[GridCell(c["value"], c["error"]) for c in r["cells"]]
        )
        for r in g["rows"]
    ]


class ImportState(AuthState):
    # idle | checking | preview | importing | done
    phase: str = "idle"
    guide: list[GuideItem] = []
    filename: str = ""
    encoding: str = ""
    upload_pct: int = 0
    uploading: bool = False
    ok: bool = False
    verdict: str = ""
    file_errors: rx.Field[list[str]] = rx.field(default_factory=list)
    warnings: rx.Field[list[str]] = rx.field(default_factory=list)
    errors: list[ErrorItem] = []
    errors_total: int = 0
    rows: int = 0
    valid: int = 0
    error_rows: int = 0
    columns: list[str] = []
    grid_rows: list[GridRow] = []
    only_errors: bool = False
    progress: int = 0
    progress_label: str = ""
    result_message: str = ""
    result: ImportCounts = ImportCounts()
    _token: str = ""
    _grid_all: list[GridRow] = []
    _grid_errors: list[GridRow] = []

    @rx.var
    def max_mb(self) -> int:
        return MAX_IMPORT_BYTES // (1024 * 1024)

    @rx.var
    def errors_hidden(self) -> int:
        return max(0, self.errors_total - len(self.errors))

    def _clear(self) -> None:
        self.phase = "idle"
        self.filename = self.encoding = self.verdict = self.progress_label = self.result_message = (
            ""
        )
        self.upload_pct = self.progress = self.rows = self.valid = self.error_rows = (
            self.errors_total
        ) = 0
        self.ok = self.only_errors = self.uploading = False
        self.file_errors, self.warnings, self.errors, self.columns, self.grid_rows = (
            [],
            [],
            [],
            [],
            [],
        )
        self.result = ImportCounts()
        self._token = ""
        self._grid_all, self._grid_errors = [], []

    @rx.event
    async def load(self):
        """on_load: the column guide for this user's role; a fresh page."""
        self._clear()
        try:
            t = await self._with_user(importer.template_for)
        except ServiceError as exc:
            return self._fail(exc)
        self.guide = [GuideItem(**g) for g in t["guide"]]

    @rx.event
    async def download_template(self):
        """I1: the template for the signed-in user's role (decided on the server)."""
        try:
            t = await self._with_user(importer.template_for)
        except ServiceError as exc:
            return self._fail(exc)
        return rx.download(data=t["csv"], filename=t["filename"], mime_type="text/csv")

    @rx.event
    def upload_progress(self, prog: dict):
        """Browser upload progress of a large file (0-100)."""
        try:
            self.upload_pct = max(0, min(100, int(float(prog.get("progress", 0)) * 100)))
        except (TypeError, ValueError, AttributeError):
            return
        self.uploading = self.upload_pct < 100

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        """I3: store the file privately and show the preview; nothing is imported yet."""
        self._clear()
        if not files:
            return
        f = files[0]
        name = str(f.name or "import.csv")[:255]
        if f.size is not None and f.size > MAX_IMPORT_BYTES:
            self._refused(
                name,
                f"The file is {f.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB. Split it into smaller files.",
            )
            yield rx.toast.error(self.verdict)
            return
        self.phase = "checking"
        yield
        data = await f.read(MAX_IMPORT_BYTES + 1)
        try:
            out = await self._with_user(importer.preview_upload, data, name)
        except ServiceError as exc:
            self._refused(name, str(exc))
            yield self._fail(exc)
            return
        self._show(out)
        yield rx.scroll_to("import-preview")

    def _refused(self, name: str, message: str) -> None:
        self.phase = "idle"
        self.uploading = False
        self.file_errors = [message]
        self.verdict = message
        self.filename = importer.flow.safe_filename(name)

    def _show(self, out: importer.UploadPreview) -> None:
        c = out["counts"]
        self.phase = "preview"
        self.uploading = False
        self.filename, self.encoding = out["filename"], out["encoding"]
        self.ok, self.verdict = out["ok"], out["verdict"]
        self.file_errors, self.warnings = out["file_errors"], out["warnings"]
        self.errors = [ErrorItem(**e) for e in out["errors"]]
        self.errors_total = c["errors"] - len(out["file_errors"])
        self.rows, self.valid, self.error_rows = c["rows"], c["valid"], c["error_rows"]
        self.columns, self._grid_all = _grid(out["grid_all"])
        _, self._grid_errors = _grid(out["grid_errors"])
        self.only_errors = bool(self._grid_errors)
        self.grid_rows = self._grid_errors if self.only_errors else self._grid_all
        self._token = out["token"]

    @rx.event
    def set_only_errors(self, value: bool):
        self.only_errors = bool(value) and bool(self._grid_errors)
        self.grid_rows = self._grid_errors if self.only_errors else self._grid_all

    @rx.event
    def upload_again(self):
        self._clear()
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    async def start_import(self):
        """I4: import the previewed file (checked again), with a progress bar; all or nothing."""
        if self.phase != "preview" or not self.ok or not self._token:
            yield rx.toast.error("Upload a file without errors first.")
            return
        self.phase, self.progress, self.progress_label = "importing", 0, "Starting"
        yield
        box = {"f": 0.0, "msg": "Checking the file again"}
        lock = threading.Lock()

        def report(f: float, msg: str) -> None:
            with lock:
                box["f"], box["msg"] = f, msg

        task = asyncio.create_task(
            asyncio.to_thread(
                _as_user_call,
                self.session_token,
                importer.import_upload,
                (self._token, self.filename, report),
                {},
            )
        )
        while not task.done():
            await asyncio.wait({task}, timeout=0.4)
            with lock:
                self.progress, self.progress_label = int(box["f"] * 100), box["msg"]
            yield
        self._token = ""
        try:
            res = task.result()
        except ServiceError as exc:
            self.phase = "preview"
            self.ok = False
            self.verdict = str(exc)
            yield self._fail(exc)
            return
        except Exception as exc:  # noqa: BLE001 - logged by _fail, shown as a generic message
            self.phase = "preview"
            self.ok = False
            yield self._fail(exc)
            return
        if res["leads"] >= db.ANALYZE_AFTER_ROWS:
            self.progress_label = "Updating the database's statistics"
            yield
            await asyncio.to_thread(db.analyze, db.get_engine())
        self.phase, self.progress = "done", 100
        self.result_message = res["message"]
        self.result = ImportCounts(
            leads=res["leads"],
            tags=res["tags"],
            new_tags=res["new_tags"],
            notes=res["notes"],
            market_enrolments=res["market_enrolments"],
            campaign_enrolments=res["campaign_enrolments"],
            assigned=res["assigned"],
            batch_id=res["batch_id"],
        )
        yield rx.toast.success(res["message"])
