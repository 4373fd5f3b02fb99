"""What the lead page's services return: one TypedDict per payload.

The lead page's states hold these types, so components index them without casts
(`row["when"]` is a string var, `row["count"]` an int var).
"""

from __future__ import annotations

from typing import TypedDict


class ContactInfo(TypedDict, total=False):
    """The header and the contact box (P1, P13): display texts beside the raw form values.

    The service fills every key; a page state holds {} while no lead is shown.
    """

    id: int
    name: str
    email: str
    phone: str
    first_name: str
    last_name: str
    extra_emails: str
    extra_phones: str
    extra_email_list: list[str]
    extra_phone_list: list[str]
    street: str
    city: str
    state: str
    postal_code: str
    address: str
    birthday: str
    birthday_text: str
    anniversary: str
    anniversary_text: str
    lead_type: str
    lead_type_text: str
    status: str
    status_text: str
    stage: str
    stage_text: str
    priority: str
    priority_text: str
    source: str
    texting: str
    texting_line: str  # the last consent change: "Given verbally (...) — <when>, recorded by ..."
    agent_id: str
    agent_name: str
    speed: str  # N2: "First contact 4 min after assignment"
    property_type_wanted: str
    price_min: str
    price_max: str
    price_range: str
    move_timeframe: str
    closing_date: str
    closing_date_text: str
    ps_due_date: str
    ps_due_date_text: str
    created: str
    last_activity: str
    has_password: bool
    inactive: bool


class RatingReason(TypedDict):
    kind: str
    count: int
    share: int


class RatingInfo(TypedDict):
    """R1: the stars and the activity kinds that weigh most in the score."""

    stars: int
    reasons: list[RatingReason]
    summary: str


class AgentChoice(TypedDict):
    id: str
    name: str


class TabCounts(TypedDict, total=False):
    """The small numbers on the tabs (the service fills every key; {} while no lead is shown)."""

    activity: int
    history: int
    messages: int
    tasks: int
    listings_sent: int
    searches: int
    favorites: int
    subscriptions: int


class LeadHeader(TypedDict):
    lead: ContactInfo
    tags: list[str]
    all_tags: list[str]
    agents: list[AgentChoice]
    quick_events: list[str]
    rating: RatingInfo
    can_change: bool
    can_claim: bool
    can_reject: bool
    counts: TabCounts


class QuickEventResult(TypedDict):
    id: int
    title: str


class ActivityRow(TypedDict):
    """P5 / P16: one website activity."""

    id: int
    when: str
    kind: str
    kind_text: str
    what: str


class ActivityPage(TypedDict):
    rows: list[ActivityRow]
    total: int
    page: int
    pages: int


class HistoryRow(TypedDict):
    """P8: one history entry; `can_edit` says whether its details may be changed."""

    id: int
    kind: str
    kind_text: str
    title: str
    body: str
    change: str
    who: str
    when: str
    edited: str
    can_edit: bool


class HistoryPage(TypedDict):
    rows: list[HistoryRow]
    total: int
    page: int
    pages: int


class MessageRow(HistoryRow):
    """P11: a message entry with its delivery state."""

    delivery: str


class MessagesPage(TypedDict):
    rows: list[MessageRow]
    total: int
    page: int
    pages: int


class ListingSentRow(TypedDict):
    """P18: a listing emailed or put on a showing sheet."""

    id: int
    listing_id: int
    when: str
    address: str
    price: str
    mls: str
    beds: int
    baths: str
    via: str
    who: str


class ListingBrief(TypedDict):
    """The listing an "Email this listing" dialog is about."""

    id: int
    address: str
    price: str
    mls: str


class SheetListing(TypedDict):
    """A listing's facts on the printable showing sheet (P18)."""

    address: str
    place: str
    price: str
    beds: str
    baths: str
    sqft: str
    type: str
    status: str
    listed: str
    mls: str
    photo_url: str
    open_house: str


class SheetPage(TypedDict):
    """The showing sheet: brokerage, agent, lead, date and the listings."""

    brokerage: str
    logo_url: str
    postal_address: str
    agent: str
    agent_phone: str
    agent_email: str
    signature: str
    lead: str
    lead_phone: str
    lead_email: str
    day: str
    date: str
    listings: list[SheetListing]


class ListingsSentPage(TypedDict):
    rows: list[ListingSentRow]
    total: int
    page: int
    pages: int


class ToolRow(TypedDict):
    """P15: one tool-use counter."""

    key: str
    label: str
    count: int
    last: str


class FormRow(TypedDict):
    when: str
    kind_text: str
    details: str


class ToolUse(TypedDict):
    rows: list[ToolRow]
    forms: list[FormRow]


# ---------------------------------------------------------------- subscriptions (P6)


class ClickRow(TypedDict):
    subject: str
    sent: str
    clicked: str
    count: int


class MarketSubRow(TypedDict):
    id: int
    market: str
    type: str
    active: bool
    criteria: str
    since: str
    sent_30: int
    clicks: list[ClickRow]


class CampaignEmailRow(TypedDict):
    subject: str
    sent: str
    opened: str
    clicked: str


class CampaignSubRow(TypedDict):
    id: int
    campaign: str
    status: str
    status_text: str
    remaining: int
    total: int
    emails: list[CampaignEmailRow]
    active: bool


class AlertRow(TypedDict):
    id: int
    name: str
    saved: str
    criteria: str
    active: bool
    sent_30: int
    clicks: list[ClickRow]


class Choice(TypedDict):
    id: str
    name: str


class Subscriptions(TypedDict):
    markets: list[MarketSubRow]
    campaigns: list[CampaignSubRow]
    alerts: list[AlertRow]
    market_choices: list[Choice]
    campaign_choices: list[Choice]
    subscribed_markets: int
    active_subscriptions: int
    email_status: list[str]  # C5: bounced / unsubscribed, with dates


# ------------------------------------------------------------ organizer, email updates (P7, P14)


class SavedSearchRow(TypedDict):
    id: int
    name: str
    criteria: str
    created: str
    alerts: bool
    by_lead: bool
    transaction: str
    last_sent: str
    raw_name: str
    form: dict[str, str]
    can_delete: bool
    can_toggle: bool


class ListingRow(TypedDict):
    """A listing as the organizer and the property search show it."""

    id: int
    address: str
    price: str
    price_value: int
    beds: int
    baths: str
    mls: str
    type: str
    transaction: str


class FavoriteRow(ListingRow):
    fav_id: int
    by_lead: bool
    added: str
    can_delete: bool


class FoundListing(ListingRow):
    favorite: bool


class ListingSearch(TypedDict):
    rows: list[FoundListing]
    total: int
    page: int
    pages: int
    criteria: str


class EmailUpdates(TypedDict):
    sales: list[SavedSearchRow]
    rentals: list[SavedSearchRow]
