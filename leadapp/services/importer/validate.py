"""The import preview (I2, I3): every column checked as a whole with pandas.

The rules are those of services/validation.py (the add-lead form's): the same regular
expressions and lookup tables applied to whole columns, low-cardinality columns checked
once per distinct value with the very `check_*` function the form uses, and each error
message produced by that function for the offending value. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from leadapp.models import Campaign, Market, User
from leadapp.services import access, people
from leadapp.services import validation as v
from leadapp.settings import MAX_IMPORT_BYTES

from .checks import (
    NAME_PART_MAX,
    TEXT_LIMITS,
    by_unique,
    check_message,
    col_date,
    col_email,
    col_phone,
    col_postal,
    existing_emails,
    id_list,
    name_message,
    name_parts,
)
from .columns import BY_KEY, HEADER_LOOKUP, norm_header
from .decode import check_size, decode, parse
from .preview import LOOKS_GOOD, CellError, HeaderInfo, Preview

__all__ = ["LOOKS_GOOD", "CellError", "Preview", "build_preview", "existing_emails"]


def build_preview(
    session: Session,
    user: User,
    data: bytes,
    filename: str = "",
    max_bytes: int | None = MAX_IMPORT_BYTES,
) -> Preview:
    """Read and check an import file for `user`; raises ServiceError for an unreadable file."""
    check_size(data, max_bytes)
    text, encoding = decode(data)
    headers_raw, body, row_numbers = parse(text)
    is_broker = access.is_broker(user)
    pv = Preview(
        filename=filename,
        encoding=encoding,
        is_broker=is_broker,
        headers=[],
        total_rows=len(body),
        raw=body,
        row_numbers=row_numbers,
    )

    # headers -> fields
    used: dict[str, int] = {}
    for pos, header in enumerate(headers_raw):
        key = HEADER_LOOKUP.get(norm_header(header)) if header else None
        entry: HeaderInfo = {
            "position": pos,
            "header": header or f"(column {_letters(pos)})",
            "key": key or "",
            "label": BY_KEY[key].header if key else "",
            "used": False,
        }
        col_has_data = pos < body.shape[1] and bool((body[pos] != "").any())
        if not header:
            if col_has_data:
                pv.warnings.append(f"Column {_letters(pos)} has no header; it is ignored.")
        elif key is None:
            pv.warnings.append(f"Column '{header}' is not a supported column; it is ignored.")
        elif key in used:
            pv.warnings.append(
                f"Column '{header}' repeats {BY_KEY[key].header} (column "
                f"{_letters(used[key])}); it is ignored."
            )
        elif key == "agent_id" and not is_broker:
            pv.warnings.append(
                f"Column '{header}' is ignored: only brokers assign agents; your imported "
                "leads are assigned to you."
            )
        else:
            used[key] = pos
            entry["used"] = True
        pv.headers.append(entry)
    if "name" in used:
        for k in ("first_name", "last_name"):
            if k in used:
                pv.warnings.append(
                    f"Column '{headers_raw[used[k]]}' is ignored because the file has a Name "
                    "column."
                )
                next(h for h in pv.headers if h["position"] == used.pop(k))["used"] = False
    if "email" not in used:
        pv.file_errors.append(
            "The file has no Email column (the only required column). "
            "Download the template to see the expected headers."
        )
    if not len(body):
        pv.file_errors.append("The file has a header row but no leads.")
    if pv.file_errors:
        pv.error_rows_mask = np.zeros(len(body), dtype=bool)
        return pv

    n = len(body)
    header_of = {k: headers_raw[p] for k, p in used.items()}
    cols = {k: body[p].str.strip() for k, p in used.items()}  # as validation.clean() does
    empty = pd.Series([""] * n, dtype=object)
    errs: list[tuple[int, int, str, str, str]] = []  # (row index, position, header, value, message)
    row_bad = np.zeros(n, dtype=bool)
    vals: dict[str, object] = {}

    def flag(key: str, mask: np.ndarray, message_of: Callable[[str], str]) -> None:
        nonlocal row_bad
        if not mask.any():
            return
        t = cols[key]
        idx = np.flatnonzero(mask)
        cache: dict[str, str] = {}
        bad_vals = t.iloc[idx].tolist()
        for i, raw in zip(idx.tolist(), bad_vals, strict=False):
            msg = cache.get(raw)
            if msg is None:
                msg = cache[raw] = message_of(raw)
            errs.append((i, used[key], header_of[key], raw, msg))
        row_bad |= mask

    # Email: required, valid, not already a lead, not repeated in the file.
    t = cols["email"]
    email, bad = col_email(t)
    flag("email", bad, lambda raw: check_message(v.check_email, raw))
    good = ~bad
    lower = email.where(good, "")
    dup = (lower.duplicated(keep="first") & good).to_numpy()
    if dup.any():
        first_row = dict(
            zip(lower[good & ~dup].tolist(), row_numbers[good & ~dup].tolist(), strict=False)
        )
        flag(
            "email",
            dup,
            lambda raw: f"'{raw}' is repeated in the file (first on row {first_row[raw.lower()]}).",
        )
    taken = existing_emails(session, user.brokerage_id, lower[good & ~dup].tolist())
    if taken:
        already = (lower.isin(taken) & good & ~dup).to_numpy()
        flag("email", already, lambda raw: f"{raw.lower()} is already a lead.")
    vals["email"] = email

    # Name (or First Name / Last Name)
    if "name" in cols:
        first, last = name_parts(cols["name"])
        bad = ((first.str.len() > NAME_PART_MAX) | (last.str.len() > NAME_PART_MAX)).to_numpy()
        flag("name", bad, name_message)
    else:
        first, last = cols.get("first_name", empty), cols.get("last_name", empty)
        for k, part, label in (
            ("first_name", first, "First name"),
            ("last_name", last, "Last name"),
        ):
            if k in cols:
                flag(
                    k,
                    (part.str.len() > NAME_PART_MAX).to_numpy(),
                    lambda raw, label=label: check_message(
                        lambda x: v.check_text(x, NAME_PART_MAX, label), raw
                    ),
                )
    vals["first_name"], vals["last_name"] = first, last

    if "phone" in cols:
        phone, bad = col_phone(cols["phone"])
        flag("phone", bad, lambda raw: check_message(v.check_phone, raw))
        vals["phone"] = phone
    for key, (limit, label) in TEXT_LIMITS.items():
        if key in cols:
            flag(
                key,
                (cols[key].str.len() > limit).to_numpy(),
                lambda raw, limit=limit, label=label: check_message(
                    lambda x: v.check_text(x, limit, label), raw
                ),
            )
            vals[key] = cols[key]
    if "postal_code" in cols:
        postal, bad = col_postal(cols["postal_code"])
        flag("postal_code", bad, lambda raw: check_message(v.check_postal_code, raw))
        vals["postal_code"] = postal
    for key, past, check in (
        ("birthday", True, v.check_past_date),
        ("anniversary", False, v.check_date),
    ):
        if key in cols:
            iso, md, bad, odd = col_date(cols[key], past)
            if odd.any():  # the scalar rule decides the few cells the vectorised one cannot read
                for i in np.flatnonzero(odd).tolist():
                    try:
                        dd = check(cols[key].iat[i])
                        assert dd is not None  # odd cells matched the pattern: never empty
                        iso.iat[i], md.iat[i] = dd.isoformat(), dd.month * 100 + dd.day
                    except ValueError:
                        bad[i] = True
            flag(key, bad, lambda raw, check=check: check_message(check, raw))
            vals[key], vals[key + "_md"] = iso, md

    for key, check in (
        ("state", v.check_state),
        ("type", v.check_type),
        ("stage", v.check_stage),
        ("texting", v.check_yes_no),
        ("tags", v.check_tags),
    ):
        if key in cols:
            out, bad, msgs = by_unique(cols[key], check)
            flag(key, bad, lambda raw, msgs=msgs: msgs[raw])
            vals[key] = out

    # Agent ID (brokers): an active user of the brokerage, by agent code (case-insensitive).
    if "agent_id" in cols:
        codes = {
            u.agent_code.strip().upper(): u.id
            for u in people.active_users(session, user.brokerage_id)
        }

        def check_agent(text: str):
            if not text:
                return None
            if text.upper() not in codes:
                raise ValueError(
                    f"'{text}' is not an Agent ID of your brokerage (see Settings → Team)."
                )
            return codes[text.upper()]

        out, bad, msgs = by_unique(cols["agent_id"], check_agent)
        flag("agent_id", bad, lambda raw: msgs[raw])
        vals["agent_id"] = out

    for key, model, label in (
        ("market_id", Market, "Market ID"),
        ("campaign_id", Campaign, "Campaign ID"),
    ):
        if key not in cols:
            continue
        known = {
            r.id: r
            for r in session.exec(
                select(model).where(model.brokerage_id == user.brokerage_id)
            ).all()
        }

        def check_ids(text: str, known=known, label=label, model=model):
            try:
                ids = id_list(text)
            except ValueError as exc:
                raise ValueError(f"'{exc}' is not a {label} (a number).") from None
            for i in ids:
                if i not in known:
                    raise ValueError(f"{i} is not a {label} of your brokerage.")
                if model is Campaign and not known[i].active:
                    raise ValueError(f"Campaign {i} ({known[i].name}) is not active.")
            return ids

        out, bad, msgs = by_unique(cols[key], check_ids)
        flag(key, bad, lambda raw, msgs=msgs: msgs[raw])
        vals[key] = out

    # errors sorted by row, then by column position
    if errs:
        errs.sort(key=lambda e: (e[0], e[1]))
        rn = row_numbers.to_numpy()
        pv.errors = [CellError(int(rn[i]), h, raw, msg) for i, _, h, raw, msg in errs]
    pv.error_rows_mask = row_bad
    pv.values = pd.DataFrame(
        {
            k: (
                pd.Series(s, dtype=object).reset_index(drop=True)
                if isinstance(s, pd.Series)
                else pd.Series(s, dtype=object)
            )
            for k, s in vals.items()
        },
        dtype=object,
    )
    return pv


def _letters(pos: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (the spreadsheet's column letters)."""
    out = ""
    pos += 1
    while pos:
        pos, r = divmod(pos - 1, 26)
        out = chr(65 + r) + out
    return out
