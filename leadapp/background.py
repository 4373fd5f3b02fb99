"""Background work inside the Reflex backend: the periodic job loop."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger("leadapp.background")
TICK_SECONDS = 30


async def job_loop() -> None:
    """Run due jobs every TICK_SECONDS; each job is claimed in the database, so several
    workers share the work without running anything twice."""
    from leadapp.db import get_engine
    from leadapp.services import scheduled

    while True:
        try:
            for name, result in await asyncio.to_thread(scheduled.run_due, get_engine()):
                log.info("job %s: %s", name, result)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("job loop error")
        await asyncio.sleep(TICK_SECONDS)
