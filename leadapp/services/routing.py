"""Lead routing (G5): which agent a new lead goes to, decided in the lead's own transaction.

`Router(session, brokerage_id, origin)` reads the brokerage's active rules, the groups they
name with their members (active users, away flags, capacities) and the open uncontacted
lead counts once; `decide(facts)` then runs in memory (a batch of sign-ups or an import
routes every lead from one Router), and `finish()` writes the round-robin counters.

- Rules are tried in order (`position`); the first whose every given criterion matches wins
  (sources, lead types, cities, postal-code prefixes, a price range overlapping the lead's,
  tags; an empty criterion matches anything). No rule matching: the default at the bottom —
  the brokerage's default agent for website sign-ups, the pool for everything else (as
  before rules existed).
- Targets: one agent; a group by round robin (the eligible member with the fewest leads for
  their weight; ties by id — exact, so over any number of leads no equally weighted agent is
  off by more than one); a group by claim with timeout (services/claims.py makes the offer);
  the pool. An agent is eligible when active, not away and under their capacity of open
  uncontacted leads. A target with nobody eligible uses the rule's fallback.
- A broken rule (its agent deactivated, its group gone or without an active member) never
  leaves the lead unassigned: the default applies and the brokers are told.
- `reason` is the sentence the lead's history gets, e.g.
  "Rule 'Zillow buyers' → group Team A, round robin → Avery".

Concurrency: the Router first touches the brokerage's groups (one UPDATE), which row-locks
them on PostgreSQL and takes the write lock on SQLite, so two transactions routing at once
read and advance the counters one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import (
    AgentAvailability,
    AgentGroup,
    AgentGroupMember,
    Brokerage,
    Lead,
    RoutingRule,
    User,
    utcnow,
)

ORIGINS = ("signup", "api", "import", "pool_return")
TARGETS = {
    "agent": "One agent",
    "round_robin": "Group, round robin",
    "claim": "Group, claim with timeout",
    "pool": "Unassigned pool",
}
FALLBACKS = {"": "The default", "agent": "An agent", "group": "A group", "pool": "The pool"}
OPEN_STATUSES = ("new", "active")


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


def rule_matches(match: dict, f: Facts) -> bool:
    if (m := _low(match.get("sources"))) and f.source.strip().lower() not in m:
        return False
    if (m := _low(match.get("lead_types"))) and (f.lead_type or "") not in m:
        return False
    if (m := _low(match.get("cities"))) and f.city.strip().lower() not in m:
        return False
    if (m := _low(match.get("postal_codes"))) and not any(
        f.postal_code.strip().startswith(p) for p in m
    ):
        return False
    lo, hi = match.get("price_min"), match.get("price_max")
    if lo is not None or hi is not None:
        if f.price_min is None and f.price_max is None:
            return False
        lead_lo = f.price_min if f.price_min is not None else 0
        lead_hi = f.price_max if f.price_max is not None else 10**12
        if (hi is not None and lead_lo > hi) or (lo is not None and lead_hi < lo):
            return False
    return not ((m := _low(match.get("tags"))) and not (set(m) & {t.lower() for t in f.tags}))


class Router:
    def __init__(
        self, session: Session, brokerage_id: int, origin: str, now: datetime | None = None
    ):
        self.session = session
        self.brokerage_id = brokerage_id
        self.origin = origin
        self.now = now or utcnow()
        self.rules = list(
            session.exec(
                select(RoutingRule)
                .where(RoutingRule.brokerage_id == brokerage_id, RoutingRule.active)
                .order_by(RoutingRule.position, RoutingRule.id)
            ).all()
        )
        b = session.get(Brokerage, brokerage_id)
        self.default_agent_id = b.default_agent_id if b and origin == "signup" else None
        self.groups: dict[int, str] = {}
        self.members: dict[int, list[tuple[int, int]]] = {}  # group -> [(user, weight)]
        self.counts: dict[tuple[int, int], int] = {}  # (group, user) -> assigned_count
        self.picked: dict[tuple[int, int], int] = {}
        self.users: dict[int, tuple[str, bool]] = {}  # id -> (name, active)
        self.avail: dict[int, tuple[bool, int | None]] = {}  # id -> (away, capacity)
        self.open_load: dict[int, int] = {}
        self.problems: list[str] = []
        self._load()

    def _load(self) -> None:
        s = self.session
        ids = {r.group_id for r in self.rules} | {r.fallback_group_id for r in self.rules}
        ids.discard(None)
        user_ids = {r.agent_id for r in self.rules} | {r.fallback_agent_id for r in self.rules}
        user_ids |= {self.default_agent_id}
        if ids:
            s.execute(  # the lock that orders concurrent routings (see the module docstring)
                sa.update(AgentGroup)
                .where(AgentGroup.id.in_(ids), AgentGroup.brokerage_id == self.brokerage_id)
                .values(name=AgentGroup.name)
            )
            for gid, name in s.execute(
                select(AgentGroup.id, AgentGroup.name).where(
                    AgentGroup.id.in_(ids), AgentGroup.brokerage_id == self.brokerage_id
                )
            ):
                self.groups[gid] = name
                self.members[gid] = []
            for gid, uid, weight, count in s.execute(
                select(
                    AgentGroupMember.group_id,
                    AgentGroupMember.user_id,
                    AgentGroupMember.weight,
                    AgentGroupMember.assigned_count,
                )
                .where(AgentGroupMember.group_id.in_(list(self.groups)))
                .order_by(AgentGroupMember.user_id)
            ):
                self.members[gid].append((uid, max(1, weight)))
                self.counts[(gid, uid)] = count
                user_ids.add(uid)
        user_ids.discard(None)
        if not user_ids:
            return
        for uid, name, active, bid in s.execute(
            select(User.id, User.name, User.is_active, User.brokerage_id).where(
                User.id.in_(user_ids)
            )
        ):
            self.users[uid] = (name, bool(active) and bid == self.brokerage_id)
        for uid, away, cap in s.execute(
            select(
                AgentAvailability.user_id, AgentAvailability.away, AgentAvailability.capacity
            ).where(AgentAvailability.user_id.in_(user_ids))
        ):
            self.avail[uid] = (bool(away), cap)
        capped = [u for u, (_, cap) in self.avail.items() if cap is not None]
        if capped:
            self.open_load = dict(
                s.execute(
                    select(Lead.assigned_agent_id, sa.func.count())
                    .where(
                        Lead.assigned_agent_id.in_(capped),
                        Lead.last_contacted_at.is_(None),
                        Lead.status.in_(OPEN_STATUSES),
                    )
                    .group_by(Lead.assigned_agent_id)
                ).all()
            )

    # ------------------------------------------------------------------ helpers

    def name(self, uid: int | None) -> str:
        return self.users.get(uid, ("Unassigned", False))[0] if uid else "Unassigned"

    def active(self, uid: int | None) -> bool:
        return bool(uid) and self.users.get(uid, ("", False))[1]

    def eligible(self, uid: int) -> bool:
        if not self.active(uid):
            return False
        away, cap = self.avail.get(uid, (False, None))
        return not away and (cap is None or self.open_load.get(uid, 0) < cap)

    def _took(self, uid: int | None) -> None:
        if uid:
            self.open_load[uid] = self.open_load.get(uid, 0) + 1

    def _round_robin(self, gid: int) -> int | None:
        best = None
        for uid, weight in self.members.get(gid, ()):
            if not self.eligible(uid):
                continue
            key = (self.counts[(gid, uid)] / weight, self.counts[(gid, uid)], uid)
            if best is None or key < best[0]:
                best = (key, uid)
        if best is None:
            return None
        uid = best[1]
        self.counts[(gid, uid)] += 1
        self.picked[(gid, uid)] = self.picked.get((gid, uid), 0) + 1
        return uid

    def _group_broken(self, gid: int | None) -> str:
        if gid not in self.groups:
            return "its group no longer exists"
        if not any(self.active(u) for u, _ in self.members[gid]):
            return f"group {self.groups[gid]} has no active agent"
        return ""

    def default(self, why: str = "") -> Decision:
        agent = self.default_agent_id if self.eligible(self.default_agent_id or 0) else None
        if self.default_agent_id and agent is None and self.active(self.default_agent_id):
            agent = self.default_agent_id  # away or full: still theirs (nobody else is named)
        where = f"default agent → {self.name(agent)}" if agent else "default → unassigned pool"
        self._took(agent)
        return Decision(agent, f"{why}{where}" if why else f"No rule matched: {where}")

    # ------------------------------------------------------------------ the decision

    def decide(self, f: Facts) -> Decision:
        for rule in self.rules:
            if rule_matches(rule.match or {}, f):
                return self._apply(rule)
        return self.default()

    def _apply(self, rule: RoutingRule) -> Decision:
        head = f"Rule '{rule.name}' → "
        if rule.target == "pool":
            return Decision(None, head + "unassigned pool", rule.id)
        if rule.target == "agent":
            if not self.active(rule.agent_id):
                return self._broken(rule, "its agent is not an active user")
            if self.eligible(rule.agent_id):
                self._took(rule.agent_id)
                return Decision(rule.agent_id, head + self.name(rule.agent_id), rule.id)
            return self.fallback(rule, head + f"{self.name(rule.agent_id)} away or full; ")
        broken = self._group_broken(rule.group_id)
        if broken:
            return self._broken(rule, broken)
        group = self.groups[rule.group_id]
        if rule.target == "claim":
            to = [u for u, _ in self.members[rule.group_id] if self.eligible(u)]
            if not to:
                return self.fallback(rule, head + f"group {group}: nobody available; ")
            return Decision(
                None,
                head + f"group {group}, offered to claim for {rule.claim_minutes} min",
                rule.id,
                offer_group_id=rule.group_id,
                offer_minutes=rule.claim_minutes,
                offer_to=to,
            )
        uid = self._round_robin(rule.group_id)
        if uid is None:
            return self.fallback(rule, head + f"group {group}: nobody available; ")
        self._took(uid)
        return Decision(uid, head + f"group {group}, round robin → {self.name(uid)}", rule.id)

    def _broken(self, rule: RoutingRule, why: str) -> Decision:
        msg = f"Rule '{rule.name}' could not be used: {why}"
        self.problems.append(msg)
        d = self.default(msg + "; ")
        d.broken, d.rule_id = msg, rule.id
        return d

    def fallback(self, rule: RoutingRule, why: str, exclude: int | None = None) -> Decision:
        """The rule's fallback (an unclaimed offer, an idle lead, nobody available)."""
        kind = rule.fallback if rule else ""
        if kind == "pool":
            return Decision(None, why + "fallback → unassigned pool", rule.id)
        if kind == "agent" and rule.fallback_agent_id != exclude:
            uid = rule.fallback_agent_id
            if self.active(uid):
                self._took(uid)
                return Decision(uid, why + f"fallback → {self.name(uid)}", rule.id)
        if kind == "group" and not self._group_broken(rule.fallback_group_id):
            gid = rule.fallback_group_id
            uid = self._round_robin_excluding(gid, exclude)
            if uid is not None:
                self._took(uid)
                return Decision(
                    uid,
                    why + f"fallback → group {self.groups[gid]}, round robin → {self.name(uid)}",
                    rule.id,
                )
        d = self.default(why)
        if exclude and d.agent_id == exclude:
            d = Decision(None, why + "fallback → unassigned pool")
        d.rule_id = rule.id if rule else None
        return d

    def _round_robin_excluding(self, gid: int, exclude: int | None) -> int | None:
        if exclude is None:
            return self._round_robin(gid)
        saved = self.avail.get(exclude)
        self.avail[exclude] = (True, None)
        try:
            return self._round_robin(gid)
        finally:
            if saved is None:
                del self.avail[exclude]
            else:
                self.avail[exclude] = saved

    def rule(self, rule_id: int | None) -> RoutingRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def finish(self) -> None:
        """Write the round-robin counters advanced by this Router's decisions."""
        if self.picked:
            t = AgentGroupMember.__table__
            self.session.execute(
                sa.update(t)
                .where(t.c.group_id == sa.bindparam("g"), t.c.user_id == sa.bindparam("u"))
                .values(assigned_count=t.c.assigned_count + sa.bindparam("n")),
                [{"g": g, "u": u, "n": n} for (g, u), n in self.picked.items()],
            )
            self.picked = {}
