"""Property tests: the vectorised column checks agree with validation.py's check_* on any input."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadapp.services import validation as v
from leadapp.services.importer import checks as iv

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def scalar(check, raw):
    try:
        return True, check(raw)
    except ValueError:
        return False, None


def column(values):
    return pd.Series(values, dtype="str").str.strip()


def assert_column_agrees(values, col_check, check) -> None:
    """The vectorised `col_check` flags exactly the values `check` refuses and normalises the
    others to what `check` returns."""
    t = column(values)
    out, bad = col_check(t)
    for i, raw in enumerate(t.tolist()):
        ok, want = scalar(check, raw)
        assert ok == (not bad[i]), raw
        if ok:
            assert out.iloc[i] == want, raw


emailish = st.one_of(
    st.emails().map(str),
    st.text(alphabet="abcAB.-_+@1 é", max_size=20),
    st.builds(
        lambda a, b, c: f"{a}@{b}.{c}",
        st.text("ab.-_+é", max_size=8),
        st.text("ab-1.", max_size=8),
        st.text("abcZ1", max_size=4),
    ),
)
phoneish = st.one_of(
    st.text(alphabet="0123456789 ()-.+x", max_size=25),
    st.text(max_size=70),
    st.from_regex(r"1?\(?\d{3}\)? ?\d{3}-\d{4}( ext\. \d+)?", fullmatch=True),
)
postalish = st.one_of(
    st.text(alphabet="0123456789ABCEGHJKLMNPRSTVXYZabcwz -", max_size=9),
    st.from_regex(r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d", fullmatch=True),
    st.from_regex(r"\d{4,6}", fullmatch=True),
)
dateish = st.one_of(
    st.text(alphabet="0123456789/-", max_size=12),
    st.builds(
        lambda m, d, y: f"{m}/{d}/{y}",
        st.integers(0, 14),
        st.integers(0, 33),
        st.integers(0, 9999).map(lambda y: f"{y:04d}"),
    ),
    st.dates().map(lambda d: f"{d.month}/{d.day}/{d.year:04d}"),
)
nameish = st.one_of(st.text(max_size=30), st.text(alphabet="ab \t", min_size=95, max_size=220))


@FAST
@given(st.lists(emailish, min_size=1, max_size=8))
def test_email_column_agrees_with_check_email(values):
    assert_column_agrees(values, iv.col_email, v.check_email)


@FAST
@given(st.lists(phoneish, min_size=1, max_size=8))
def test_phone_column_agrees_with_check_phone(values):
    assert_column_agrees(values, iv.col_phone, v.check_phone)


@FAST
@given(st.lists(postalish, min_size=1, max_size=8))
def test_postal_column_agrees_with_check_postal_code(values):
    assert_column_agrees(values, iv.col_postal, v.check_postal_code)


@FAST
@given(st.lists(dateish, min_size=1, max_size=8), st.booleans())
def test_date_column_agrees_with_check_date(values, past):
    t = column(values)
    iso, md, bad, odd = iv.col_date(t, past)
    check = v.check_past_date if past else v.check_date
    for i, raw in enumerate(t.tolist()):
        if odd[i]:
            continue  # decided by the scalar rule itself
        ok, want = scalar(check, raw)
        assert ok == (not bad[i]), raw
        if ok and want is not None:
            assert iso.iloc[i] == want.isoformat() and md.iloc[i] == want.month * 100 + want.day


@FAST
@given(st.lists(nameish, min_size=1, max_size=6))
def test_name_split_agrees_with_split_name(values):
    t = column(values)
    first, last = iv.name_parts(t)
    for i, raw in enumerate(t.tolist()):
        assert (first.iloc[i], last.iloc[i]) == v.split_name(raw), raw


@FAST
@given(
    st.lists(
        st.sampled_from(
            ["CA", "ca", "California", " new  york ", "Qc.", "Québec", "ZZ", "", "Calif"]
        ),
        min_size=1,
        max_size=10,
    )
)
def test_per_value_columns_use_the_scalar_check(values):
    t = column(values)
    out, bad, msgs = iv.by_unique(t, v.check_state)
    for i, raw in enumerate(t.tolist()):
        ok, want = scalar(v.check_state, raw)
        assert ok == (not bad[i]) and (not ok or out[i] == want)
        if not ok:
            assert msgs[raw] == iv.check_message(v.check_state, raw)
