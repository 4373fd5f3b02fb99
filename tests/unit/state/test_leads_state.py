"""LeadListState handlers (L1-L5, L8): what any client can send never widens what a user sees."""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from sqlmodel import col, select

from leadapp.models import Lead, User
from leadapp.state.base import AuthState
from leadapp.state.leads import LeadListState
from tests.unit.state_harness import (
    at_url,
    call,
    history_write,
    make_state,
    redirect_url,
    token_for,
)


def dirty(st) -> set[str]:
    """The vars a handler changed: what its reply sends."""
    return set(st.dirty_vars)


def params_of(events) -> dict:
    url = redirect_url(events)
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


async def _visit(st, params: dict):
    """The on_load of /leads?<params>, as after a redirect or a typed URL."""
    at_url(st, "/leads" + (f"?{urlencode(params)}" if params else ""))
    await call(st, "load")


async def _loaded(engine, session, user, monkeypatch, url="/leads"):
    st = make_state(LeadListState, engine, token_for(session, user), monkeypatch)
    st.user_id = user.id
    st.user_role = user.role
    at_url(st, url)
    await call(st, "load")
    return st


@pytest.mark.authz("LeadListState.load")
@pytest.mark.authz("LeadListState.reload")
async def test_load_from_a_forged_url_shows_only_the_agents_leads(
    engine, session, org, make_lead, monkeypatch
):
    mine = make_lead(org.agent, first_name="Mine")
    make_lead(org.agent2, first_name="Theirs")
    make_lead(org.broker, first_name="Pool")
    url = f"/leads?agent={org.agent2.id}&status=new,active,inactive,deleted&sort=agent&size=100&q="
    st = await _loaded(engine, session, org.agent, monkeypatch, url)
    assert [r["id"] for r in st.rows] == [mine.id] and st.total == 1
    assert "agent" not in st.filters and st.sort == "created"  # dropped for an agent
    assert st.columns and "agent" not in st.columns and st.agents == []
    st.filters = {"agent": str(org.agent2.id), "view": "unassigned"}  # forged client state
    await call(st, "reload")
    assert {r["name"] for r in st.rows} <= {"Mine", "Pool"} and "Theirs" not in {
        r["name"] for r in st.rows
    }
    broker = await _loaded(engine, session, org.broker, monkeypatch, "/leads?sort=name&dir=asc")
    assert broker.total == 3 and [r["name"] for r in broker.rows][0] == "Mine"
    assert len(broker.agents) == 3 and "agent" in broker.columns
    anon = make_state(LeadListState, engine, "forged", monkeypatch)
    at_url(anon, "/leads?status=active&q=ann")
    assert "login" in str(await AuthState.event_handlers["require_login"].fn(anon))
    assert anon.after_login == "/leads?status=active&q=ann"  # the shared view opens after sign-in
    await call(anon, "load")
    assert anon.rows == [] and anon.total == 0


@pytest.mark.authz("LeadListState.set_sort")
@pytest.mark.authz("LeadListState.set_page")
@pytest.mark.authz("LeadListState.next_page")
@pytest.mark.authz("LeadListState.prev_page")
@pytest.mark.authz("LeadListState.set_size")
async def test_sort_and_paging_write_the_url_and_refuse_junk(
    engine, session, org, make_lead, monkeypatch
):
    for i in range(25):
        make_lead(org.agent, first_name=f"L{i:02d}")
    st = await _loaded(engine, session, org.agent, monkeypatch, "/leads?size=20")
    assert (st.total, st.pages, st.range_text) == (25, 2, "1–20 of 25")
    assert params_of(await call(st, "set_sort", "name")) == {"sort": "name", "dir": "asc"}
    # each change builds on the last one written, before its page has loaded
    assert params_of(await call(st, "set_sort", "name")) == {"sort": "name", "dir": "desc"}
    assert await call(st, "set_sort", "password_hash") == []
    assert params_of(await call(st, "next_page"))["page"] == "2"
    assert params_of(await call(st, "prev_page")).get("page") is None
    assert params_of(await call(st, "set_page", "99999"))["page"] == "2"
    assert await call(st, "set_page", "x") == []
    assert params_of(await call(st, "set_size", "50")) == {
        "sort": "name",
        "dir": "desc",
        "size": "50",
    }
    assert await call(st, "set_size", "5000") == []
    # whatever page the client asks for, the rows come from the agent's own leads
    st2 = await _loaded(engine, session, org.agent2, monkeypatch, "/leads?page=2&size=20")
    assert st2.total == 0 and st2.rows == [] and st2.range_text == "No leads"


@pytest.mark.authz("LeadListState.set_search")
@pytest.mark.authz("LeadListState.set_filter")
@pytest.mark.authz("LeadListState.toggle_filter")
@pytest.mark.authz("LeadListState.clear_filters")
async def test_search_and_filters_go_into_the_url(engine, session, org, make_lead, monkeypatch):
    make_lead(org.agent, first_name="Zed", lead_type="buyer")
    st = await _loaded(engine, session, org.agent, monkeypatch)
    ev = await call(st, "set_search", "  zed  ")
    assert params_of(ev) == {"q": "zed"} and history_write(ev) == "replace"
    assert params_of(await call(st, "set_filter", "type", "buyer,seller")) == {
        "q": "zed",
        "type": "buyer,seller",
    }
    assert await call(st, "set_filter", "password", "x") == []
    assert (
        await call(st, "set_filter", "status", "<script>") == []
    )  # dropped: the view is unchanged
    st.filters = {"type": "buyer"}
    assert params_of(await call(st, "toggle_filter", "type", "seller")) == {"type": "buyer,seller"}
    assert params_of(await call(st, "toggle_filter", "type", "buyer")) == {"type": "seller"}
    assert await call(st, "toggle_filter", "agent", "1") == []
    st.filters = {"type": "buyer", "q": "zed", "stage": "closed"}
    assert params_of(await call(st, "clear_filters")) == {"q": "zed"}
    loaded = await _loaded(
        engine, session, org.agent, monkeypatch, "/leads?q=zed&type=buyer&tags=nope"
    )
    assert loaded.filter_count == 2 and loaded.total == 0 and loaded.search == "zed"


async def test_a_click_shows_its_page_in_the_same_reply_and_resends_only_what_changed(
    engine, session, org, make_lead, monkeypatch
):
    """One event, one reply: the handler itself shows the new view (no on_load follows, so
    quick clicks build on each other); the URL is written without a navigation; a var whose
    value did not change is not resent. A real navigation (back button, typed URL) still
    loads the view from the URL."""
    for i in range(3):
        make_lead(org.agent, first_name=f"Ann{i}", lead_type="buyer")
    make_lead(org.agent, first_name="Bob", lead_type="seller")
    st = await _loaded(engine, session, org.agent, monkeypatch)
    st._clean()
    ev = await call(st, "toggle_filter", "type", "buyer")
    assert st.total == 3 and {r["name"][:3] for r in st.rows} == {"Ann"}  # shown at once
    assert history_write(ev) == "push" and "_redirect" not in str(ev)
    assert params_of(ev) == {"type": "buyer"}
    changed = dirty(st)
    assert {"rows", "total", "filters", "filter_count"} <= changed
    assert not changed & {"columns", "agents", "sources", "tag_names", "page", "size", "sort"}
    st._clean()
    ev = await call(st, "toggle_filter", "status", "new")  # all of them are new
    assert params_of(ev) == {"status": "new", "type": "buyer"} and st.total == 3
    assert "rows" not in dirty(st) and "total" not in dirty(st)  # the same three rows
    st._clean()
    assert await call(st, "toggle_filter", "type", "buyer") != []  # untick: Bob comes in
    assert st.total == 4
    st._clean()
    assert await call(st, "set_filter", "status", "new") == []  # already on screen
    assert not dirty(st) & {"rows", "total"}
    await _visit(st, {"type": "seller"})  # the back button / a typed URL: the URL wins
    assert st.filters == {"type": "seller"} and [r["name"][:3] for r in st.rows] == ["Bob"]


@pytest.mark.authz("LeadListState.toggle_column")
async def test_columns_are_remembered_per_user(engine, session, org, monkeypatch):
    st = await _loaded(engine, session, org.agent, monkeypatch)
    await call(st, "toggle_column", "email")
    assert "email" not in st.columns
    await call(st, "toggle_column", "not_a_column")
    await call(st, "toggle_column", "agent")  # agents have no agent column
    session.expire_all()
    assert session.get_one(User, org.agent.id).list_columns == [c for c in st.columns]
    assert (
        "email" in session.get_one(User, org.broker.id).list_columns
        or not session.get_one(User, org.broker.id).list_columns
    )
    again = await _loaded(engine, session, org.agent, monkeypatch)
    assert "email" not in again.columns and "agent" not in again.columns
    anon = make_state(LeadListState, engine, "forged", monkeypatch)
    anon.columns = ["email"]
    await call(anon, "toggle_column", "email")
    session.expire_all()
    assert "email" not in session.get_one(User, org.agent.id).list_columns


@pytest.mark.authz("LeadListState.toggle_row")
@pytest.mark.authz("LeadListState.toggle_page")
@pytest.mark.authz("LeadListState.select_all_matching")
@pytest.mark.authz("LeadListState.clear_selection")
async def test_only_rows_on_screen_can_be_selected(engine, session, org, make_lead, monkeypatch):
    mine = make_lead(org.agent)
    theirs = make_lead(org.agent2)
    st = await _loaded(engine, session, org.agent, monkeypatch)
    await call(st, "toggle_row", theirs.id, True)
    assert st.selected == []
    await call(st, "toggle_row", "junk", True)
    await call(st, "toggle_row", mine.id, True)
    assert st.selected == [mine.id] and st.selection_count == 1
    await call(st, "toggle_row", mine.id, False)
    await call(st, "toggle_page", True)
    assert st.selected == [mine.id] and st.page_all_selected
    await call(st, "select_all_matching")
    assert st.all_matching and st.selection_count == 1  # the agent's total, not the brokerage's
    await call(st, "clear_selection")
    assert st.selected == [] and not st.all_matching


@pytest.mark.authz("LeadListState.open_add")
@pytest.mark.authz("LeadListState.close_add")
@pytest.mark.authz("LeadListState.save_add")
async def test_add_lead_errors_by_field_then_success(engine, session, org, make_lead, monkeypatch):

    make_lead(org.agent, email="taken@example.com")
    st = await _loaded(engine, session, org.agent, monkeypatch)
    await call(st, "open_add")
    assert st.add_open
    form = {
        "email": "TAKEN@example.com",
        "phone": "12",
        "state": "Narnia",
        "postal_code": "ABCDE",
        "birthday": "2999-01-01",
        "extra_emails": "ok@x.com, bad@",
        "assigned_agent_id": str(org.agent2.id),
    }
    await call(st, "save_add", form)
    assert set(st.add_errors) == {
        "email",
        "phone",
        "state",
        "postal_code",
        "birthday",
        "extra_emails",
    }
    assert st.add_open and st.add_form["state"] == "Narnia"
    ev = await call(
        st,
        "save_add",
        {
            "email": "new@example.com",
            "first_name": "New",
            "state": "Ontario",
            "postal_code": "k1a0b1",
            "assigned_agent_id": str(org.agent2.id),
        },
    )
    lead = session.exec(select(Lead).where(col(Lead.email) == "new@example.com")).one()
    assert (
        lead.assigned_agent_id == org.agent.id
        and lead.state == "ON"
        and lead.postal_code == "K1A 0B1"
    )
    assert f"/leads/{lead.id}" in redirect_url(ev) and not st.add_open
    anon = make_state(LeadListState, engine, "forged", monkeypatch)
    await call(anon, "save_add", {"email": "sneaky@example.com"})
    assert session.exec(select(Lead).where(col(Lead.email) == "sneaky@example.com")).first() is None
    assert await call(anon, "save_add", "junk") != []
    await call(st, "close_add")
    assert not st.add_open
