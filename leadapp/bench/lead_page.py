"""Bench (P1–P18): opening a lead with 10,000 activities vs the raw queries behind it.

"Opening" is what the page does on load: the header (contact, tags, rating with its
reasons, tab counts) and the first page of the Activity tab, through the services as an
agent. The raw limit runs the same SQL statements (the ones the services sent, captured
and replayed) directly on the driver connection, fetching every row.
"""

from __future__ import annotations

import random
import shutil
from datetime import timedelta

from leadapp.bench import BenchContext, Row, bench, capture_sql, p95, replay_sql
from leadapp.bench.common import insert_activities

N_ACTIVITIES = 10_000


def _database(ctx: BenchContext):
    from leadapp import db
    from leadapp.bench.databases import fresh_database, postgres_url
    from leadapp.services import demo_data

    path = ctx.workdir / "lead_page.db"
    if postgres_url():  # a PostgreSQL database of its own, seeded like the SQLite fallback
        engine = fresh_database(path)
        leads = min(ctx.leads, 5000)
        demo_data.load(
            engine, demo_data.Plan(seed=7, leads=leads, activities=leads * 10, listings=500)
        )
        return engine
    if path.exists():
        path.unlink()
    seeded = ctx.cache.get("seeded_db")
    url = f"sqlite:///{path}"
    if seeded and seeded.exists():
        shutil.copy(seeded, path)
        engine = db.make_engine(url)
    else:
        db.upgrade(url)
        engine = db.make_engine(url)
        leads = min(ctx.leads, 5000)
        demo_data.load(
            engine, demo_data.Plan(seed=7, leads=leads, activities=leads * 10, listings=500)
        )
    return engine


def _busy_lead(engine) -> tuple[int, int]:
    """The agent's lead given 10,000 activities (ids: lead, agent)."""
    import sqlalchemy as sa
    from sqlmodel import Session, col, select

    from leadapp.models import Lead, Listing, User, utcnow
    from leadapp.models.enums import ACTIVITY_KINDS
    from leadapp.services import rating

    with Session(engine) as s:
        agent = s.exec(select(User).where(col(User.role) == "agent").order_by(col(User.id))).first()
        assert agent is not None and agent.id is not None  # the demo brokerage has agents
        lead = s.exec(
            select(Lead).where(col(Lead.assigned_agent_id) == agent.id).order_by(col(Lead.id))
        ).first()
        assert lead is not None and lead.id is not None  # ... each holding leads
        listing_ids = list(s.exec(select(col(Listing.id)).limit(500)).all())
        lead_id, brokerage_id = lead.id, lead.brokerage_id
    rnd = random.Random(4)
    now = utcnow()
    kinds = list(ACTIVITY_KINDS)
    rows, score = [], 0.0
    for i in range(N_ACTIVITIES):
        kind = rnd.choice(kinds)
        when = now - timedelta(minutes=37 * i)
        if when >= now - rating.WINDOW:
            score += rating.term(kind, when)
        rows.append(
            (
                brokerage_id,
                lead_id,
                kind,
                when.strftime("%Y-%m-%d %H:%M:%S.%f"),
                when.strftime("%Y-%m-%d %H:%M:%S.%f"),
                rnd.choice(listing_ids) if kind == "listing_view" else None,
                "",
            )
        )
    with engine.begin() as conn:
        insert_activities(conn, ("listing_id", "details"), rows)
        conn.execute(
            sa.text(
                "UPDATE lead SET rating_score = rating_score + :s, last_activity_at = :t WHERE id "
                "= :i"
            ),
            {"s": score, "t": now.strftime("%Y-%m-%d %H:%M:%S.%f"), "i": lead_id},
        )
    return lead_id, agent.id


@bench("lead page: open a lead with 10,000 activities", order=40)
def open_busy_lead(ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session

    from leadapp.bench.databases import postgres_url
    from leadapp.models import User
    from leadapp.services import lead_page

    engine = _database(ctx)
    lead_id, agent_id = _busy_lead(engine)
    if postgres_url():  # steady state, as the shared demo databases: visibility map and stats
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")

    def app():
        with Session(engine) as s:
            user = s.get_one(User, agent_id)
            lead_page.lead_header(s, user, lead_id)
            lead_page.activity_page(s, user, lead_id, "", 0)

    app()  # the raw limit replays the statements the services sent, on the driver's cursor
    raw = replay_sql(engine, capture_sql(engine, app))

    app()
    raw()  # warm both
    app_s = p95(app, repeat=15)
    raw_s = p95(raw, repeat=15)
    engine.dispose()
    return [
        Row(
            "lead page: open a lead with 10,000 activities (p95)",
            f"{N_ACTIVITIES:,} activities",
            app_s,
            raw_s,
            "< 1 s",
            ok=app_s < 1.0,
        )
    ]
