"""Bench: sign-in (G1) with its throttle check, session and audit rows, beside the raw
limit of one argon2 password check (what any sign-in must spend)."""

from __future__ import annotations

import contextlib

from sqlmodel import Session

from leadapp.bench import BenchContext, Row, bench, p95
from leadapp.bench.common import bench_user, fresh_engine

PASSWORD = "a bench password here"


@bench("sign-in (throttled, audited)", order=95)
def sign_in(ctx: BenchContext) -> list[Row]:
    from leadapp.services import auth
    from leadapp.services.errors import ServiceError
    from leadapp.services.security import hash_password, verify_password

    eng = fresh_engine(ctx.workdir / "signin_bench.db")
    rows = []
    with Session(eng) as s:
        pw_hash = hash_password(PASSWORD)
        bench_user(s, "agent", "u@bench.test", "U", pw_hash, ["Called"])
        s.commit()
        raw = p95(lambda: verify_password(pw_hash, PASSWORD), repeat=15)

        def ok():
            auth.sign_in(s, "u@bench.test", PASSWORD, address="10.0.0.1")
            s.commit()

        def refused(n=[0]):  # noqa: B006 (a new address each time: never locked)
            n[0] += 1
            with contextlib.suppress(ServiceError):
                auth.sign_in(s, "u@bench.test", "wrong password", address=f"10.1.{n[0]}.1")

        rows.append(
            Row("sign-in (throttled, audited)", "accepted", p95(ok, 15), raw, "<= 2x argon2")
        )
        rows.append(
            Row("sign-in (throttled, audited)", "refused", p95(refused, 15), raw, "<= 2x argon2")
        )
    eng.dispose()
    for r in rows:  # the database work must stay small beside the password check itself
        r.ok = r.app_s <= 2 * raw
    return rows
