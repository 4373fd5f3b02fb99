"""GET /export/<token>.csv: the I5 CSV download of a signed-in broker (services/export.py).

Not part of /api/v1: the token, minted by the lead list for one download, is the credential.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from leadapp.db import session_scope
from leadapp.services import export
from leadapp.services.errors import NotFound, PermissionDenied

from .deps import Ctx

router = APIRouter(include_in_schema=False)


@router.get("/export/{token}.csv")
async def export_csv(token: str, ctx: Ctx) -> Response:
    def work():
        with session_scope(ctx.engine()) as session:
            return export.open_download(session, token)

    try:
        export_id, filename = await run_in_threadpool(work)
    except (NotFound, PermissionDenied) as exc:
        return PlainTextResponse(
            str(exc),
            status_code=404 if isinstance(exc, NotFound) else 403,
            headers={"Cache-Control": "no-store"},
        )
    return StreamingResponse(
        export.stream_rows(ctx.engine(), export_id),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
