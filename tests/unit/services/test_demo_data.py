"""Demo data: deterministic for a seed, consistent with the roll-ups, realistic enough to demo."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, func, select, text

from leadapp.models import Activity, Lead, Task, User
from leadapp.services import demo_data, rating, rollups

NOW = datetime(2026, 6, 15, 17, 0, tzinfo=UTC)


def _rows(seed):
    plan = demo_data.Plan(seed=seed, leads=150, activities=3000, listings=60, now=NOW)
    return {
        t: rows for t, _, rows in demo_data.generate(plan) if t not in ("brokerage", "app_user")
    }


def test_same_seed_same_rows_other_seed_other_rows():
    a, b, c = _rows(1), _rows(1), _rows(2)
    assert a == b
    assert a["lead"] != c["lead"]


@pytest.mark.sqlite_only
def test_load_is_consistent(tmp_path):
    from leadapp import db

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    demo_data.load(engine, demo_data.Plan(seed=3, leads=300, activities=6000, listings=80, now=NOW))
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Lead)).one() == 300
        assert s.exec(select(func.count()).select_from(Activity)).one() >= 6000 * 0.95
        assert {u.role for u in s.exec(select(User)).all()} == {"broker", "agent"}
        assert rollups.check(s, 1) == []
        # the planner has statistics for the new rows (ANALYZE after the load)
        assert s.execute(
            text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'activity'")
        ).scalar_one()
        # every lead is searchable (indexed in bulk): by name and by a run of its phone digits
        from leadapp.services import lead_query

        broker = s.exec(select(User).where(col(User.role) == "broker")).one()
        lead = s.exec(
            select(Lead)
            .where(col(Lead.id) > 120, col(Lead.status) != "deleted")
            .order_by(col(Lead.id))
        ).first()
        assert lead is not None
        for q in (f"{lead.first_name} {lead.last_name}", lead.phone_digits[2:9]):
            assert lead.id in {
                r["id"] for r in lead_query.list_page(s, broker, {"q": q, "size": "100"})["rows"]
            }, q
        # skewed activity: the busiest lead has far more than the median lead
        counts = sorted(
            s.exec(select(func.count()).select_from(Activity).group_by(col(Activity.lead_id))).all()
        )
        assert counts[-1] > 10 * counts[len(counts) // 2]
        # tasks: some overdue, some due today, some later
        dues = [
            t.due_at for t in s.exec(select(Task).where(col(Task.completed_at).is_(None))).all()
        ]
        assert any(d < NOW for d in dues) and any(d > NOW for d in dues)
        # stars are spread over 0-3
        cutoff = rating.get_cutoff(s, 1)
        stars = {
            rating.stars(lead.rating_score, lead.last_activity_at, cutoff, NOW)
            for lead in s.exec(select(Lead)).all()
        }
        assert stars == {0, 1, 2, 3}
        # the email log's counters agree with its opened / clicked times
        from leadapp.models import OutgoingEmail

        emails = s.exec(select(OutgoingEmail)).all()
        assert any(e.open_count for e in emails) and any(e.click_count for e in emails)
        for e in emails:
            assert (e.open_count > 0) == (e.opened_at is not None), e.id
            assert (e.click_count > 0) == (e.clicked_at is not None), e.id
    engine.dispose()


@pytest.mark.sqlite_only
def test_seeded_scores_match_the_rating_watermark(tmp_path, monkeypatch):
    """`leadapp seed` gives no "now": the generated scores and the rating watermark must still
    agree on the six-month window, even when the seed runs late in the hour."""
    from datetime import timedelta

    from leadapp import db

    hour = NOW.replace(minute=0)
    monkeypatch.setattr(demo_data, "plan_now", lambda: hour)
    monkeypatch.setattr(rating, "utcnow", lambda: hour + timedelta(minutes=59))
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    demo_data.load(engine, demo_data.Plan(seed=5, leads=200, activities=60_000, listings=40))
    with Session(engine) as s:
        assert rating.check(s, 1) == []
        assert rollups.check(s, 1) == []
    engine.dispose()
