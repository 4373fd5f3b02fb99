"""The demo tags, markets, campaigns, saved searches, favourites and the email log."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from datetime import UTC, datetime, timedelta

from .common import Chunk, Ctx, _iso
from .leads import LeadArrays
from .vocab import CAMPAIGNS, CITIES, MARKETS

# (market subscriptions, campaign subscriptions, campaign steps): what the email log sends
Sent = tuple[list[tuple], list[tuple], list[tuple]]


def marketing_chunks(ctx: Ctx, la: LeadArrays, nl: int) -> Generator[Chunk, None, Sent]:
    rng, rnd, now, pg, n = ctx.rng, ctx.rnd, ctx.now, ctx.pg, la.n
    created_txt, created_s, assigned = la.created_txt, la.created_s, la.assigned
    market_sub_leads, campaign_sub_leads = la.market_sub_leads, la.campaign_sub_leads
    camp_status, search_leads, alerts_on = la.camp_status, la.search_leads, la.alerts_on
    n_markets = len(MARKETS)
    # ---- tags
    tag_names = [
        "Hot",
        "First-time buyer",
        "Investor",
        "Relocating",
        "Pre-approved",
        "Downsizing",
        "VIP",
        "Cash buyer",
    ]
    yield (
        "tag",
        ("id", "brokerage_id", "name", "created_at"),
        [(i + 1, 1, t, _iso(now - timedelta(days=700), pg)) for i, t in enumerate(tag_names)],
    )
    lt = set()
    for i in rng.choice(n, int(n * 0.4), replace=False).tolist():
        for t in rng.choice(len(tag_names), rnd.randint(1, 3), replace=False).tolist():
            lt.add((i + 1, t + 1))
    yield "lead_tag", ("lead_id", "tag_id"), sorted(lt)

    # ---- markets, campaigns and their subscriptions
    yield (
        "market",
        ("id", "brokerage_id", "name", "criteria", "created_at"),
        [
            (i + 1, 1, name, json.dumps(c), _iso(now - timedelta(days=600), pg))
            for i, (name, c) in enumerate(MARKETS)
        ],
    )
    msub = []
    for k, li in enumerate(market_sub_leads.tolist()):
        mk = k % n_markets + 1
        for rt in ("listing", "open_house", "market"):
            msub.append((len(msub) + 1, li + 1, mk, rt, True, created_txt[li], None, None))
    yield (
        "market_subscription",
        (
            "id",
            "lead_id",
            "market_id",
            "report_type",
            "active",
            "created_at",
            "deactivated_at",
            "created_by_id",
        ),
        msub,
    )
    yield (
        "campaign",
        ("id", "brokerage_id", "name", "description", "active", "created_at"),
        [
            (i + 1, 1, c[0], c[1], True, _iso(now - timedelta(days=650), pg))
            for i, c in enumerate(CAMPAIGNS)
        ],
    )
    steps = []
    for ci, c in enumerate(CAMPAIGNS):
        for p, subj in enumerate(c[2]):
            steps.append(
                (
                    len(steps) + 1,
                    ci + 1,
                    p + 1,
                    0 if p == 0 else 7,
                    "email",
                    subj,
                    f"Hi {{first_name}},\n\n{subj}.\n\n— {{agent_name}}",
                )
            )
    yield (
        "campaign_step",
        ("id", "campaign_id", "position", "delay_days", "channel", "subject", "body"),
        steps,
    )
    csub = []
    for k, li in enumerate(campaign_sub_leads.tolist()):
        ci = k % len(CAMPAIGNS)
        total = len(CAMPAIGNS[ci][2])
        st = str(camp_status[k])
        nxt = total + 1 if st == "completed" else rnd.randint(2, total)
        csub.append(
            (
                k + 1,
                li + 1,
                ci + 1,
                st,
                nxt,
                _iso(now + timedelta(days=rnd.randint(1, 7)), pg) if st == "active" else None,
                created_txt[li],
                None if st == "active" else _iso(now - timedelta(days=rnd.randint(1, 60)), pg),
                None,
            )
        )
    yield (
        "campaign_subscription",
        (
            "id",
            "lead_id",
            "campaign_id",
            "status",
            "next_position",
            "next_send_at",
            "created_at",
            "ended_at",
            "created_by_id",
        ),
        csub,
    )

    # ---- saved searches and favourites
    ss = []
    for k, li in enumerate(search_leads.tolist()):
        city = CITIES[rnd.randrange(len(CITIES))][0]
        tr = "rent" if rnd.random() < 0.15 else "sale"
        c = {
            "city": city,
            "min_beds": rnd.randint(1, 4),
            "transaction": tr,
            "max_price": 5000 if tr == "rent" else rnd.choice([800000, 1200000, 1600000, 2500000]),
        }
        by_lead = rnd.random() < 0.75
        ss.append(
            (
                k + 1,
                li + 1,
                f"{city} {c['min_beds']}+ beds",
                json.dumps(c),
                tr,
                bool(alerts_on[k]),
                "lead" if by_lead else "agent",
                None if by_lead else int(assigned[li]) or 1,
                _iso(
                    datetime.fromtimestamp(int(created_s[li]), UTC)
                    + timedelta(days=rnd.randint(0, 30)),
                    pg,
                ),
                None,
            )
        )
    yield (
        "saved_search",
        (
            "id",
            "lead_id",
            "name",
            "criteria",
            "transaction",
            "alerts_enabled",
            "created_by",
            "created_by_user_id",
            "created_at",
            "last_alert_at",
        ),
        ss,
    )
    fav = set()
    for li in rng.choice(n, int(n * 0.25), replace=False).tolist():
        for lid in rng.choice(nl, rnd.randint(1, 4), replace=False).tolist():
            fav.add((li + 1, lid + 1))
    yield (
        "favorite",
        ("id", "lead_id", "listing_id", "created_by", "created_by_user_id", "created_at"),
        [
            (k + 1, a, b, "lead" if k % 4 else "agent", None if k % 4 else 1, created_txt[a - 1])
            for k, (a, b) in enumerate(sorted(fav))
        ],
    )
    return msub, csub, steps


def email_chunks(ctx: Ctx, subscriptions: Sent) -> Iterator[Chunk]:
    rnd, now, pg = ctx.rnd, ctx.now, ctx.pg
    msub, csub, steps = subscriptions
    # ---- email log: campaign and market emails sent, some opened / clicked
    emails = []
    for row in csub:
        li, ci, nxt = row[1], row[2], row[4]
        for p in range(1, nxt):
            sent = now - timedelta(days=7 * (nxt - p) + rnd.randint(0, 3))
            opened = sent + timedelta(hours=rnd.randint(1, 48)) if rnd.random() < 0.45 else None
            clicked = (
                opened + timedelta(minutes=rnd.randint(1, 120))
                if opened and rnd.random() < 0.35
                else None
            )
            emails.append(
                (
                    len(emails) + 1,
                    1,
                    li,
                    f"lead{li}@example.invalid",
                    CAMPAIGNS[ci - 1][2][p - 1],
                    "",
                    "campaign",
                    "email",
                    "sent",
                    row[0],
                    steps[sum(len(c[2]) for c in CAMPAIGNS[: ci - 1]) + p - 1][0],
                    None,
                    _iso(sent, pg),
                    _iso(sent, pg),
                    _iso(opened, pg) if opened else None,
                    _iso(clicked, pg) if clicked else None,
                    1 if clicked else 0,
                )
            )
    for row in msub[: len(msub)]:
        if rnd.random() < 0.5:
            sent = now - timedelta(days=rnd.randint(0, 45))
            clicked = sent + timedelta(hours=3) if rnd.random() < 0.2 else None
            emails.append(
                (
                    len(emails) + 1,
                    1,
                    row[1],
                    f"lead{row[1]}@example.invalid",
                    MARKETS[row[2] - 1][0]
                    + " — "
                    + {
                        "listing": "new listings",
                        "open_house": "open houses",
                        "market": "market report",
                    }[row[3]],
                    "",
                    "market_report",
                    "email",
                    "sent",
                    None,
                    None,
                    row[0],
                    _iso(sent, pg),
                    _iso(sent, pg),
                    _iso(sent, pg) if clicked else None,
                    _iso(clicked, pg) if clicked else None,
                    1 if clicked else 0,
                )
            )
    yield (
        "outgoing_email",
        (
            "id",
            "brokerage_id",
            "lead_id",
            "to_address",
            "subject",
            "body",
            "kind",
            "channel",
            "status",
            "campaign_subscription_id",
            "campaign_step_id",
            "market_subscription_id",
            "created_at",
            "sent_at",
            "opened_at",
            "clicked_at",
            "click_count",
            "error",
            "open_count",
        ),
        # an opened email was opened once (open_count agrees with opened_at, index 14)
        [e + ("", 1 if e[14] else 0) for e in emails],
    )
