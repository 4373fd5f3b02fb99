"""bulk.update_rows: a batch of rows' columns set by key, in one statement on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from leadapp.models import Lead, as_utc
from leadapp.services.bulk import update_rows
from leadapp.services.rows import table_of

WHEN = datetime(2026, 11, 30, 8, 15, 30, 123456, tzinfo=UTC)


@pytest.fixture
def three(session, make_lead):
    return [make_lead().id for _ in range(3)]


def _scores(session, ids):
    session.expire_all()
    rows = session.exec(
        select(col(Lead.id), col(Lead.rating_score), col(Lead.last_activity_at)).where(
            col(Lead.id).in_(ids)
        )
    ).all()
    return {i: (s, as_utc(t)) for i, s, t in rows}


def _update(session, rows, page=1000):
    update_rows(
        session.connection(),
        table_of(Lead),
        "id",
        ("rating_score", "last_activity_at"),
        rows,
        page=page,
    )
    session.commit()


def test_each_row_gets_its_own_values(session, three):
    a, b, c = three
    _update(session, [(a, 1.5, WHEN), (b, 2.5, WHEN)])
    assert _scores(session, three) == {a: (1.5, WHEN), b: (2.5, WHEN), c: (0.0, None)}


def test_a_float_keeps_every_digit(session, three):
    score = 123456789.12345679e12
    _update(session, [(three[0], score, WHEN)])
    assert _scores(session, three)[three[0]][0] == score


def test_a_null_timestamp_clears_the_column(session, three):
    _update(session, [(three[0], 1.0, WHEN)])
    _update(session, [(three[0], 0.0, None)])
    assert _scores(session, three)[three[0]] == (0.0, None)


def test_rows_beyond_one_page_are_all_written(session, three):
    _update(session, [(i, float(i), WHEN) for i in three], page=2)
    assert {i: s for i, (s, _) in _scores(session, three).items()} == {i: float(i) for i in three}
