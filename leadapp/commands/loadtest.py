"""`leadapp loadtest`: simulated agents and brokers over the real websocket protocol.

    leadapp loadtest --url http://127.0.0.1:3000 --users 50 --duration 60 [--api-key KEY]

Each user signs in (the demo accounts of `leadapp seed` unless --accounts is given) and
works with think time (leadapp/loadtest/scenario.py); with --api-key the website API gets
events at --api-rate per second meanwhile. Prints per action p50 / p95 / max and errors,
and events/s; exits 1 on any error. Send it only to a server you run.
"""

from __future__ import annotations

import random
import threading
import time


def add_parser(sub) -> None:
    p = sub.add_parser("loadtest", help="simulated users over the websocket; p50/p95 per action")
    p.add_argument("--url", default="http://127.0.0.1:3000", help="the app's base URL")
    p.add_argument("--users", type=int, default=10, help="concurrent simulated users")
    p.add_argument("--duration", type=float, default=30, help="seconds of load")
    p.add_argument("--think", type=float, default=1.0, help="mean think time between actions, s")
    p.add_argument(
        "--accounts",
        default="",
        help="comma-separated email:password sign-ins to use in turn (default: the demo ones)",
    )
    p.add_argument("--api-key", default="", help="an API key: also post website events")
    p.add_argument("--api-rate", type=float, default=5, help="website events per second")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=run)


def accounts(spec: str) -> list[tuple[str, str]]:
    if spec:
        out = []
        for item in spec.split(","):
            email, _, password = item.strip().partition(":")
            out.append((email, password))
        return out
    from leadapp.services.demo_data import demo_sign_ins

    return [(email, password) for _, email, password in demo_sign_ins()]


def run(args) -> int:
    from leadapp.loadtest.scenario import SimUser, Stats, post_events

    if args.users < 1 or args.duration <= 0:
        print("--users and --duration must be positive")
        return 2
    stats = Stats()
    logins = accounts(args.accounts)
    started = time.perf_counter()
    until = started + args.duration
    threads = []
    for i in range(args.users):
        email, password = logins[i % len(logins)]
        user = SimUser(args.url, email, password, stats, args.think, random.Random(args.seed + i))
        threads.append(threading.Thread(target=user.run, args=(until,), daemon=True))
    if args.api_key:
        rng = random.Random(args.seed)
        threads.append(
            threading.Thread(
                target=post_events,
                args=(args.url, args.api_key, stats, until, args.api_rate, rng),
                daemon=True,
            )
        )
    for k, t in enumerate(threads):
        t.start()
        if k < args.users:
            time.sleep(min(0.05, args.duration / 20 / max(args.users, 1)))  # a gentle ramp
    for t in threads:
        t.join(timeout=args.duration + 120)
    elapsed = time.perf_counter() - started
    print(f"{args.users} users for {args.duration:.0f} s against {args.url}")
    print(stats.table(elapsed))
    for action, errs in sorted(stats.errors.items()):
        for why in errs[:3]:
            print(f"  error in {action}: {why}")
    return 1 if stats.error_count or not stats.times else 0
