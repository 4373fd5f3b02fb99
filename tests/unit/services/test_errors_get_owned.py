"""get_owned: a row by an id the client sent, refused as NotFound unless the caller owns it."""

import pytest

from leadapp.models import User
from leadapp.services.errors import MAX_ROW_ID, NotFound, get_in_brokerage, get_owned

MESSAGE = "That user does not exist."


def _of(org):
    return lambda u: u.brokerage_id == org.brokerage.id


@pytest.mark.parametrize("as_text", [False, True])
def test_an_owned_row_by_its_id_as_a_number_or_text(session, org, as_text):
    raw = str(org.agent.id) if as_text else org.agent.id
    row = get_owned(session, User, raw, _of(org), MESSAGE)
    assert row is org.agent


def test_the_id_may_have_spaces_around_it(session, org):
    assert get_owned(session, User, f" {org.agent.id}\n", _of(org), MESSAGE) is org.agent


@pytest.mark.parametrize(
    "raw",
    ["abc", "", None, "1.5", "1e3", "9" * 40, 2**31, MAX_ROW_ID + 1, "-1", -1, 0, "0", [1], {}],
)
def test_an_id_that_is_not_a_row_id_is_not_found(session, org, raw):
    with pytest.raises(NotFound) as got:
        get_owned(session, User, raw, _of(org), MESSAGE)
    assert str(got.value) == MESSAGE


def test_garbage_never_reaches_owns_or_the_database(session, org):
    def owns(_row):
        raise AssertionError("owns was called")

    for raw in ("abc", None, "9" * 40, -5):
        with pytest.raises(NotFound, match=MESSAGE):
            get_owned(session, User, raw, owns, MESSAGE)


def test_a_missing_row_is_not_found(session, org):
    with pytest.raises(NotFound) as got:
        get_owned(session, User, MAX_ROW_ID, _of(org), MESSAGE)
    assert str(got.value) == MESSAGE


def test_someone_elses_row_is_not_found_like_a_missing_one(session, org, other_org):
    seen = []

    def owns(u):
        seen.append(u)
        return u.brokerage_id == org.brokerage.id

    with pytest.raises(NotFound) as got:
        get_owned(session, User, other_org.agent.id, owns, "Nope.")
    assert str(got.value) == "Nope."
    assert seen == [other_org.agent]  # owns saw the row and refused it
    assert get_owned(session, User, other_org.agent.id, _of(other_org), "Nope.") is other_org.agent


def test_get_in_brokerage_finds_only_that_brokerages_rows(session, org, other_org):
    assert get_in_brokerage(session, User, org.agent.id, org.brokerage.id, MESSAGE) is org.agent
    with pytest.raises(NotFound) as got:
        get_in_brokerage(session, User, other_org.agent.id, org.brokerage.id, MESSAGE)
    assert str(got.value) == MESSAGE
