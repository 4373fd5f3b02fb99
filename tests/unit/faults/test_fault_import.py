"""kill -9 in the middle of an import (I4): the import is one transaction, so after the
crash the leads are either all there or none are, SQLite's integrity check is clean and
`leadapp db check` finds the summary tables equal to a full recount; when nothing remained,
the same file imported again adds every row."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

ROWS = 20_000

pytestmark = pytest.mark.sqlite_only


def _cli(env, *args) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "leadapp.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _leads(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM lead").fetchone()[0]
    finally:
        con.close()


def test_kill_9_during_an_import_leaves_all_or_nothing(tmp_path):
    db = tmp_path / "fault.db"
    env = {**os.environ, "REFLEX_DB_URL": f"sqlite:///{db}", "PYTHONPATH": str(ROOT)}
    seed = _cli(env, "seed", "--leads", "300", "--activities", "3000", "--listings", "50")
    assert seed.stdout is not None
    assert seed.wait(timeout=300) == 0, seed.stdout.read().decode()
    before = _leads(db)

    csv = tmp_path / "big.csv"
    lines = ["Email,Name,Phone,Type,Pipeline Stage,Tags"]
    lines += [
        f"crash{i}@example.com,Crash Test{i},(415) 555-{i % 10000:04d},buyer,Nurturing,Imported"
        for i in range(ROWS)
    ]
    csv.write_text("\n".join(lines) + "\n")

    wal = Path(f"{db}-wal")
    proc = _cli(env, "import", str(csv))
    deadline = time.time() + 300
    # the write transaction is under way once the WAL grows past a few pages of lead rows
    while time.time() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 2_000_000:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    after = _leads(db)
    assert after in (before, before + ROWS)
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    check = _cli(env, "db", "check")
    out = check.communicate(timeout=300)[0].decode()
    assert check.returncode == 0, out

    if after == before + ROWS:
        return  # it had committed just before the kill: every row is there, once
    # nothing of the killed import remained: the same file now imports every row
    again = _cli(env, "import", str(csv))
    out = again.communicate(timeout=600)[0].decode()
    assert again.returncode == 0, out
    assert _leads(db) == before + ROWS
    check = _cli(env, "db", "check")
    assert check.wait(timeout=300) == 0
