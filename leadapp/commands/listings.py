"""`leadapp listings import FILE [--json]`: load a CSV or JSON feed of RESO listings.

The file holds the same records `POST /api/v1/listings` takes (RESO Data Dictionary field
names: ListingId, StandardStatus, ListPrice, ...): a CSV with those column headers, or a
JSON array (or {"value": [...]}, the RESO Web API's shape). It is loaded in batches of
500, each committed on its own, with a progress bar; invalid records are listed with their
row and left out. Exits 1 when any record was invalid.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("listings", help="the listings feed (RESO field names)")
    lsub = p.add_subparsers(dest="listings_command", required=True)
    imp = lsub.add_parser("import", help="load a CSV or JSON file of listings")
    imp.add_argument("file", help="CSV (RESO column names) or JSON array of listings")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    imp.set_defaults(func=run_import)


def read_records(path: Path) -> list[dict]:
    """The records of a feed file; raises ValueError with a message for a bad file."""
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="strict")
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
        if isinstance(doc, dict) and isinstance(doc.get("value"), list):
            doc = doc["value"]
        if not isinstance(doc, list):
            raise ValueError("a JSON feed is an array of listings (or {'value': [...]})")
        return doc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "ListingId" not in reader.fieldnames:
        raise ValueError("a CSV feed needs a header row with RESO names, ListingId among them")
    return [{k: v for k, v in row.items() if k and v not in (None, "")} for row in reader]


def run_import(args) -> int:
    from rich.progress import Progress

    from leadapp import db
    from leadapp.services import listings_feed

    path = Path(args.file)
    try:
        records = read_records(path)
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    except (ValueError, UnicodeDecodeError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    total = {"created": 0, "updated": 0, "unchanged": 0, "changes": 0, "errors": []}
    step = listings_feed.MAX_BATCH
    with Progress(transient=True, disable=args.json) as bar:
        task = bar.add_task("listings", total=len(records))
        for start in range(0, len(records), step):
            with db.session_scope() as session:
                res = listings_feed.upsert(session, records[start : start + step]).to_dict()
            for k in ("created", "updated", "unchanged", "changes"):
                total[k] += res[k]
            for e in res["errors"]:
                total["errors"].append(e | {"index": e["index"] + start})
            bar.advance(task, min(step, len(records) - start))
    if args.json:
        print(json.dumps(total, indent=2))
    else:
        print(
            f"{total['created']} new, {total['updated']} updated, {total['unchanged']} unchanged;"
            f" {total['changes']} changes recorded; {len(total['errors'])} invalid"
        )
        for e in total["errors"][:200]:
            for fld, msg in e["errors"].items():
                print(
                    f"record {e['index'] + 1} ({e['mls_number'] or 'no MLS number'}) {fld}: {msg}"
                )
    return 1 if total["errors"] else 0
