"""Lead routing (G5): which agent a new lead goes to, decided in the lead's own transaction.

`Router(session, brokerage_id, origin)` gets the brokerage's active rules, the groups they
name with their members' counters, and the users' active/away/capacity state once;
`decide(facts)` then runs in memory (a batch of sign-ups or an import routes every lead
from one Router), and `finish()` writes the round-robin counters.

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

What a Router reads (two statements in the common case):
- The rules and the names of their groups are kept per process (`_CACHE`), valid while the
  brokerage's `RoutingSettings.rules_version` is the stamp they were read with. Every change
  of a rule or a group (services/routing_admin.py) sets a new random stamp, so no worker
  takes a stale copy, nor one of a rolled-back change. No stamp: no rule was ever saved.
- One UPDATE … RETURNING of the named groups' members: weights and counters, and the lock
  that orders concurrent routings (row locks on PostgreSQL, the write lock on SQLite), so two
  transactions routing at once read and advance the counters one after the other.
- One SELECT of the stamp, the default agent and the users the rules and groups name
  (active, away, capacity). A stamp other than the cached one reads the rules again.
- Only when a decision looks at an agent with a capacity: one grouped count of the open
  uncontacted leads of all such agents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    AgentAvailability,
    AgentGroup,
    AgentGroupMember,
    Brokerage,
    Lead,
    RoutingRule,
    RoutingSettings,
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


@dataclass(frozen=True)
class _Rules:
    version: int | None
    rules: tuple[Rule, ...]
    groups: dict[int, str]  # the groups the rules name (this brokerage's) -> name


# (database, brokerage) -> its rules as last read, valid while the stamp matches
_CACHE: dict[tuple[str, int], _Rules] = {}
_NO_RULES = _Rules(None, (), {})


def _read_rules(session: Session, brokerage_id: int) -> _Rules:
    version = session.execute(
        select(RoutingSettings.rules_version).where(RoutingSettings.brokerage_id == brokerage_id)
    ).scalar()
    if version is None:  # no rule or group was ever saved
        return _NO_RULES
    t = _table(RoutingRule)  # the rows as stored (not the session's copies of them)
    rules = tuple(
        Rule.of(r)
        for r in session.execute(
            sa.select(t)
            .where(t.c.brokerage_id == brokerage_id, t.c.active)
            .order_by(t.c.position, t.c.id)
        )
    )
    named = {r.group_id for r in rules} | {r.fallback_group_id for r in rules}
    named.discard(None)
    groups: dict[int, str] = {}
    if named:
        for gid, name in session.execute(
            select(AgentGroup.id, AgentGroup.name).where(
                col(AgentGroup.id).in_(named), AgentGroup.brokerage_id == brokerage_id
            )
        ):
            groups[gid] = name
    return _Rules(version, rules, groups)


def _table(model) -> sa.Table:
    return model.__table__


def _statements():
    """The Router's per-call statements, built once (their compiled form is cached)."""
    m, b, st = _table(AgentGroupMember), _table(Brokerage), _table(RoutingSettings)
    u, a, lead = _table(User), _table(AgentAvailability), _table(Lead)
    lock = (
        sa.update(m)
        .where(m.c.group_id.in_(sa.bindparam("gids", expanding=True)))
        .values(assigned_count=m.c.assigned_count)
        .returning(m.c.group_id, m.c.user_id, m.c.weight, m.c.assigned_count)
    )
    users = (
        sa.select(
            b.c.default_agent_id,
            st.c.rules_version,
            u.c.id,
            u.c.name,
            u.c.is_active,
            a.c.away,
            a.c.capacity,
        )
        .select_from(
            b.outerjoin(st, st.c.brokerage_id == b.c.id)
            .outerjoin(
                u,
                sa.and_(
                    u.c.brokerage_id == b.c.id,
                    sa.or_(
                        u.c.id.in_(sa.bindparam("uids", expanding=True)),
                        u.c.id == b.c.default_agent_id,
                    ),
                ),
            )
            .outerjoin(a, a.c.user_id == u.c.id)
        )
        .where(b.c.id == sa.bindparam("bid"))
    )
    open_load = (
        sa.select(lead.c.assigned_agent_id, sa.func.count())
        .where(
            lead.c.assigned_agent_id.in_(sa.bindparam("uids", expanding=True)),
            lead.c.last_contacted_at.is_(None),
            lead.c.status.in_(OPEN_STATUSES),
        )
        .group_by(lead.c.assigned_agent_id)
    )
    advance = (
        sa.update(m)
        .where(m.c.group_id == sa.bindparam("g"), m.c.user_id == sa.bindparam("u"))
        .values(assigned_count=m.c.assigned_count + sa.bindparam("n"))
    )
    return lock, users, open_load, advance


_LOCK_MEMBERS, _USERS, _OPEN_LOAD, _ADVANCE = _statements()


class Router:
    def __init__(
        self, session: Session, brokerage_id: int, origin: str, now: datetime | None = None
    ):
        self.session = session
        self.brokerage_id = brokerage_id
        self.origin = origin
        self.now = now or utcnow()
        self.default_agent_id: int | None = None
        self.rules: list[Rule] = []
        self.groups: dict[int, str] = {}
        self.members: dict[int, list[tuple[int, int]]] = {}  # group -> [(user, weight)]
        self.counts: dict[tuple[int, int], int] = {}  # (group, user) -> assigned_count
        self.picked: dict[tuple[int, int], int] = {}
        self.users: dict[int, tuple[str, bool]] = {}  # id -> (name, active)
        self.avail: dict[int, tuple[bool, int | None]] = {}  # id -> (away, capacity)
        self._open_load: dict[int, int] | None = None  # read on first need
        self.problems: list[str] = []
        self._load()

    def _load(self) -> None:
        key = (str(self.session.get_bind().engine.url), self.brokerage_id)
        known = _CACHE.get(key) or _read_rules(self.session, self.brokerage_id)
        self._lock_members(known)
        if self._read_users(known) != known.version:  # changed since cached: read again
            known = _read_rules(self.session, self.brokerage_id)
            self._lock_members(known)
            self._read_users(known)
        if known.version is not None:
            _CACHE[key] = known
        self.rules = list(known.rules)
        self.groups = dict(known.groups)

    def _lock_members(self, known: _Rules) -> None:
        """The named groups' members and counters, locked (see the module docstring)."""
        self.members = {gid: [] for gid in known.groups}
        self.counts = {}
        if not known.groups:
            return
        rows = self.session.execute(_LOCK_MEMBERS, {"gids": sorted(known.groups)}).all()
        for gid, uid, weight, count in sorted(rows, key=lambda r: (r[0], r[1])):
            self.members[gid].append((uid, max(1, weight)))
            self.counts[(gid, uid)] = count

    def _read_users(self, known: _Rules) -> int | None:
        """The default agent and the named users' state; returns the brokerage's stamp."""
        ids = {uid for ms in self.members.values() for uid, _ in ms}
        for r in known.rules:
            ids |= {u for u in (r.agent_id, r.fallback_agent_id) if u is not None}
        rows = self.session.execute(_USERS, {"bid": self.brokerage_id, "uids": sorted(ids)}).all()
        self.users, self.avail, self._open_load = {}, {}, None
        version = None
        for default_agent, stamp, uid, name, active, away, cap in rows:
            version = stamp
            self.default_agent_id = default_agent if self.origin == "signup" else None
            if uid is None:
                continue
            self.users[uid] = (name, bool(active))
            if away is not None:
                self.avail[uid] = (bool(away), cap)
        return version

    @property
    def open_load(self) -> dict[int, int]:
        """Open uncontacted leads per agent with a capacity (read once, then kept current)."""
        if self._open_load is None:
            capped = sorted(u for u, (_, cap) in self.avail.items() if cap is not None)
            self._open_load = {}
            if capped:
                for uid, n in self.session.execute(_OPEN_LOAD, {"uids": capped}):
                    self._open_load[uid] = n
        return self._open_load

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
        """The agent got one more open lead (it counts against a capacity)."""
        if uid and self.avail.get(uid, (False, None))[1] is not None:
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
            if rule.match.matches(f):
                return self._apply(rule)
        return self.default()

    def _apply(self, rule: Rule) -> Decision:
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

    def _broken(self, rule: Rule, why: str) -> Decision:
        msg = f"Rule '{rule.name}' could not be used: {why}"
        self.problems.append(msg)
        d = self.default(msg + "; ")
        d.broken, d.rule_id = msg, rule.id
        return d

    def fallback(self, rule: Rule, why: str, exclude: int | None = None) -> Decision:
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

    def rule(self, rule_id: int | None) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def finish(self) -> None:
        """Write the round-robin counters advanced by this Router's decisions."""
        if self.picked:
            self.session.execute(
                _ADVANCE, [{"g": g, "u": u, "n": n} for (g, u), n in self.picked.items()]
            )
            self.picked = {}
