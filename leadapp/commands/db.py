"""`leadapp db upgrade|check`: migrate the database; compare roll-ups with a recount."""

from __future__ import annotations

from sqlmodel import Session, select


def add_parser(sub) -> None:
    p = sub.add_parser("db", help="create or migrate the database; check the summary tables")
    p.add_argument("action", choices=["upgrade", "check", "rebuild-rollups"])
    p.set_defaults(func=run)


def run(args) -> int:
    from leadapp import db
    from leadapp.models import Brokerage
    from leadapp.services import rating, rollups

    if args.action == "upgrade":
        db.upgrade()
        print("database is up to date")
        return 0
    engine = db.get_engine()
    with Session(engine) as session:
        bad = 0
        for b in session.exec(select(Brokerage)).all():
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
