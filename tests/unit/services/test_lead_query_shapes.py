"""The lead list's statements are built once per shape (rows.Shapes): a statement reused for
another user, brokerage or filter value runs with that call's values, never the first one's."""

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from leadapp.models import Lead, utcnow
from leadapp.services import lead_query as lq
from leadapp.services import leads as lead_svc
from leadapp.services import tags as tag_svc
from leadapp.services.lead_query import page as lq_page
from leadapp.services.rows import Shapes, table_of


def ids(page) -> list[int]:
    return [r["id"] for r in page["rows"]]


def direct_ids(session, user, params) -> list[int]:
    """The ids of the first page as filtered_select orders them (a statement of its own)."""
    query = lq.LeadQuery.parse(params)
    return list(session.exec(lq.filtered_select(session, user, query).limit(query.size)).all())


def direct_count(session, user, params) -> int:
    stmt = lq.filtered_select(session, user, lq.LeadQuery.parse(params)).order_by(None)
    return int(session.exec(select(sa.func.count()).select_from(stmt.subquery())).one())


def test_same_shape_for_another_brokerage_user_and_value(session, org, other_org, make_lead):
    mine = [make_lead(org.agent, first_name=f"Mia{i}", source="Zillow") for i in range(3)]
    theirs = [make_lead(org.agent2, first_name=f"Theo{i}", source="Web") for i in range(2)]
    pool = make_lead(first_name="Pool", source="Zillow")
    elsewhere = lead_svc.create_lead(
        session, other_org.broker, {"email": "far@x.test", "first_name": "Far", "source": "Zillow"}
    )
    lead_svc.set_status(session, org.broker, [mine[0].id], "inactive")
    tag_svc.add_tags(session, org.broker, [mine[1].id, theirs[0].id], ["Hot"])
    tag_svc.add_tags(session, other_org.broker, [elsewhere.id], ["Hot"])
    session.commit()
    ours = {lead.id for lead in [*mine, *theirs, pool]}
    cases = [
        {},
        {"source": "Zillow"},
        {"source": "Web"},
        {"status": "inactive"},
        {"status": "active,new"},
        {"tags": "Hot"},
        {"q": "mia"},
        {"q": "theo"},
        {"idle": "30"},  # a COUNT over the leads, not the roll-up
        {"idle": "30", "source": "Web"},
        {"sort": "agent"},
        {"view": "unassigned"},
    ]
    for _ in range(2):  # the second round runs every statement from the cache
        for user in (org.broker, org.agent, org.agent2, other_org.broker):
            for params in cases:
                page = lq.list_page(session, user, params)
                assert ids(page) == direct_ids(session, user, params), (user.email, params)
                assert page["total"] == direct_count(session, user, params), (user.email, params)
                assert lq.count(session, user, lq.LeadQuery.parse(params)) == page["total"]
                seen = set(ids(page))
                if user is other_org.broker:
                    assert seen <= {elsewhere.id}, params
                else:
                    assert seen <= ours, params
                if user is org.agent and params.get("view") != "unassigned":
                    assert seen <= {lead.id for lead in mine}, params
    assert ids(lq.list_page(session, other_org.broker, {"source": "Zillow"})) == [elsewhere.id]
    assert set(ids(lq.list_page(session, org.broker, {"source": "Zillow"}))) == {
        *(lead.id for lead in mine),
        pool.id,
    }


def test_pages_and_sizes_share_a_shape(session, org, make_lead):
    for i in range(30):
        make_lead(first_name=f"P{i:02d}")
    everyone = direct_ids(session, org.broker, {"size": "100"})
    for size, page in (("20", "1"), ("20", "2"), ("50", "1"), ("20", "9")):
        got = lq.list_page(session, org.broker, {"size": size, "page": page})
        start = (got["page"] - 1) * int(size)
        assert ids(got) == everyone[start : start + int(size)], (size, page)


def test_shapes_run_each_call_with_its_own_values(session, org, make_lead):
    a = make_lead(first_name="Ann", source="Zillow")
    b = make_lead(first_name="Bob", source="Web")
    lead = table_of(Lead)
    built = []

    def build(flags, where):
        built.append(flags)
        return sa.select(lead.c.id).where(*where).order_by(lead.c.id)

    shapes = Shapes(build)

    def run(*where):
        return list(shapes.read(session, ("t",), (where,), {}).scalars())

    assert run(lead.c.source == "Zillow") == [a.id]
    assert run(lead.c.source == "Web") == [b.id]
    assert run(lead.c.id.in_([a.id, b.id]), lead.c.source != "Zillow") == [b.id]
    assert run(lead.c.id.in_([a.id]), lead.c.source != "Web") == [a.id]
    assert len(built) == 2  # one statement per shape
    assert run(lead.c.created_at > utcnow() - timedelta(days=1)) == [a.id, b.id]
    assert run(lead.c.created_at > utcnow() + timedelta(days=1)) == []


def test_page_statements_are_cached_per_shape(session, org, make_lead):
    make_lead(first_name="Cy")
    before = len(lq_page._PAGES._statements)
    for q in ("cyr", "zed", "ann"):
        lq.list_page(session, org.broker, {"q": q, "status": "new"})
    assert len(lq_page._PAGES._statements) - before <= 1
    assert [r["name"] for r in lq.list_page(session, org.broker, {"q": "cy"})["rows"]] == ["Cy"]
    assert (
        session.exec(select(col(Lead.id)).where(col(Lead.first_name) == "Cy")).one()
        == lq.list_page(session, org.broker, {"q": "cy"})["rows"][0]["id"]
    )
