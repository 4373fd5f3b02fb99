"""A one- or two-letter search (L2) counts its matches from the indexes alone: the three
prefix indexes carry status and agent, the email branch reads its covering index, and a
database whose planner keeps statistics gets them for the new indexes at the upgrade."""

import pytest
import sqlalchemy as sa
from sqlmodel import select

from leadapp.models import User
from leadapp.services import demo_data
from leadapp.services import lead_query as lq

COVER = ("status", "assigned_agent_id")


def _columns(engine, index: str) -> list[str]:
    return [
        c["column_names"] for c in sa.inspect(engine).get_indexes("lead") if c["name"] == index
    ][0]


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
def test_upgrade_gives_the_new_indexes_planner_statistics(tmp_path):
    from alembic import command
    from leadapp import db as dbmod

    url = f"sqlite:///{tmp_path / 'stats.db'}"
    cfg = dbmod.alembic_config(url)
    command.upgrade(cfg, "h18a_a")
    eng = dbmod.make_engine(url)
    # a few leads, analysed (the demo load ends with ANALYZE): the planner keeps statistics
    demo_data.load(eng, demo_data.Plan(seed=3, leads=40, activities=40, listings=10))
    command.upgrade(cfg, "h13_a")
    with eng.connect() as c:
        analysed = {r[0] for r in c.exec_driver_sql("SELECT idx FROM sqlite_stat1")}
    assert {"ix_lead_b_name", "ix_lead_b_first", "ix_lead_b_email"} <= analysed
    command.downgrade(cfg, "h18a_a")
    assert _columns(eng, "ix_lead_b_first") == ["brokerage_id", "first_name"]
