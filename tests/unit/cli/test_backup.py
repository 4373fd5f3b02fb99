"""`leadapp db backup` / `restore` round trips on SQLite and PostgreSQL (services/backup.py):
the restored database equals the backed-up one, a backup taken while a writer is busy is
consistent, and a file from a newer schema is refused without touching the database."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from leadapp.services import backup
from leadapp.services import leads as lead_svc


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _fingerprint(engine) -> dict:
    with engine.connect() as c:
        return {
            "leads": c.exec_driver_sql(
                "SELECT id, first_name, email, status FROM lead ORDER BY id"
            ).all(),
            "history": c.exec_driver_sql("SELECT count(*) FROM history_entry").scalar(),
            "users": c.exec_driver_sql("SELECT email FROM app_user ORDER BY id").all(),
        }


def test_round_trip(engine, org, make_lead, tmp_path, session):
    for i in range(5):
        make_lead(first_name=f"Kept{i}")
    before = _fingerprint(engine)
    file = tmp_path / "leadapp.backup"
    revision = backup.backup(_url(engine), file)
    assert revision in backup.head_revisions()

    # changes after the backup: a new lead, an edited one, a deleted one
    make_lead(first_name="Later")
    with engine.begin() as c:
        c.exec_driver_sql("UPDATE lead SET first_name = 'Edited' WHERE first_name = 'Kept0'")
        c.exec_driver_sql("DELETE FROM history_entry")
    assert _fingerprint(engine) != before
    session.close()
    engine.dispose()

    assert backup.restore(_url(engine), file) == revision
    assert _fingerprint(engine) == before
    # the restored database is usable: search index and writes work
    with engine.begin() as c:
        assert c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == revision
    from sqlmodel import Session

    with Session(engine) as s:
        lead_svc.create_lead(s, org.broker, {"email": "after@example.com", "first_name": "After"})
        s.commit()
    assert len(_fingerprint(engine)["leads"]) == len(before["leads"]) + 1


def test_backup_while_a_writer_is_busy_is_consistent(engine, org, make_lead, tmp_path):
    """The online backup runs while rows are inserted; the copy is one consistent moment."""
    make_lead(first_name="Seed")
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set() and n < 2000:
            # two rows per transaction: a consistent copy never holds an odd count
            with engine.begin() as c:
                c.execute(
                    sa.text("INSERT INTO lead_note_probe_pairs VALUES (:n), (:m)"),
                    {"n": n, "m": n + 1},
                )
            n += 2

    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE lead_note_probe_pairs (n INTEGER)")
    t = threading.Thread(target=writer)
    t.start()
    try:
        file = tmp_path / "busy.backup"
        backup.backup(_url(engine), file)
    finally:
        stop.set()
        t.join()
    with engine.begin() as c:
        c.exec_driver_sql("DROP TABLE lead_note_probe_pairs")
    backup.restore(_url(engine), file)
    with engine.connect() as c:
        copied = c.exec_driver_sql("SELECT count(*) FROM lead_note_probe_pairs").scalar()
        c.rollback()
    assert copied % 2 == 0
    with engine.begin() as c:
        c.exec_driver_sql("DROP TABLE lead_note_probe_pairs")


def test_a_backup_from_a_newer_schema_is_refused(engine, org, make_lead, tmp_path):
    make_lead(first_name="Here")
    before = _fingerprint(engine)
    with engine.begin() as c:
        real = c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        c.exec_driver_sql("UPDATE alembic_version SET version_num = 'zz_future'")
    file = tmp_path / "future.backup"
    try:
        assert backup.backup(_url(engine), file) == "zz_future"
    finally:
        with engine.begin() as c:
            c.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": real})
    make_lead(first_name="AfterTheBackup")
    current = _fingerprint(engine)
    with pytest.raises(backup.BackupError, match="newer schema"):
        backup.restore(_url(engine), file)
    assert _fingerprint(engine) == current != before


def test_not_a_backup(engine, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello world, not a database")
    with pytest.raises(backup.BackupError, match="neither"):
        backup.restore(_url(engine), junk)
    with pytest.raises(backup.BackupError, match="does not exist"):
        backup.restore(_url(engine), tmp_path / "missing")


def test_the_cli(engine, org, make_lead, tmp_path, monkeypatch, capsys):
    from leadapp.cli import main

    make_lead(first_name="Cli")
    monkeypatch.setenv("REFLEX_DB_URL", _url(engine))
    file = tmp_path / "cli.backup"
    assert main(["db", "backup", str(file)]) == 0
    assert "backup written" in capsys.readouterr().out
    assert main(["db", "restore", str(file)]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["db", "restore"]) == 2
