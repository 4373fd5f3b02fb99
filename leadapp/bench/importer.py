"""Bench: CSV import preview and import (I3, I4) beside the raw limit, 100k and 1M rows.

Raw limit = pandas parsing the same file plus a raw executemany of the same lead rows
(services/bulk.py) into an empty copy of the same database. Target: within 3x. (The app
also writes history, tags, enrolments and roll-ups, and checks the file again inside
the writing transaction; the raw limit writes the lead rows only.)
The 1M-row file is larger than the 50 MB upload limit; the bench calls the service with
the limit lifted (the limit is a policy, the bench measures the engine).
"""

from __future__ import annotations

import csv
import io
import time

from leadapp.bench import BenchContext, Row, bench
from leadapp.bench.common import fresh_engine
from leadapp.services.importer.columns import template_columns

# The broker's import template, as the import page offers it (I1).
HEADERS = [c.header for c in template_columns(is_broker=True)]


def make_file(n: int, agent_codes: list[str], market_id: int, campaign_id: int) -> bytes:
    """A realistic import file: every column used, some tags, notes and enrolments."""
    import numpy as np

    rng = np.random.default_rng(8)
    states = np.array(["CA", "California", "OR", "WA", "ON"])
    types = np.array(["buyer", "seller", "renter", ""])
    stages = np.array(["Uncontacted", "Nurturing", "Attempted Contact", "Closed", ""])
    tags = np.array(["Hot", "Hot, VIP", "", "", "Investor", "Relocating, First-time buyer"])
    yes = np.array(["YES", "NO", ""])
    agents = np.array(list(agent_codes) + [""])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS)
    st, ty, sg, tg, ys, ag = (
        rng.integers(0, len(a), n) for a in (states, types, stages, tags, yes, agents)
    )
    mk, cp, nt = rng.random(n) < 0.3, rng.random(n) < 0.2, rng.random(n) < 0.25
    for i in range(n):
        s = states[st[i]]
        w.writerow(
            [
                f"lead{i}.import@example{i % 13}.com",
                f"First{i % 5000} Last{i % 7919}",
                f"(510) 555-{i % 10000:04d}",
                f"{i % 9999 + 1} Main St",
                "Berkeley",
                s,
                "K1A 0B1" if s == "ON" else f"{94000 + i % 999:05d}",
                f"{i % 12 + 1}/{i % 28 + 1}/{1950 + i % 50}",
                f"{i % 12 + 1:02d}/{i % 28 + 1:02d}/{2000 + i % 20}",
                types[ty[i]],
                agents[ag[i]],
                stages[sg[i]],
                tags[tg[i]],
                yes[ys[i]],
                str(market_id) if mk[i] else "",
                str(campaign_id) if cp[i] else "",
                "Called, left a message." if nt[i] else "",
            ]
        )
    return buf.getvalue().encode()


def _org(engine):
    from sqlmodel import Session

    from leadapp.models import Brokerage, Campaign, CampaignStep, Market, User
    from leadapp.services.rows import id_of

    with Session(engine, expire_on_commit=False) as s:
        b = Brokerage(name="Bench Realty", primary_email="office@bench.test")
        s.add(b)
        s.flush()
        bid = id_of(b)
        users = [
            User(
                brokerage_id=bid,
                email=f"{n}@bench.test",
                name=n,
                role=r,
                agent_code=f"BEN{100 + i}",
                password_hash="x",
            )
            for i, (n, r) in enumerate([("broker", "broker"), ("a1", "agent"), ("a2", "agent")])
        ]
        m, c = (
            Market(brokerage_id=bid, name="Bench market"),
            Campaign(brokerage_id=bid, name="Bench drip"),
        )
        s.add_all(users + [m, c])
        s.flush()
        s.add(CampaignStep(campaign_id=id_of(c), position=1, delay_days=1, subject="Hello"))
        s.commit()
        return users[0], [u.agent_code for u in users[1:]], id_of(m), id_of(c)


def _raw(engine, data: bytes) -> float:
    """The limit: pandas parses the file, then one raw executemany of the same lead rows."""
    import pandas as pd

    from leadapp.services.bulk import insert_rows
    from leadapp.services.lead_rows import lead_rows

    t = time.perf_counter()
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    n = len(df)
    ts = "2026-01-01 00:00:00.000000"
    cols, rows = lead_rows(
        n,
        {
            "id": list(range(1, n + 1)),
            "brokerage_id": 1,
            "email": df["Email"].str.lower().tolist(),
            "first_name": df["Name"].tolist(),
            "phone": df["Phone"].tolist(),
            "street": df["Address"].tolist(),
            "city": df["City"].tolist(),
            "state": df["State"].str[:2].tolist(),
            "postal_code": df["Postal Code"].tolist(),
            "stage_entered_at": ts,
            "source": "Import",
            "created_at": ts,
            "updated_at": ts,
        },
    )
    with engine.begin() as conn:
        insert_rows(conn, "lead", cols, rows)
    return time.perf_counter() - t


@bench("import: preview + import", order=40)
def import_vs_raw(ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session

    from leadapp.services import importer, rollups

    out = []
    sizes = [100_000] if ctx.quick else [100_000, 1_000_000]
    for n in sizes:
        app_engine = fresh_engine(ctx.workdir / "import_app.db", postgres=True)
        broker, codes, market_id, campaign_id = _org(app_engine)
        data = make_file(n, codes, market_id, campaign_id)  # untimed
        raw_engine = fresh_engine(ctx.workdir / "import_raw.db", postgres=True)
        _org(raw_engine)
        raw_parse = time.perf_counter()
        import pandas as pd

        pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        parse_s = time.perf_counter() - raw_parse
        raw_s = _raw(raw_engine, data)
        raw_engine.dispose()

        with Session(app_engine, expire_on_commit=False) as s:
            t = time.perf_counter()
            pv = importer.build_preview(s, broker, data, "bench.csv", max_bytes=None)
            preview_s = time.perf_counter() - t
        assert pv.ok, pv.errors[:3]
        with Session(app_engine, expire_on_commit=False) as s:
            t = time.perf_counter()
            res = importer.import_file(s, broker, data, "bench.csv", max_bytes=None)
            s.commit()
            import_s = time.perf_counter() - t
            exact = rollups.check(s, broker.brokerage_id) == []
        app_engine.dispose()
        size = f"{n:,} rows, {len(data) / 1e6:.0f} MB"
        out.append(
            Row(
                "import: preview (parse + check)",
                size,
                preview_s,
                raw_s,
                "<= 3x raw",
                ok=preview_s <= 3 * raw_s,
                note=f"pandas parse alone {parse_s:.2f} s",
            )
        )
        out.append(
            Row(
                "import: check + write all",
                size,
                import_s,
                raw_s,
                "<= 3x raw; 100k < 10 s",
                ok=import_s <= 3 * raw_s and (n > 100_000 or import_s < 10),
                note=f"{res.leads:,} leads, {res.notes:,} notes, "
                f"{res.market_enrolments:,} markets, "
                f"roll-ups {'exact' if exact else 'WRONG'}",
            )
        )
    return out
