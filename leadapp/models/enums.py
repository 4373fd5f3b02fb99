"""Allowed values of the string-coded columns, with their display labels.

Stored as short lowercase codes; the labels are what users read and type in imports.
"""

from __future__ import annotations

ROLES = {"broker": "Broker", "agent": "Agent"}

LEAD_STATUSES = {"new": "New", "active": "Active", "inactive": "Inactive", "deleted": "Deleted"}

LEAD_TYPES = {"buyer": "Buyer", "seller": "Seller", "renter": "Renter"}

# Order matters: it is the order of the pipeline row on the lead page.
STAGES = {
    "uncontacted": "Uncontacted",
    "attempted_contact": "Attempted Contact",
    "nurturing": "Nurturing",
    "under_contract": "Under Contract",
    "closed": "Closed",
    "dead": "Dead",
}

PRIORITIES = {"low": "Low", "normal": "Normal", "high": "High"}

ACTIVITY_KINDS = {
    "signup": "Sign-up",
    "listing_view": "Listing view",
    "search": "Search",
    "saved_listing": "Saved listing",
    "saved_search": "Saved search",
    "info_request": "Info request",
    "valuation_request": "Valuation request",
    "contact_request": "Contact request",
    "showing_request": "Showing request",
    "email_click": "Email click-through",
}

HISTORY_KINDS = {
    "note": "Note",
    "call": "Phone call",
    "quick_event": "Quick event",
    "message": "Message",
    "reply": "Reply from the lead",
    "audit": "Change",
    "created": "Account created",
    "import": "Imported",
    "task": "Task",
}

# History kinds that count as contacting a lead (the list's idle=N, the dashboard's suggestions,
# the lead page's "last contacted").
CONTACT_KINDS = ("call", "quick_event", "message")

DEFAULT_QUICK_EVENTS = ["Left Voicemail", "Called", "Emailed", "Texted", "Met in Person"]

TASK_KINDS = {"todo": "To-do", "call": "Call", "showing": "Showing", "meeting": "Meeting"}
EVENT_KINDS = ("call", "showing", "meeting")  # kinds with a start time and a reminder

LISTING_STATUSES = {
    "active": "Active",
    "pending": "Pending",
    "sold": "Sold",
    "off_market": "Off market",
}
LISTING_TRANSACTIONS = {"sale": "Sale", "rent": "Rent"}
PROPERTY_TYPES = {
    "single_family": "Single family",
    "condo": "Condo",
    "townhouse": "Townhouse",
    "multi_family": "Multi-family",
    "land": "Land",
}

MARKET_REPORT_TYPES = {
    "listing": "Listing report",
    "open_house": "Open-house report",
    "market": "Market report",
}

CAMPAIGN_SUB_STATUSES = {"active": "Active", "inactive": "Inactive", "completed": "Completed"}

EMAIL_KINDS = {
    "message": "Message",
    "campaign": "Campaign",
    "market_report": "Market report",
    "alert": "Email alert",
    "daily_update": "Daily update",
    "notice": "Notice",
    "greeting": "Greeting",
    "listing": "Listing",
    "account": "Account",  # invitations and password resets (G1)
}
EMAIL_STATUSES = {
    "queued": "Queued",
    "sending": "Sending",
    "sent": "Sent",
    "failed": "Failed",
    "bounced": "Bounced",
    "skipped": "Not sent (unsubscribed or bounced)",
    "canceled": "Canceled (campaign paused)",
}
# C5: what a lead can unsubscribe from, and which email kinds each covers
UNSUBSCRIBE_KINDS = {
    "campaign": "Campaign emails",
    "market_report": "Market reports",
    "alert": "Listing alerts",
    "greeting": "Greetings",
}
UNSUBSCRIBE_OF_KIND = {
    "campaign": "campaign",
    "market_report": "market_report",
    "alert": "alert",
    "daily_update": "alert",
    "greeting": "greeting",
}

CREATED_BY = {"lead": "Lead", "agent": "Agent"}

LEAD_SOURCES = [
    "Website sign-up",
    "Zillow",
    "Realtor.com",
    "Referral",
    "Open house",
    "Facebook ads",
    "Google ads",
    "Sign call",
    "Past client",
    "Import",
]
