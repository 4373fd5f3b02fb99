"""The Router: one brokerage's decisions in memory, the round-robin counters written at the end."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from leadapp.models import utcnow

from .reads import ADVANCE, CACHE, LOCK_MEMBERS, OPEN_LOAD, USERS, Rules, read_rules
from .rules import Decision, Facts, Rule


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
        known = CACHE.get(key) or read_rules(self.session, self.brokerage_id)
        self._lock_members(known)
        if self._read_users(known) != known.version:  # changed since cached: read again
            known = read_rules(self.session, self.brokerage_id)
            self._lock_members(known)
            self._read_users(known)
        if known.version is not None:
            CACHE[key] = known
        self.rules = list(known.rules)
        self.groups = dict(known.groups)

    def _lock_members(self, known: Rules) -> None:
        """The named groups' members and counters, locked (see the module docstring)."""
        self.members = {gid: [] for gid in known.groups}
        self.counts = {}
        if not known.groups:
            return
        rows = self.session.execute(LOCK_MEMBERS, {"gids": sorted(known.groups)}).all()
        for gid, uid, weight, count in sorted(rows, key=lambda r: (r[0], r[1])):
            self.members[gid].append((uid, max(1, weight)))
            self.counts[(gid, uid)] = count

    def _read_users(self, known: Rules) -> int | None:
        """The default agent and the named users' state; returns the brokerage's stamp."""
        ids = {uid for ms in self.members.values() for uid, _ in ms}
        for r in known.rules:
            ids |= {u for u in (r.agent_id, r.fallback_agent_id) if u is not None}
        rows = self.session.execute(USERS, {"bid": self.brokerage_id, "uids": sorted(ids)}).all()
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
                for uid, n in self.session.execute(OPEN_LOAD, {"uids": capped}):
                    self._open_load[uid] = n
        return self._open_load

    # ------------------------------------------------------------------ helpers

    def name(self, uid: int | None) -> str:
        return self.users.get(uid, ("Unassigned", False))[0] if uid else "Unassigned"

    def active(self, uid: int | None) -> bool:
        return bool(uid) and self.users.get(uid, ("", False))[1]

    def eligible(self, uid: int | None) -> bool:
        if uid is None or not self.active(uid):
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
        gid = rule.group_id
        broken = self._group_broken(gid)
        if broken:
            return self._broken(rule, broken)
        assert gid is not None  # not broken: a group of this brokerage
        group = self.groups[gid]
        if rule.target == "claim":
            to = [u for u, _ in self.members[gid] if self.eligible(u)]
            if not to:
                return self.fallback(rule, head + f"group {group}: nobody available; ")
            return Decision(
                None,
                head + f"group {group}, offered to claim for {rule.claim_minutes} min",
                rule.id,
                offer_group_id=gid,
                offer_minutes=rule.claim_minutes,
                offer_to=to,
            )
        uid = self._round_robin(gid)
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
            assert gid is not None  # not broken: a group of this brokerage
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
                ADVANCE, [{"g": g, "u": u, "n": n} for (g, u), n in self.picked.items()]
            )
            self.picked = {}
