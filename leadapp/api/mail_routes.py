"""Routes a lead's email client reaches (C5, C6): open pixel, click redirect, unsubscribe.

They take no API key: the signed token in the path is the authority
(services/mail_tokens.py). A bad token never shows an error to the lead: the pixel is
always a pixel, a bad click or unsubscribe link a neutral page with status 404.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from leadapp.db import session_scope
from leadapp.models import Brokerage, utcnow
from leadapp.models.enums import UNSUBSCRIBE_KINDS
from leadapp.services import apikeys, mail_inbound, mail_render, mail_tracking
from leadapp.services.errors import NotFound, ValidationFailed

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


def mail_routes(eng) -> list[Route]:
    async def pixel(request: Request) -> Response:
        token = request.path_params["token"]

        def work():
            with session_scope(eng()) as session:
                mail_tracking.record_open(session, token)

        try:
            await run_in_threadpool(work)
        except Exception:  # never visible to the lead
            log.exception("open pixel failed")
        return Response(mail_tracking.PIXEL, media_type="image/gif", headers=NO_STORE)

    async def click(request: Request) -> Response:
        token = request.path_params["token"]

        def work():
            with session_scope(eng()) as session:
                url, first = mail_tracking.click(session, token)
                return url, first, (None if url else _page(session, None))

        def activity(email_id: int, now):
            try:
                with session_scope(eng()) as session:
                    mail_tracking.click_activity(session, email_id, now)
            except Exception:
                log.exception("email click activity of email %s failed", email_id)

        now = utcnow()
        url, first, page = await run_in_threadpool(work)
        if url:
            # the lead is redirected at once; the activity and rating follow after the answer
            tasks = BackgroundTask(run_in_threadpool, activity, first, now) if first else None
            return RedirectResponse(url, status_code=302, headers=NO_STORE, background=tasks)
        return page

    async def unsubscribe(request: Request) -> Response:
        token = request.path_params["token"]
        form: dict[str, list[str]] = {}
        if request.method == "POST":
            body = await request.body()
            if len(body) <= MAX_FORM:
                form = parse_qs(body.decode("utf-8", errors="replace"))

        saved = SAVED.get(request.query_params.get("saved", ""), "")

        def work():
            with session_scope(eng()) as session:
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

    async def inbound(request: Request) -> Response:
        """POST /mail/inbound: a raw RFC 822 reply (API key of the brokerage)."""
        auth = request.headers.get("authorization", "")
        presented = (
            auth[7:].strip()
            if auth[:7].lower() == "bearer "
            else request.headers.get("x-api-key", "")
        )
        body = await request.body()

        def work():
            with session_scope(eng()) as session:
                key = apikeys.authenticate(session, presented)
                if key is None:
                    return 401, {
                        "error": "A valid API key is required (Authorization: Bearer <key>)."
                    }
                return 201, mail_inbound.receive(session, key.brokerage_id, body)

        try:
            status, payload = await run_in_threadpool(work)
        except ValidationFailed as exc:
            status, payload = 422, {"error": str(exc), "errors": exc.errors}
        except NotFound as exc:
            status, payload = 404, {"error": str(exc)}
        if status == 201 and payload.get("duplicate"):
            status = 200
        return JSONResponse(payload, status_code=status)

    return [
        Route("/mail/inbound", inbound, methods=["POST"]),
        Route("/mail/o/{token}.gif", pixel, methods=["GET"]),
        Route("/mail/c/{token}", click, methods=["GET"]),
        Route("/mail/u/{token}", unsubscribe, methods=["GET", "POST"]),
    ]
