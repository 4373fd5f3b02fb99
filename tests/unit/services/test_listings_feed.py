"""The listings feed: RESO records upserted by MLS number, per-index errors, change log."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from leadapp.cli import main
from leadapp.models import Listing, ListingChange
from leadapp.services import listings_feed
from leadapp.services.errors import PermissionDenied, ValidationFailed
from tests.unit.listing_helpers import rec


def kinds(session, mls):
    lid = session.exec(select(col(Listing.id)).where(col(Listing.mls_number) == mls)).one()
    return [
        (c.kind, c.old_value, c.new_value)
        for c in session.exec(
            select(ListingChange)
            .where(col(ListingChange.listing_id) == lid)
            .order_by(col(ListingChange.id))
        )
    ]


def test_new_listing_is_stored_with_reso_fields(session):
    res = listings_feed.upsert(session, [rec()])
    session.commit()
    assert (res.created, res.updated, res.errors) == (1, 0, [])
    li = session.exec(select(Listing)).one()
    assert (li.mls_number, li.street, li.city, li.state, li.price) == (
        "M1",
        "12 Oak St",
        "Berkeley",
        "CA",
        500000,
    )
    assert (li.property_type, li.transaction, li.status, li.beds, li.baths) == (
        "condo",
        "sale",
        "active",
        3,
        2,
    )
    assert li.photo_url == "https://photos.example.com/m1.jpg"
    assert kinds(session, "M1") == [("new", "", "active")]


def test_every_change_is_recorded_with_its_kind(session):
    listings_feed.upsert(session, [rec()])
    t1 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    res = listings_feed.upsert(session, [rec(ListPrice=480000)], now=t1)
    assert (res.updated, res.changes) == (1, 1)
    listings_feed.upsert(session, [rec(ListPrice=480000, StandardStatus="Pending")])
    listings_feed.upsert(session, [rec(ListPrice=480000, StandardStatus="Active")])
    listings_feed.upsert(
        session, [rec(ListPrice=480000, OpenHouseStartTime="2026-12-05T13:00:00-08:00")]
    )
    res = listings_feed.upsert(
        session, [rec(ListPrice=480000, OpenHouseStartTime="2026-12-05T13:00:00-08:00")]
    )
    session.commit()
    assert (res.unchanged, res.changes) == (1, 0)
    assert kinds(session, "M1") == [
        ("new", "", "active"),
        ("price", "500000", "480000"),
        ("status", "active", "pending"),
        ("back_on_market", "pending", "active"),
        ("open_house", "", "2026-12-05T21:00:00"),
    ]
    ch = session.exec(select(ListingChange).where(col(ListingChange.kind) == "price")).one()
    assert ch.changed_at.replace(tzinfo=UTC) == t1


def test_bad_items_get_a_message_per_index_and_valid_ones_are_stored(session):
    items = [
        rec("A1"),
        rec("A2", StandardStatus="Sleeping"),
        rec("A3", ListPrice=-5),
        rec("A4", CloseDate="31/12/2026"),
        rec("A5"),
        rec("A5", ListPrice=1),
        rec("A6", ListingContractDate="yesterday"),
        "not an object",
        rec("A7", UnparsedAddress=None),
    ]
    res = listings_feed.upsert(session, items)
    session.commit()
    assert res.created == 1
    by_index = {e["index"]: e["errors"] for e in res.errors}
    assert set(by_index) == {1, 2, 3, 4, 5, 6, 7, 8}
    assert by_index[1] == {"StandardStatus": "Unknown status 'Sleeping'."}
    assert "negative" in by_index[2]["ListPrice"]
    assert "not a date" in by_index[3]["CloseDate"]
    assert "more than once" in by_index[4]["ListingId"] and "5" in by_index[4]["ListingId"]
    assert "more than once" in by_index[5]["ListingId"]
    assert "not a date" in by_index[6]["ListingContractDate"]
    assert "UnparsedAddress" in by_index[8]
    assert session.exec(select(col(Listing.mls_number))).all() == ["A1"]


def test_more_than_500_is_refused_whole(session):
    with pytest.raises(ValidationFailed):
        listings_feed.upsert(session, [rec(f"X{i}") for i in range(501)])


def test_only_a_broker_loads_listings(session, org):
    with pytest.raises(PermissionDenied):
        listings_feed.upsert_listings(session, org.agent, [rec()])
    assert listings_feed.upsert_listings(session, org.broker, [rec()]).created == 1


def test_cli_imports_csv_and_json(engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REFLEX_DB_URL", str(engine.url))
    import csv

    path = tmp_path / "feed.csv"
    rows = [rec(f"C{i}") for i in range(3)] + [rec("C9", ListPrice="abc")]
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["listings", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "3 new" in out and "record 4 (C9) ListPrice" in out
    jpath = tmp_path / "feed.json"
    jpath.write_text(json.dumps({"value": [rec("C0", ListPrice=1)]}))
    assert main(["listings", "import", str(jpath), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["updated"] == 1
    from sqlmodel import Session

    with Session(engine) as s:
        assert s.exec(select(col(Listing.price)).where(col(Listing.mls_number) == "C0")).one() == 1
        assert len(s.exec(select(Listing)).all()) == 3


def test_modification_timestamp_becomes_updated_at(session):
    listings_feed.upsert(session, [rec()])
    session.commit()
    li = session.exec(select(Listing)).one()
    assert abs(li.updated_at.replace(tzinfo=UTC) - datetime(2026, 11, 30, 10, tzinfo=UTC)) < (
        timedelta(seconds=1)
    )
