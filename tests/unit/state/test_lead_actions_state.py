"""LeadActionsState (L6, L7, L9, I5, G3): the bulk bar, the row menu and Export CSV.

The selection comes from LeadListState on the server; whatever a client sends, an agent
changes only their own leads, only brokers assign and export, only the pool is claimed.
"""

import pytest
from sqlmodel import col, select

from leadapp.models import Campaign, ExportLog, HistoryEntry, Lead, Market, OutgoingEmail
from leadapp.services import rollups
from leadapp.state.lead_actions import LeadActionsState
from leadapp.state.leads import LeadListState
from tests.unit.state_harness import at_url, call, make_state, token_for


async def states(engine, session, user, monkeypatch, url="/leads"):
    """(actions state, list state) of one client, the list loaded from `url`."""
    st = make_state(LeadActionsState, engine, token_for(session, user), monkeypatch)
    lst = await st.get_state(LeadListState)
    lst.session_token = st.session_token
    for s in (st, lst):
        s.user_id, s.user_role = user.id, user.role
    at_url(lst, url)
    await call(lst, "load")
    return st, lst


def toast_text(events) -> str:
    return " ".join(str(e) for e in events)


def fresh(session, lead_id) -> Lead:
    session.expire_all()
    return session.get(Lead, lead_id)


def exact(session, org):
    session.flush()
    assert rollups.check(session, org.brokerage.id) == []


@pytest.mark.authz("LeadActionsState.bulk")
async def test_bulk_applies_to_the_ticked_rows_and_an_agent_cannot_widen_it(
    engine, session, org, make_lead, monkeypatch
):
    mine = [make_lead(org.agent) for _ in range(3)]
    theirs = make_lead(org.agent2)
    st, lst = await states(engine, session, org.agent, monkeypatch)
    assert lst.total == 3
    await call(lst, "toggle_row", mine[0].id, True)
    await call(lst, "toggle_row", mine[1].id, True)
    lst.selected = [*lst.selected, theirs.id]  # forged: another agent's lead in the selection
    events = await call(st, "bulk", "stage", "nurturing")
    assert "2 leads moved to Nurturing" in toast_text(events)
    assert [fresh(session, lead.id).stage for lead in mine] == [
        "nurturing",
        "nurturing",
        "uncontacted",
    ]
    assert fresh(session, theirs.id).stage == "uncontacted"
    assert lst.selected == [] and not lst.all_matching
    # Agents cannot assign, whatever they send.
    await call(lst, "toggle_page", True)
    events = await call(st, "bulk", "assign", str(org.agent.id))
    assert "Only brokers" in toast_text(events)
    assert {fresh(session, lead.id).assigned_agent_id for lead in mine} == {org.agent.id}
    # Bad actions and values change nothing.
    for action, value in (
        ("drop_table", ""),
        ("stage", "bogus"),
        ("status", "deleted"),
        ("type", "x" * 500),
    ):
        await call(st, "bulk", action, value)
    assert [fresh(session, lead.id).status for lead in mine] == ["new"] * 3
    exact(session, org)


@pytest.mark.authz("LeadActionsState.load_choices")
async def test_all_matching_uses_the_lists_filter_and_brokers_assign_subscribe(
    engine, session, org, make_lead, monkeypatch
):
    zillow = [make_lead(org.agent, source="Zillow") for _ in range(25)]
    other = make_lead(org.agent2, source="Referral")
    c = Campaign(brokerage_id=org.brokerage.id, name="Buyer drip")
    m = Market(brokerage_id=org.brokerage.id, name="Berkeley condos")
    session.add_all([c, m])
    session.commit()
    st, lst = await states(engine, session, org.broker, monkeypatch, "/leads?source=Zillow")
    assert lst.total == 25 and len(lst.rows) == 20
    await call(st, "load_choices")
    assert (
        st.campaigns == [{"id": str(c.id), "name": "Buyer drip"}]
        and st.markets[0]["name"] == "Berkeley condos"
    )
    await call(lst, "toggle_page", True)
    await call(lst, "select_all_matching")
    events = await call(st, "bulk", "assign", str(org.agent2.id))
    assert "25 leads assigned to Ana Second" in toast_text(events)
    assert {fresh(session, lead.id).assigned_agent_id for lead in zillow} == {org.agent2.id}
    await call(lst, "toggle_page", True)
    await call(lst, "select_all_matching")
    events = await call(st, "bulk", "campaign", str(c.id))
    assert "25 leads subscribed to Buyer drip" in toast_text(events)
    await call(lst, "toggle_page", True)
    await call(lst, "select_all_matching")
    await call(st, "bulk", "market", str(m.id))
    assert fresh(session, zillow[0].id).active_subscriptions == 2
    assert (
        fresh(session, other.id).active_subscriptions == 0
        and fresh(session, other.id).assigned_agent_id == org.agent2.id
    )
    exact(session, org)
    # A signed-out client gets nothing.
    anon = make_state(LeadActionsState, engine, "forged-token", monkeypatch)
    await call(anon, "load_choices")
    assert anon.campaigns == []


async def test_all_matching_with_no_filter_is_the_whole_visible_list(
    engine, session, org, make_lead, monkeypatch
):
    mine = [make_lead(org.agent) for _ in range(23)]
    theirs = make_lead(org.agent2)
    st, lst = await states(engine, session, org.agent, monkeypatch)
    assert lst.filters == {} and lst.total == 23
    await call(lst, "select_all_matching")
    events = await call(st, "bulk", "stage", "nurturing")
    assert "23 leads moved to Nurturing" in toast_text(events)
    assert {fresh(session, lead.id).stage for lead in mine} == {"nurturing"}
    assert fresh(session, theirs.id).stage != "nurturing"  # not the agent's: untouched
    # Nothing ticked and not "all matching": still refused.
    events = await call(st, "bulk", "stage", "dead")
    assert "Select some leads first" in toast_text(events)
    exact(session, org)


@pytest.mark.authz("LeadActionsState.open_tags")
@pytest.mark.authz("LeadActionsState.close_tags")
@pytest.mark.authz("LeadActionsState.submit_tags")
@pytest.mark.authz("LeadActionsState.set_tag_text")
@pytest.mark.authz("LeadActionsState.pick_tag")
async def test_tag_dialog_adds_and_removes(engine, session, org, make_lead, monkeypatch):

    mine = [make_lead(org.agent) for _ in range(2)]
    theirs = make_lead(org.agent2)
    st, lst = await states(engine, session, org.agent, monkeypatch)
    await call(st, "submit_tags", {"tags": "Hot"})  # no dialog open: nothing happens
    await call(st, "open_tags", "drop_tags")
    assert st.tag_mode == ""
    await call(lst, "toggle_page", True)
    lst.selected = [*lst.selected, theirs.id]
    await call(st, "open_tags", "add_tags")
    await call(st, "submit_tags", {"tags": " , "})
    assert st.tag_error and st.tag_mode == "add_tags"
    events = await call(st, "submit_tags", {"tags": "Hot, Spring"})
    assert "2 leads tagged" in toast_text(events) and st.tag_mode == ""
    session.expire_all()
    tagged = {
        e.lead_id
        for e in session.exec(select(HistoryEntry).where(col(HistoryEntry.field) == "tags"))
    }
    assert tagged == {lead.id for lead in mine}
    await call(lst, "toggle_page", True)
    await call(st, "open_tags", "remove_tags")
    events = await call(st, "submit_tags", {"tags": "hot"})
    assert "2 leads untagged" in toast_text(events)
    await call(st, "open_tags", "add_tags")
    await call(st, "close_tags")
    assert st.tag_mode == ""
    # Typing and picking existing names only fill the box (no dialog open: picking does nothing).
    await call(st, "pick_tag", "Spring")
    assert st.tag_text == ""
    await call(st, "open_tags", "add_tags")
    await call(st, "set_tag_text", "x" * 5000)
    assert len(st.tag_text) == 1000
    await call(st, "set_tag_text", "Hot")
    await call(st, "pick_tag", "Spring")
    await call(st, "pick_tag", "spring")
    assert st.tag_text == "Hot, Spring"
    assert session.exec(select(HistoryEntry).where(col(HistoryEntry.field) == "tags")).all() != []


@pytest.mark.authz("LeadActionsState.ask_bulk_delete")
@pytest.mark.authz("LeadActionsState.confirm_bulk_delete")
@pytest.mark.authz("LeadActionsState.cancel")
async def test_bulk_delete_confirms_with_the_count_and_keeps_the_data(
    engine, session, org, make_lead, monkeypatch
):
    mine = [make_lead(org.agent, first_name=f"D{i}") for i in range(3)]
    theirs = make_lead(org.agent2)
    st, lst = await states(engine, session, org.agent, monkeypatch)
    await call(st, "confirm_bulk_delete")  # nothing asked yet: nothing happens
    assert [fresh(session, lead.id).status for lead in mine] == ["new"] * 3
    events = await call(st, "ask_bulk_delete")
    assert "Select some leads" in toast_text(events) and st.confirm == ""
    await call(lst, "toggle_page", True)
    await call(st, "ask_bulk_delete")
    assert st.confirm == "bulk_delete" and st.confirm_count == 3
    await call(st, "cancel")
    assert st.confirm == ""
    lst.selected = [*lst.selected, theirs.id]
    await call(st, "ask_bulk_delete")
    events = await call(st, "confirm_bulk_delete")
    assert "3 leads deleted" in toast_text(events)
    assert [fresh(session, lead.id).status for lead in mine] == ["deleted"] * 3
    assert (
        fresh(session, mine[0].id).first_name == "D0" and fresh(session, theirs.id).status == "new"
    )
    # Gone from the default view; the status filter shows them; reactivate brings them back.
    await call(lst, "reload")
    assert lst.total == 0
    at_url(lst, "/leads?status=deleted")
    await call(lst, "load")
    assert lst.total == 3
    await call(lst, "toggle_page", True)
    events = await call(st, "bulk", "reactivate")
    assert "3 leads reactivated" in toast_text(events)
    assert [fresh(session, lead.id).status for lead in mine] == ["active"] * 3
    exact(session, org)


@pytest.mark.authz("LeadActionsState.ask_delete")
@pytest.mark.authz("LeadActionsState.confirm_delete")
@pytest.mark.authz("LeadActionsState.reactivate")
async def test_row_delete_and_reactivate_only_the_users_own_leads(
    engine, session, org, make_lead, monkeypatch
):
    mine = make_lead(org.agent, first_name="Robin", last_name="Reyes")
    theirs = make_lead(org.agent2)
    st, lst = await states(engine, session, org.agent, monkeypatch)
    await call(st, "ask_delete", "abc")
    assert st.confirm == ""
    await call(st, "ask_delete", theirs.id)
    events = await call(st, "confirm_delete")
    assert "not yours" in toast_text(events) or "does not exist" in toast_text(events)
    assert fresh(session, theirs.id).status == "new"
    await call(st, "ask_delete", mine.id)
    assert st.confirm == "row_delete" and st.row_name == "Robin Reyes"
    events = await call(st, "confirm_delete")
    assert (
        "Robin Reyes deleted" in toast_text(events) and fresh(session, mine.id).status == "deleted"
    )
    events = await call(st, "reactivate", theirs.id)
    assert fresh(session, theirs.id).status == "new" and "does not exist" in toast_text(events)
    events = await call(st, "reactivate", mine.id)
    assert fresh(session, mine.id).status == "active"
    events = await call(st, "reactivate", mine.id)
    assert "Only inactive or deleted" in toast_text(events)


@pytest.mark.authz("LeadActionsState.claim")
@pytest.mark.authz("LeadActionsState.ask_reject")
@pytest.mark.authz("LeadActionsState.confirm_reject")
async def test_claim_from_the_pool_view_and_reject_back(
    engine, session, org, make_lead, monkeypatch
):

    pool_lead = make_lead(org.broker, first_name="Pat", last_name="Pool")
    theirs = make_lead(org.agent2)
    st, lst = await states(engine, session, org.agent, monkeypatch, "/leads?view=unassigned")
    assert [r["id"] for r in lst.rows] == [pool_lead.id]
    events = await call(st, "claim", theirs.id)  # another agent's lead is not in the pool
    assert fresh(session, theirs.id).assigned_agent_id == org.agent2.id and "claimed" in toast_text(
        events
    )
    events = await call(st, "claim", pool_lead.id)
    assert "Pat Pool is yours now" in toast_text(events)
    assert fresh(session, pool_lead.id).assigned_agent_id == org.agent.id
    events = await call(st, "claim", pool_lead.id)
    assert "already yours" in toast_text(events)
    # The broker cannot claim; agent2 cannot reject someone else's lead.
    broker, _ = await states(engine, session, org.broker, monkeypatch)
    events = await call(broker, "claim", pool_lead.id)
    assert "Brokers assign" in toast_text(events)
    other, _ = await states(engine, session, org.agent2, monkeypatch)
    await call(other, "ask_reject", pool_lead.id)
    events = await call(other, "confirm_reject")
    assert fresh(session, pool_lead.id).assigned_agent_id == org.agent.id
    await call(st, "ask_reject", pool_lead.id)
    assert st.confirm == "reject"
    events = await call(st, "confirm_reject")
    assert "returned to the unassigned pool" in toast_text(events)
    assert fresh(session, pool_lead.id).assigned_agent_id is None
    session.expire_all()
    assert (
        session.exec(select(OutgoingEmail).where(col(OutgoingEmail.kind) == "notice"))
        .one()
        .to_address
        == "office@bayside.test"
    )
    exact(session, org)


@pytest.mark.authz("LeadActionsState.export_csv")
async def test_export_is_for_brokers_and_records_the_view(
    engine, session, org, make_lead, monkeypatch
):
    make_lead(org.agent, source="Zillow")
    agent, _ = await states(engine, session, org.agent, monkeypatch)
    events = await call(agent, "export_csv")
    assert "Only brokers" in toast_text(events)
    session.expire_all()
    assert session.exec(select(ExportLog)).all() == []
    st, lst = await states(
        engine, session, org.broker, monkeypatch, "/leads?source=Zillow&sort=name&dir=asc"
    )
    events = await call(st, "export_csv")
    assert "/export/" in toast_text(events) and "Exporting 1 lead" in toast_text(events)
    session.expire_all()
    entry = session.exec(select(ExportLog)).one()
    assert entry.user_id == org.broker.id and entry.filters == {
        "source": "Zillow",
        "sort": "name",
        "dir": "asc",
    }
    assert entry.started_at is None  # the browser has not fetched it yet
