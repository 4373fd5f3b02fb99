"""`leadapp db upgrade|check|backup FILE|restore FILE`: migrate the database; compare
roll-ups with a recount; back it up and restore it (services/backup.py)."""

from __future__ import annotations

from sqlmodel import Session, select


def add_parser(sub) -> None:
    p = sub.add_parser("db", help="create or migrate the database; check the summary tables")
    p.add_argument("action", choices=["upgrade", "check", "rebuild-rollups", "backup", "restore"])
    p.add_argument("file", nargs="?", help="the backup file (backup and restore)")
    p.set_defaults(func=run)


def _backup(args) -> int:
    from leadapp.services import backup
    from leadapp.settings import database_url

    if not args.file:
        print(f"leadapp db {args.action} needs a FILE")
        return 2
    try:
        if args.action == "backup":
            revision = backup.backup(database_url(), args.file)
            print(f"backup written to {args.file} (schema {revision})")
        else:
            revision = backup.restore(database_url(), args.file)
            print(f"restored {args.file} (schema {revision}); the database is up to date")
    except backup.BackupError as exc:
        print(f"error: {exc}")
        return 1
    return 0


def run(args) -> int:
    from leadapp import db
    from leadapp.models import Brokerage
    from leadapp.services import rating, rollups

    if args.action in ("backup", "restore"):
        return _backup(args)
    if args.action == "upgrade":
        db.upgrade()
        print("database is up to date")
        return 0
    engine = db.get_engine()
    with Session(engine) as session:
        bad = 0
        for b in session.exec(select(Brokerage)).all():
            assert b.id is not None  # a stored row
            if args.action == "rebuild-rollups":
                rollups.rebuild(session, b.id)
                session.commit()
                print(f"{b.name}: summary tables rebuilt")
                continue
            problems = rollups.check(session, b.id) + rating.check(session, b.id)
            bad += len(problems)
            for line in problems[:50]:
                print(f"{b.name}: {line}")
            verdict = (
                f"{len(problems)} differences"
                if problems
                else "summary tables and ratings match a full recount"
            )
            print(f"{b.name}: {verdict}")
    return 1 if bad else 0
