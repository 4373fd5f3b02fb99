"""services/lead_rows.py: the lead rows every bulk writer inserts."""

import pytest

from leadapp.services.lead_rows import LEAD_DEFAULTS, lead_rows

TS = "2026-01-01 00:00:00.000000"
BASE = {"brokerage_id": 1, "stage_entered_at": TS, "created_at": TS, "updated_at": TS}


def test_unnamed_columns_take_the_model_defaults():
    cols, rows = lead_rows(2, {**BASE, "email": ["a@x.test", "b@x.test"]})
    row = dict(zip(cols, rows[1], strict=True))
    assert row["email"] == "b@x.test"
    assert row["status"] == "new" and row["stage"] == "uncontacted"
    assert row["extra_emails"] == "[]" and row["rating_score"] == 0.0
    assert set(LEAD_DEFAULTS) <= set(cols)


def test_one_value_stands_for_every_lead_and_named_columns_come_first():
    cols, rows = lead_rows(3, {"email": ["a", "b", "c"], **BASE, "source": "Import"})
    assert cols[:2] == ("email", "brokerage_id")
    assert [dict(zip(cols, r, strict=True))["source"] for r in rows] == ["Import"] * 3


def test_a_missing_required_column_is_refused():
    with pytest.raises(ValueError, match="email"):
        lead_rows(1, BASE)


def test_a_column_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="2 values for 3 leads"):
        lead_rows(3, {**BASE, "email": ["a", "b"]})
