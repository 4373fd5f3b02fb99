"""The leadapp Reflex application: pages, HTTP API, background jobs."""

from __future__ import annotations

import logging

import reflex as rx

from leadapp.api import build_api
from leadapp.background import job_loop
from leadapp.pages import (
    account_pages,
    campaigns,
    dashboard,
    import_page,
    lead,
    leads,
    login,
    markets,
    outbox,
    profile_audit,
    routing_page,
    settings,
    showing_sheet,
    todo,
)
from leadapp.security_headers import secure
from leadapp.services.live import redis_listener
from leadapp.state import (
    probe,  # noqa: F401  (the load test's round-trip probe)
    redis_lock,
)
from leadapp.state.url import AddressEcho

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

app = rx.App(
    stylesheets=["/leadapp.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.ico"), rx.script(src="/follow_url.js")],
    # /api/v1 on the app's own port (W1, W2); then security headers and origin checks
    api_transformer=[build_api(), secure],
)

app.add_middleware(AddressEcho())
redis_lock.install()  # several workers: a cancelled event gives its tab's lock back

for page in (
    login,
    dashboard,
    leads,
    lead,
    todo,
    import_page,
    outbox,
    markets,
    campaigns,
    settings,
    account_pages,
    profile_audit,
    routing_page,
    showing_sheet,
):
    page.register(app)

app.register_lifespan_task(job_loop)
app.register_lifespan_task(redis_listener)  # D10 fan-out across workers (REFLEX_REDIS_URL)
