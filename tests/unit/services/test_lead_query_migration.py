"""The migration that adds the lead search tables backfills them and the type rollup, on
SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa


def _migration_roundtrip(url):
    from alembic import command
    from leadapp import db as dbmod

    cfg = dbmod.alembic_config(url)
    command.upgrade(cfg, "i5_a")
    eng = dbmod.make_engine(url)
    with eng.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO brokerage (id, name, primary_email, unassigned_pool_enabled, "
            "quick_events, "
            "reminder_minutes, timezone, created_at) VALUES (1, 'B', 'b@x.test', true, '[]', 15, "
            "'UTC', "
            "'2026-01-01 00:00:00')"
        )
        for i, (fn, ln, lt, st) in enumerate(
            [("Mary", "Lee", "buyer", "closed"), ("Bob", "Ray", None, "dead")]
        ):
            c.exec_driver_sql(
                "INSERT INTO lead (id, brokerage_id, email, first_name, last_name, phone, "  # noqa: UP031
                "phone_digits, extra_emails, "
                "extra_phones, street, city, state, postal_code, lead_type, status, stage, "
                "stage_entered_at, priority, "
                "source, texting_consent, property_type_wanted, move_timeframe, rating_score, "
                "active_subscriptions, "
                "created_at, updated_at) VALUES (%s, 1, '%s@x.test', '%s', '%s', '', "
                "'4155550%03d', '[]', '[]', '', '', "
                "'', '', %s, 'new', '%s', '2026-03-01 00:00:00', 'normal', 'Zillow', false, '', "
                "'', 0, %d, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                % (i + 1, fn.lower(), fn, ln, i, f"'{lt}'" if lt else "NULL", st, i)
            )
        # history for i6_b's D4 summaries: per-user day counts and each lead's last contact
        c.exec_driver_sql(
            "INSERT INTO app_user (id, brokerage_id, email, name, role, agent_code, phone, "
            "password_hash, "
            "is_active, timezone, list_columns, created_at) VALUES (1, 1, 'a@x.test', 'A', "
            "'agent', '', "
            "'', '', true, 'UTC', '[]', '2026-01-01 00:00:00')"
        )
        for lead, actor, kind, field, at in [
            (1, 1, "call", None, "2026-03-02 10:00:00"),
            (1, 1, "audit", "stage", "2026-03-02 11:00:00"),
            (1, 1, "audit", "status", "2026-03-02 12:00:00"),
            (1, 1, "quick_event", None, "2026-03-04 09:00:00"),
            (2, None, "message", None, "2026-03-03 08:00:00"),
        ]:
            c.exec_driver_sql(
                "INSERT INTO history_entry (brokerage_id, lead_id, actor_id, kind, title, body, "
                "field, "
                f"created_at) VALUES (1, {lead}, {actor or 'NULL'}, '{kind}', '', '', "
                f"{repr(field) if field else 'NULL'}, '{at}')"
            )
    command.upgrade(cfg, "head")
    with eng.connect() as c:
        days = sorted(
            (str(d)[:10], a, k, n)
            for d, a, k, n in c.exec_driver_sql(
                "SELECT day, actor_id, kind, count FROM history_day"
            )
        )
        assert days == [
            ("2026-03-02", 1, "call", 1),
            ("2026-03-02", 1, "stage", 1),
            ("2026-03-04", 1, "quick_event", 1),
        ]
        last = dict(c.exec_driver_sql("SELECT id, last_contacted_at FROM lead").all())
        assert str(last[1])[:16] == "2026-03-04 09:00" and str(last[2])[:16] == "2026-03-03 08:00"
    with eng.connect() as c:
        rows = sorted(
            tuple(r)
            for r in c.exec_driver_sql(
                "SELECT agent_key, stage, closed_year, source, subscribed, lead_type, count FROM "
                "lead_rollup"
            )
        )
        assert rows == [
            (0, "closed", 2026, "Zillow", False, "buyer", 1),
            (0, "dead", 0, "Zillow", True, "", 1),
        ]
        if eng.dialect.name == "sqlite":
            hits = c.exec_driver_sql(
                "SELECT rowid FROM lead_fts WHERE lead_fts MATCH '\"ry le\"'"
            ).all()
            assert [h[0] for h in hits] == [1]
    command.downgrade(cfg, "i6_a")  # back before the phone suffixes and D4 summaries
    if eng.dialect.name == "sqlite":
        with eng.connect() as c:  # the search triggers survived the downgrades
            names = {
                n
                for (n,) in c.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                )
            }
            assert {
                "lead_fts_ai",
                "lead_fts_ad",
                "lead_fts_au",
            } <= names and "lead_fts_phone_au" not in names
    command.downgrade(cfg, "i5_a")
    with eng.connect() as c:
        assert c.exec_driver_sql("SELECT SUM(count) FROM lead_rollup").scalar() == 2
    command.upgrade(cfg, "head")
    eng.dispose()


@pytest.mark.sqlite_only
def test_migration_backfills_search_and_type_rollup(tmp_path):
    _migration_roundtrip(f"sqlite:///{tmp_path / 'mig.db'}")


def test_migration_backfills_on_postgresql():
    from tests.conftest import PG_URL, USE_PG, _pg_admin_url

    if not USE_PG:
        pytest.skip("PostgreSQL run only")
    admin = sa.create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql("DROP DATABASE IF EXISTS leadapp_i3mig WITH (FORCE)")
        c.exec_driver_sql("CREATE DATABASE leadapp_i3mig")
    try:
        _migration_roundtrip(PG_URL.rsplit("/", 1)[0] + "/leadapp_i3mig")
    finally:
        with admin.connect() as c:
            c.exec_driver_sql("DROP DATABASE IF EXISTS leadapp_i3mig WITH (FORCE)")
        admin.dispose()
