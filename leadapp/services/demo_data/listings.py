"""The demo listings."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta

import numpy as np

from .common import Chunk, Ctx, _iso
from .vocab import CITIES, STREETS


def listing_chunks(ctx: Ctx, nl: int) -> Generator[Chunk, None, list[tuple]]:
    """Yield `nl` listings; returns their rows (activities name their MLS numbers)."""
    rng, rnd, now, pg = ctx.rng, ctx.rnd, ctx.now, ctx.pg
    city_i = rng.integers(0, len(CITIES), nl)
    is_rent = rng.random(nl) < 0.2
    ptype = rng.choice(
        ["single_family", "condo", "townhouse", "multi_family"], nl, p=[0.55, 0.25, 0.15, 0.05]
    )
    beds = rng.integers(1, 6, nl)
    price = np.where(
        is_rent,
        rng.integers(18, 70, nl) * 100,
        (rng.lognormal(13.8, 0.45, nl) // 1000 * 1000).astype(int),
    )
    lstatus = rng.choice(["active", "pending", "sold"], nl, p=[0.6, 0.15, 0.25])
    list_age = rng.integers(0, 400, nl)
    upd_age = (list_age * rng.random(nl)).astype(int)
    listing_rows = []
    for i in range(nl):
        city, zipc, _ = CITIES[city_i[i]]
        list_d = (now - timedelta(days=int(list_age[i]))).date()
        sold = lstatus[i] == "sold" and not is_rent[i]
        oh = lstatus[i] == "active" and rnd.random() < 0.2
        oh_start = (now + timedelta(days=rnd.randint(1, 9))).replace(hour=20) if oh else None
        listing_rows.append(
            (
                i + 1,
                f"ML{81000000 + i * 37}",
                f"{rnd.randint(10, 9999)} {rnd.choice(STREETS)}",
                city,
                "CA",
                zipc,
                int(price[i]),
                int(beds[i]),
                float(max(1, beds[i] - rnd.choice([0, 0.5, 1]))),
                int(500 + beds[i] * 420 + rnd.randint(0, 600)),
                str(ptype[i]),
                "rent" if is_rent[i] else "sale",
                "active" if is_rent[i] and lstatus[i] == "sold" else str(lstatus[i]),
                list_d.isoformat(),
                _iso(now - timedelta(days=int(upd_age[i]), hours=rnd.randint(0, 23)), pg),
                (list_d + timedelta(days=int(list_age[i] * 0.6))).isoformat() if sold else None,
                int(price[i] * rnd.uniform(0.95, 1.12)) if sold else None,
                _iso(oh_start, pg) if oh_start else None,
                _iso(oh_start + timedelta(hours=2), pg) if oh_start else None,
            )
        )
    yield (
        "listing",
        (
            "id",
            "mls_number",
            "street",
            "city",
            "state",
            "postal_code",
            "price",
            "beds",
            "baths",
            "sqft",
            "property_type",
            "transaction",
            "status",
            "list_date",
            "updated_at",
            "sold_date",
            "sold_price",
            "open_house_start",
            "open_house_end",
        ),
        listing_rows,
    )
    return listing_rows
