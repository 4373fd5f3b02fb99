"""What every part of the demo generator shares: the plan, the random sources, timestamps."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from leadapp.models.timefmt import db_text

# (table, columns, rows): one chunk of generated rows
Chunk = tuple[str, tuple[str, ...], list]

DAY = 86400


@dataclass
class Plan:
    seed: int = 42
    leads: int = 2000
    activities: int = 100_000
    listings: int = 500
    now: datetime | None = None


@dataclass
class Ctx:
    """One run of the generator: the seeded random sources (drawn in a fixed order) and now."""

    rng: np.random.Generator
    rnd: random.Random
    now: datetime
    pg: bool

    @property
    def now_s(self) -> int:
        return int(self.now.timestamp())


def _ts(arr_seconds: np.ndarray, pg: bool) -> list[str]:
    """Epoch seconds -> timestamp text the way SQLAlchemy stores it."""
    s = np.datetime_as_string(
        arr_seconds.astype("datetime64[s]").astype("datetime64[us]"), unit="us"
    )
    out = np.char.replace(s, "T", " ")
    if pg:
        out = np.char.add(out, "+00:00")
    return out.tolist()


def _iso(dt: datetime, pg: bool) -> str:
    s = db_text(dt)
    return s + "+00:00" if pg else s


def plan_now() -> datetime:
    """The demo data's "now" when the plan gives none: this hour (the same data all hour)."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
