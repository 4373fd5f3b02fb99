"""The listings feed (IDX side): upsert MLS listings given in RESO Data Dictionary names.

`upsert(session, items)` takes up to MAX_BATCH listings keyed by ListingId (the MLS
number), checks each one on its own (a clear message per index; the valid ones are
stored), and writes the batch set-based: one SELECT of the existing rows, one executemany
INSERT of the new ones, one executemany UPDATE of the changed ones and one of their
`listing_change` rows (new, price, status, back on market, open house added), each with
the time it was received — the daily alerts and market reports are built from those.
The caller commits (the API route and the CLI commit once per batch).

Modules: `parse` (one RESO record -> columns and errors), `upsert` (the batch's writes).
"""

from __future__ import annotations

from .parse import PROPERTY_TYPES, STATUSES, SUB_TYPES, parse_item
from .upsert import COLUMNS, MAX_BATCH, REQUIRED_NEW, FeedResult, upsert, upsert_listings

__all__ = [
    "COLUMNS",
    "MAX_BATCH",
    "PROPERTY_TYPES",
    "REQUIRED_NEW",
    "STATUSES",
    "SUB_TYPES",
    "FeedResult",
    "parse_item",
    "upsert",
    "upsert_listings",
]
