"""CSV export (I5): brokers only, the view's rows (all pages), streamed, CSV injection, recorded."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import ExportLog, Lead, User, utcnow
from leadapp.services import export, lead_bulk, rollups
from leadapp.services.errors import NotFound, PermissionDenied


def parse(body: bytes) -> list[dict]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def mint(engine, user, view) -> str:
    with Session(engine) as s:
        token = export.start(s, s.get_one(User, user.id), view)
        s.commit()
    return token


def test_safe_cell_defuses_formulas():
    for bad in ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert export.safe_cell(bad) == "'" + bad
    assert (
        export.safe_cell("Dana") == "Dana"
        and export.safe_cell(None) == ""
        and export.safe_cell(3) == "3"
    )
    assert export.safe_cell("a=b") == "a=b"


def test_broker_downloads_the_view_all_pages_in_view_order(anon, engine, session, org, make_lead):

    for i in range(45):
        make_lead(
            org.agent if i % 2 else org.agent2,
            first_name=f"N{i:02d}",
            last_name="Zillow" if i % 3 else "Other",
            source="Zillow" if i % 3 else "Referral",
            city="Berkeley",
        )
    hidden = make_lead(org.agent, first_name="Gone", source="Zillow")
    lead_bulk.delete(session, org.broker, [hidden.id])
    lead_bulk.add_tags(
        session,
        org.broker,
        lambda s, u: select(col(Lead.id)).where(col(Lead.first_name) == "N01"),
        "VIP, Spring",
    )
    session.commit()
    view = {"source": "Zillow", "sort": "name", "dir": "asc", "page": "2", "size": "20"}
    token = mint(engine, org.broker, view)
    r = anon.get(f"/export/{token}.csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert (
        "attachment" in r.headers["content-disposition"]
        and ".csv" in r.headers["content-disposition"]
    )
    rows = parse(r.content)
    expected = sorted(
        [
            lead
            for lead in session.exec(
                select(Lead).where(col(Lead.source) == "Zillow", col(Lead.status) != "deleted")
            )
        ],
        key=lambda lead: (lead.last_name, lead.first_name, lead.id),
    )
    assert len(rows) == 30 == len(expected)  # every page, not just page 2; deleted leads excluded
    assert [row["Lead ID"] for row in rows] == [str(lead.id) for lead in expected]
    assert list(rows[0]) == export.HEADERS
    n01 = next(row for row in rows if row["Name"] == "N01 Zillow")
    assert (
        n01["Tags"] == "Spring, VIP"
        and n01["Agent"] == "Alan Agent"
        and n01["Agent ID"] == org.agent.agent_code
    )
    assert (
        n01["Status"] == "New"
        and n01["Pipeline Stage"] == "Uncontacted"
        and n01["City"] == "Berkeley"
    )
    session.expire_all()
    entry = session.exec(select(ExportLog)).one()
    assert (
        entry.user_id == org.broker.id and entry.row_count == 30 and entry.finished_at is not None
    )
    assert entry.filters == {"source": "Zillow", "sort": "name", "dir": "asc"}
    # The token works once.
    again = anon.get(f"/export/{token}.csv")
    assert again.status_code == 404 and "already used" in again.text


def test_formula_cells_are_prefixed_in_the_file(anon, engine, session, org, make_lead):
    make_lead(
        org.agent,
        first_name='=HYPERLINK("http://evil")',
        last_name="x",
        city="@SUM(A1)",
        street="+1 Main",
        source="-Zillow",
    )
    token = mint(engine, org.broker, {})
    rows = parse(anon.get(f"/export/{token}.csv").content)
    assert rows[0]["Name"] == '\'=HYPERLINK("http://evil") x'
    assert (rows[0]["City"], rows[0]["Address"], rows[0]["Source"]) == (
        "'@SUM(A1)",
        "'+1 Main",
        "'-Zillow",
    )


def test_only_brokers_export_and_tokens_are_one_time_and_short_lived(
    anon, engine, session, org, other_org, make_lead
):
    make_lead(org.agent)
    with pytest.raises(PermissionDenied):
        export.start(session, org.agent, {})
    session.rollback()
    assert session.exec(select(ExportLog)).all() == []
    assert anon.get("/export/not-a-real-token-at-all-xxxxxxxx.csv").status_code == 404
    assert anon.get("/export/x.csv").status_code == 404
    # Expired.
    token = mint(engine, org.broker, {})
    with Session(engine) as s:
        s.execute(sa.update(ExportLog).values(expires_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    r = anon.get(f"/export/{token}.csv")
    assert r.status_code == 404 and "expired" in r.text
    # A broker demoted (or switched off) after minting the token gets nothing.
    token = mint(engine, org.broker, {})
    with Session(engine) as s:
        s.get_one(User, org.broker.id).role = "agent"
        s.commit()
    assert anon.get(f"/export/{token}.csv").status_code == 403
    # Another brokerage's broker exports only their own leads.
    make_lead(other_org.broker, email="theirs@example.com")
    token = mint(engine, other_org.broker, {})
    rows = parse(anon.get(f"/export/{token}.csv").content)
    assert [r["Email"] for r in rows] == ["theirs@example.com"]


def test_open_download_refuses_odd_tokens(session):
    odd: tuple[Any, ...] = (None, 5, "", "short", "x" * 500)  # not all strings, on purpose
    for bad in odd:
        with pytest.raises(NotFound):
            export.open_download(session, bad)


def _insert(session, org, start, n):
    now = utcnow()
    session.execute(
        sa.insert(Lead),
        [
            {
                "brokerage_id": org.brokerage.id,
                "email": f"bulk{i}@example.com",
                "first_name": "Bulk" + "x" * 60,
                "last_name": f"L{i}",
                "assigned_agent_id": org.agent.id,
                "status": "new",
                "stage": "uncontacted",
                "stage_entered_at": now,
                "source": "Zillow",
                "created_at": now,
                "updated_at": now,
                "extra_emails": [],
                "extra_phones": [],
            }
            for i in range(start, start + n)
        ],
    )
    rollups.rebuild(session, org.brokerage.id)
    session.commit()


def _measure(engine, session, org) -> tuple[list[int], int, int]:
    token = export.start(session, org.broker, {"sort": "email", "dir": "asc"})
    session.commit()
    export_id, _ = export.open_download(session, token)
    session.commit()
    pieces = []
    tracemalloc.start()
    for piece in export.stream_rows(engine, export_id):
        pieces.append(len(piece))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    session.expire_all()
    return pieces, peak, session.get_one(ExportLog, export_id).row_count


def test_export_streams_in_chunks_without_holding_the_table(engine, session, org, monkeypatch):
    """Rows come out in pieces of CHUNK; 8x the rows need about the same memory (the peak is
    the working set of one chunk; the lowest of two runs, as a chance dict resize adds noise)."""
    monkeypatch.setattr(export, "CHUNK", 500)
    _insert(session, org, 0, 2000)
    _measure(engine, session, org)  # warm-up: statement caches, imports
    peak_small = min(_measure(engine, session, org)[1] for _ in range(2))
    _insert(session, org, 2000, 14000)
    runs = [_measure(engine, session, org) for _ in range(2)]
    pieces, _, n = runs[0]
    assert n == 16000 and len(pieces) == 1 + 16000 // 500  # the header, then one piece per chunk
    peak_big = min(r[1] for r in runs)
    extra_bytes = sum(pieces) * 14 // 16  # what the extra 14,000 rows add to the file
    assert peak_big - peak_small < extra_bytes / 4, (peak_small, peak_big, extra_bytes)


def test_an_interrupted_download_is_recorded_as_unfinished(engine, session, org, make_lead):
    for _ in range(3):
        make_lead(org.agent)
    monkey_chunk = export.CHUNK
    export.CHUNK = 1
    try:
        token = export.start(session, org.broker, {})
        session.commit()
        export_id, _ = export.open_download(session, token)
        session.commit()
        gen = export.stream_rows(engine, export_id)
        next(gen)
        next(gen)
        gen.close()  # the browser went away
    finally:
        export.CHUNK = monkey_chunk
    session.expire_all()
    entry = session.get(ExportLog, export_id)
    assert entry.started_at is not None and entry.finished_at is None and entry.row_count == 1
