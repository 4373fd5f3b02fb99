"""Bench (L7, I5, G3): bulk changes on "all N matching", the CSV export, a pool claim.

Each row runs the service on the lead-list benchmark database (bench/lead_list.py) beside
a raw limit measured in the same run:
- bulk change: the least SQL that does the same write — one GROUP BY of the roll-up
  dimensions, one set-based UPDATE, one INSERT … SELECT of the history entries — on the
  driver connection. Both run inside a transaction that is rolled back, so every
  repetition changes the same leads.
- export: the same SELECT (and the tag look-ups per chunk) fetched raw, without CSV.
- claim: the bare conditional UPDATE.
"""

from __future__ import annotations

from leadapp.bench import BenchContext, Row, bench, fmt_s, p95, timed

FILTER = {"source": "Zillow"}


def _broker_and_agent(engine):
    from sqlmodel import Session, col, select

    from leadapp.models import User

    with Session(engine) as s:
        broker = s.exec(
            select(col(User.id)).where(col(User.role) == "broker").order_by(col(User.id))
        ).first()
        agent = s.exec(
            select(col(User.id)).where(col(User.role) == "agent").order_by(col(User.id))
        ).first()
    return broker, agent


def _rolled_back(engine, *statements: tuple[str, tuple]):
    """A raw limit: the statements (sql, parameters) on the driver's cursor, each result
    fetched, in a transaction rolled back so every repetition changes the same leads."""

    def raw():
        conn = engine.raw_connection()
        try:
            cur = conn.cursor()
            for sql, params in statements:
                cur.execute(sql, params)
                if cur.description is not None:
                    cur.fetchall()
            cur.close()
        finally:
            conn.rollback()
            conn.close()

    return raw


def _bulk_rows(engine, leads: int, repeat: int) -> list[Row]:
    from sqlmodel import Session, col, select

    from leadapp.models import Lead, User, utcnow
    from leadapp.services import lead_bulk

    broker_id, agent_id = _broker_and_agent(engine)
    with Session(engine) as s:
        n = len(s.exec(select(col(Lead.id)).where(col(Lead.source) == FILTER["source"])).all())
    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")

    def run_app(action, value):
        def app():
            with Session(engine) as s:
                changed = lead_bulk.apply(
                    s, s.get_one(User, broker_id), dict(FILTER), action, value
                )
                s.rollback()
                assert changed > 0

        return app

    def run_raw(sets: str, field: str, new_value: str):
        return _rolled_back(
            engine,
            (
                "SELECT coalesce(assigned_agent_id, 0), status, stage, source, "
                "active_subscriptions > 0, "
                "count(*) FROM lead WHERE brokerage_id = 1 AND source = ? AND status != "
                "'deleted' "
                "GROUP BY 1, 2, 3, 4, 5",
                (FILTER["source"],),
            ),
            (
                "INSERT INTO history_entry (brokerage_id, lead_id, actor_id, kind, title, "
                "body, field, "
                "old_value, new_value, created_at) SELECT brokerage_id, id, ?, 'audit', "
                "'changed', '', ?, "
                f"{field}, ?, ? FROM lead WHERE brokerage_id = 1 AND source = ? AND status != "
                "'deleted'",
                (broker_id, field, new_value, now, FILTER["source"]),
            ),
            (
                f"UPDATE lead SET {sets}, updated_at = ? WHERE brokerage_id = 1 AND source = ? "
                "AND status != 'deleted'",
                (now, FILTER["source"]),
            ),
        )

    cases = [
        (
            "set stage",
            ("stage", "dead"),
            run_raw("stage = 'dead', stage_entered_at = '" + now + "'", "stage", "Dead"),
        ),
        ("add a tag", ("add_tags", "Bench tag"), None),
        (
            "assign to an agent",
            ("assign", str(agent_id)),
            run_raw(f"assigned_agent_id = {agent_id}", "assigned_agent_id", str(agent_id)),
        ),
        ("delete", ("delete", ""), run_raw("status = 'deleted'", "status", "Deleted")),
    ]
    rows = []
    for label, (action, value), raw in cases:
        app = run_app(action, value)
        app()  # warm
        app_s = timed(app, repeat=repeat)
        raw_s = None
        if raw is not None:
            raw()
            raw_s = timed(raw, repeat=repeat)
        rows.append(
            Row(
                f"bulk: {label}, all matching source=Zillow",
                f"{n:,} of {leads:,} leads",
                app_s,
                raw_s,
                "one transaction; history + roll-ups",
                ok=None,
                note=f"{n / app_s:,.0f} leads/s",
            )
        )
    return rows


def _export_row(engine, leads: int) -> Row:
    from sqlmodel import Session, col, select

    from leadapp.models import LeadTag, Tag, User, utcnow
    from leadapp.services import export, lead_query

    broker_id, _ = _broker_and_agent(engine)
    view = {"sort": "name", "dir": "asc"}
    state = {}

    def app():
        with Session(engine) as s:
            token = export.start(s, s.get_one(User, broker_id), view)
            s.commit()
            export_id, _ = export.open_download(s, token)
            s.commit()
        size = 0
        for piece in export.stream_rows(engine, export_id):
            size += len(piece)
        state["bytes"] = size

    with Session(engine) as s:
        user = s.get_one(User, broker_id)
        stmt = lead_query.filtered_select(
            s, user, lead_query.LeadQuery.parse(view), *export.COLUMNS, now=utcnow()
        )
        sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
        tag_sql = str(
            select(col(LeadTag.lead_id), col(Tag.name))
            .join(Tag, col(Tag.id) == col(LeadTag.tag_id))
            .where(col(LeadTag.lead_id).in_([0]))
            .compile(engine, compile_kwargs={"literal_binds": True})
        )

    def raw():
        conn = engine.raw_connection()
        try:
            cur = conn.cursor()
            cur.execute(sql)
            n = 0
            while True:
                part = cur.fetchmany(export.CHUNK)
                if not part:
                    break
                n += len(part)
                ids = ",".join(str(r[0]) for r in part)
                tcur = conn.cursor()
                tcur.execute(tag_sql.replace("(0)", f"({ids})"))
                tcur.fetchall()
                tcur.close()
            state["raw_rows"] = n
        finally:
            conn.close()

    app_s = timed(app, repeat=3)
    raw_s = timed(raw, repeat=3)
    return Row(
        "export: CSV of the whole list (all pages), streamed",
        f"{leads:,} leads",
        app_s,
        raw_s,
        "streamed; memory flat",
        ok=None,
        note=f"{state['raw_rows'] / app_s:,.0f} rows/s, {state['bytes'] / 1e6:.1f} MB",
    )


def _claim_row(engine, leads: int, repeat: int) -> Row:
    import sqlalchemy as sa
    from sqlmodel import Session, col, select

    from leadapp.models import Lead, User
    from leadapp.services import pool

    _, agent_id = _broker_and_agent(engine)
    with Session(engine) as s:
        lead_id = s.exec(
            select(col(Lead.id)).where(col(Lead.assigned_agent_id).is_(None)).order_by(col(Lead.id))
        ).first()
        s.execute(sa.text("UPDATE brokerage SET unassigned_pool_enabled = 1"))
        s.commit()

    def app():
        with Session(engine) as s:
            pool.claim(s, s.get_one(User, agent_id), lead_id)
            s.rollback()

    raw = _rolled_back(
        engine,
        (
            "UPDATE lead SET assigned_agent_id = ? WHERE id = ? AND brokerage_id = 1 "
            "AND assigned_agent_id IS NULL",
            (agent_id, lead_id),
        ),
    )

    app()
    raw()
    app_s, raw_s = p95(app, repeat=repeat), p95(raw, repeat=repeat)
    return Row(
        "pool: claim one lead (p95)",
        f"{leads:,} leads",
        app_s,
        raw_s,
        "conditional UPDATE; exactly one wins",
        ok=None,
        note=f"+{fmt_s(app_s - raw_s)}",
    )


@bench("lead actions: bulk changes, export, claim", order=35)
def lead_actions(ctx: BenchContext) -> list[Row]:
    from leadapp.bench.lead_list import database

    leads = min(ctx.leads, 20_000) if ctx.quick else ctx.leads
    engine = database(ctx.workdir, leads)
    repeat = 3 if ctx.quick else 5
    rows = _bulk_rows(engine, leads, repeat)
    rows.append(_export_row(engine, leads))
    rows.append(_claim_row(engine, leads, 7 if ctx.quick else 25))
    engine.dispose()
    return rows
