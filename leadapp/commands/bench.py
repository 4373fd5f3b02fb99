"""`leadapp bench [--leads N] [--only NAME]`: app timings beside raw limits, in one run."""

from __future__ import annotations

import importlib
import pkgutil
import tempfile
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("bench", help="measure the app against the raw database limit")
    p.add_argument("--leads", type=int, default=100_000, help="size of the generated brokerage")
    p.add_argument(
        "--only", action="append", default=[], help="run benches whose name contains this"
    )
    p.add_argument("--quick", action="store_true", help="smaller sizes only (a smoke run)")
    p.add_argument(
        "--workdir", default=None, help="where the benchmark databases go (default: a temp dir)"
    )
    p.add_argument(
        "--db",
        default=None,
        help="a PostgreSQL URL: the demo-brokerage benches (lead list, dashboard, lead page, "
        "to-dos) run there, one database per size named after it (e.g. <name>_100000)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    import leadapp.bench as bench_pkg
    from leadapp.bench import REGISTRY, BenchContext, print_table
    from leadapp.bench.databases import use_postgres

    if args.db and not args.db.startswith("postgresql"):
        print("--db takes a PostgreSQL URL (SQLite benches use --workdir)")
        return 2
    use_postgres(args.db)

    for mod in pkgutil.iter_modules(bench_pkg.__path__):
        importlib.import_module(f"leadapp.bench.{mod.name}")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="leadapp-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    ctx = BenchContext(leads=args.leads, workdir=workdir, only=args.only, quick=args.quick)
    rows = []
    for _, name, fn in sorted(REGISTRY, key=lambda r: (r[0], r[1])):
        if args.only and not any(o in name for o in args.only):
            continue
        print(f"running: {name} ...", flush=True)
        rows.extend(fn(ctx))
    print()
    print_table(rows)
    return 0
