"""The demo brokerage and its users."""

from __future__ import annotations

import json
from collections.abc import Generator
from datetime import timedelta

import numpy as np

from leadapp.models.enums import DEFAULT_QUICK_EVENTS
from leadapp.services.security import hash_password

from .common import Chunk, Ctx, _iso
from .vocab import AGENTS, BROKER, DEMO_DOMAIN, DEMO_PASSWORD


def org_rows(ctx: Ctx) -> Generator[Chunk, None, np.ndarray]:
    """Yield the brokerage and its users; returns the agents' ids."""
    now, pg = ctx.now, ctx.pg
    pw = hash_password(DEMO_PASSWORD)
    pw = hash_password(DEMO_PASSWORD)
    yield (
        "brokerage",
        (
            "id",
            "name",
            "primary_email",
            "unassigned_pool_enabled",
            "default_agent_id",
            "quick_events",
            "reminder_minutes",
            "timezone",
            "created_at",
        ),
        [
            (
                1,
                "Bayview Realty Group",
                f"office@{DEMO_DOMAIN}",
                True,
                None,
                json.dumps(DEFAULT_QUICK_EVENTS),
                15,
                "America/Los_Angeles",
                _iso(now - timedelta(days=800), pg),
            )
        ],
    )
    users = [(1, 1, BROKER[1], BROKER[0], "broker", "BVR100", pw)] + [
        (i + 2, 1, email, name, "agent", f"BVR{101 + i}", pw)
        for i, (name, email) in enumerate(AGENTS)
    ]
    yield (
        "app_user",
        (
            "id",
            "brokerage_id",
            "email",
            "name",
            "role",
            "agent_code",
            "password_hash",
            "phone",
            "is_active",
            "timezone",
            "list_columns",
            "created_at",
        ),
        [
            u
            + (
                f"(510) 555-01{10 + u[0]:02d}",
                True,
                "America/Los_Angeles",
                "[]",
                _iso(now - timedelta(days=790), pg),
            )
            for u in users
        ],
    )
    agent_ids = np.array([u[0] for u in users[1:]])
    return agent_ids
