"""`leadapp seed`: load the demo brokerage (deterministic for --seed)."""

from __future__ import annotations

import time


def add_parser(sub) -> None:
    p = sub.add_parser("seed", help="load demo data into an empty database")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--leads", type=int, default=2000)
    p.add_argument("--activities", type=int, default=100_000)
    p.add_argument("--listings", type=int, default=500)
    p.add_argument("--if-empty", action="store_true", help="do nothing when the database has data")
    p.set_defaults(func=run)


def print_sign_ins() -> None:
    from leadapp.services.demo_data import demo_sign_ins

    print(f"Demo sign-ins (password for all: {demo_sign_ins()[0][2]}):")
    for role, email, _ in demo_sign_ins():
        print(f"  {role:<7} {email}")


def run(args) -> int:
    from leadapp import db
    from leadapp.services import demo_data

    db.upgrade()
    engine = db.get_engine()
    if not demo_data.is_empty(engine):
        if args.if_empty:
            print("database already has data; demo data not loaded")
            print_sign_ins()
            return 0
        print("the database is not empty; seed loads into an empty database only")
        return 1
    t = time.perf_counter()
    counts = demo_data.load(
        engine,
        demo_data.Plan(
            seed=args.seed, leads=args.leads, activities=args.activities, listings=args.listings
        ),
    )
    print(
        f"demo data loaded in {time.perf_counter() - t:.1f}s: "
        + ", ".join(
            f"{v:,} {k}" for k, v in counts.items() if k in ("lead", "activity", "listing", "task")
        )
    )
    print_sign_ins()
    return 0
