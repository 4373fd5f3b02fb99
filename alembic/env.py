"""Alembic environment: the target metadata is every leadapp SQLModel table."""

from sqlmodel import SQLModel

import leadapp.models  # noqa: F401  (registers the tables)
from alembic import context
from leadapp.db import make_engine
from leadapp.settings import database_url

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
