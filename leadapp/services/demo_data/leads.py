"""The demo leads and their website activity (R1 ratings, last activity: one set of arrays)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from leadapp.models.enums import LEAD_SOURCES
from leadapp.services import rating
from leadapp.services.activity.store import ACTIVITY_COLUMNS
from leadapp.services.lead_rows import lead_rows

from .common import DAY, Chunk, Ctx, _ts
from .vocab import (
    CITIES,
    DOMAINS,
    FIRST,
    KIND_W,
    KINDS,
    LAST,
    SOURCE_W,
    STAGE_CODES,
    STAGE_W,
    STATUS_CODES,
    STATUS_W,
    STREETS,
)


@dataclass
class LeadArrays:
    """Per-lead arrays (index = lead id - 1) and the activities, shared by the later tables."""

    n: int
    created_s: np.ndarray
    created_txt: list[str]
    stage_i: np.ndarray
    status_i: np.ndarray
    source_i: np.ndarray
    stage_s: np.ndarray
    assigned: np.ndarray
    score: np.ndarray
    last_s: np.ndarray
    active_subs: np.ndarray
    market_sub_leads: np.ndarray
    campaign_sub_leads: np.ndarray
    camp_status: np.ndarray
    search_leads: np.ndarray
    alerts_on: np.ndarray
    # activities, oldest first
    all_lead: np.ndarray
    all_kind: np.ndarray
    all_s: np.ndarray
    kind_names: np.ndarray


def lead_arrays(ctx: Ctx, n: int, activities: int, agent_ids: np.ndarray) -> LeadArrays:
    rng, now_s, day = ctx.rng, ctx.now_s, DAY
    created_s = now_s - rng.integers(day, 425 * day, n)  # within ~14 months
    stage_i = rng.choice(len(STAGE_CODES), n, p=STAGE_W)
    status_i = rng.choice(len(STATUS_CODES), n, p=STATUS_W)
    source_i = rng.choice(len(LEAD_SOURCES), n, p=SOURCE_W)
    assigned = np.where(rng.random(n) < 0.1, 0, agent_ids[rng.integers(0, len(agent_ids), n)])
    stage_s = created_s + ((now_s - created_s) * rng.random(n)).astype(np.int64)

    # ---- activities: skewed over leads (a few very active, many quiet)
    m = activities
    signup_mask = source_i == 0
    n_signup = int(signup_mask.sum())
    m_rest = max(m - n_signup, 0)
    weights = 1.0 / np.power(rng.permutation(n) + 1.0, 1.1)
    weights /= weights.sum()
    act_lead = rng.choice(n, m_rest, p=weights)
    act_kind = rng.choice(len(KINDS), m_rest, p=KIND_W)
    span = now_s - created_s[act_lead]
    act_s = created_s[act_lead] + (span * np.sqrt(rng.random(m_rest))).astype(
        np.int64
    )  # recent-leaning
    all_lead = np.concatenate([np.nonzero(signup_mask)[0], act_lead])
    kind_names = np.array(KINDS + ["signup"])
    all_kind = np.concatenate([np.full(n_signup, len(KINDS)), act_kind])
    all_s = np.concatenate([created_s[signup_mask], act_s])
    order = np.argsort(all_s, kind="stable")
    all_lead, all_kind, all_s = all_lead[order], all_kind[order], all_s[order]

    # ratings (R1) and last activity, from the same arrays
    w = np.array([rating.WEIGHTS.get(k, 0.0) for k in kind_names])
    recent = all_s >= now_s - int(rating.WINDOW.total_seconds())
    epoch_s = rating.EPOCH.timestamp()
    terms = w[all_kind] * np.exp((all_s - epoch_s) / rating.TAU_SECONDS) * recent
    score = np.bincount(all_lead, weights=terms, minlength=n)
    last_s = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_s, all_lead, all_s)

    # subscriptions per lead (counted into active_subscriptions)
    market_sub_leads = rng.choice(n, int(n * 0.15), replace=False)
    campaign_sub_leads = rng.choice(n, int(n * 0.12), replace=False)
    search_leads = rng.choice(n, int(n * 0.3), replace=False)
    alerts_on = rng.random(len(search_leads)) < 0.6
    active_subs = np.zeros(n, dtype=np.int64)
    np.add.at(active_subs, market_sub_leads, 1)
    camp_status = rng.choice(
        ["active", "completed", "inactive"], len(campaign_sub_leads), p=[0.7, 0.2, 0.1]
    )
    np.add.at(active_subs, campaign_sub_leads[camp_status == "active"], 1)
    np.add.at(active_subs, search_leads[alerts_on], 1)
    return LeadArrays(
        n=n,
        created_s=created_s,
        created_txt=_ts(created_s, ctx.pg),
        stage_i=stage_i,
        status_i=status_i,
        source_i=source_i,
        stage_s=stage_s,
        assigned=assigned,
        score=score,
        last_s=last_s,
        active_subs=active_subs,
        market_sub_leads=market_sub_leads,
        campaign_sub_leads=campaign_sub_leads,
        camp_status=camp_status,
        search_leads=search_leads,
        alerts_on=alerts_on,
        all_lead=all_lead,
        all_kind=all_kind,
        all_s=all_s,
        kind_names=kind_names,
    )


def lead_chunks(ctx: Ctx, la: LeadArrays) -> Iterator[Chunk]:
    """Yield the lead rows."""
    rng, rnd, now_s, pg, day, n = ctx.rng, ctx.rnd, ctx.now_s, ctx.pg, DAY, la.n
    first = rng.integers(0, len(FIRST), n)
    last = rng.integers(0, len(LAST), n)
    city_l = rng.integers(0, len(CITIES), n)
    has_bday = rng.random(n) < 0.7
    bday_s = now_s - rng.integers(22 * 365, 75 * 365, n) * day
    stage_i = la.stage_i
    has_anniv = (stage_i == 4) | (rng.random(n) < 0.08)
    anniv_s = now_s - rng.integers(200, 9 * 365, n) * day
    ltype = rng.choice(["buyer", "seller", "renter"], n, p=[0.6, 0.25, 0.15])
    stage_txt = _ts(la.stage_s, pg)
    last_s = la.last_s
    last_txt = _ts(np.maximum(last_s, 0), pg)
    score, assigned = la.score, la.assigned
    emails, firsts, lasts, phones, phone_digits, streets, cities, zips = ([] for _ in range(8))
    birthdays, birthday_md, anniversaries, anniversary_md = [], [], [], []
    property_types, price_min, price_max, timeframes = [], [], [], []
    for i in range(n):
        fn, ln = FIRST[first[i]], LAST[last[i]]
        city, zipc, area = CITIES[city_l[i]]
        digits = f"{area}555{(i * 7919) % 10000:04d}"
        bday = datetime.fromtimestamp(int(bday_s[i]), UTC).date() if has_bday[i] else None
        anniv = datetime.fromtimestamp(int(anniv_s[i]), UTC).date() if has_anniv[i] else None
        lo = int(rnd.choice([3, 5, 6, 8, 10, 12]) * 100000)
        emails.append(f"{fn.lower()}.{ln.lower()}{i}@{DOMAINS[i % len(DOMAINS)]}")
        firsts.append(fn)
        lasts.append(ln)
        phones.append(f"({digits[:3]}) {digits[3:6]}-{digits[6:]}")
        phone_digits.append(digits)
        streets.append(f"{rnd.randint(10, 9999)} {rnd.choice(STREETS)}")
        cities.append(city)
        zips.append(zipc)
        birthdays.append(bday.isoformat() if bday else None)
        birthday_md.append(bday.month * 100 + bday.day if bday else None)
        anniversaries.append(anniv.isoformat() if anniv else None)
        anniversary_md.append(anniv.month * 100 + anniv.day if anniv else None)
        renter = ltype[i] == "renter"
        property_types.append(
            "Condo" if renter else rnd.choice(["Single family", "Condo", "Townhouse", ""])
        )
        price_min.append(lo if not renter else None)
        price_max.append(lo + 400000 if not renter else None)
        timeframes.append(rnd.choice(["0-3 months", "3-6 months", "6-12 months", "12+ months", ""]))
    cols, rows = lead_rows(
        n,
        {
            "id": list(range(1, n + 1)),
            "brokerage_id": 1,
            "email": emails,
            "first_name": firsts,
            "last_name": lasts,
            "phone": phones,
            "phone_digits": phone_digits,
            "street": streets,
            "city": cities,
            "state": "CA",
            "postal_code": zips,
            "birthday": birthdays,
            "birthday_md": birthday_md,
            "anniversary": anniversaries,
            "anniversary_md": anniversary_md,
            "lead_type": ltype.tolist(),
            "status": [STATUS_CODES[i] for i in la.status_i],
            "stage": [STAGE_CODES[i] for i in stage_i],
            "stage_entered_at": stage_txt,
            "priority": ["high" if score[i] > 0 and i % 11 == 0 else "normal" for i in range(n)],
            "source": [LEAD_SOURCES[i] for i in la.source_i],
            "texting_consent": [i % 5 < 2 for i in range(n)],
            "assigned_agent_id": [int(a) or None for a in assigned],
            "property_type_wanted": property_types,
            "price_min": price_min,
            "price_max": price_max,
            "move_timeframe": timeframes,
            "rating_score": score.tolist(),
            "last_activity_at": [
                t if s >= 0 else None for t, s in zip(last_txt, last_s.tolist(), strict=True)
            ],
            "active_subscriptions": la.active_subs.tolist(),
            "created_at": la.created_txt,
            "updated_at": la.created_txt,
            "created_by_id": [int(a) or 1 for a in assigned],
        },
    )
    yield "lead", cols, rows


def activity_chunks(ctx: Ctx, la: LeadArrays, listing_rows: list[tuple]) -> Iterator[Chunk]:
    """Yield the activities in chunks of a million."""
    rng, pg, nl = ctx.rng, ctx.pg, len(listing_rows)
    all_s, all_lead, all_kind, kind_names = la.all_s, la.all_lead, la.all_kind, la.kind_names
    # activities, in chunks
    cols = ("id", *ACTIVITY_COLUMNS)
    listing_pick = rng.integers(0, nl, len(all_s)) if nl else np.zeros(len(all_s), dtype=int)
    needs_listing = np.isin(
        all_kind,
        [
            KINDS.index(k)
            for k in (
                "listing_view",
                "saved_listing",
                "info_request",
                "showing_request",
                "email_click",
            )
        ],
    )
    crit = [
        json.dumps({"city": c[0], "min_beds": b, "transaction": "sale"})
        for c in CITIES
        for b in (1, 2, 3)
    ]
    chunk = 1_000_000
    for start in range(0, len(all_s), chunk):
        sl = slice(start, start + chunk)
        ts = _ts(all_s[sl], pg)
        lids = (all_lead[sl] + 1).tolist()
        kinds = kind_names[all_kind[sl]].tolist()
        lp = listing_pick[sl].tolist()
        nlst = needs_listing[sl].tolist()
        rows = []
        for j in range(len(ts)):
            k = kinds[j]
            has_l = nlst[j]
            rows.append(
                (
                    start + j + 1,
                    1,
                    lids[j],
                    k,
                    ts[j],
                    ts[j],
                    listing_rows[lp[j]][1] if has_l else None,
                    lp[j] + 1 if has_l else None,
                    crit[(start + j) % len(crit)] if k in ("search", "saved_search") else None,
                    "",
                    None,
                )
            )
        yield "activity", cols, rows
