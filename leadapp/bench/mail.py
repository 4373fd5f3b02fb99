"""Bench (C5, C6): the open pixel, the click redirect and the one-click unsubscribe over
HTTP at many email rows (target <= 20 ms p95), each beside the raw limit: the same SQL
statements the service sends, replayed straight on the driver."""

from __future__ import annotations

import random
import time

from leadapp.bench import BenchContext, Row, bench, capture_sql, p95, replay_sql
from leadapp.bench.common import bench_org, fresh_engine, served_api

N_LEADS = 2_000
TARGET_S = 0.020


def _emails(eng, bid: int, n: int) -> None:
    from leadapp.models import utcnow
    from leadapp.services.bulk import insert_rows

    with eng.connect() as c:
        leads = [i for (i,) in c.exec_driver_sql("SELECT id FROM lead")]
    sent = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    rng = random.Random(7)
    cols = (
        "brokerage_id",
        "lead_id",
        "to_address",
        "subject",
        "body",
        "kind",
        "channel",
        "status",
        "error",
        "click_count",
        "created_at",
        "sent_at",
        "template",
        "marketing",
        "attempts",
        "open_count",
        "machine_open_count",
        "links",
    )
    with eng.begin() as conn:
        insert_rows(
            conn,
            "outgoing_email",
            cols,
            (
                (
                    bid,
                    (lead := rng.choice(leads)),
                    f"l{lead}@bench.test",
                    "Homes for you",
                    "",
                    "campaign",
                    "email",
                    "sent",
                    "",
                    0,
                    sent,
                    "2026-01-01 00:00:00",
                    "message",
                    True,
                    1,
                    0,
                    0,
                    '["https://homes.example/a", "https://homes.example/b"]',
                )
                for _ in range(n)
            ),
        )


@bench("mail: pixel, click, one-click unsubscribe", order=60)
def mail_links(ctx: BenchContext) -> list[Row]:
    import httpx
    from sqlmodel import Session

    from leadapp.services import mail_tokens, mail_tracking

    n = 20_000 if ctx.quick else max(ctx.leads, 100_000)
    eng = fresh_engine(ctx.workdir / "mail_links.db")
    bid, _ = bench_org(eng, N_LEADS)
    _emails(eng, bid, n)
    rng = random.Random(3)
    ids = iter(rng.sample(range(1, n + 1), 600))
    with Session(eng) as s:
        tokens = {
            p: [mail_tokens.make(s, next(ids), p, 0) for _ in range(150)]
            for p in ("open", "click", "unsubscribe")
        }
        s.commit()
    rows = []
    try:
        with served_api(eng) as base, httpx.Client(base_url=base, timeout=30) as client:
            cases = {
                "open": (
                    lambda t: client.get(f"/api/v1/mail/o/{t}.gif"),
                    mail_tracking.record_open,
                ),
                "click": (lambda t: client.get(f"/api/v1/mail/c/{t}"), mail_tracking.click),
                "unsubscribe": (
                    lambda t: client.post(
                        f"/api/v1/mail/u/{t}", content=b"List-Unsubscribe=One-Click"
                    ),
                    mail_tracking.one_click,
                ),
            }
            for purpose, (call, service) in cases.items():
                toks = iter(tokens[purpose])
                expect = 302 if purpose == "click" else 200

                def one(call=call, toks=toks, expect=expect):
                    r = call(next(toks))
                    assert r.status_code == expect, r.status_code

                for _ in range(5):
                    one()
                app_s = p95(one, repeat=100)
                time.sleep(1)  # let the clicks' activity writes (after each answer) finish
                extra = tokens[purpose][120]

                def through_service(service=service, extra=extra):
                    # rolled back, so each replay finds the state the service found
                    with Session(eng) as s:
                        service(s, extra)
                        s.flush()
                        s.rollback()

                # without the savepoint pair (on SQLite its RELEASE would commit the replay)
                sql = [
                    (q, a)
                    for q, a in capture_sql(eng, through_service)
                    if not q.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))
                ]
                raw = replay_sql(eng, [("BEGIN IMMEDIATE", ()), *sql, ("ROLLBACK", ())])
                raw_s = p95(raw, repeat=30)
                rows.append(
                    Row(
                        f"mail: {purpose} over HTTP",
                        f"{n:,} emails",
                        app_s,
                        raw_s,
                        "<= 20 ms p95",
                        ok=app_s <= TARGET_S,
                    )
                )
    finally:
        eng.dispose()
    return rows
