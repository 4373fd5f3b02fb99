"""Bulk CSV import (I1-I4): template, decoding, vectorised checks, preview, all-or-nothing import.

pv = build_preview(session, user, data, filename)   # nothing written; pv.errors, pv.warnings
result = import_file(session, user, data, filename) # checks again, then writes in one transaction
"""

from .columns import COLUMNS, guide, template_columns, template_csv
from .decode import decode, parse
from .flow import import_upload, preview_upload, template_for
from .preview import (
    LOOKS_GOOD,
    CellError,
    Counts,
    ErrorRow,
    GridData,
    GuideRow,
    ImportResult,
    ImportResultData,
    Preview,
    PreviewData,
    Template,
    UploadPreview,
)
from .validate import build_preview
from .write import import_file, preview_file, write_preview

__all__ = [
    "COLUMNS",
    "LOOKS_GOOD",
    "CellError",
    "Counts",
    "ErrorRow",
    "GridData",
    "GuideRow",
    "ImportResultData",
    "ImportResult",
    "Preview",
    "PreviewData",
    "Template",
    "UploadPreview",
    "build_preview",
    "decode",
    "guide",
    "import_file",
    "import_upload",
    "parse",
    "preview_file",
    "preview_upload",
    "template_columns",
    "template_csv",
    "template_for",
    "write_preview",
]
