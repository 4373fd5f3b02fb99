"""What a routing rule is (G5): the facts of a new lead, a rule's criteria and its decision."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from leadapp.models import RoutingRule

ORIGINS = ("signup", "api", "import", "pool_return")
TARGETS = {
    "agent": "One agent",
    "round_robin": "Group, round robin",
    "claim": "Group, claim with timeout",
    "pool": "Unassigned pool",
}
FALLBACKS = {"": "The default", "agent": "An agent", "group": "A group", "pool": "The pool"}


@dataclass
class Facts:
    """What routing looks at in a new lead."""

    source: str = ""
    lead_type: str | None = None
    city: str = ""
    postal_code: str = ""
    price_min: int | None = None
    price_max: int | None = None
    tags: frozenset[str] = frozenset()

    @classmethod
    def from_criteria(cls, base: dict, criteria: list[dict]) -> Facts:
        """A sign-up's facts: the lead's fields, and city/price from its first searches."""
        f = cls(**{k: v for k, v in base.items() if k in cls.__dataclass_fields__})
        for c in criteria:
            if not isinstance(c, dict):
                continue
            if not f.city and isinstance(c.get("city"), str):
                f.city = c["city"][:100]
            if not f.postal_code and isinstance(c.get("postal_code"), str):
                f.postal_code = c["postal_code"][:10]
            for key, attr in (("min_price", "price_min"), ("max_price", "price_max")):
                v = c.get(key)
                if getattr(f, attr) is None and isinstance(v, int) and not isinstance(v, bool):
                    setattr(f, attr, v)
            if not f.lead_type and c.get("transaction") in ("sale", "rent"):
                f.lead_type = "buyer" if c["transaction"] == "sale" else "renter"
        return f


@dataclass
class Decision:
    agent_id: int | None
    reason: str
    rule_id: int | None = None
    offer_group_id: int | None = None  # claim with timeout: offer to this group
    offer_minutes: int = 0
    offer_to: list[int] = field(default_factory=list)
    broken: str = ""  # why a rule could not be used (the brokers are told)


def _low(values) -> list[str]:
    return [str(v).strip().lower() for v in values or () if str(v).strip()]


@dataclass(frozen=True)
class Match:
    """A rule's criteria, normalised once (stripped, lower case); empty = any."""

    sources: frozenset[str]
    lead_types: frozenset[str]
    cities: frozenset[str]
    postal_codes: tuple[str, ...]
    price_min: int | None
    price_max: int | None
    tags: frozenset[str]

    @classmethod
    def of(cls, match: dict) -> Match:
        return cls(
            frozenset(_low(match.get("sources"))),
            frozenset(_low(match.get("lead_types"))),
            frozenset(_low(match.get("cities"))),
            tuple(_low(match.get("postal_codes"))),
            match.get("price_min"),
            match.get("price_max"),
            frozenset(_low(match.get("tags"))),
        )

    def matches(self, f: Facts) -> bool:
        if self.sources and f.source.strip().lower() not in self.sources:
            return False
        if self.lead_types and (f.lead_type or "") not in self.lead_types:
            return False
        if self.cities and f.city.strip().lower() not in self.cities:
            return False
        if self.postal_codes and not any(
            f.postal_code.strip().startswith(p) for p in self.postal_codes
        ):
            return False
        lo, hi = self.price_min, self.price_max
        if lo is not None or hi is not None:
            if f.price_min is None and f.price_max is None:
                return False
            lead_lo = f.price_min if f.price_min is not None else 0
            lead_hi = f.price_max if f.price_max is not None else 10**12
            if (hi is not None and lead_lo > hi) or (lo is not None and lead_hi < lo):
                return False
        return not (self.tags and not (self.tags & {t.lower() for t in f.tags}))


def rule_matches(match: dict, f: Facts) -> bool:
    return Match.of(match).matches(f)


@dataclass(frozen=True)
class Rule:
    """A routing rule as the Router keeps it: a copy of its row, shared across transactions."""

    id: int
    name: str
    match: Match
    target: str
    agent_id: int | None
    group_id: int | None
    claim_minutes: int
    fallback: str
    fallback_agent_id: int | None
    fallback_group_id: int | None

    @classmethod
    def of(cls, r: RoutingRule | sa.Row) -> Rule:
        return cls(
            r.id or 0,
            r.name,
            Match.of(r.match or {}),
            r.target,
            r.agent_id,
            r.group_id,
            r.claim_minutes,
            r.fallback or "",
            r.fallback_agent_id,
            r.fallback_group_id,
        )
