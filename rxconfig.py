"""Reflex configuration for leadapp.

Only REFLEX_* environment variables are read: REFLEX_DB_URL selects the database
(SQLite in ./data by default), REFLEX_REDIS_URL enables Redis for several workers.
"""

import reflex as rx

from leadapp.settings import allowed_origins, database_url

config = rx.Config(
    app_name="leadapp",
    db_url=database_url(),
    telemetry_enabled=False,
    # Not Reflex's default "*": only these origins get CORS answers (with credentials), and
    # the websocket checks Origin (leadapp/security_headers.py).
    cors_allowed_origins=allowed_origins(),
    show_built_with_reflex=False,
    # With Redis, a tab's state lock expires after this many ms (Reflex's default: 10 s). A
    # sign-in waits for its password hash while holding it; in a sign-in storm (200 agents
    # at once on 2 cores) that wait passed 10 s and the sign-in failed with "An error occurred".
    redis_lock_expiration=30_000,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            # solid panels: a translucent card or table is a 64 px backdrop blur, redrawn in
            # every frame that changes anything beneath it (a page of rows: two such layers)
            theme=rx.theme(
                accent_color="indigo", gray_color="slate", radius="medium", panel_background="solid"
            ),
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
