"""Backups of the whole database (`leadapp db backup FILE`, `leadapp db restore FILE`).

- SQLite: SQLite's online backup API while the app keeps running (one read transaction;
  in WAL mode writers are not blocked); restore copies the file back the same way, so the
  live database changes in one step and open connections see the restored data.
- PostgreSQL: `pg_dump --format=custom`; restore replays the dump with `psql` in ONE
  transaction after dropping the public schema, so a failed restore leaves the database
  as it was.

A backup remembers its schema revision (Alembic's `alembic_version`). `restore` refuses a
file whose revision this code does not know (a newer schema: upgrade leadapp first) and
migrates an older one forward after restoring it.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

from leadapp.services.errors import ServiceError


class BackupError(ServiceError):
    pass


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_path(url: str) -> str:
    path = sa.make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return path


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string for pg_dump/psql."""
    u = sa.make_url(url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed).")
    return path


def known_revisions() -> set[str]:
    """Every revision in this code's alembic/versions."""
    from alembic.script import ScriptDirectory

    from leadapp.db import alembic_config

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from leadapp.db import alembic_config

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def backup(url: str, target: str | Path) -> str:
    """Write a backup of the database at `url` to `target`; returns its schema revision."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(url):
        tmp = target.with_name(target.name + ".part")
        tmp.unlink(missing_ok=True)
        src = sqlite3.connect(_sqlite_path(url), timeout=30)
        try:
            dst = sqlite3.connect(tmp)
            try:
                # all pages in one step, i.e. one read transaction: a consistent snapshot,
                # and in WAL mode the app's writers go on meanwhile (a stepwise copy would
                # restart after every write and might never finish on a busy database)
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, target)
    else:
        tmp = target.with_name(target.name + ".part")
        subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "-f", str(tmp), _libpq(url)],
            check=True,
            capture_output=True,
        )
        os.replace(tmp, target)
    return file_revision(target) or ""


def file_revision(path: str | Path) -> str | None:
    """The schema revision stored in a backup file (None when it has none)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with path.open("rb") as fh:
        magic = fh.read(16)
    if magic.startswith(b"SQLite format 3"):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not a leadapp backup ({exc}).") from None
        finally:
            con.close()
        return row[0] if row else None
    if magic.startswith(b"PGDMP"):
        out = subprocess.run(
            [_tool("pg_restore"), "--data-only", "--table=alembic_version", "-f", "-", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        match = re.search(r"^COPY [^\n]*alembic_version[^\n]*FROM stdin;\n([^\n\\]+)\n", out, re.M)
        return match.group(1).strip() if match else None
    raise BackupError(f"{path} is neither a SQLite nor a pg_dump backup.")


def _check_restorable(url: str, path: Path) -> str:
    revision = file_revision(path)
    if not revision:
        raise BackupError(f"{path} holds no schema revision; it is not a leadapp backup.")
    if revision not in known_revisions():
        raise BackupError(
            f"{path} comes from a newer schema (revision {revision}) than this leadapp "
            "knows; upgrade leadapp first, then restore."
        )
    with path.open("rb") as fh:
        is_sqlite_file = fh.read(16).startswith(b"SQLite format 3")
    if is_sqlite_file != _is_sqlite(url):
        kind = "SQLite" if is_sqlite_file else "PostgreSQL"
        raise BackupError(f"{path} is a {kind} backup; the configured database is not.")
    return revision


def restore(url: str, source: str | Path) -> str:
    """Replace the database at `url` with the backup `source`; returns the revision restored
    (the database is then migrated to this code's newest schema)."""
    from leadapp.db import upgrade

    source = Path(source)
    revision = _check_restorable(url, source)
    if _is_sqlite(url):
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(_sqlite_path(url), timeout=30)
            try:
                src.backup(dst)  # one step: the live file changes at once
            finally:
                dst.close()
        finally:
            src.close()
    else:
        _pg_restore(url, source)
    upgrade(url)
    return revision


def _pg_restore(url: str, source: Path) -> None:
    with tempfile.TemporaryFile(mode="w+b") as script:
        script.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
        script.flush()
        subprocess.run(
            [_tool("pg_restore"), "--no-owner", "-f", "-", str(source)],
            check=True,
            stdout=script,
            stderr=subprocess.PIPE,
        )
        script.seek(0)
        done = subprocess.run(
            [_tool("psql"), "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", _libpq(url)],
            stdin=script,
            capture_output=True,
        )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        raise BackupError(f"restore failed, the database is unchanged: {message[0]}")
