"""Routes a lead's email client reaches (C5, C6): open pixel, click redirect, unsubscribe.

They take no API key: the signed token in the path is the authority
(services/mail_tokens.py); only `POST /mail/inbound` (a reply, from the mail provider's
webhook) takes the brokerage's API key. A bad token never shows an error to the lead: the pixel is
always a pixel, a bad click or unsubscribe link a neutral page with status 404.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from leadapp.db import session_scope
from leadapp.models import Brokerage, utcnow
from leadapp.models.enums import UNSUBSCRIBE_KINDS
from leadapp.services import mail_clicks, mail_inbound, mail_render, mail_tracking

from .deps import Ctx, Key, read_capped
from .errors import KEY_ERRORS, ApiError
from .schemas import Error

log = logging.getLogger("leadapp.mail")
NO_STORE = {"Cache-Control": "no-store, private", "X-Robots-Tag": "noindex"}
_pages = Environment(
    loader=FileSystemLoader(str(mail_render.TEMPLATE_DIR.parent)),
    autoescape=select_autoescape(["html"]),
)
MAX_FORM = 4096
SAVED = {
    "yes": "Your choices are saved.",
    "all": "You are unsubscribed from all marketing email.",
}


def _brand(session, brokerage_id: int | None) -> dict:
    if brokerage_id is None:
        return {"name": "Email preferences", "color": mail_render.DEFAULT_COLOR, "logo_url": ""}
    ident = mail_render.identity(session, brokerage_id)
    b = session.get(Brokerage, brokerage_id)
    color = ident.brand_color if mail_render._COLOR.match(ident.brand_color or "") else None
    return {
        "name": b.name,
        "color": color or mail_render.DEFAULT_COLOR,
        "logo_url": ident.logo_url,
        "postal_address": ident.postal_address,
    }


def _page(session, row, saved: str = "") -> HTMLResponse:
    if row is None:
        html = _pages.get_template("unsubscribe.html").render(
            valid=False, brand=_brand(session, None)
        )
        return HTMLResponse(html, status_code=404, headers=NO_STORE)
    prefs = mail_tracking.preferences(session, row)
    refused = {k: f"{at:%b %-d, %Y}" for k, at in prefs["kinds"].items() if k != "bounced"}
    html = _pages.get_template("unsubscribe.html").render(
        valid=True,
        brand=_brand(session, row.brokerage_id),
        address=prefs["address"],
        kinds=list(UNSUBSCRIBE_KINDS.items()),
        refused=refused,
        saved=saved,
    )
    return HTMLResponse(html, headers=NO_STORE)


router = APIRouter(tags=["mail"])


@router.get("/mail/o/{token}.gif", include_in_schema=False)
async def pixel(token: str, ctx: Ctx) -> Response:
    def work():
        with session_scope(ctx.engine()) as session:
            mail_tracking.record_open(session, token)

    try:
        await run_in_threadpool(work)
    except Exception:  # never visible to the lead
        log.exception("open pixel failed")
    return Response(mail_tracking.PIXEL, media_type="image/gif", headers=NO_STORE)


@router.get("/mail/c/{token}", include_in_schema=False)
async def click(token: str, ctx: Ctx) -> Response:
    def work():
        with session_scope(ctx.engine()) as session:
            url, first = mail_tracking.click(session, token)
            return url, first, (None if url else _page(session, None))

    def activity(email_id: int, now):
        try:
            with session_scope(ctx.engine()) as session:
                mail_clicks.click_activity(session, email_id, now)
        except Exception:
            log.exception("email click activity of email %s failed", email_id)

    now = utcnow()
    url, first, page = await run_in_threadpool(work)
    if url:
        # the lead is redirected at once; the activity and rating follow after the answer
        tasks = BackgroundTask(run_in_threadpool, activity, first, now) if first else None
        return RedirectResponse(url, status_code=302, headers=NO_STORE, background=tasks)
    assert page is not None  # work() renders the page whenever there is no URL
    return page


@router.api_route("/mail/u/{token}", methods=["GET", "POST"], include_in_schema=False)
async def unsubscribe(token: str, request: Request, ctx: Ctx) -> Response:
    form: dict[str, list[str]] = {}
    if request.method == "POST":
        body = await read_capped(request, MAX_FORM)
        if body is not None:
            form = parse_qs(body.decode("utf-8", errors="replace"))
    saved = SAVED.get(request.query_params.get("saved", ""), "")

    def work():
        with session_scope(ctx.engine()) as session:
            row = mail_tracking.unsubscribe_target(session, token)
            if row is None or request.method == "GET":
                return _page(session, row, saved if row is not None else "")
            action = (form.get("action") or [""])[0]
            if action == "save":
                mail_tracking.set_preferences(session, row, set(form.get("refuse", [])))
            elif action == "all" or not action:
                # RFC 8058 one-click (List-Unsubscribe=One-Click) or the page's button
                mail_tracking.one_click(session, token)
            if not action:
                return Response(status_code=200, headers=NO_STORE)
            # the page's forms: post, then show the page again (a reload posts nothing)
            return RedirectResponse(
                f"{request.url.path}?saved={'all' if action == 'all' else 'yes'}",
                status_code=303,
                headers=NO_STORE,
            )

    return await run_in_threadpool(work)


@router.post(
    "/mail/inbound",
    status_code=201,
    summary="File an inbound reply (raw RFC 822)",
    responses={
        200: {"description": "This message was filed before; nothing new is stored."},
        404: {"model": Error, "description": "No lead of this brokerage matches the message."},
        413: {"model": Error, "description": "The message is larger than 2 MB."},
        422: {"model": Error, "description": "Not a readable RFC 822 message."},
        **KEY_ERRORS,
    },
)
async def inbound(key: Key, request: Request, ctx: Ctx) -> Response:
    """The raw message as the body (mail providers' inbound webhooks); the reply is filed on
    the lead it answers, the agent is told and the lead's active campaigns pause."""
    # streamed: a larger message is refused at the cap, never read whole
    body = await read_capped(request, mail_inbound.MAX_BYTES)
    if body is None:
        raise ApiError(413, "The message is larger than 2 MB.")

    def work():
        with session_scope(ctx.engine()) as session:
            return mail_inbound.receive(session, key.brokerage_id, body)

    out = await run_in_threadpool(work)  # ValidationFailed -> 422, NotFound -> 404
    return JSONResponse(out, status_code=200 if out.get("duplicate") else 201)
