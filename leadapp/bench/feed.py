"""Benches: the listings feed import and the daily email-alert job (P14, C3).

- Feed: 10,000 RESO listings through `listings_feed.upsert` in batches of 500 (one commit
  each) into an empty database; raw limit = one executemany of the same listing rows.
  Target >= 5,000 listings/s. A second row re-feeds them with 10% price changes.
- Alerts: `alerts.send_daily` for N leads with N/2 saved searches (alerts on) and N/20
  listing changes in the last 24 hours; raw limit = the matching SQL statement alone, replayed
  on the driver. Targets <= 60 s and <= 3x the raw match. The seeded base database is kept
  in the workdir and copied per run (the job's claims make a second run on it send nothing).
"""

from __future__ import annotations

import random
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from leadapp.bench import BenchContext, Row, bench, capture_sql, replay_sql
from leadapp.bench.common import fresh_engine

CITIES = ["Berkeley", "Oakland", "Alameda", "Albany", "Emeryville", "Piedmont"]


def reso_records(n: int, seed: int = 5) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        rent = rnd.random() < 0.15
        out.append(
            {
                "ListingKey": f"K{i}",
                "ListingId": f"B{i:07d}",
                "StandardStatus": "Active",
                "ListPrice": rnd.randint(2000, 6000) if rent else rnd.randint(300, 3000) * 1000,
                "BedroomsTotal": rnd.randint(1, 5),
                "BathroomsTotalInteger": rnd.randint(1, 4),
                "LivingArea": rnd.randint(600, 4000),
                "PropertyType": "Residential Lease" if rent else "Residential",
                "PropertySubType": rnd.choice(["Single Family Residence", "Condominium"]),
                "UnparsedAddress": f"{rnd.randint(1, 9999)} Elm St",
                "City": rnd.choice(CITIES),
                "StateOrProvince": "CA",
                "PostalCode": "94704",
                "ListingContractDate": "2026-11-20",
                "ModificationTimestamp": "2026-11-30T10:00:00Z",
                "PhotoURL": f"https://photos.example.com/{i}.jpg",
            }
        )
    return out


@bench("listings feed: import 10,000 RESO listings", order=60)
def feed_import(ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session

    from leadapp.models import Listing
    from leadapp.services import listings_feed
    from leadapp.services.rows import table_of

    n = 2000 if ctx.quick else 10_000
    records = reso_records(n)
    eng = fresh_engine(ctx.workdir / "feed_app.db")

    def feed(recs):
        for i in range(0, len(recs), listings_feed.MAX_BATCH):
            with Session(eng) as s:
                res = listings_feed.upsert(s, recs[i : i + listings_feed.MAX_BATCH])
                assert not res.errors
                s.commit()

    t = time.perf_counter()
    feed(records)
    app = time.perf_counter() - t
    rnd = random.Random(9)
    changed = [
        r | {"ListPrice": r["ListPrice"] - 1000} if rnd.random() < 0.1 else r for r in records
    ]
    t = time.perf_counter()
    feed(changed)
    app2 = time.perf_counter() - t
    eng.dispose()

    raw_eng = fresh_engine(ctx.workdir / "feed_raw.db")
    rows = []
    now = datetime.now(UTC)
    for i, r in enumerate(records):
        rows.append(
            {
                "mls_number": r["ListingId"],
                "listing_key": r["ListingKey"],
                "street": r["UnparsedAddress"],
                "city": r["City"],
                "state": "CA",
                "postal_code": "94704",
                "price": r["ListPrice"],
                "beds": r["BedroomsTotal"],
                "baths": float(r["BathroomsTotalInteger"]),
                "sqft": r["LivingArea"],
                "property_type": "condo" if i % 2 else "single_family",
                "transaction": "sale",
                "status": "active",
                "list_date": date(2026, 11, 20),
                "updated_at": now,
                "photo_url": r["PhotoURL"],
            }
        )
    t = time.perf_counter()
    with raw_eng.begin() as conn:
        conn.execute(table_of(Listing).insert(), rows)
    raw = time.perf_counter() - t
    raw_eng.dispose()
    rate = n / app
    return [
        Row(
            "listings feed: new listings",
            f"{n:,}",
            app,
            raw,
            ">= 5,000 listings/s",
            rate >= 5000,
            f"{rate:,.0f}/s",
        ),
        Row(
            "listings feed: re-feed, 10% price changes",
            f"{n:,}",
            app2,
            None,
            ">= 5,000 listings/s",
            n / app2 >= 5000,
            f"{n / app2:,.0f}/s",
        ),
    ]


def _seed_alerts(path: Path, leads: int, searches: int, changes: int) -> None:
    from leadapp.bench.databases import building_sqlite

    with building_sqlite(path) as eng:
        _fill_alerts(eng, leads, searches, changes)


def _fill_alerts(eng, leads: int, searches: int, changes: int) -> None:
    """A demo brokerage with `searches` saved searches that send alerts and `changes` listings
    whose price changed in the last day."""
    import json

    from leadapp.models import CommSettings
    from leadapp.services import demo_data
    from leadapp.services.rows import table_of

    listings = max(changes * 4, 2000)
    demo_data.load(eng, demo_data.Plan(seed=3, leads=leads, activities=leads, listings=listings))
    rnd = random.Random(4)
    now = datetime.now(UTC)
    with eng.begin() as conn:
        conn.exec_driver_sql("DELETE FROM saved_search")
        cities = [r[0] for r in conn.exec_driver_sql("SELECT DISTINCT city FROM listing")]
        rows = []
        for _ in range(searches):
            tr = "rent" if rnd.random() < 0.15 else "sale"
            c = {"city": rnd.choice(cities), "min_beds": rnd.randint(1, 4), "transaction": tr}
            c["max_price"] = 5000 if tr == "rent" else rnd.choice([800000, 1600000, 2500000])
            rows.append(
                {
                    "lead_id": rnd.randint(1, leads),
                    "name": f"{c['city']} {c['min_beds']}+ beds",
                    "criteria": json.dumps(c),
                    "tr": tr,
                    "at": now.isoformat(" "),
                }
            )
        conn.exec_driver_sql(
            'INSERT INTO saved_search (lead_id, name, criteria, "transaction",'
            " alerts_enabled, created_by, created_at) VALUES (?, ?, ?, ?, 1, 'lead', ?)",
            [(r["lead_id"], r["name"], r["criteria"], r["tr"], r["at"]) for r in rows],
        )
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM listing ORDER BY id")]
        picked = rnd.sample(ids, changes)
        conn.exec_driver_sql(
            "UPDATE listing SET status = 'active' WHERE id = ?", [(lid,) for lid in picked]
        )
        conn.exec_driver_sql(
            "INSERT INTO listing_change (listing_id, kind, old_value, new_value, changed_at)"
            " VALUES (?, 'price', '', '', ?)",
            [
                (lid, (now - timedelta(minutes=rnd.randint(5, 23 * 60))).isoformat(" ")[:26])
                for lid in picked
            ],
        )
        conn.execute(
            table_of(CommSettings).insert(),
            [{"brokerage_id": 1, "alert_hour": 0, "greeting_hour": 9, "greetings": {}}],
        )
        conn.exec_driver_sql("ANALYZE")


@bench("daily email alerts: match and queue", order=61)
def daily_alerts(ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session

    from leadapp import db
    from leadapp.models import OutgoingEmail
    from leadapp.services import daily_alerts as alerts

    leads = 10_000 if ctx.quick else ctx.leads
    searches, changes = leads // 2, leads // 20
    base = ctx.workdir / f"alerts_{leads}_{searches}_{changes}.db"
    if not base.exists():
        t = time.perf_counter()
        _seed_alerts(base, leads, searches, changes)
        print(f"  seeded the alert bench in {time.perf_counter() - t:.0f} s", flush=True)
    work = ctx.workdir / "alerts_run.db"
    for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        if p.exists():
            p.unlink()
    shutil.copy(base, work)
    eng = db.make_engine(f"sqlite:///{work}")
    now = datetime.now(UTC)

    def match():
        with Session(eng) as s:
            s.execute(alerts.match_statement(1, now - alerts.WINDOW, now)).all()

    raw = replay_sql(eng, capture_sql(eng, match))
    t = time.perf_counter()
    raw()
    raw_s = time.perf_counter() - t
    t = time.perf_counter()
    with Session(eng) as s:
        sent = alerts.send_daily(s, now)
        s.commit()
    app = time.perf_counter() - t
    with Session(eng) as s:
        queued = s.query(OutgoingEmail).count()
    eng.dispose()
    size = f"{leads:,} leads / {searches:,} searches / {changes:,} changes"
    return [
        Row(
            "daily alerts: job (match, claim, queue, record)",
            size,
            app,
            raw_s,
            "<= 60 s and <= 3x raw match",
            app <= 60 and app <= 3 * raw_s,
            f"{sent:,} emails ({queued:,} queued)",
        )
    ]
