"""Lead rows for the bulk writers (importer, demo loader, benchmarks): the model's defaults.

`lead_rows(n, values)` gives the columns and row tuples that `bulk.insert_rows(conn, "lead",
...)` takes; a writer names only the columns it fills, the rest take `Lead`'s defaults.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from pydantic_core import PydanticUndefined

from leadapp.models import Lead

# Columns the model fills at insert time (timestamps) or that have no default: a bulk writer
# names them, in the text form of its database (`models.timefmt.db_text`).
REQUIRED = ("brokerage_id", "email", "stage_entered_at", "created_at", "updated_at")


def _defaults() -> dict[str, object]:
    out: dict[str, object] = {}
    for name, field in Lead.model_fields.items():
        if field.default_factory is list:
            out[name] = "[]"  # JSON columns, as their text
        elif field.default is not PydanticUndefined and field.default is not None:
            out[name] = field.default
    return out


# Lead's non-NULL defaults (NULL columns are left to the database).
LEAD_DEFAULTS: dict[str, object] = _defaults()


def lead_rows(n: int, values: Mapping[str, object]) -> tuple[tuple[str, ...], list[tuple]]:
    """`n` lead rows: each value a list of `n` (one per lead) or one value for every lead.

    Returns (columns, rows): the given columns in their order, then the defaulted ones.
    """
    missing = [c for c in REQUIRED if c not in values]
    if missing:
        raise ValueError(f"lead rows need {', '.join(missing)}")
    given = dict(values)
    for name, default in LEAD_DEFAULTS.items():
        given.setdefault(name, default)
    series = []
    for name, v in given.items():
        if isinstance(v, list):
            if len(v) != n:
                raise ValueError(f"lead rows: {name} has {len(v)} values for {n} leads")
            series.append(v)
        else:
            series.append(itertools.repeat(v, n))
    return tuple(given), list(zip(*series, strict=True))
