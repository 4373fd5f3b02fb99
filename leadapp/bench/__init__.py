"""`leadapp bench`: each row times the app beside the raw limit measured in the same run.

A bench module registers functions with `@bench("name", order=N)`; each takes a
`BenchContext` and returns a list of `Row`s. Rows print as a table:
bench, size, app time, raw limit, ratio, target, verdict.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REGISTRY: list[tuple[int, str, Callable]] = []


@dataclass
class Row:
    bench: str
    size: str
    app_s: float
    raw_s: float | None
    target: str
    ok: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> str:
        return f"{self.app_s / self.raw_s:.2f}x" if self.raw_s else "-"


@dataclass
class BenchContext:
    leads: int
    workdir: Path
    quick: bool = False
    only: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict)


def bench(name: str, order: int = 100):
    def deco(fn):
        REGISTRY.append((order, name, fn))
        return fn

    return deco


def _wall_times(fn: Callable, repeat: int) -> list[float]:
    """The wall time of each of `repeat` runs of fn(), in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def timed(fn: Callable, repeat: int = 1) -> float:
    """Median wall time of fn() over `repeat` runs, in seconds."""
    return statistics.median(_wall_times(fn, repeat))


def p95(fn: Callable, repeat: int = 20) -> float:
    """The 95th percentile of fn()'s wall time over `repeat` runs, in seconds."""
    times = sorted(_wall_times(fn, repeat))
    return times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def capture_sql(engine, fn: Callable) -> list[tuple[str, tuple]]:
    """The SQL statements (with their parameters) that fn() sends to engine: what a raw limit
    replays.
    """
    from sqlalchemy import event

    seen: list[tuple[str, tuple]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(
            (statement, tuple(parameters) if isinstance(parameters, (list, tuple)) else parameters)
        )

    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return [
        (s, p)
        for s, p in seen
        if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))
    ]


def replay_sql(engine, statements: list[tuple[str, tuple]]) -> Callable[[], None]:
    """A raw limit: run these statements straight on the driver's cursor, fetching every row."""

    def raw() -> None:
        with engine.connect() as conn:
            cur = conn.connection.dbapi_connection.cursor()
            for sql, params in statements:
                cur.execute(sql, params)
                cur.fetchall()
            cur.close()

    return raw


def fmt_s(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def print_table(rows: list[Row]) -> None:
    head = ("bench", "size", "app", "raw limit", "ratio", "target", "")
    table = [head] + [
        (
            r.bench,
            r.size,
            fmt_s(r.app_s),
            fmt_s(r.raw_s),
            r.ratio,
            r.target,
            ("ok" if r.ok else "MISSED" if r.ok is not None else "")
            + (f" {r.note}" if r.note else ""),
        )
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(head))]
    for k, row in enumerate(table):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
