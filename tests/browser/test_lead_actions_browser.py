"""Lead list actions in the browser (L6, L7, L9, I5, G3), as a broker and as an agent:
bulk tags and stage, delete → gone from the default view → status filter → reactivate,
Export CSV of the view, and an agent claiming from the Unassigned view and rejecting."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import (
    Brokerage,
    ExportLog,
    HistoryEntry,
    Lead,
    LeadTag,
    OutgoingEmail,
    Tag,
    User,
)
from leadapp.services import leads as lead_svc
from leadapp.services import rollups
from leadapp.services.rows import id_of

pytestmark = pytest.mark.multiworker
PHONE = {"width": 390, "height": 844}
T = 20_000


def user(s, email) -> User:
    return s.exec(select(User).where(col(User.email) == email)).one()


def make_leads(
    engine, word: str, n: int, owner: str = "avery@demo.leadapp.io", unassigned: bool = False
) -> list[int]:
    """n fresh leads whose last name is `word` (a unique search term), made through the service."""
    with Session(engine) as s:
        broker = user(s, "broker@demo.leadapp.io")
        agent = user(s, owner)
        ids = []
        for i in range(n):
            lead = lead_svc.create_lead(
                s,
                broker,
                {
                    "email": f"{word.lower()}{i}@example.com",
                    "first_name": f"Tess{i}",
                    "last_name": word,
                    "assigned_agent_id": "" if unassigned else str(agent.id),
                    "city": "=cmd|' /C calc'!A0" if i == 0 else "",
                },
            )
            ids.append(lead.id)
        s.commit()
        return ids


def toast(page, text):
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible(timeout=T)


def rows(page):
    return page.get_by_test_id("lead-row")


def check_rollups(engine):
    with Session(engine) as s:
        b = s.exec(select(Brokerage)).first()
        assert b is not None
        assert rollups.check(s, id_of(b)) == []


def test_broker_bulk_tags_and_stage(page, signed_in, server, engine, shot):
    ids = make_leads(engine, "Bulkfinch", 3)
    signed_in(page, "broker", path="/leads?q=bulkfinch")
    expect(rows(page)).to_have_count(3, timeout=T)
    page.get_by_test_id("select-page").click()
    expect(page.get_by_test_id("selection-count")).to_have_text("3 selected", timeout=T)
    page.get_by_test_id("bulk-tags").click()
    page.get_by_test_id("bulk-add-tags").click()
    page.get_by_test_id("bulk-tags-input").fill("Spring Open House")
    page.get_by_test_id("bulk-tag-choice").filter(
        has_text=re.compile(r"^VIP$")
    ).click()  # a demo-data tag
    expect(page.get_by_test_id("bulk-tags-input")).to_have_value(
        "Spring Open House, VIP", timeout=T
    )
    shot(page, "lead_actions_tag_dialog")
    page.get_by_test_id("bulk-tags-save").click()
    toast(page, "3 leads tagged")
    expect(rows(page).filter(has_text="Spring Open House")).to_have_count(3, timeout=T)
    expect(page.get_by_test_id("selection-count")).to_have_count(0)  # the selection is cleared

    page.get_by_test_id("select-page").click()
    page.get_by_test_id("bulk-stage").click()
    shot(page, "lead_actions_bulk_bar_broker")
    page.get_by_test_id("bulk-stage-nurturing").click()
    toast(page, "3 leads moved to Nurturing")
    expect(rows(page).filter(has_text="Nurturing")).to_have_count(3, timeout=T)
    with Session(engine) as s:
        assert {s.get_one(Lead, i).stage for i in ids} == {"nurturing"}
        vip = s.exec(select(Tag).where(col(Tag.name) == "VIP")).one()
        assert (
            len(
                s.exec(
                    select(LeadTag).where(
                        col(LeadTag.tag_id) == vip.id, col(LeadTag.lead_id).in_(ids)
                    )
                ).all()
            )
            == 3
        )
        broker = user(s, "broker@demo.leadapp.io")
        stage_entries = s.exec(
            select(HistoryEntry).where(
                col(HistoryEntry.lead_id).in_(ids), col(HistoryEntry.field) == "stage"
            )
        ).all()
        assert len(stage_entries) == 3 and {e.actor_id for e in stage_entries} == {broker.id}
    check_rollups(engine)

    # The broker assigns them to another agent in one go.
    page.get_by_test_id("select-page").click()
    page.get_by_test_id("bulk-assign").click()
    with Session(engine) as s:
        jordan = user(s, "jordan@demo.leadapp.io")
    page.get_by_test_id(f"bulk-assign-{jordan.id}").click()
    toast(page, f"3 leads assigned to {jordan.name}")
    with Session(engine) as s:
        assert {s.get_one(Lead, i).assigned_agent_id for i in ids} == {jordan.id}
    check_rollups(engine)


def test_delete_leaves_the_default_view_and_reactivate_brings_it_back(
    page, signed_in, server, engine, shot
):
    ids = make_leads(engine, "Delwren", 3)
    signed_in(page, "broker", path="/leads?q=delwren")
    expect(rows(page)).to_have_count(3, timeout=T)
    # One lead from its row menu, with a confirmation.
    rows(page).filter(has_text="Tess0").get_by_test_id("row-menu").click()
    page.get_by_test_id("row-delete").click()
    expect(page.get_by_test_id("confirm-row-delete")).to_be_visible(timeout=T)
    shot(page, "lead_actions_row_delete_confirm")
    page.get_by_test_id("confirm-row-delete").click()
    toast(page, "Tess0 Delwren deleted")
    expect(rows(page)).to_have_count(2, timeout=T)
    # Two more, selected, with the count in the confirmation.
    page.get_by_test_id("select-page").click()
    page.get_by_test_id("bulk-delete").click()
    expect(page.get_by_text("Delete 2 leads?")).to_be_visible(timeout=T)
    shot(page, "lead_actions_bulk_delete_confirm")
    page.get_by_test_id("confirm-bulk-delete").click()
    toast(page, "2 leads deleted")
    expect(page.get_by_test_id("no-leads")).to_be_visible(timeout=T)
    with Session(engine) as s:
        assert [s.get_one(Lead, i).status for i in ids] == ["deleted"] * 3
        assert s.get_one(Lead, ids[1]).email == "delwren1@example.com"  # the data is kept

    # The status filter finds them; reactivate one from its row, the rest in bulk.
    page.goto(f"{server}/leads?q=delwren&status=deleted")
    expect(rows(page)).to_have_count(3, timeout=T)
    shot(page, "lead_actions_deleted_view")
    rows(page).filter(has_text="Tess1").get_by_test_id("row-menu").click()
    page.get_by_test_id("row-reactivate").click()
    toast(page, "Tess1 Delwren reactivated")
    expect(rows(page)).to_have_count(2, timeout=T)
    page.get_by_test_id("select-page").click()
    page.get_by_test_id("bulk-reactivate").click()
    toast(page, "2 leads reactivated")
    page.goto(f"{server}/leads?q=delwren")
    expect(rows(page)).to_have_count(3, timeout=T)
    expect(rows(page).filter(has_text="Active")).to_have_count(3, timeout=T)
    check_rollups(engine)


def test_broker_exports_the_view_as_csv(page, signed_in, server, engine, shot):
    ids = make_leads(engine, "Exportjay", 3)
    signed_in(page, "broker", path="/leads?q=exportjay&sort=email&dir=desc")
    expect(rows(page)).to_have_count(3, timeout=T)
    shot(page, "lead_actions_export_toolbar")
    with page.expect_download(timeout=T) as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    got = list(csv.DictReader(io.StringIO(text)))
    assert [r["Email"] for r in got] == [f"exportjay{i}@example.com" for i in (2, 1, 0)]
    assert got[2]["City"] == "'=cmd|' /C calc'!A0"  # a formula cell is defused
    with Session(engine) as s:
        entry = s.exec(select(ExportLog).order_by(col(ExportLog.id).desc())).first()
        assert entry is not None
        assert (
            entry.row_count == 3
            and entry.filters["q"] == "exportjay"
            and entry.finished_at is not None
        )
        assert entry.user_id == user(s, "broker@demo.leadapp.io").id
    assert len(ids) == 3


def test_agent_claims_from_the_unassigned_view_and_rejects(page, signed_in, server, engine, shot):
    with Session(engine) as s:
        b = s.exec(select(Brokerage)).first()
        assert b is not None
        b.unassigned_pool_enabled = True
        s.add(b)
        s.commit()
    (lead_id,) = make_leads(engine, "Poolheron", 1, unassigned=True)
    signed_in(page, "agent", path="/leads?view=unassigned&q=poolheron")
    expect(rows(page)).to_have_count(1, timeout=T)
    expect(page.get_by_test_id("export-csv")).to_have_count(0)  # brokers only
    page.get_by_test_id("select-page").click()
    expect(page.get_by_test_id("bulk-pool-note")).to_be_visible(
        timeout=T
    )  # no bulk changes to pool leads
    expect(page.get_by_test_id("bulk-delete")).to_have_count(0)
    page.get_by_test_id("select-page").click()
    expect(page.get_by_test_id("bulk-pool-note")).to_have_count(0, timeout=T)
    rows(page).first.get_by_test_id("row-menu").click()
    expect(page.get_by_test_id("row-delete")).to_have_count(
        0
    )  # a pool lead is read-only until claimed
    expect(page.get_by_test_id("row-claim")).to_be_visible(timeout=T)
    shot(page, "lead_actions_agent_pool_menu")
    page.keyboard.press("Escape")
    page.get_by_test_id("row-claim-button").click()
    toast(page, "Tess0 Poolheron is yours now")
    expect(page.get_by_test_id("no-leads")).to_be_visible(timeout=T)  # no longer in the pool
    with Session(engine) as s:
        avery = user(s, "avery@demo.leadapp.io")
        assert s.get_one(Lead, lead_id).assigned_agent_id == avery.id

    page.goto(f"{server}/leads?q=poolheron")
    expect(rows(page)).to_have_count(1, timeout=T)
    page.get_by_test_id("select-page").click()
    expect(page.get_by_test_id("bulk-assign")).to_have_count(0)  # agents do not reassign
    page.get_by_test_id("select-page").click()
    rows(page).first.get_by_test_id("row-menu").click()
    page.get_by_test_id("row-reject").click()
    expect(page.get_by_test_id("confirm-reject")).to_be_visible(timeout=T)
    shot(page, "lead_actions_agent_reject_confirm")
    page.get_by_test_id("confirm-reject").click()
    toast(page, "returned to the unassigned pool")
    expect(page.get_by_test_id("no-leads")).to_be_visible(timeout=T)
    with Session(engine) as s:
        assert s.get_one(Lead, lead_id).assigned_agent_id is None
        notice = s.exec(
            select(OutgoingEmail).where(
                col(OutgoingEmail.lead_id) == lead_id, col(OutgoingEmail.kind) == "notice"
            )
        ).one()
        brokerage = s.exec(select(Brokerage)).first()
        assert brokerage is not None and notice.to_address == brokerage.primary_email
    check_rollups(engine)


def test_agent_bulk_edits_own_leads_on_a_phone(browser, signed_in, server, engine, shot):
    ids = make_leads(engine, "Phonekite", 2)
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    signed_in(page, "agent", path="/leads?q=phonekite")
    expect(rows(page)).to_have_count(2, timeout=T)
    page.get_by_test_id("select-page").click()
    expect(page.get_by_test_id("bulk-delete")).to_be_visible(timeout=T)
    shot(page, "lead_actions_agent_phone")
    page.get_by_test_id("bulk-type").click()
    page.get_by_test_id("bulk-type-seller").click()
    toast(page, "2 leads set to Seller")
    with Session(engine) as s:
        assert {s.get_one(Lead, i).lead_type for i in ids} == {"seller"}
    expect(page).to_have_url(re.compile(r"q=phonekite"))
    ctx.close()
