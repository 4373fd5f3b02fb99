"""Counts that read only indexes: a one- or two-letter search (L2) through the three prefix
indexes carrying status and agent (the email branch through its covering index), and the
to-do kind filter (T2) through the open-task indexes carrying the kind; the upgrade that
recreates them analyses their tables where the database keeps planner statistics."""

import pytest
import sqlalchemy as sa
from sqlmodel import select

from leadapp.models import User
from leadapp.services import demo_data
from leadapp.services import lead_query as lq

COVER = ("status", "assigned_agent_id")


def _columns(engine, index: str, table: str = "lead") -> list[str]:
    return [c["column_names"] for c in sa.inspect(engine).get_indexes(table) if c["name"] == index][
        0
    ]


@pytest.mark.parametrize("index", ["ix_lead_b_name", "ix_lead_b_first", "ix_lead_b_email"])
def test_prefix_indexes_cover_status_and_agent(engine, index):
    assert _columns(engine, index)[-2:] == list(COVER)


@pytest.mark.sqlite_only
def test_short_search_count_reads_the_covering_indexes(engine, session):
    # a demo brokerage, analysed as the seed leaves it: the plan follows the statistics
    demo_data.load(engine, demo_data.Plan(seed=3, leads=2000, activities=2000, listings=50))
    broker = session.exec(select(User).where(User.role == "broker")).first()
    agent = session.exec(select(User).where(User.role == "agent")).first()
    for user in (broker, agent):
        assert user is not None
        ids = lq.filtered_select(session, user, lq.LeadQuery.parse({"q": "an"}))
        count = sa.select(sa.func.count()).select_from(ids.order_by(None).subquery())
        sql = str(count.compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as c:
            steps = " ".join(r[-1] for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        assert "MULTI-INDEX OR" in steps, steps
        assert "ix_lead_b_email" in steps and "sqlite_autoindex_lead_1" not in steps
        assert "ix_lead_b_first" in steps and "ix_lead_b_name" in steps


@pytest.mark.sqlite_only
def test_upgrade_analyses_the_tables_whose_indexes_it_recreates(tmp_path):
    # statistics for some of a table's indexes and not the others mislead the planner
    from alembic import command
    from leadapp import db as dbmod

    url = f"sqlite:///{tmp_path / 'stats.db'}"
    cfg = dbmod.alembic_config(url)
    command.upgrade(cfg, "h18a_a")
    eng = dbmod.make_engine(url)
    # a few leads and tasks, analysed (the demo load ends with ANALYZE)
    demo_data.load(eng, demo_data.Plan(seed=3, leads=40, activities=40, listings=10))
    command.upgrade(cfg, "head")
    inspector = sa.inspect(eng)
    with eng.connect() as c:
        analysed = {tuple(r) for r in c.exec_driver_sql("SELECT tbl, idx FROM sqlite_stat1")}
    for table in ("lead", "task"):
        names = {i["name"] for i in inspector.get_indexes(table)}
        assert {(table, n) for n in names} <= analysed
    assert _columns(eng, "ix_task_b_open_due", "task")[-1] == "kind"
    command.downgrade(cfg, "h18a_a")
    assert _columns(eng, "ix_lead_b_first") == ["brokerage_id", "first_name"]
    assert _columns(eng, "ix_task_b_open_due", "task") == ["brokerage_id", "completed_at", "due_at"]


@pytest.mark.sqlite_only
def test_kind_filter_counts_open_tasks_from_the_index(engine):
    demo_data.load(engine, demo_data.Plan(seed=3, leads=300, activities=300, listings=10))
    sql = (
        "SELECT count(*) FROM task WHERE brokerage_id = 1 AND kind = 'call' "
        "AND completed_at IS NULL AND due_at >= '2026-01-01'"
    )
    with engine.connect() as c:
        steps = " ".join(r[-1] for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "COVERING INDEX ix_task_b_open_due" in steps, steps
