"""G5 for an import: the leads of a broker's file without an Agent ID go through the rules."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from leadapp.services import routing

from .columns import IMPORT_SOURCE
from .preview import column


class Named:
    """An imported lead as routing's notifications name it (id, name, email)."""

    def __init__(self, lead_id: int, vals: pd.DataFrame, i: int):
        self.id = lead_id
        self.first_name = str(vals["first_name"].iat[i] or "") if "first_name" in vals else ""
        self.last_name = str(vals["last_name"].iat[i] or "") if "last_name" in vals else ""
        self.email = str(vals["email"].iat[i])


def route(session: Session, b_id: int, vals: pd.DataFrame, n: int, agents: list, now):
    """G5: leads of a broker's file without an Agent ID are routed (when rules exist).

    Fills `agents` in place; returns (router, [(row, decision)], rows routed) or None.
    """
    todo = [i for i, a in enumerate(agents) if a is None]
    if not todo:
        return None
    router = routing.Router(session, b_id, "import", now)
    if not router.rules:
        return None
    types, cities = column(vals, "type", n, None), column(vals, "city", n)
    postal, tag_lists = column(vals, "postal_code", n), column(vals, "tags", n, None)
    out = []
    for i in todo:
        d = router.decide(
            routing.Facts(
                source=IMPORT_SOURCE,
                lead_type=types[i],
                city=str(cities[i] or ""),
                postal_code=str(postal[i] or ""),
                tags=frozenset(tag_lists[i] or ()),
            )
        )
        agents[i] = d.agent_id
        out.append((i, d))
    return router, out, set(todo)
