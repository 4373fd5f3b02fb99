"""Demo data (`leadapp seed`): a realistic brokerage, deterministic for a seed value.

Rows are generated column-wise with numpy and written with the driver's executemany
(services/bulk.py), so 1,000,000 leads and 10,000,000 activities load in minutes.
`generate()` yields (table, columns, rows) chunks; `load()` writes them; derived data
(ratings, dashboard roll-ups, subscription counts) is computed from the same arrays.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import sqlalchemy as sa

from leadapp.models.enums import ACTIVITY_KINDS, DEFAULT_QUICK_EVENTS, LEAD_SOURCES
from leadapp.models.timefmt import db_text
from leadapp.services import rating, rollups, search_index
from leadapp.services.bulk import insert_rows, reset_sequence
from leadapp.services.security import hash_password

DEMO_PASSWORD = "leadapp-demo"
DEMO_DOMAIN = "demo.leadapp.io"
BROKER = ("Morgan Reyes", f"broker@{DEMO_DOMAIN}")
AGENTS = [
    ("Avery Chen", f"avery@{DEMO_DOMAIN}"),
    ("Jordan Patel", f"jordan@{DEMO_DOMAIN}"),
    ("Sam Okafor", f"sam@{DEMO_DOMAIN}"),
    ("Riley Novak", f"riley@{DEMO_DOMAIN}"),
]

FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Margaret",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Paul",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Timothy",
    "Stephanie",
    "Ronald",
    "Rebecca",
    "Jason",
    "Sharon",
    "Edward",
    "Laura",
    "Jeffrey",
    "Cynthia",
    "Ryan",
    "Amy",
    "Jacob",
    "Kathleen",
    "Gary",
    "Angela",
    "Nicholas",
    "Shirley",
    "Eric",
    "Brenda",
    "Jonathan",
    "Emma",
    "Stephen",
    "Anna",
    "Larry",
    "Pamela",
    "Justin",
    "Nicole",
    "Scott",
    "Samantha",
    "Brandon",
    "Katherine",
    "Benjamin",
    "Christine",
    "Samuel",
    "Debra",
    "Gregory",
    "Rachel",
    "Alexander",
    "Carolyn",
    "Patrick",
    "Janet",
    "Frank",
    "Maria",
    "Raymond",
    "Olivia",
    "Jack",
    "Heather",
    "Dennis",
    "Helen",
    "Jerry",
    "Catherine",
    "Tyler",
    "Diane",
    "Aaron",
    "Julie",
    "Jose",
    "Victoria",
    "Adam",
    "Joyce",
    "Nathan",
    "Lauren",
    "Henry",
    "Kelly",
    "Zachary",
    "Christina",
    "Douglas",
    "Ruth",
    "Peter",
    "Joan",
    "Kyle",
    "Virginia",
    "Noah",
    "Judith",
    "Ethan",
    "Evelyn",
    "Jeremy",
    "Hannah",
    "Walter",
    "Andrea",
    "Christian",
    "Megan",
    "Keith",
    "Cheryl",
    "Roger",
    "Jacqueline",
    "Terry",
    "Madison",
    "Austin",
    "Teresa",
    "Sean",
    "Abigail",
    "Gerald",
    "Sophia",
    "Carl",
    "Martha",
    "Harold",
    "Sara",
    "Dylan",
    "Gloria",
    "Arthur",
    "Janice",
    "Lawrence",
    "Kathryn",
    "Jordan",
    "Ann",
    "Jesse",
    "Isabella",
    "Bryan",
    "Judy",
    "Billy",
    "Charlotte",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Priya",
    "Arjun",
    "Fatima",
    "Omar",
    "Sofia",
    "Mateo",
    "Lucia",
    "Diego",
    "Chloe",
    "Liam",
    "Ava",
    "Mia",
    "Aria",
    "Kai",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chavez",
    "Wood",
    "James",
    "Bennett",
    "Gray",
    "Mendoza",
    "Ruiz",
    "Hughes",
    "Price",
    "Alvarez",
    "Castillo",
    "Sanders",
    "Patel",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Jimenez",
    "Powell",
    "Jenkins",
    "Perry",
    "Russell",
    "Sullivan",
    "Bell",
    "Coleman",
    "Butler",
    "Henderson",
    "Barnes",
    "Gonzales",
    "Fisher",
    "Vasquez",
    "Simmons",
    "Romero",
    "Jordan",
    "Patterson",
    "Alexander",
    "Hamilton",
    "Graham",
    "Reynolds",
    "Griffin",
    "Wallace",
    "Moreno",
    "West",
    "Cole",
    "Hayes",
    "Bryant",
    "Herrera",
    "Gibson",
    "Ellis",
    "Tran",
    "Medina",
    "Aguilar",
    "Stevens",
    "Murray",
    "Ford",
    "Castro",
    "Marshall",
    "Owens",
    "Harrison",
    "Fernandez",
    "McDonald",
    "Woods",
    "Washington",
    "Kennedy",
    "Wells",
    "Vargas",
    "Henry",
    "Chen",
    "Freeman",
    "Webb",
    "Tucker",
    "Guzman",
    "Burns",
    "Crawford",
    "Olson",
    "Simpson",
    "Porter",
    "Hunter",
    "Gordon",
    "Mendez",
    "Silva",
    "Shaw",
    "Snyder",
    "Mason",
    "Dixon",
    "Munoz",
    "Hunt",
    "Hicks",
    "Holmes",
    "Palmer",
    "Wagner",
    "Black",
    "Robertson",
    "Boyd",
    "Rose",
    "Stone",
    "Salazar",
    "Fox",
    "Warren",
    "Mills",
    "Meyer",
    "Rice",
    "Schmidt",
    "Garza",
    "Daniels",
    "Ferguson",
    "Nichols",
    "Stephens",
    "Soto",
    "Weaver",
    "Ryan",
    "Gardner",
    "Payne",
    "Grant",
    "Dunn",
    "Kelley",
    "Spencer",
    "Hawkins",
    "Arnold",
    "Pierce",
    "Hansen",
    "Peters",
    "Santos",
    "Hart",
    "Bradley",
    "Knight",
    "Elliott",
    "Cunningham",
    "Duncan",
    "Armstrong",
    "Hudson",
    "Carroll",
    "Lane",
    "Riley",
    "Andrews",
    "Ray",
    "Berry",
    "Perkins",
    "Hoffman",
    "Johnston",
    "Matthews",
    "Pena",
    "Richards",
    "Willis",
    "Carpenter",
    "Lawrence",
    "Sandoval",
    "Okafor",
    "Novak",
]
CITIES = [
    ("Berkeley", "94704", "510"),
    ("Oakland", "94611", "510"),
    ("Alameda", "94501", "510"),
    ("Albany", "94706", "510"),
    ("El Cerrito", "94530", "510"),
    ("San Francisco", "94110", "415"),
    ("Richmond", "94805", "510"),
    ("Emeryville", "94608", "510"),
    ("San Leandro", "94577", "510"),
    ("Walnut Creek", "94596", "925"),
    ("Orinda", "94563", "925"),
    ("Piedmont", "94611", "510"),
]
STREETS = [
    "Shattuck Ave",
    "College Ave",
    "Telegraph Ave",
    "Solano Ave",
    "Grand Ave",
    "Lakeshore Ave",
    "Piedmont Ave",
    "Hopkins St",
    "Cedar St",
    "Vine St",
    "Rose St",
    "Spruce St",
    "Marin Ave",
    "Euclid Ave",
    "Alcatraz Ave",
    "Ashby Ave",
    "Dwight Way",
    "Park Blvd",
    "Mountain Blvd",
    "Broadway",
    "Fruitvale Ave",
    "Santa Clara Ave",
    "Central Ave",
    "Valencia St",
    "Mission St",
    "Church St",
]
DOMAINS = [
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.com",
    "comcast.net",
    "proton.me",
]
SOURCE_W = [0.34, 0.14, 0.10, 0.12, 0.07, 0.07, 0.05, 0.03, 0.05, 0.03]
STAGE_CODES = ["uncontacted", "attempted_contact", "nurturing", "under_contract", "closed", "dead"]
STAGE_W = [0.30, 0.20, 0.30, 0.06, 0.08, 0.06]
STATUS_CODES = ["new", "active", "inactive", "deleted"]
STATUS_W = [0.22, 0.60, 0.11, 0.07]
KINDS = [k for k in ACTIVITY_KINDS if k != "signup"]
KIND_W = [
    0.52,
    0.20,
    0.06,
    0.03,
    0.03,
    0.01,
    0.01,
    0.015,
    0.125,
]  # view,search,saved_l,saved_s,info,val,contact,showing,click
MARKETS = [
    (
        "Condos in Berkeley under $800K",
        {"city": "Berkeley", "property_type": "condo", "max_price": 800000, "transaction": "sale"},
    ),
    (
        "Oakland hills homes $1M–$2M",
        {
            "city": "Oakland",
            "property_type": "single_family",
            "min_price": 1000000,
            "max_price": 2000000,
            "transaction": "sale",
        },
    ),
    (
        "Alameda starter homes",
        {"city": "Alameda", "max_price": 1100000, "min_beds": 2, "transaction": "sale"},
    ),
    (
        "San Francisco rentals under $4K",
        {"city": "San Francisco", "max_price": 4000, "transaction": "rent"},
    ),
    ("Walnut Creek family homes", {"city": "Walnut Creek", "min_beds": 3, "transaction": "sale"}),
    ("East Bay townhouses", {"property_type": "townhouse", "transaction": "sale"}),
]
CAMPAIGNS = [
    (
        "New buyer welcome",
        "Eight weeks of first-time buyer guidance.",
        [
            "Welcome — let's find your home",
            "How much home can you afford?",
            "Getting pre-approved",
            "Touring homes like a pro",
            "Making a winning offer",
            "Inspections and contingencies",
            "Closing day checklist",
        ],
    ),
    (
        "Seller nurture",
        "Valuation and listing prep for prospective sellers.",
        [
            "What is your home worth today?",
            "5 upgrades that pay off",
            "Staging on a budget",
            "Pricing strategy",
            "Our marketing plan for your home",
        ],
    ),
    (
        "Past client check-ins",
        "Quarterly touch points after closing.",
        [
            "Happy home-iversary!",
            "Your home's value this quarter",
            "Spring maintenance checklist",
            "Refer a friend",
        ],
    ),
]


@dataclass
class Plan:
    seed: int = 42
    leads: int = 2000
    activities: int = 100_000
    listings: int = 500
    now: datetime | None = None


def _ts(arr_seconds: np.ndarray, pg: bool) -> list[str]:
    """Epoch seconds -> timestamp text the way SQLAlchemy stores it."""
    s = np.datetime_as_string(
        arr_seconds.astype("datetime64[s]").astype("datetime64[us]"), unit="us"
    )
    out = np.char.replace(s, "T", " ")
    if pg:
        out = np.char.add(out, "+00:00")
    return out.tolist()


def _iso(dt: datetime, pg: bool) -> str:
    s = db_text(dt)
    return s + "+00:00" if pg else s


def plan_now() -> datetime:
    """The demo data's "now" when the plan gives none: this hour (the same data all hour)."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def generate(plan: Plan, pg: bool = False) -> Iterator[tuple[str, tuple, list]]:
    """Yield (table, columns, rows) for the whole demo brokerage."""
    rng = np.random.default_rng(plan.seed)
    rnd = random.Random(plan.seed)
    now = plan.now or plan_now()
    now_s = int(now.timestamp())
    day = 86400
    pw = hash_password(DEMO_PASSWORD)
    yield (
        "brokerage",
        (
            "id",
            "name",
            "primary_email",
            "unassigned_pool_enabled",
            "default_agent_id",
            "quick_events",
            "reminder_minutes",
            "timezone",
            "created_at",
        ),
        [
            (
                1,
                "Bayview Realty Group",
                f"office@{DEMO_DOMAIN}",
                True,
                None,
                json.dumps(DEFAULT_QUICK_EVENTS),
                15,
                "America/Los_Angeles",
                _iso(now - timedelta(days=800), pg),
            )
        ],
    )
    users = [(1, 1, BROKER[1], BROKER[0], "broker", "BVR100", pw)] + [
        (i + 2, 1, email, name, "agent", f"BVR{101 + i}", pw)
        for i, (name, email) in enumerate(AGENTS)
    ]
    yield (
        "app_user",
        (
            "id",
            "brokerage_id",
            "email",
            "name",
            "role",
            "agent_code",
            "password_hash",
            "phone",
            "is_active",
            "timezone",
            "list_columns",
            "created_at",
        ),
        [
            u
            + (
                f"(510) 555-01{10 + u[0]:02d}",
                True,
                "America/Los_Angeles",
                "[]",
                _iso(now - timedelta(days=790), pg),
            )
            for u in users
        ],
    )
    agent_ids = np.array([u[0] for u in users[1:]])

    # ---- listings
    nl = plan.listings
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

    # ---- leads (arrays first; activities decide ratings and last activity)
    n = plan.leads
    created_s = now_s - rng.integers(day, 425 * day, n)  # within ~14 months
    stage_i = rng.choice(len(STAGE_CODES), n, p=STAGE_W)
    status_i = rng.choice(len(STATUS_CODES), n, p=STATUS_W)
    source_i = rng.choice(len(LEAD_SOURCES), n, p=SOURCE_W)
    assigned = np.where(rng.random(n) < 0.1, 0, agent_ids[rng.integers(0, len(agent_ids), n)])
    stage_s = created_s + ((now_s - created_s) * rng.random(n)).astype(np.int64)

    # ---- activities: skewed over leads (a few very active, many quiet)
    m = max(plan.activities, 0)
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
    n_markets = len(MARKETS)
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

    first = rng.integers(0, len(FIRST), n)
    last = rng.integers(0, len(LAST), n)
    city_l = rng.integers(0, len(CITIES), n)
    has_bday = rng.random(n) < 0.7
    bday_s = now_s - rng.integers(22 * 365, 75 * 365, n) * day
    has_anniv = (stage_i == 4) | (rng.random(n) < 0.08)
    anniv_s = now_s - rng.integers(200, 9 * 365, n) * day
    ltype = rng.choice(["buyer", "seller", "renter"], n, p=[0.6, 0.25, 0.15])
    created_txt = _ts(created_s, pg)
    stage_txt = _ts(stage_s, pg)
    last_txt = _ts(np.maximum(last_s, 0), pg)
    lead_cols = (
        "id",
        "brokerage_id",
        "email",
        "first_name",
        "last_name",
        "phone",
        "phone_digits",
        "extra_emails",
        "extra_phones",
        "street",
        "city",
        "state",
        "postal_code",
        "birthday",
        "birthday_md",
        "anniversary",
        "anniversary_md",
        "lead_type",
        "status",
        "stage",
        "stage_entered_at",
        "priority",
        "source",
        "texting_consent",
        "assigned_agent_id",
        "property_type_wanted",
        "price_min",
        "price_max",
        "move_timeframe",
        "rating_score",
        "last_activity_at",
        "active_subscriptions",
        "created_at",
        "updated_at",
        "created_by_id",
        "website_password_hash",
    )
    lead_rows = []
    for i in range(n):
        fn, ln = FIRST[first[i]], LAST[last[i]]
        city, zipc, area = CITIES[city_l[i]]
        digits = f"{area}555{(i * 7919) % 10000:04d}"
        bday = datetime.fromtimestamp(int(bday_s[i]), UTC).date() if has_bday[i] else None
        anniv = datetime.fromtimestamp(int(anniv_s[i]), UTC).date() if has_anniv[i] else None
        lo = int(rnd.choice([3, 5, 6, 8, 10, 12]) * 100000)
        lead_rows.append(
            (
                i + 1,
                1,
                f"{fn.lower()}.{ln.lower()}{i}@{DOMAINS[i % len(DOMAINS)]}",
                fn,
                ln,
                f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
                digits,
                "[]",
                "[]",
                f"{rnd.randint(10, 9999)} {rnd.choice(STREETS)}",
                city,
                "CA",
                zipc,
                bday.isoformat() if bday else None,
                bday.month * 100 + bday.day if bday else None,
                anniv.isoformat() if anniv else None,
                anniv.month * 100 + anniv.day if anniv else None,
                str(ltype[i]),
                STATUS_CODES[status_i[i]],
                STAGE_CODES[stage_i[i]],
                stage_txt[i],
                "high" if score[i] > 0 and i % 11 == 0 else "normal",
                LEAD_SOURCES[source_i[i]],
                bool(i % 5 < 2),
                int(assigned[i]) or None,
                "Condo"
                if ltype[i] == "renter"
                else rnd.choice(["Single family", "Condo", "Townhouse", ""]),
                lo if ltype[i] != "renter" else None,
                lo + 400000 if ltype[i] != "renter" else None,
                rnd.choice(["0-3 months", "3-6 months", "6-12 months", "12+ months", ""]),
                float(score[i]),
                last_txt[i] if last_s[i] >= 0 else None,
                int(active_subs[i]),
                created_txt[i],
                created_txt[i],
                int(assigned[i]) or 1,
                None,
            )
        )
    yield "lead", lead_cols, lead_rows
    del lead_rows

    # activities, in chunks
    cols = (
        "id",
        "brokerage_id",
        "lead_id",
        "kind",
        "occurred_at",
        "received_at",
        "mls_number",
        "listing_id",
        "criteria",
        "details",
        "idempotency_key",
    )
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

    # ---- history: creation entries, notes, calls, quick events
    hist = []
    notes = [
        "Prefers text over calls.",
        "Looking near good schools.",
        "Wants a yard for the dog.",
        "Pre-approved up to $1.1M with First Bay Credit Union.",
        "Selling current condo first.",
        "Call back after the holidays.",
        "Interested in open houses this weekend.",
    ]
    for i in range(n):
        hist.append(
            (
                len(hist) + 1,
                1,
                i + 1,
                int(assigned[i]) or 1,
                "created",
                "Lead created",
                "",
                None,
                None,
                None,
                created_txt[i],
            )
        )
    for i in rng.choice(n, int(n * 0.6), replace=False).tolist():
        actor = int(assigned[i]) or 1
        t = created_s[i] + int((now_s - created_s[i]) * rnd.random())
        kind = rnd.choice(["note", "call", "quick_event", "quick_event"])
        title = {"note": "Note", "call": "Phone call"}.get(kind) or rnd.choice(DEFAULT_QUICK_EVENTS)
        hist.append(
            (
                len(hist) + 1,
                1,
                i + 1,
                actor,
                kind,
                title,
                rnd.choice(notes) if kind != "quick_event" else "",
                None,
                None,
                None,
                _ts(np.array([t]), pg)[0],
            )
        )
    yield (
        "history_entry",
        (
            "id",
            "brokerage_id",
            "lead_id",
            "actor_id",
            "kind",
            "title",
            "body",
            "field",
            "old_value",
            "new_value",
            "created_at",
        ),
        hist,
    )

    # ---- tasks: some overdue, some due today, some later, some done
    tasks = []
    titles = {
        "todo": ["Send comps", "Follow up on pre-approval", "Prepare CMA", "Update listing alert"],
        "call": ["Check-in call", "Call about offer"],
        "showing": ["Showing", "Second showing"],
        "meeting": ["Listing presentation", "Buyer consultation"],
    }
    n_tasks = max(40, n // 6)
    for k in range(n_tasks):
        li = rnd.randrange(n)
        owner = int(assigned[li]) or int(rnd.choice(agent_ids.tolist()))
        kind = rnd.choice(["todo", "todo", "call", "showing", "meeting"])
        r = rnd.random()
        if r < 0.2:
            due = now - timedelta(days=rnd.randint(1, 10), hours=rnd.randint(0, 8))
        elif r < 0.35:
            due = now.replace(hour=rnd.randint(15, 23)) + timedelta(minutes=rnd.choice([0, 30]))
        else:
            due = now + timedelta(days=rnd.randint(1, 30), hours=rnd.randint(0, 8))
        done = _iso(due - timedelta(hours=2), pg) if r < 0.1 else None
        tasks.append(
            (
                k + 1,
                1,
                owner,
                li + 1 if rnd.random() < 0.85 else None,
                kind,
                rnd.choice(titles[kind]),
                "",
                _iso(due, pg),
                done,
                None,
                _iso(due - timedelta(days=3), pg),
                owner,
            )
        )
    yield (
        "task",
        (
            "id",
            "brokerage_id",
            "owner_id",
            "lead_id",
            "kind",
            "title",
            "notes",
            "due_at",
            "completed_at",
            "reminded_at",
            "created_at",
            "created_by_id",
        ),
        tasks,
    )

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
                    lead_cols and f"lead{li}@example.invalid",
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


def fix_email_addresses(conn: sa.Connection) -> None:
    conn.exec_driver_sql(
        "UPDATE outgoing_email SET to_address = (SELECT email FROM lead WHERE lead.id = "
        "outgoing_email.lead_id)"
        " WHERE lead_id IS NOT NULL"
    )


def is_empty(engine: sa.Engine) -> bool:
    with engine.connect() as c:
        return c.exec_driver_sql("SELECT COUNT(*) FROM brokerage").scalar() == 0


def load(engine: sa.Engine, plan: Plan) -> dict[str, int]:
    """Write the demo brokerage into an empty database in one transaction; returns row counts."""
    pg = engine.dialect.name == "postgresql"
    # One "now" for the generated scores and the rating watermark: they must agree on which
    # activities are inside the six-month window (`leadapp db check` compares them).
    plan = replace(plan, now=plan.now or plan_now())
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        with search_index.bulk_insert(conn, 1, plan.leads):  # lead ids 1..n (an empty database)
            for table, cols, rows in generate(plan, pg=pg):
                counts[table] = counts.get(table, 0) + insert_rows(conn, table, cols, rows)
        fix_email_addresses(conn)
        conn.exec_driver_sql("UPDATE brokerage SET default_agent_id = NULL")
        for table in counts:
            if table != "lead_tag":
                reset_sequence(conn, table)
    from sqlmodel import Session

    with Session(engine) as session:
        rollups.rebuild(session, 1)
        rating.refresh_cutoffs(session, 1, plan.now)
        session.commit()
    return counts


def demo_sign_ins() -> list[tuple[str, str, str]]:
    return [("broker", BROKER[1], DEMO_PASSWORD)] + [("agent", e, DEMO_PASSWORD) for _, e in AGENTS]
