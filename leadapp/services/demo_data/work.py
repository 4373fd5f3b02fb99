"""The demo history (creation entries, notes, calls, quick events) and tasks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np

from leadapp.models.enums import DEFAULT_QUICK_EVENTS

from .common import Chunk, Ctx, _iso, _ts
from .leads import LeadArrays


def history_chunks(ctx: Ctx, la: LeadArrays) -> Iterator[Chunk]:
    rng, rnd, now_s, pg, n = ctx.rng, ctx.rnd, ctx.now_s, ctx.pg, la.n
    created_s, created_txt, assigned = la.created_s, la.created_txt, la.assigned
    # ---- history: creation entries, notes, calls, quick events
    hist = []
    notes = [
        "Prefers text over calls.",
        "Looking near good schools.",
        "Wants a yard for the dog.",
        "Pre-approved up to $1.1M with First Bay Credit Union.",
        "Selling current condo first.",
        "Call back after the holidays.",
        "Interested in open houses this weekend.",
    ]
    for i in range(n):
        hist.append(
            (
                len(hist) + 1,
                1,
                i + 1,
                int(assigned[i]) or 1,
                "created",
                "Lead created",
                "",
                None,
                None,
                None,
                created_txt[i],
            )
        )
    for i in rng.choice(n, int(n * 0.6), replace=False).tolist():
        actor = int(assigned[i]) or 1
        t = created_s[i] + int((now_s - created_s[i]) * rnd.random())
        kind = rnd.choice(["note", "call", "quick_event", "quick_event"])
        title = {"note": "Note", "call": "Phone call"}.get(kind) or rnd.choice(DEFAULT_QUICK_EVENTS)
        hist.append(
            (
                len(hist) + 1,
                1,
                i + 1,
                actor,
                kind,
                title,
                rnd.choice(notes) if kind != "quick_event" else "",
                None,
                None,
                None,
                _ts(np.array([t]), pg)[0],
            )
        )
    yield (
        "history_entry",
        (
            "id",
            "brokerage_id",
            "lead_id",
            "actor_id",
            "kind",
            "title",
            "body",
            "field",
            "old_value",
            "new_value",
            "created_at",
        ),
        hist,
    )


def task_chunks(ctx: Ctx, la: LeadArrays, agent_ids: np.ndarray) -> Iterator[Chunk]:
    rnd, now, pg, n, assigned = ctx.rnd, ctx.now, ctx.pg, la.n, la.assigned
    # ---- tasks: some overdue, some due today, some later, some done
    tasks = []
    titles = {
        "todo": ["Send comps", "Follow up on pre-approval", "Prepare CMA", "Update listing alert"],
        "call": ["Check-in call", "Call about offer"],
        "showing": ["Showing", "Second showing"],
        "meeting": ["Listing presentation", "Buyer consultation"],
    }
    n_tasks = max(40, n // 6)
    for k in range(n_tasks):
        li = rnd.randrange(n)
        owner = int(assigned[li]) or int(rnd.choice(agent_ids.tolist()))
        kind = rnd.choice(["todo", "todo", "call", "showing", "meeting"])
        r = rnd.random()
        if r < 0.2:
            due = now - timedelta(days=rnd.randint(1, 10), hours=rnd.randint(0, 8))
        elif r < 0.35:
            due = now.replace(hour=rnd.randint(15, 23)) + timedelta(minutes=rnd.choice([0, 30]))
        else:
            due = now + timedelta(days=rnd.randint(1, 30), hours=rnd.randint(0, 8))
        done = _iso(due - timedelta(hours=2), pg) if r < 0.1 else None
        tasks.append(
            (
                k + 1,
                1,
                owner,
                li + 1 if rnd.random() < 0.85 else None,
                kind,
                rnd.choice(titles[kind]),
                "",
                _iso(due, pg),
                done,
                None,
                _iso(due - timedelta(days=3), pg),
                owner,
            )
        )
    yield (
        "task",
        (
            "id",
            "brokerage_id",
            "owner_id",
            "lead_id",
            "kind",
            "title",
            "notes",
            "due_at",
            "completed_at",
            "reminded_at",
            "created_at",
            "created_by_id",
        ),
        tasks,
    )
