"""Shared fixtures.

- `engine`: a fresh, migrated database per test. SQLite by default (a copy of a migrated
  template file); PostgreSQL when LEADAPP_TEST_PG=1 (database `leadapp_test`, emptied per test).
- `org`: one brokerage with a broker and two agents; `other_org`: a second brokerage.
- `make_lead`: creates leads through the real service.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from leadapp import db as dbmod
from leadapp.models import Brokerage, User
from leadapp.models.enums import DEFAULT_QUICK_EVENTS
from leadapp.services import leads as lead_svc
from leadapp.services.rows import id_of
from leadapp.services.security import hash_password

# The checkout's root (cwd for the CLI tests' subprocesses) and the tests folder.
ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
PG_URL = os.environ.get(
    "LEADAPP_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/leadapp_test"
)
USE_PG = os.environ.get("LEADAPP_TEST_PG") == "1"
PASSWORD = "correct horse battery"
_PW_HASH = None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "authz(handler): an authorization test of a State event handler"
    )
    config.addinivalue_line("markers", "sqlite_only: needs SQLite")
    config.addinivalue_line(
        "markers", "pg_only: needs PostgreSQL (runs in the LEADAPP_TEST_PG=1 run)"
    )
    config.addinivalue_line(
        "markers", "multiworker: browser test re-run with Redis and several backend workers"
    )


def pytest_collection_modifyitems(config, items):
    unwanted = "sqlite_only" if USE_PG else "pg_only"
    skip = pytest.mark.skip(
        reason="SQLite-only test (PostgreSQL run)"
        if USE_PG
        else "PostgreSQL-only test (SQLite run)"
    )
    for item in items:
        if unwanted in item.keywords:
            item.add_marker(skip)


def _pg_admin_url() -> str:
    return PG_URL.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(scope="session")
def _template(tmp_path_factory):
    if USE_PG:
        admin = sa.create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        name = PG_URL.rsplit("/", 1)[1]
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            c.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        dbmod.upgrade(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    dbmod.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def engine(_template, tmp_path):
    if USE_PG:
        eng = dbmod.make_engine(PG_URL)
        names = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
        with eng.begin() as c:
            c.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        yield eng
        eng.dispose()
        return
    path = tmp_path / "test.db"
    shutil.copy(_template, path)
    eng = dbmod.make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


@dataclass
class Org:
    brokerage: Brokerage
    broker: User
    agent: User
    agent2: User


def _pw() -> str:
    global _PW_HASH
    if _PW_HASH is None:
        _PW_HASH = hash_password(PASSWORD)
    return _PW_HASH


def create_org(session: Session, name: str = "Bayside Realty", domain: str = "bayside.test") -> Org:
    b = Brokerage(
        name=name, primary_email=f"office@{domain}", quick_events=list(DEFAULT_QUICK_EVENTS)
    )
    session.add(b)
    session.flush()
    users = []
    for i, (role, uname) in enumerate(
        [("broker", "Bea Broker"), ("agent", "Alan Agent"), ("agent", "Ana Second")]
    ):
        u = User(
            brokerage_id=id_of(b),
            email=f"{uname.split()[0].lower()}@{domain}",
            name=uname,
            role=role,
            agent_code=f"{domain[:3].upper()}{100 + i}",
            password_hash=_pw(),
        )
        session.add(u)
        users.append(u)
    session.commit()
    return Org(b, *users)


@pytest.fixture
def org(session) -> Org:
    return create_org(session)


@pytest.fixture
def other_org(session) -> Org:
    return create_org(session, "Hilltop Homes", "hilltop.test")


@pytest.fixture
def make_lead(session, org):
    counter = {"n": 0}

    def make(user: User | None = None, **data):
        counter["n"] += 1
        data.setdefault("email", f"lead{counter['n']}@example.com")
        lead = lead_svc.create_lead(session, user or org.broker, data)
        session.commit()
        return lead

    return make
