"""Thin Reflex states, one per page or feature; they call leadapp.services.

A var that a component uses as a Var (`.to()`, `.length()`, `.contains()`, `~`) is declared
`name: rx.Field[T] = rx.field(default)` (lists and dicts with `default_factory=list` /
`dict`): on the class the type checker then sees the Var, on an instance the value.
TypedDict vars stay plain, since the checker types their items only that way.
"""
