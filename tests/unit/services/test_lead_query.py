"""The lead-list query service (L1-L5, G2, G3) on SQLite and PostgreSQL."""

from datetime import timedelta
from itertools import product
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from leadapp.models import Brokerage, Lead, utcnow
from leadapp.services import history, rating, rollups
from leadapp.services import lead_query as lq
from leadapp.services import leads as lead_svc
from leadapp.services import tags as tag_svc
from leadapp.services.lead_query import LeadQuery
from leadapp.services.lead_query import page as lq_page
from leadapp.services.lead_query import plan as lq_plan


def names(page) -> list[str]:
    return [r["name"] for r in page["rows"]]


def test_parse_drops_invalid_values_and_round_trips():
    q = LeadQuery.parse(
        {
            "q": "  Ann   Lee ",
            "agent": "x1",
            "type": "buyer,alien,SELLER",
            "status": "deleted,zzz",
            "stage": "closed",
            "rating": "3,9,0",
            "source": "Zillow",
            "subscribed": "maybe",
            "tags": "Hot, hot ,VIP",
            "idle": "-4",
            "view": "everything",
            "sort": "password",
            "dir": "sideways",
            "page": "0",
            "size": "5000",
            "closed_year": "20x",
        }
    )
    assert (
        q.q == "Ann Lee"
        and q.agent == ""
        and q.types == ("buyer", "seller")
        and q.statuses == ("deleted",)
    )
    assert q.ratings == (3, 0) and q.subscribed == "" and q.tags == ("Hot", "VIP") and q.idle == 0
    assert (q.view, q.sort, q.dir, q.page, q.size) == ("", "created", "desc", 1, 20)
    assert q.filter_count == 6  # type, status, stage, rating, source, tags
    assert LeadQuery.parse(q.to_params()) == q
    assert LeadQuery.parse(
        {"agent": "unassigned", "size": "50", "page": "3", "sort": "rating", "dir": "asc"}
    ).to_params() == {
        "agent": "unassigned",
        "sort": "rating",
        "dir": "asc",
        "size": "50",
        "page": "3",
    }
    junk: Any = "junk"  # not a mapping, on purpose
    assert LeadQuery.parse(None) == LeadQuery() and LeadQuery.parse(junk) == LeadQuery()
    assert LeadQuery.parse({"q": "x" * 500}).q == "x" * 100


def _mk(make_lead, user, **kw):
    return make_lead(user, **kw)


def test_agent_never_sees_another_agents_leads_whatever_is_sent(session, org, other_org, make_lead):

    mine = make_lead(org.agent, first_name="Mine", last_name="Lead", phone="415-555-0101")
    theirs = make_lead(org.agent2, first_name="Theirs", last_name="Lead", phone="415-555-0102")
    pool = make_lead(org.broker, first_name="Pool", last_name="Lead")
    make_lead(other_org.broker, first_name="Other", last_name="Org")
    session.exec(
        sa.update(Brokerage)
        .where(col(Brokerage.id) == org.brokerage.id)
        .values(unassigned_pool_enabled=True)
    )
    session.commit()
    keys = {
        "agent": ["", str(org.agent2.id), "unassigned", str(org.broker.id)],
        "view": ["", "unassigned"],
        "status": ["", "new,active,inactive,deleted"],
        "q": ["", "lead", "Theirs", "415555", "le"],
        "sort": ["name", "agent"],
    }
    for combo in product(*keys.values()):
        params = dict(zip(keys, combo, strict=False))
        page = lq.list_page(session, org.agent, params)
        ids = {r["id"] for r in page["rows"]}
        assert theirs.id not in ids, params
        assert ids <= {mine.id, pool.id}, params
        if pool.id in ids:
            assert params["view"] == "unassigned" and ids == {pool.id}, params
        assert page["total"] == len(ids), params
        assert set(lq.matching_ids(session, org.agent, page["query"].filters())) == ids
    # pool switched off: view=unassigned falls back to the agent's own leads
    session.exec(
        sa.update(Brokerage)
        .where(col(Brokerage.id) == org.brokerage.id)
        .values(unassigned_pool_enabled=False)
    )
    session.commit()
    page = lq.list_page(session, org.agent, {"view": "unassigned"})
    assert {r["id"] for r in page["rows"]} == {mine.id} and page["query"].view == ""
    # brokers see the whole brokerage and never another brokerage
    page = lq.list_page(session, org.broker, {})
    assert {r["id"] for r in page["rows"]} == {mine.id, theirs.id, pool.id} and page["total"] == 3
    assert lq.list_page(session, org.broker, {"agent": str(org.agent2.id)})["total"] == 1
    assert names(lq.list_page(session, org.broker, {"view": "unassigned"})) == ["Pool Lead"]
    assert names(lq.list_page(session, org.broker, {"agent": "unassigned"})) == ["Pool Lead"]
    assert lq.list_page(session, other_org.broker, {"agent": str(org.agent.id)})["total"] == 0


def test_search_by_name_email_and_phone_digits_however_typed(session, org, make_lead):

    make_lead(
        first_name="Mary Ann", last_name="O'Neil", email="mao@example.com", phone="(415) 555-0199"
    )
    make_lead(
        first_name="Bob", last_name="Stone", email="bob.stone@corp.test", phone="650.555.1234"
    )
    make_lead(first_name="", last_name="", email="nobody@quiet.test")
    for q, want in [
        ("mary", ["Mary Ann O'Neil"]),
        ("ANN O'N", ["Mary Ann O'Neil"]),
        ("ston", ["Bob Stone"]),
        ("corp.te", ["Bob Stone"]),
        ("415-555-01", ["Mary Ann O'Neil"]),
        ("(650) 555", ["Bob Stone"]),
        ("5551234", ["Bob Stone"]),
        ("quiet", ["nobody@quiet.test"]),
        ("bo", ["Bob Stone"]),
        ("B", ["Bob Stone"]),
        ("65", ["Bob Stone"]),
        ("zzz", []),
        ('"; drop', []),
        ("100%", []),
        ("a_b", []),
    ]:
        page = lq.list_page(session, org.broker, {"q": q, "sort": "name", "dir": "asc"})
        assert names(page) == want, q
        assert page["total"] == len(want), q
    # renaming is searchable at once (triggers / live expression index)
    lead = session.exec(select(Lead).where(col(Lead.first_name) == "Bob")).one()
    lead_svc.update_lead(
        session, org.broker, lead.id, {"first_name": "Robert", "phone": "707 555 9876"}
    )
    session.commit()
    assert names(lq.list_page(session, org.broker, {"q": "robert"})) == ["Robert Stone"]
    assert names(lq.list_page(session, org.broker, {"q": "bob s"})) == []
    assert names(lq.list_page(session, org.broker, {"q": "7075559"})) == ["Robert Stone"]
    assert names(lq.list_page(session, org.broker, {"q": "6505551"})) == []


def test_filters_sort_and_paging(session, org, make_lead):

    now = utcnow()
    a = make_lead(org.agent, first_name="Ann", last_name="Able", lead_type="buyer", source="Zillow")
    b = make_lead(
        org.agent2, first_name="Ben", last_name="Baker", lead_type="seller", source="Referral"
    )
    c = make_lead(
        org.broker, first_name="Cy", last_name="Cole", lead_type="renter", source="Zillow"
    )
    d = make_lead(org.agent, first_name="Di", last_name="Dunn", lead_type="buyer", source="Zillow")
    lead_svc.set_status(session, org.broker, [d.id], "deleted")
    lead_svc.set_stage(session, org.broker, [b.id, c.id], "nurturing")
    tag_svc.add_tags(session, org.broker, [a.id, c.id], ["Hot"])
    session.exec(
        sa.update(Lead)
        .where(col(Lead.id) == a.id)
        .values(rating_score=50.0, last_activity_at=now, active_subscriptions=2)
    )
    session.exec(
        sa.update(Lead).where(col(Lead.id) == b.id).values(rating_score=5.0, last_activity_at=now)
    )
    # c's activity left the six-month window long ago: the hourly ageing took its score to 0
    session.exec(
        sa.update(Lead)
        .where(col(Lead.id) == c.id)
        .values(rating_score=0.0, last_activity_at=now - timedelta(days=400))
    )
    rollups.rebuild(session, org.brokerage.id)  # the raw updates above bypassed the roll-ups
    session.commit()
    rating.refresh_cutoffs(session, org.brokerage.id, now)
    session.commit()
    br = org.broker

    def ids(**params):
        return [r["id"] for r in lq.list_page(session, br, params, now=now)["rows"]]

    assert set(ids()) == {a.id, b.id, c.id}  # deleted hidden by default
    assert ids(status="deleted") == [d.id]
    assert ids(sort="name", dir="asc") == [a.id, b.id, c.id]
    assert ids(sort="name", dir="desc") == [c.id, b.id, a.id]
    assert ids(sort="rating", dir="desc") == [a.id, b.id, c.id]
    assert ids(sort="last_activity", dir="desc") == [
        b.id,
        a.id,
        c.id,
    ]  # same time: id breaks the tie
    assert ids(sort="last_activity", dir="asc") == [c.id, a.id, b.id]
    assert ids(sort="type", dir="asc") == [a.id, c.id, b.id]  # buyer, renter, seller
    assert ids(sort="agent", dir="asc")[-1] == c.id  # unassigned last
    assert set(ids(type="buyer,renter")) == {a.id, c.id}
    assert ids(stage="nurturing", source="Zillow") == [c.id]
    assert ids(subscribed="yes") == [a.id] and set(ids(subscribed="no")) == {b.id, c.id}
    assert ids(rating="0") == [c.id] and set(ids(rating="3,2,1")) == {a.id, b.id}
    stars = {r["id"]: r["stars"] for r in lq.list_page(session, br, {}, now=now)["rows"]}
    for s in (0, 1, 2, 3):
        assert set(ids(rating=str(s))) == {i for i, v in stars.items() if v == s}
    assert ids(tags="nope") == []
    assert set(ids(tags="hot")) == {a.id, c.id} and set(ids(tags="Hot,nope", type="renter")) == {
        c.id
    }
    history.add_entry(
        session, a, br, "call", title="Phone call", created_at=now - timedelta(days=2)
    )
    session.commit()
    assert set(ids(idle="7")) == {b.id, c.id} and set(ids(idle="1")) == {a.id, b.id, c.id}
    # paging: 1-based pages, sizes 20/50/100, a page past the end shows the last page
    for i in range(45):
        make_lead(first_name=f"P{i:02d}")
    page = lq.list_page(
        session, br, {"size": "20", "page": "3", "sort": "created", "dir": "asc"}, now=now
    )
    assert (page["total"], page["pages"], page["page"], page["first"], page["last"]) == (
        48,
        3,
        3,
        41,
        48,
    )
    for sort in ("created", "name", "rating", "last_activity", "type"):
        for direction in ("asc", "desc"):
            assert len(lq.matching_ids(session, br, {"sort": sort, "dir": direction})) == 48
            q = LeadQuery.parse({"sort": sort, "dir": direction, "page": "2"})
            ordered = list(session.exec(lq.filtered_select(session, br, q, now=now)).all())
            assert [r["id"] for r in lq.list_page(session, br, q, now=now)["rows"]] == ordered[
                20:40
            ], sort
    page = lq.list_page(session, br, {"size": "50", "page": "99"}, now=now)
    assert (page["page"], len(page["rows"])) == (1, 48)


def test_rollup_count_equals_direct_count(session, org, make_lead):
    for i in range(12):
        lead = make_lead(
            [org.agent, org.agent2, org.broker][i % 3], source=["Zillow", "Referral"][i % 2]
        )
        if i % 4 == 0:
            lead_svc.set_stage(session, org.broker, [lead.id], "closed")
        if i % 5 == 0:
            lead_svc.set_status(session, org.broker, [lead.id], "inactive")
    session.commit()
    year = utcnow().year
    for user in (org.broker, org.agent):
        for params in (
            {},
            {"status": "inactive"},
            {"stage": "closed", "closed_year": str(year)},
            {"source": "Zillow", "subscribed": "no"},
            {"agent": "unassigned"},
            {"agent": str(org.agent.id), "stage": "uncontacted,closed"},
        ):
            plan = lq_plan._plan(session, user, LeadQuery.parse(params))
            assert plan.rollup is not None, params
            direct = session.exec(
                select(sa.func.count()).select_from(Lead).where(*plan.where)
            ).one()
            assert lq.count(session, user, LeadQuery.parse(params)) == direct, (user.role, params)


def test_filter_options_and_fts_trigger_on_delete(session, org, make_lead):
    lead = make_lead(first_name="Gone", last_name="Soon", phone="(212) 555-0142")
    assert lq.list_page(session, org.broker, {"q": "2555014"})["total"] == 1
    opts = lq.filter_options(session, org.broker)
    assert [a["name"] for a in opts["agents"]] == sorted(a["name"] for a in opts["agents"]) and len(
        opts["agents"]
    ) == 3
    assert (
        "Manual entry" in opts["sources"] and lq.filter_options(session, org.agent)["agents"] == []
    )
    session.delete(session.get(Lead, lead.id))
    session.commit()
    assert lq.list_page(session, org.broker, {"q": "gone"})["total"] == 0
    assert lq.list_page(session, org.broker, {"q": "2555014"})["total"] == 0
    if session.get_bind().dialect.name == "sqlite":  # the phone suffixes went with the lead
        assert (
            session.execute(
                sa.text("SELECT count(*) FROM lead_fts_phone WHERE lead_id = :i"), {"i": lead.id}
            ).scalar()
            == 0
        )


def test_tags_match_case_insensitively_beyond_ascii(session, org, make_lead):
    """SQLite's lower() folds ASCII only: 'ÜBER' must still find, reuse, remove the tag 'Über'."""
    a = make_lead(org.agent, first_name="Una")
    b = make_lead(org.agent, first_name="Otto")
    tag_svc.add_tags(session, org.broker, [a.id], ["Über"])
    tag_svc.add_tags(session, org.broker, [b.id], ["ÜBER"])  # the same tag, not a second one
    assert list(tag_svc.ids_by_name(session, org.broker.brokerage_id, ["über"])) == ["über"]
    found = {r["id"] for r in lq.list_page(session, org.broker, {"tags": "über"})["rows"]}
    assert found == {a.id, b.id}
    assert tag_svc.remove_tags(session, org.broker, [a.id, b.id], ["üBeR"]) == 2
    assert lq.list_page(session, org.broker, {"tags": "Über"})["rows"] == []


def test_small_search_read_in_one_pass_pages_like_count_then_page(
    session, org, make_lead, monkeypatch
):
    """A search with few matches reads its ordered ids once (SQLite); every page, total and
    order equals the usual count-then-page result."""

    for i in range(45):
        who = [org.agent, org.agent2, None][i % 3]
        data = {
            "email": f"pager{i}@x.test",
            "first_name": f"Pat{i % 7}",
            "last_name": "Pager",
            "phone": f"(510) 555-{1200 + i:04d}",
            "lead_type": ["buyer", "seller", ""][i % 3],
        }
        make_lead(who, **data) if who else make_lead(**data)
    lead_svc.set_status(
        session,
        org.broker,
        [session.exec(select(col(Lead.id)).where(col(Lead.email) == "pager4@x.test")).one()],
        "deleted",
    )
    session.commit()
    cases = [
        ({"q": "pager"}, org.broker),
        ({"q": "555 12"}, org.broker),
        ({"q": "555 12", "sort": "name"}, org.agent),
        ({"q": "pat3", "sort": "type", "dir": "asc"}, org.broker),
        ({"q": "555-121", "sort": "agent"}, org.broker),
    ]
    for params, user in cases:
        for size, page in (("20", "1"), ("20", "2"), ("20", "3"), ("20", "9")):
            p = params | {"size": size, "page": page}
            one_pass = lq.list_page(session, user, p)
            monkeypatch.setattr(lq_page, "ORDERED_MAX", -1)
            usual = lq.list_page(session, user, p)
            monkeypatch.undo()
            assert one_pass["total"] > 0, p
            assert (one_pass["total"], one_pass["page"], [r["id"] for r in one_pass["rows"]]) == (
                usual["total"],
                usual["page"],
                [r["id"] for r in usual["rows"]],
            ), (p, user.role)
    plan = lq_plan._plan(session, org.broker, LeadQuery.parse({"q": "555 12"}))
    if session.get_bind().dialect.name == "sqlite":
        assert plan.search_bounds  # the one-pass path was the one compared above
