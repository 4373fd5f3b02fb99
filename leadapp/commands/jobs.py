"""`leadapp jobs run [--only NAME]`: run the periodic jobs that are due (the app also runs them)."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser(
        "jobs", help="run due periodic jobs (campaign emails, greetings, mail delivery)"
    )
    p.add_argument("action", choices=["run", "list"])
    p.add_argument("--only", default=None)
    p.set_defaults(func=run)


def run(args) -> int:
    from leadapp.db import get_engine
    from leadapp.services import scheduled

    if args.action == "list":
        for j in sorted(scheduled.JOBS, key=lambda j: j.name):
            print(f"{j.name:<20} every {j.every}")
        return 0
    for name, result in scheduled.run_due(get_engine(), only=args.only):
        print(f"{name}: {result}")
    return 0
