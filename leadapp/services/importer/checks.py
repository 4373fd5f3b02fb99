"""Column checks for the import preview: whole pandas columns against services/validation.py.

Each `col_*` returns the normalised column and the mask of bad cells; messages come from the
form's own `check_*` function for the offending value.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pandas as pd
from sqlmodel import Session

from leadapp.services import validation as v

log = logging.getLogger("leadapp.importer")

NAME_PART_MAX = 100
TEXT_LIMITS = {"address": (200, "Address"), "city": (100, "City"), "notes": (20000, "Notes")}


def check_message(check: Callable, raw: str) -> str:
    try:
        check(raw)
    except ValueError as exc:
        return str(exc)
    log.error("importer and %s disagree on %r", getattr(check, "__name__", check), raw)
    return f"'{raw}' is not accepted."


def by_unique(t: pd.Series, check: Callable) -> tuple[list, np.ndarray, dict[str, str]]:
    """check() once per distinct value: (value per row, error mask, message by bad value)."""
    codes, uniques = pd.factorize(t, sort=False)
    out, bad, msgs = [], [], {}
    for u in uniques:
        try:
            out.append(check(u))
            bad.append(False)
        except ValueError as exc:
            out.append(None)
            bad.append(True)
            msgs[u] = str(exc)
    if not len(uniques):
        return [], np.zeros(0, dtype=bool), {}
    arr = np.empty(len(out), dtype=object)
    arr[:] = out
    return arr[codes].tolist(), np.asarray(bad, dtype=bool)[codes], msgs


def _match(t: pd.Series, rx: re.Pattern) -> pd.Series:
    return t.str.match(rx.pattern, flags=rx.flags & ~re.UNICODE).fillna(False).astype(bool)


def col_email(t: pd.Series) -> tuple[pd.Series, np.ndarray]:
    ok = (t != "") & (t.str.len() <= 254) & _match(t, v.EMAIL_RE)
    return t.str.lower(), ~ok.to_numpy()


def col_phone(t: pd.Series) -> tuple[pd.Series, np.ndarray]:
    empty = t == ""
    punct = _match(t, v.PHONE_PUNCT_RE)
    digits = t.str.replace(r"\D", "", regex=True)
    eleven = (digits.str.len() == 11) & digits.str.startswith("1")
    digits = digits.where(~eleven, digits.str.slice(1))
    bad = ~empty & ((t.str.len() > 60) | (punct & (digits.str.len() != 10)))
    formatted = (
        "(" + digits.str.slice(0, 3) + ") " + digits.str.slice(3, 6) + "-" + digits.str.slice(6)
    )
    value = t.where(~punct, formatted).where(~empty, "")
    return value, bad.to_numpy()


def col_postal(t: pd.Series) -> tuple[pd.Series, np.ndarray]:
    empty = t == ""
    zip_ok = _match(t, v.US_ZIP_RE)
    ca = t.str.extract(
        v.CA_POSTAL_RE.pattern, flags=v.CA_POSTAL_RE.flags & ~re.UNICODE, expand=True
    )
    ca_ok = ca[0].notna()
    ca_val = (ca[0].fillna("") + " " + ca[1].fillna("")).str.upper()
    value = t.where(zip_ok, ca_val.where(ca_ok, ""))
    bad = ~empty & ~zip_ok & ~ca_ok
    return value.where(~empty, ""), bad.to_numpy()


_DIM = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def col_date(t: pd.Series, past: bool) -> tuple[pd.Series, pd.Series, np.ndarray, np.ndarray]:
    """(ISO text or None, month*100+day or None, bad mask, rows that need the scalar check)."""
    empty = (t == "").to_numpy()
    parts = t.str.extract(v.US_DATE_RE.pattern, expand=True)
    matched = parts[0].notna().to_numpy()
    mo = np.asarray(pd.to_numeric(parts[0], errors="coerce"), dtype=float)
    d = np.asarray(pd.to_numeric(parts[1], errors="coerce"), dtype=float)
    y = np.asarray(pd.to_numeric(parts[2], errors="coerce"), dtype=float)
    numeric = ~(np.isnan(mo) | np.isnan(d) | np.isnan(y))
    odd = matched & ~numeric  # e.g. non-ASCII digits: leave to the scalar rule
    mo_i = np.where(numeric, mo, 1).astype(np.int64)
    d_i = np.where(numeric, d, 1).astype(np.int64)
    y_i = np.where(numeric, y, 2000).astype(np.int64)
    leap = (y_i % 4 == 0) & ((y_i % 100 != 0) | (y_i % 400 == 0))
    mo_c = np.clip(mo_i, 1, 12)
    dim = _DIM[mo_c - 1] + ((mo_c == 2) & leap)
    real = (y_i >= 1) & (mo_i >= 1) & (mo_i <= 12) & (d_i >= 1) & (d_i <= dim)
    good = matched & numeric & real
    if past:
        today = datetime.now().date()
        ymd = y_i * 10000 + mo_i * 100 + d_i
        good &= (y_i >= 1900) & (ymd <= today.year * 10000 + today.month * 100 + today.day)
    bad = ~empty & ~good & ~odd
    iso = pd.Series(
        np.char.add(
            np.char.add(
                np.char.add(np.char.zfill(y_i.astype(str), 4), "-"),
                np.char.add(np.char.zfill(mo_i.astype(str), 2), "-"),
            ),
            np.char.zfill(d_i.astype(str), 2),
        ),
        dtype=object,
    )
    iso = iso.where(good, None)
    md = pd.Series(np.where(good, mo_i * 100 + d_i, 0), dtype="int64")
    return iso, md, bad, odd


def name_parts(t: pd.Series) -> tuple[pd.Series, pd.Series]:
    """split_name over a column: 'Mary Ann Smith' -> ('Mary Ann', 'Smith')."""
    norm = t.str.split().str.join(" ").fillna("")
    parts = norm.str.rsplit(" ", n=1, expand=True)
    if parts.shape[1] == 1:
        return norm, pd.Series([""] * len(t), dtype=object, index=t.index)
    one = parts[1].isna()
    first = parts[0].where(~one, norm).fillna("")
    last = parts[1].where(~one, "").fillna("")
    return first, last


def name_message(raw: str) -> str:
    first, last = v.split_name(raw)
    for part, label in ((first, "First name"), (last, "Last name")):
        try:
            v.check_text(part, NAME_PART_MAX, label)
        except ValueError as exc:
            return str(exc)
    return f"'{raw}' is not accepted."


def id_list(text: str) -> list[int]:
    out = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        if not re.fullmatch(r"#?\d{1,9}", part):
            raise ValueError(part)
        out.append(int(part.lstrip("#")))
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- the preview


def existing_emails(session: Session, brokerage_id: int, emails: list[str]) -> set[str]:
    """The subset of (lower-case) `emails` already leads of the brokerage.

    Emails are stored lower-case (services/leads.py), so the unique index answers; the
    queries go to the driver directly (no per-parameter SQL compilation for 100k emails).
    """
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    found: set[str] = set()
    for start in range(0, len(emails), 900):
        chunk = emails[start : start + 900]
        marks = ", ".join([mark] * len(chunk))
        sql = f"SELECT email FROM lead WHERE brokerage_id = {mark} AND email IN ({marks})"
        found.update(r[0].lower() for r in conn.exec_driver_sql(sql, (brokerage_id, *chunk)).all())
    return found
