"""The committed Alembic migrations build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import leadapp.models  # noqa: F401


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    # Objects created by raw SQL in migrations (search indexes, FTS tables) are not in the models.
    diff = [
        d
        for d in diff
        if not (
            isinstance(d, tuple)
            and d[0] in ("remove_table", "remove_index")
            and "fts" in str(d[1]).lower()
            or "trgm" in str(d).lower()
        )
    ]
    assert diff == [], f"models and migrations differ; run `make migration MSG=...`: {diff}"


def test_sqlite_pragmas(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
