"""The demo brokerage's vocabulary: people, places, names and the mix of values."""

from __future__ import annotations

from leadapp.models.enums import ACTIVITY_KINDS


def _words(text: str) -> list[str]:
    return text.split()


DEMO_PASSWORD = "leadapp-demo"
DEMO_DOMAIN = "demo.leadapp.io"
BROKER = ("Morgan Reyes", f"broker@{DEMO_DOMAIN}")
AGENTS = [
    ("Avery Chen", f"avery@{DEMO_DOMAIN}"),
    ("Jordan Patel", f"jordan@{DEMO_DOMAIN}"),
    ("Sam Okafor", f"sam@{DEMO_DOMAIN}"),
    ("Riley Novak", f"riley@{DEMO_DOMAIN}"),
]


FIRST = _words("""
James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul
Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy
Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Amy Jacob Kathleen
Gary Angela Nicholas Shirley Eric Brenda Jonathan Emma Stephen Anna Larry Pamela Justin
Nicole Scott Samantha Brandon Katherine Benjamin Christine Samuel Debra Gregory Rachel
Alexander Carolyn Patrick Janet Frank Maria Raymond Olivia Jack Heather Dennis Helen Jerry
Catherine Tyler Diane Aaron Julie Jose Victoria Adam Joyce Nathan Lauren Henry Kelly Zachary
Christina Douglas Ruth Peter Joan Kyle Virginia Noah Judith Ethan Evelyn Jeremy Hannah
Walter Andrea Christian Megan Keith Cheryl Roger Jacqueline Terry Madison Austin Teresa Sean
Abigail Gerald Sophia Carl Martha Harold Sara Dylan Gloria Arthur Janice Lawrence Kathryn
Jordan Ann Jesse Isabella Bryan Judy Billy Charlotte Wei Mei Hiroshi Yuki Priya Arjun Fatima
Omar Sofia Mateo Lucia Diego Chloe Liam Ava Mia Aria Kai
""")
LAST = _words("""
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan
Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera
Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison
Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker
Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox
Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart
Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Ray
Berry Perkins Hoffman Johnston Matthews Pena Richards Willis Carpenter Lawrence Sandoval
Okafor Novak
""")
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
