"""The Import page's service calls: template, upload + preview, import of the stored upload.

Plain functions `fn(session, user, ...)`; the page state calls them through `_with_user`.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from sqlmodel import Session

from leadapp.models import User
from leadapp.services import access
from leadapp.services.errors import ServiceError

from . import storage
from .columns import guide, template_csv
from .preview import ImportResultData, Template, UploadPreview
from .validate import build_preview
from .write import Progress, import_file

MAX_LISTED_ERRORS = 500
GRID_ROWS = 200


def safe_filename(name: str) -> str:
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f]", "", base).strip()[:200]
    return base or "import.csv"


def template_for(session: Session, user: User) -> Template:
    """I1: the template and its column guide; a broker's has the Agent ID column."""
    broker = access.is_broker(user)
    return {
        "filename": "leadapp-import-template" + ("-broker" if broker else "") + ".csv",
        "csv": template_csv(broker),
        "guide": guide(broker),
    }


def preview_upload(session: Session, user: User, data: bytes, filename: str) -> UploadPreview:
    """Store the upload privately and check it (I3); nothing is written to the database."""
    assert user.id is not None
    filename = safe_filename(filename)
    token = storage.save(user.id, data)
    try:
        pv = build_preview(session, user, data, filename)
    except ServiceError:
        storage.discard(user.id, token)
        raise
    if not pv.ok:
        storage.discard(user.id, token)  # a file with errors is never imported; it comes again
    return UploadPreview(
        **pv.to_dict(max_errors=MAX_LISTED_ERRORS),
        token=token if pv.ok else "",
        grid_all=pv.grid(only_errors=False, limit=GRID_ROWS),
        grid_errors=pv.grid(only_errors=True, limit=GRID_ROWS),
    )


def import_upload(
    session: Session, user: User, token: str, filename: str, progress: Progress | None = None
) -> ImportResultData:
    """I4: import the stored upload (checked again, all or nothing); the upload is then removed."""
    assert user.id is not None
    data = storage.load(user.id, token)
    result = import_file(session, user, data, safe_filename(filename), progress=progress)
    storage.discard(user.id, token)
    return result.to_dict()
