"""`leadapp users`: exit 0 on success, 1 with one clear line on bad input, nothing half-done."""

import subprocess
import sys

import pytest
from sqlmodel import Session, col, select

from leadapp import db
from leadapp.models import Brokerage, Lead, User
from leadapp.services import auth, leads
from tests.conftest import ROOT


@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args, stdin: str = ""):
        env = {"REFLEX_DB_URL": url, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
        return subprocess.run(
            [sys.executable, "-m", "leadapp.cli", "users", *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )

    run.url = url
    return run


# The first broker, with a new brokerage, the password from stdin.
ADD_BOSS = ["add", "boss@acme.test", "--name", "Bo Boss", "--role", "broker"]
ADD_BOSS += ["--brokerage", "Acme Homes", "--password-stdin"]


def test_users_commands_end_to_end(cli):

    r = cli("add", "boss@acme.test", "--name", "Bo Boss", "--role", "broker")
    assert r.returncode == 1 and "--brokerage" in r.stderr  # empty database, no brokerage named
    r = cli(*ADD_BOSS, stdin="short\n")
    assert r.returncode == 1 and "at least 10" in r.stderr
    eng = db.make_engine(cli.url)
    with Session(eng) as s:
        assert s.exec(select(Brokerage)).all() == []  # the weak password created nothing
    r = cli(*ADD_BOSS, stdin="a very good password\n")
    assert r.returncode == 0, r.stderr
    r = cli("add", "ava@acme.test", "--name", "Ava Agent", "--role", "agent")
    assert r.returncode == 0 and "set-password?token=" in r.stdout
    r = cli("add", "AVA@acme.test", "--name", "Dup", "--role", "agent")
    assert r.returncode == 1 and "already belongs" in r.stderr
    r = cli("add", "x@acme.test", "--name", "X", "--role", "agent", "--brokerage", "Other Co")
    assert r.returncode == 1 and "No brokerage is named" in r.stderr
    r = cli("set-password", "ava@acme.test", "--password-stdin", stdin="ava has a password\n")
    assert r.returncode == 0, r.stderr
    r = cli("set-password", "nobody@acme.test", "--password-stdin", stdin="whatever long one\n")
    assert r.returncode == 1 and "No user has the email" in r.stderr
    with Session(eng, expire_on_commit=False) as s:
        ava = s.exec(select(User).where(col(User.email) == "ava@acme.test")).one()
        boss = s.exec(select(User).where(col(User.email) == "boss@acme.test")).one()
        lead = leads.create_lead(s, ava, {"email": "buyer@example.com"})
        token, _ = auth.sign_in(s, "ava@acme.test", "ava has a password")
        s.commit()
    r = cli("list")
    assert r.returncode == 0 and "ava@acme.test" in r.stdout and "broker" in r.stdout
    r = cli("deactivate", "boss@acme.test")
    assert r.returncode == 1 and "at least one active broker" in r.stderr
    r = cli("deactivate", "ava@acme.test", "--leads-to", "nobody@acme.test")
    assert r.returncode == 1
    r = cli("deactivate", "ava@acme.test", "--leads-to", "boss@acme.test")
    assert r.returncode == 0 and "1 leads moved" in r.stdout, r.stderr
    with Session(eng) as s:
        assert s.get_one(Lead, lead.id).assigned_agent_id == boss.id
        assert auth.user_for_token(s, token) is None
    r = cli("deactivate", "ava@acme.test")
    assert r.returncode == 1 and "already deactivated" in r.stderr
    eng.dispose()
