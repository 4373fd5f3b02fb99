"""`leadapp import FILE [--as USER_EMAIL] [--dry-run] [--json]` (I2-I4 from the command line).

Prints the preview's findings (row, column, value, message; warnings) and exits 1 when the
file has errors; without --dry-run a clean file is imported in one transaction.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sqlmodel import col


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="preview and import a CSV file of leads")
    p.add_argument("file", help="the CSV file (the template's columns; see the Import page)")
    p.add_argument(
        "--as",
        dest="as_user",
        default=None,
        help="email of the user importing (default: the first broker)",
    )
    p.add_argument("--dry-run", action="store_true", help="check the file only; write nothing")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(func=run)


def _user(session, email: str | None):
    from sqlmodel import select

    from leadapp.models import User

    q = select(User).where(User.is_active)
    q = (
        q.where(User.email == email.strip().lower())
        if email
        else q.where(User.role == "broker").order_by(col(User.id))
    )
    return session.exec(q).first()


def run(args) -> int:
    from leadapp import db
    from leadapp.services import importer
    from leadapp.services.errors import ServiceError

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    out: dict[str, Any] = {}
    code = 0
    try:
        with db.session_scope() as session:
            user = _user(session, args.as_user)
            if user is None:
                print(
                    f"no active user {args.as_user}"
                    if args.as_user
                    else "no broker in this database; use --as",
                    file=sys.stderr,
                )
                return 2
            pv = importer.build_preview(session, user, data, path.name)
            out = dict(pv.to_dict())
            out["user"] = user.email
            if pv.ok and not args.dry_run:
                result = importer.write_preview(session, user, pv)
                out["imported"] = result.to_dict()
            code = 0 if pv.ok else 1
    except ServiceError as exc:
        out = {"ok": False, "file_errors": [str(exc)], "errors": [], "warnings": []}
        code = 1
    if out.get("imported", {}).get("leads", 0) >= db.ANALYZE_AFTER_ROWS:
        db.analyze(db.get_engine())
    if args.json:
        print(json.dumps(out, indent=2, default=str))
        return code
    for msg in out.get("file_errors", []):
        print(f"error: {msg}")
    for e in out.get("errors", []):
        print(f"row {e['row']}, {e['column']}: {e['message']}  [value: {e['value']!r}]")
    for w in out.get("warnings", []):
        print(f"warning: {w}")
    if "counts" in out:
        c = out["counts"]
        print(
            f"{c['rows']:,} rows, {c['valid']:,} valid, {c['error_rows']:,} with errors "
            f"({c['errors']:,} errors), {c['warnings']:,} warnings — {out['verdict']}"
        )
    if "imported" in out:
        print(out["imported"]["message"])
    elif code == 0 and args.dry_run:
        print("dry run: nothing was written")
    elif code:
        print("nothing was imported")
    return code
