"""One lead search (L3): the lead list, the HTTP API and the task dialog's lead picker
find the same leads for the same text, on SQLite and PostgreSQL."""

import pytest

from leadapp.services import api_leads, tasks
from leadapp.services import lead_query as lq

QUERIES = [
    "mary",
    "ANN O'N",
    "ston",
    "corp.te",
    "415-555-01",
    "(650) 555",
    "5551234",
    "quiet",
    "bo",
    "B",
    "65",
    "zzz",
    '"; drop',
    "100%",
    "a_b",
    "%",
    "_",
]


@pytest.fixture
def leads(org, make_lead):
    # The agent's own leads, so that the list, the API and the picker share one scope; the
    # other agent's lead must stay out of the agent's results in all three.
    make_lead(
        org.agent,
        first_name="Mary Ann",
        last_name="O'Neil",
        email="mao@example.com",
        phone="(415) 555-0199",
    )
    make_lead(
        org.agent,
        first_name="Bob",
        last_name="Stone",
        email="bob.stone@corp.test",
        phone="650.555.1234",
    )
    make_lead(org.agent, first_name="", last_name="", email="nobody@quiet.test")
    make_lead(org.agent2, first_name="Bobby", last_name="Other", email="bobby@other.test")


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("who", ["broker", "agent"])
def test_list_api_and_picker_find_the_same_leads(session, org, leads, q, who):
    user = getattr(org, who)
    listed = {r["id"] for r in lq.list_page(session, user, {"q": q, "size": "100"})["rows"]}
    api = {r["id"] for r in api_leads.list_leads(session, user, {"q": q, "limit": 200})["data"]}
    picked = {r["id"] for r in tasks.search_leads(session, user, q, limit=100)}
    assert api == listed, q
    assert picked == listed, q


def test_like_wildcards_are_text_not_patterns(session, org, leads):
    # "%" and "_" once matched every lead in the API and the picker (an unescaped LIKE).
    assert tasks.search_leads(session, org.broker, "%") == []
    assert api_leads.list_leads(session, org.broker, {"q": "_"})["data"] == []
    assert [r["name"] for r in tasks.search_leads(session, org.broker, "ston")] == ["Bob Stone"]
