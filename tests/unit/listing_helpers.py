"""Listing records as the MLS feed sends them (RESO field names), for the listing tests."""

from __future__ import annotations


def rec(mls="M1", **kw):
    """A full RESO record for MLS number `mls`; `kw` overrides fields."""
    base = {
        "ListingKey": f"K{mls}",
        "ListingId": mls,
        "StandardStatus": "Active",
        "ListPrice": 500000,
        "BedroomsTotal": 3,
        "BathroomsTotalInteger": 2,
        "LivingArea": 1500,
        "PropertyType": "Residential",
        "PropertySubType": "Condominium",
        "UnparsedAddress": "12 Oak St, Berkeley, CA 94704",
        "City": "Berkeley",
        "StateOrProvince": "CA",
        "PostalCode": "94704",
        "ListingContractDate": "2026-11-20",
        "ModificationTimestamp": "2026-11-30T10:00:00Z",
        "PhotoURL": "https://photos.example.com/m1.jpg",
    }
    base.update(kw)
    return base


def reso(mls, city="Berkeley", price=700000, rent=False, beds=3, status="Active", **kw):
    """A short RESO record: a sale (or a rental) with the fields the alert matching reads."""
    return {
        "ListingId": mls,
        "StandardStatus": status,
        "ListPrice": price,
        "BedroomsTotal": beds,
        "BathroomsTotalInteger": 2,
        "PropertyType": "Residential Lease" if rent else "Residential",
        "UnparsedAddress": f"{mls} Main St",
        "City": city,
        "StateOrProvince": "CA",
        "PostalCode": "94704",
    } | kw
