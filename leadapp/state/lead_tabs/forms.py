"""Form values from the browser, cut to size before they reach a service."""

from __future__ import annotations


def clip(form, keys, n: int = 200) -> dict[str, str]:
    """The named fields of a submitted form as strings of at most n characters."""
    if not isinstance(form, dict):
        return {}
    return {
        k: str(form.get(k, "") if form.get(k) is not None else "")[:n] for k in keys if k in form
    }
