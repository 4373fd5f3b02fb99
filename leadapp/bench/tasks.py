"""Bench: the to-do page (T1, T2) and the reminder check (T4) on the demo brokerage, beside
raw SQL reading the same rows through the driver."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.bench import BenchContext, Row, bench, p95


def _engine(ctx: BenchContext):
    from leadapp import db
    from leadapp.bench.databases import demo_database, postgres_url
    from leadapp.services import demo_data

    if postgres_url():
        return demo_database(ctx.workdir, ctx.leads)
    path = ctx.cache.get("seeded_db")
    if path is None or not path.exists():
        path = ctx.workdir / "tasks_bench.db"
        if not path.exists():
            url = f"sqlite:///{path}"
            db.upgrade(url)
            eng = db.make_engine(url)
            demo_data.load(
                eng,
                demo_data.Plan(
                    seed=7,
                    leads=ctx.leads,
                    activities=ctx.leads * 2,
                    listings=min(5000, max(500, ctx.leads // 200)),
                ),
            )
            eng.dispose()
    return db.make_engine(f"sqlite:///{path}")


@bench("to-do page: sections", order=70)
def todo_page(ctx: BenchContext) -> list[Row]:
    from sqlmodel import col

    from leadapp.models import Lead, Task, User, utcnow
    from leadapp.services import tasks as svc
    from leadapp.services.rows import table_of

    eng = _engine(ctx)
    rows = []
    with Session(eng) as s:
        broker = s.exec(select(User).where(col(User.role) == "broker")).first()
        agent = s.exec(select(User).where(col(User.role) == "agent")).first()
        assert broker is not None and agent is not None  # the demo brokerage has both
        n_tasks = s.exec(select(sa.func.count()).select_from(Task)).one()
        now = utcnow()
        _, end = svc.day_bounds(agent, now)
        for who, user, params, owner in (
            ("agent", agent, {}, True),
            ("broker, everyone", broker, {"agent": "all"}, False),
        ):
            app = p95(lambda u=user, p=params: svc.list_tasks(s, u, p, now=now), repeat=15)

            def raw(user=user, owner=owner):
                # the same three sections through SQLAlchemy Core, joined with lead and owner names
                t, ld, u = table_of(Task), table_of(Lead), table_of(User)
                base = [t.c.brokerage_id == user.brokerage_id, t.c.completed_at.is_(None)]
                if owner:
                    base.append(t.c.owner_id == user.id)
                with eng.connect() as c:
                    for cond in (
                        t.c.due_at < now,
                        sa.and_(t.c.due_at >= now, t.c.due_at < end),
                        t.c.due_at >= end,
                    ):
                        c.execute(
                            sa.select(t, ld.c.first_name, ld.c.last_name, u.c.name)
                            .select_from(
                                t.outerjoin(ld, ld.c.id == t.c.lead_id).join(
                                    u, u.c.id == t.c.owner_id
                                )
                            )
                            .where(*base, cond)
                            .order_by(t.c.due_at, t.c.id)
                            .limit(200)
                        ).fetchall()

            raw_s = p95(raw, repeat=15)
            rows.append(
                Row(
                    f"to-do page p95 ({who})",
                    f"{n_tasks:,} tasks",
                    app,
                    raw_s,
                    "< 100 ms",
                    ok=app < 0.1,
                )
            )
        app = p95(lambda: (svc.due_reminders(s, agent, now), s.rollback()), repeat=15)
        rows.append(
            Row(
                "reminder check p95 (one tab)",
                f"{n_tasks:,} tasks",
                app,
                None,
                "< 20 ms",
                ok=app < 0.02,
            )
        )
        s.rollback()
    eng.dispose()
    return rows
