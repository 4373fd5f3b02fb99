"""Alembic environment: the target metadata is every leadapp SQLModel table."""

from sqlmodel import SQLModel

import leadapp.models  # noqa: F401  (registers the tables)
from alembic import context
from leadapp.db import make_engine
from leadapp.settings import database_url

config = context.config
target_metadata = SQLModel.metadata

# Lead search lives outside the models (migrations i3_a, i3_c): SQLite's FTS5 table with its
# shadow tables, the phone-suffix table and the bulk-load flag. Autogenerate leaves them alone.
SEARCH_TABLE_PREFIX = "lead_fts"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and reflected and (name or "").startswith(SEARCH_TABLE_PREFIX))


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
