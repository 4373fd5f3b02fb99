"""Fixtures of the state tests: `ctx`, a lead with one of everything (lead_page_helpers)."""

from tests.unit.lead_page_helpers import ctx  # noqa: F401  (a fixture)
