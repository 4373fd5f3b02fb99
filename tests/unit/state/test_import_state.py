"""ImportState handlers: every one authorizes through the session; agents get the agent template."""

import pytest
from sqlmodel import select, text

from leadapp import settings
from leadapp.models import HistoryEntry, Lead
from leadapp.state.import_state import ImportState
from tests.matching import found
from tests.unit.state_harness import call, make_state, token_for


def downloaded(events) -> tuple[str, str]:
    """(filename, decoded text) of an rx.download event."""
    import base64

    text = str(events)
    data = found(r"data:text/csv;base64,([A-Za-z0-9+/=]+)", text)
    name = found(r"_var_value='([^']+\.csv)'", text)
    return name, base64.b64decode(data).decode()


class FakeUpload:
    def __init__(self, data: bytes, name: str = "leads.csv"):
        self._data, self.name, self.filename, self.size = data, name, name, len(data)

    async def read(self, n: int = -1) -> bytes:
        return self._data if n < 0 else self._data[:n]


@pytest.fixture(autouse=True)
def private_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "PRIVATE_UPLOAD_DIR", tmp_path / "private")


@pytest.mark.authz("ImportState.load")
@pytest.mark.authz("ImportState.download_template")
async def test_template_follows_the_server_side_role(engine, session, org, monkeypatch):
    st = make_state(ImportState, engine, "forged", monkeypatch)
    assert "login" in str(await call(st, "download_template"))
    assert "login" in str(await call(st, "load")) and st.guide == []
    st = make_state(ImportState, engine, token_for(session, org.agent), monkeypatch)
    st.user_role = "broker"  # a client cannot buy the broker template by claiming the role
    await call(st, "load")
    assert "Agent ID" not in [g.header for g in st.guide]
    name, text = downloaded(await call(st, "download_template"))
    assert (
        name == "leadapp-import-template.csv"
        and text.startswith("Email,Name,")
        and "Agent ID" not in text
    )
    st = make_state(ImportState, engine, token_for(session, org.broker), monkeypatch)
    await call(st, "load")
    assert "Agent ID" in [g.header for g in st.guide]
    name, text = downloaded(await call(st, "download_template"))
    assert name == "leadapp-import-template-broker.csv" and "Agent ID" in text.splitlines()[0]


@pytest.mark.authz("ImportState.handle_upload")
@pytest.mark.authz("ImportState.upload_progress")
@pytest.mark.authz("ImportState.set_only_errors")
async def test_upload_needs_a_session_and_previews_only(engine, session, org, monkeypatch):
    st = make_state(ImportState, engine, "forged", monkeypatch)
    events = await call(st, "handle_upload", [FakeUpload(b"Email\r\na@x.com\r\n")])
    assert "login" in str(events) and st.phase == "idle" and not st.ok
    st = make_state(ImportState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "upload_progress", {"progress": 0.5})
    assert st.upload_pct == 50 and st.uploading
    await call(st, "upload_progress", "junk")
    await call(st, "handle_upload", [FakeUpload(b"Email,Zip\r\na@x.com,ABC\r\nb@x.com,94704\r\n")])
    assert (
        st.phase == "preview"
        and not st.ok
        and st.errors_total == 1
        and st.rows == 2
        and st.valid == 1
    )
    assert st.errors[0].message.startswith("'ABC' is neither") and st._token == ""
    assert [r.row for r in st.grid_rows] == [2] and st.only_errors
    await call(st, "set_only_errors", False)
    assert [r.row for r in st.grid_rows] == [2, 3]
    assert session.exec(select(Lead)).all() == []


@pytest.mark.authz("ImportState.start_import")
@pytest.mark.authz("ImportState.upload_again")
async def test_import_uses_the_signed_in_user_and_only_a_clean_preview(
    engine, session, org, monkeypatch
):
    st = make_state(ImportState, engine, token_for(session, org.agent), monkeypatch)
    assert "Upload a file without errors first." in str(await call(st, "start_import"))
    await call(st, "handle_upload", [FakeUpload(b"Email,Agent ID,Notes\r\na@x.com,BAY102,hi\r\n")])
    assert st.ok and st._token and "only brokers assign agents" in st.warnings[0]
    # the session ends before the import: nothing is written
    real = st.session_token
    st.session_token = "forged"
    events = await call(st, "start_import")
    assert "login" in str(events) and session.exec(select(Lead)).all() == []
    st.session_token = real
    await call(st, "upload_again")
    assert st.phase == "idle" and st._token == ""
    await call(st, "handle_upload", [FakeUpload(b"Email,Agent ID,Notes\r\na@x.com,BAY102,hi\r\n")])
    await call(st, "start_import")
    assert st.phase == "done" and st.result.leads == 1 and st.result.notes == 1
    assert st.result_message == "1 lead imported, 1 note."
    lead = session.exec(select(Lead)).one()
    assert lead.assigned_agent_id == org.agent.id
    assert {h.kind for h in session.exec(select(HistoryEntry)).all()} == {"import", "note"}
    # the stored upload is gone: importing again is refused
    st.phase, st.ok, st._token = "preview", True, "x" * 32
    await call(st, "start_import")
    assert len(session.exec(select(Lead)).all()) == 1 and st.phase == "preview"


async def test_another_users_upload_token_is_useless(engine, session, org, monkeypatch):
    a = make_state(ImportState, engine, token_for(session, org.agent), monkeypatch)
    await call(a, "handle_upload", [FakeUpload(b"Email\r\na@x.com\r\n")])
    b = make_state(ImportState, engine, token_for(session, org.agent2), monkeypatch)
    b.phase, b.ok, b._token, b.filename = "preview", True, a._token, "x.csv"
    await call(b, "start_import")
    assert session.exec(select(Lead)).all() == [] and b.phase == "preview"


async def test_a_large_import_refreshes_the_planner_statistics(engine, session, org, monkeypatch):
    from leadapp import db

    monkeypatch.setattr(db, "ANALYZE_AFTER_ROWS", 2)
    st = make_state(ImportState, engine, token_for(session, org.broker), monkeypatch)
    await call(st, "handle_upload", [FakeUpload(b"Email\r\na@x.com\r\nb@x.com\r\n")])
    await call(st, "start_import")
    assert st.phase == "done" and st.result.leads == 2
    if engine.dialect.name == "postgresql":  # the row estimate ANALYZE sets: the two leads
        stats = "SELECT reltuples::int FROM pg_class WHERE relname = 'lead'"
        assert session.execute(text(stats)).scalar_one() == 2
    else:  # SQLite: ANALYZE writes the lead table's indexes into sqlite_stat1
        stats = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'lead'"
        assert session.execute(text(stats)).scalar_one() > 0
