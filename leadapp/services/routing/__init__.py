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
- The rules and the names of their groups are kept per process (`reads.CACHE`), valid while the
  brokerage's `RoutingSettings.rules_version` is the stamp they were read with. Every change
  of a rule or a group (services/routing_admin/) sets a new random stamp, so no worker
  takes a stale copy, nor one of a rolled-back change. No stamp: no rule was ever saved.
- One UPDATE … RETURNING of the named groups' members: weights and counters, and the lock
  that orders concurrent routings (row locks on PostgreSQL, the write lock on SQLite), so two
  transactions routing at once read and advance the counters one after the other.
- One SELECT of the stamp, the default agent and the users the rules and groups name
  (active, away, capacity). A stamp other than the cached one reads the rules again.
- Only when a decision looks at an agent with a capacity: one grouped count of the open
  uncontacted leads of all such agents.

Modules: `rules` (Facts, Match, Rule, Decision and the target / fallback labels), `reads`
(the cache and the statements above), `router` (the Router). Callers import from here.
"""

from __future__ import annotations

from .reads import OPEN_STATUSES
from .router import Router
from .rules import FALLBACKS, ORIGINS, TARGETS, Decision, Facts, Match, Rule, rule_matches

__all__ = [
    "FALLBACKS",
    "OPEN_STATUSES",
    "ORIGINS",
    "TARGETS",
    "Decision",
    "Facts",
    "Match",
    "Router",
    "Rule",
    "rule_matches",
]
