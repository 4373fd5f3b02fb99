"""The one password rule (G1), for users and leads' website accounts alike.

A password has at least 10 characters (at most 200), is not the account's email (nor its
part before the @), and is not in the list of common passwords shipped in
`services/data/common-passwords.txt` (compared case-insensitively, spaces ignored).
"""

from __future__ import annotations

import functools
from pathlib import Path

from .errors import ValidationFailed

MIN_LENGTH = 10
MAX_LENGTH = 200
_LIST = Path(__file__).with_name("data") / "common-passwords.txt"


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


def problem(password, email: str = "") -> str:
    """Why `password` is refused, or "" when it is acceptable."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"A password has at most {MAX_LENGTH} characters."
    folded = "".join(password.lower().split())
    email = (email or "").strip().lower()
    if email and folded in (email, email.split("@")[0]):
        return "A password must not be your email address."
    if folded in common_passwords():
        return "That password is too common; choose one that is harder to guess."
    return ""


def check(password, email: str = "", field: str = "password") -> str:
    """The password when acceptable; otherwise ValidationFailed({field: reason})."""
    reason = problem(password, email)
    if reason:
        raise ValidationFailed({field: reason}, reason)
    return password
