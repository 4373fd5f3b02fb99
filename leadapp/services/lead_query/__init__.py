"""The lead list (L1-L5, L8, G2, G3): filter, sort, search, count and page in the database.

`LeadQuery.parse(params)` reads the lead-list URL contract (see the module docstring of
state/leads.py); invalid values are dropped, never an error. `list_page(session, user, q)`
runs it: every WHERE clause starts from `access.lead_visibility(user)`, so an agent sees only
their own leads (plus the unassigned pool in view=unassigned, when the brokerage allows it),
whatever the parameters say.

Modules: `params` (the URL contract, `LeadQuery`), `search` (`search_clause`, the one lead
search rule, L2/L3), `plan` (a query as WHERE clauses and lead_rollup conditions for one
user), `counts` (the exact count: roll-up rows, rating buckets or a COUNT), `page` (the list
order, one page of rows, `filtered_select` / `matching_ids` for "all matching"), `options`
(the filter panel's choices, the visible columns, L5), `new_lead` (the Add lead form, L8).
This module is the one entry point: import the names from here.
"""

from __future__ import annotations

from .counts import count
from .new_lead import ADD_FIELDS, add_lead
from .options import COLUMNS, DEFAULT_COLUMNS, columns_of, filter_options, set_columns
from .page import LIST_COLUMNS, TAG_SEP, filtered_select, list_page, matching_ids
from .params import (
    DEFAULT_DIR,
    DEFAULT_SORT,
    FILTER_KEYS,
    MAX_PAGE,
    MAX_Q,
    MAX_TAGS,
    PAGE_SIZES,
    RATINGS,
    SORT_COLUMNS,
    SUBSCRIBED,
    LeadQuery,
)
from .search import NAME_EXPR_PG, search_clause

__all__ = [
    "ADD_FIELDS",
    "COLUMNS",
    "DEFAULT_COLUMNS",
    "DEFAULT_DIR",
    "DEFAULT_SORT",
    "FILTER_KEYS",
    "LIST_COLUMNS",
    "MAX_PAGE",
    "MAX_Q",
    "MAX_TAGS",
    "NAME_EXPR_PG",
    "PAGE_SIZES",
    "RATINGS",
    "SORT_COLUMNS",
    "SUBSCRIBED",
    "TAG_SEP",
    "LeadQuery",
    "add_lead",
    "columns_of",
    "count",
    "filter_options",
    "filtered_select",
    "list_page",
    "matching_ids",
    "search_clause",
    "set_columns",
]
