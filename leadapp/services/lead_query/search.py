"""The lead search (L2, L3): one WHERE clause for a search box value.

- SQLite: names and emails in the contentless FTS5 trigram table `lead_fts`; phone digits in
  `lead_fts_phone`, every suffix of each number, so a run of digits is one index range (both
  kept in step by triggers, see the i3_a and i3_c migrations); queries of one or two
  characters use prefix ranges on indexed columns.
- PostgreSQL: pg_trgm GIN indexes on the same expressions, queried with ILIKE.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from leadapp.models import Lead
from leadapp.services.validation import PHONE_PUNCT_RE, phone_digits


def _search_text(q: str) -> tuple[str, str]:
    """(lower-cased text, phone digits or '') of a search box value."""
    text = q.strip().lower()
    digits = phone_digits(text) if PHONE_PUNCT_RE.match(text) else ""
    return text, digits


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix_range(column, prefix: str):
    """column starts with prefix, as an index range (case-sensitive)."""
    return sa.and_(column >= prefix, column < prefix + "\U0010ffff")


NAME_EXPR_PG = "(first_name || ' ' || last_name)"


# SQLite: a lead's phone digits from every position on (see the i3_c migration)
_PHONE_SUFFIX = sa.table(
    "lead_fts_phone", sa.column("brokerage_id"), sa.column("suffix"), sa.column("lead_id")
)


def search_clause(session: Session, brokerage_id: int, q: str, bounds: list | None = None):
    """The lead search (L3), one rule for the lead list, the HTTP API and the lead pickers.

    Three characters or more: name, email or phone digits containing the text (SQLite: the
    lead_fts index and the phone suffix table; PostgreSQL: escaped ILIKE served by pg_trgm);
    one or two characters: name, email or phone starting with them. None for an empty text.
    """
    text, digits = _search_text(q)
    if not text:
        return None
    pg = session.get_bind().dialect.name == "postgresql"
    short = len(text) < 3 and len(digits) < 3
    if pg and not short:
        pat = "%" + _like_escape(text) + "%"
        name = sa.literal_column(NAME_EXPR_PG)
        parts = [name.ilike(pat, escape="\\"), col(Lead.email).ilike(pat, escape="\\")]
        if len(digits) >= 3:
            parts.append(col(Lead.phone_digits).like("%" + digits + "%"))
        return sa.or_(*parts)
    if pg:  # one or two characters: names, email or phone starting with them
        pat = _like_escape(text) + "%"
        parts = [
            c.ilike(pat, escape="\\")
            for c in (col(Lead.first_name), col(Lead.last_name), col(Lead.email))
        ]
        if digits:
            parts.append(col(Lead.phone_digits).like(digits + "%"))
        return sa.or_(*parts)
    if not short:
        parts, subqueries = [], []
        if len(text) >= 3:
            subqueries.append(
                sa.text("SELECT rowid FROM lead_fts WHERE lead_fts MATCH :fts_q")
                .bindparams(fts_q=_fts_phrase(text))
                .columns(sa.column("rowid", sa.Integer))
            )
        if (
            len(digits) >= 3
        ):  # numbers with a suffix starting with the digits: ":" sorts right after "9"
            sfx = _PHONE_SUFFIX.c
            subqueries.append(
                sa.select(sfx.lead_id).where(
                    sfx.brokerage_id == brokerage_id,
                    sfx.suffix >= digits,
                    sfx.suffix < digits + ":",
                )
            )
        for sub in subqueries:
            parts.append(col(Lead.id).in_(sub))
            if bounds is not None:
                bounds.append(sa.select(sa.func.count()).select_from(sub.subquery()))
        return sa.or_(*parts)
    # One or two characters: names, email or phone starting with them (index ranges).
    variants = {text, text.capitalize(), text.upper()}
    parts = [_prefix_range(Lead.email, text)]
    for v in variants:
        parts += [_prefix_range(Lead.first_name, v), _prefix_range(Lead.last_name, v)]
    if digits:
        parts.append(_prefix_range(Lead.phone_digits, digits))
    return sa.or_(*parts)
