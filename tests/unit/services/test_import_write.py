"""I4: the import writes everything in one transaction (all or none); the CLI; private storage."""

import json

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from leadapp import db as dbmod
from leadapp import settings
from leadapp.models import (
    Campaign,
    CampaignStep,
    CampaignSubscription,
    HistoryEntry,
    ImportBatch,
    Lead,
    LeadTag,
    Market,
    MarketSubscription,
    Tag,
)
from leadapp.services import importer, rollups
from leadapp.services.errors import Conflict, ServiceError, ValidationFailed
from leadapp.services.importer import storage
from leadapp.services.rows import id_of, table_of


@pytest.fixture
def mc(session, org):
    m = Market(brokerage_id=org.brokerage.id, name="Condos in Berkeley")
    c = Campaign(brokerage_id=org.brokerage.id, name="Welcome")
    session.add_all([m, c])
    session.commit()
    session.add(CampaignStep(campaign_id=id_of(c), position=1, delay_days=3, subject="Hi"))
    session.add(Tag(brokerage_id=org.brokerage.id, name="VIP"))
    session.commit()
    return m, c


def file_for(org, m, c) -> bytes:
    return (
        "Email,Name,Phone,Address,City,State,Postal Code,Birthday,Transaction "
        "Anniversary,Type,Agent ID,"
        "Pipeline Stage,Tags,Texting,Market ID,Campaign ID,Notes\r\n"
        "Ann@x.com,Ann Lee,4155550101,1 Elm "
        f"St,Berkeley,CA,94704,4/5/1980,6/30/2019,buyer,{org.agent.agent_code},"
        f'Closed,"vip, New tag",YES,{m.id},{c.id},Met at open house\r\n'
        f"bo@x.com,Bo,,,,,,,,,,,,NO,,,\r\n"
        f"cy@x.com,Cy Dee,,,,ON,K1A 0B1,,,seller,{org.agent2.agent_code},Nurturing,New "
        f"Tag,,{m.id},,\r\n"
    ).encode()


def counts(session) -> dict[str, int]:
    return {
        table_of(t).name: session.exec(select(sa.func.count()).select_from(t)).one()
        for t in (
            Lead,
            HistoryEntry,
            Tag,
            LeadTag,
            MarketSubscription,
            CampaignSubscription,
            ImportBatch,
        )
    }


def test_broker_import_writes_everything_and_keeps_rollups_exact(session, org, mc):
    m, c = mc
    seen = []
    res = importer.import_file(
        session,
        org.broker,
        file_for(org, m, c),
        "old-crm.csv",
        progress=lambda f, msg: seen.append(f),
    )
    session.commit()
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert (res.leads, res.tags, res.new_tags, res.tag_links, res.notes) == (3, 2, 1, 3, 1)
    assert (res.market_enrolments, res.campaign_enrolments, res.assigned) == (2, 1, 2)
    assert res.message() == (
        "3 leads imported, 2 tags applied (1 new), 1 note, 2 market enrolments, "
        "1 campaign enrolment."
    )
    leads = {lead.email: lead for lead in session.exec(select(Lead)).all()}
    ann, bo, cy = leads["ann@x.com"], leads["bo@x.com"], leads["cy@x.com"]
    assert (ann.first_name, ann.last_name, ann.phone, ann.phone_digits) == (
        "Ann",
        "Lee",
        "(415) 555-0101",
        "4155550101",
    )
    assert (ann.birthday.isoformat(), ann.birthday_md, ann.anniversary_md) == (
        "1980-04-05",
        405,
        630,
    )
    assert (ann.assigned_agent_id, ann.stage, ann.texting_consent, ann.status, ann.source) == (
        org.agent.id,
        "closed",
        True,
        "new",
        "Import",
    )
    assert (
        ann.active_subscriptions == 2
        and cy.active_subscriptions == 1
        and bo.active_subscriptions == 0
    )
    assert (
        bo.assigned_agent_id is None and bo.texting_consent is False and bo.stage == "uncontacted"
    )
    assert (cy.state, cy.postal_code, cy.lead_type, cy.assigned_agent_id) == (
        "ON",
        "K1A 0B1",
        "seller",
        org.agent2.id,
    )
    batch = session.exec(select(ImportBatch)).one()
    assert (
        batch.lead_count,
        batch.tag_count,
        batch.note_count,
        batch.market_count,
        batch.campaign_count,
        batch.filename,
        batch.user_id,
    ) == (3, 2, 1, 2, 1, "old-crm.csv", org.broker.id)
    hist = session.exec(
        select(HistoryEntry)
        .where(col(HistoryEntry.lead_id) == ann.id)
        .order_by(col(HistoryEntry.id))
    ).all()
    assert [(h.kind, h.actor_id) for h in hist] == [
        ("import", org.broker.id),
        ("note", org.broker.id),
    ]
    assert (
        f"import #{batch.id}" in hist[0].body
        and "old-crm.csv" in hist[0].body
        and hist[1].body == "Met at open house"
    )
    assert all(
        session.exec(
            select(HistoryEntry).where(
                col(HistoryEntry.lead_id) == lead.id, col(HistoryEntry.kind) == "import"
            )
        ).one()
        for lead in leads.values()
    )
    tags = {t.name: t.id for t in session.exec(select(Tag)).all()}
    assert set(tags) == {"VIP", "New tag"}  # 'vip' reused the existing tag; 'New Tag' = 'New tag'
    links = set(session.exec(select(col(LeadTag.lead_id), col(LeadTag.tag_id))).all())
    assert links == {(ann.id, tags["VIP"]), (ann.id, tags["New tag"]), (cy.id, tags["New tag"])}
    subs = session.exec(
        select(col(MarketSubscription.lead_id), col(MarketSubscription.report_type))
    ).all()
    assert sorted(subs) == sorted(
        [(ann.id, t) for t in ("listing", "open_house", "market")]
        + [(cy.id, t) for t in ("listing", "open_house", "market")]
    )
    cs = session.exec(select(CampaignSubscription)).one()
    assert (cs.lead_id, cs.status, cs.next_position) == (ann.id, "active", 1)
    assert (cs.next_send_at - ann.created_at).days == 3
    assert rollups.check(session, org.brokerage.id) == []
    # searchable at once by name, email and phone digits (indexed in bulk on SQLite)
    from leadapp.services import lead_query

    for q, want in (
        ("ann le", {ann.id}),
        ("x.com", {ann.id, bo.id, cy.id}),
        ("555010", {ann.id}),
        ("cy d", {cy.id}),
    ):
        assert {
            r["id"] for r in lead_query.list_page(session, org.broker, {"q": q})["rows"]
        } == want, q
    if (
        session.get_bind().dialect.name == "sqlite"
    ):  # and leads added later are indexed by the trigger again
        assert session.execute(sa.text("SELECT bulk FROM lead_fts_bulk")).scalar() == 0
    from leadapp.services.lead_subscriptions import count_active

    assert all(
        lead.active_subscriptions == count_active(session, lead.id) for lead in leads.values()
    )


def test_agent_import_assigns_leads_to_the_agent(session, org):
    importer.import_file(session, org.agent, b"Email,Agent ID\r\na@x.com,BAY102\r\n", "mine.csv")
    session.commit()
    lead = session.exec(select(Lead)).one()
    assert lead.assigned_agent_id == org.agent.id and lead.created_by_id == org.agent.id
    assert rollups.check(session, org.brokerage.id) == []


def test_file_with_errors_writes_nothing(session, org, mc):
    m, c = mc
    before = counts(session)
    bad = file_for(org, m, c) + b"bad-email,X\r\n"
    with pytest.raises(ValidationFailed, match="Nothing was imported: 1 error in 1 row"):
        importer.import_file(session, org.broker, bad, "bad.csv")
    session.rollback()
    assert counts(session) == before


def test_failure_midway_rolls_everything_back(session, org, mc, monkeypatch):
    m, c = mc
    before = counts(session)
    from leadapp.services.importer import write

    real = write.insert_rows

    def failing(conn, table, *a, **kw):
        if table == "campaign_subscription":
            raise RuntimeError("disk full")
        return real(conn, table, *a, **kw)

    monkeypatch.setattr(write, "insert_rows", failing)
    with pytest.raises(RuntimeError), dbmod.session_scope(session.get_bind()) as s2:
        importer.import_file(s2, org.broker, file_for(org, m, c), "x.csv")
    session.expire_all()
    assert counts(session) == before
    assert rollups.check(session, org.brokerage.id) == []


def test_email_added_meanwhile_is_a_conflict_and_nothing_is_written(session, org, make_lead):
    pv = importer.build_preview(
        session, org.broker, b"Email\r\nlate@x.com\r\nother@x.com\r\n", "x.csv"
    )
    assert pv.ok
    make_lead(email="late@x.com")
    before = counts(session)
    with pytest.raises(Conflict):
        importer.write_preview(session, org.broker, pv)
    session.rollback()
    assert counts(session) == before
    later = make_lead(email="later@x.com", first_name="Laterly")  # the insert trigger indexes it
    from leadapp.services import lead_query

    assert [
        r["id"] for r in lead_query.list_page(session, org.broker, {"q": "laterl"})["rows"]
    ] == [later.id]


def test_second_import_of_the_same_file_is_refused(session, org):
    importer.import_file(session, org.broker, b"Email\r\na@x.com\r\n", "x.csv")
    session.commit()
    with pytest.raises(ValidationFailed, match="1 error"):
        importer.import_file(session, org.broker, b"Email\r\nA@X.COM\r\n", "x.csv")


def test_uploads_are_stored_privately(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "PRIVATE_UPLOAD_DIR", tmp_path / "private")
    token = storage.save(7, b"Email\r\na@x.com\r\n")
    files = list((tmp_path / "private").iterdir())
    assert (
        len(files) == 1
        and files[0].name.startswith("7-")
        and oct(files[0].stat().st_mode)[-3:] == "600"
    )
    assert storage.load(7, token) == b"Email\r\na@x.com\r\n"
    with pytest.raises(ServiceError):
        storage.load(8, token)  # another user's upload
    with pytest.raises(ServiceError):
        storage.load(7, "../../etc/passwd")
    with pytest.raises(ServiceError, match="limit is 1 MB"):
        storage.save(7, b"x" * (1024 * 1024 + 1), max_bytes=1024 * 1024)
    storage.discard(7, token)
    assert not list((tmp_path / "private").iterdir())
    assert "assets" not in str(settings.PRIVATE_UPLOAD_DIR) and ".web" not in str(
        settings.PRIVATE_UPLOAD_DIR
    )


def test_private_upload_dir_is_not_public():
    from leadapp.settings import PRIVATE_UPLOAD_DIR, PROJECT_ROOT

    assert not PRIVATE_UPLOAD_DIR.resolve().is_relative_to((PROJECT_ROOT / "assets").resolve())
    assert not PRIVATE_UPLOAD_DIR.resolve().is_relative_to(
        (PROJECT_ROOT / "uploaded_files").resolve()
    )


def run_cli(monkeypatch, engine, capsys, *argv):
    from leadapp.cli import main

    monkeypatch.setattr(dbmod, "get_engine", lambda url=None: engine)
    code = main(["import", *argv])
    return code, capsys.readouterr().out


def test_cli_reports_findings_and_exits_nonzero(
    engine, session, org, tmp_path, monkeypatch, capsys
):
    f = tmp_path / "bad.csv"
    f.write_bytes(b"Email,Postal Code,Fax\r\na@x.com,ABC,1\r\n")
    code, out = run_cli(monkeypatch, engine, capsys, str(f))
    assert code == 1
    assert (
        "row 2, Postal Code: 'ABC' is neither a 5-digit ZIP nor a Canadian postal code (A1A 1A1)."
        in out
    )
    assert "warning: Column 'Fax' is not a supported column; it is ignored." in out
    assert "nothing was imported" in out
    code, out = run_cli(monkeypatch, engine, capsys, str(f), "--json")
    data = json.loads(out)
    assert code == 1 and data["errors"] == [
        {
            "row": 2,
            "column": "Postal Code",
            "value": "ABC",
            "message": ("'ABC' is neither a 5-digit ZIP nor a Canadian postal code (A1A 1A1)."),
        }
    ]
    assert counts(session)["lead"] == 0


def test_cli_dry_run_then_import_as_agent(engine, session, org, tmp_path, monkeypatch, capsys):
    f = tmp_path / "ok.csv"
    f.write_bytes(b"Email,Name\r\na@x.com,Al\r\nb@x.com,Bo\r\n")
    code, out = run_cli(monkeypatch, engine, capsys, str(f), "--dry-run", "--as", org.agent.email)
    assert code == 0 and "Looks Good!" in out and "nothing was written" in out
    session.expire_all()
    assert counts(session)["lead"] == 0
    code, out = run_cli(
        monkeypatch, engine, capsys, str(f), "--as", org.agent.email.upper(), "--json"
    )
    assert code == 0 and json.loads(out)["imported"]["leads"] == 2
    session.expire_all()
    assert {lead.assigned_agent_id for lead in session.exec(select(Lead)).all()} == {org.agent.id}
    code, out = run_cli(monkeypatch, engine, capsys, str(f), "--as", "nobody@x.com")
    assert code == 2
