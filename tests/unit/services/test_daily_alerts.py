"""P14/C3 daily email alerts: through the real job runner and a real SMTP server (aiosmtpd)."""

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from leadapp.models import (
    AlertEmailSearch,
    AlertItem,
    ListingSent,
    SavedSearch,
)
from leadapp.services import daily_alerts as alerts
from leadapp.services import listings_feed, scheduled
from tests.unit.listing_helpers import reso
from tests.unit.mail_helpers import emails_of_kind

# 07:30 in Los Angeles (the brokerage's zone) on 1 Dec 2026; alerts go out from 07:00
RUN = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
FED = RUN - timedelta(hours=5)


def search(session, lead, tr="sale", alerts_on=True, **crit):
    s = SavedSearch(
        lead_id=lead.id,
        name=f"{crit.get('city', 'Anywhere')} {tr}",
        criteria={"transaction": tr} | crit,
        transaction=tr,
        alerts_enabled=alerts_on,
    )
    session.add(s)
    session.commit()
    return s


def emails(session, lead=None):
    return emails_of_kind(session, "alert", lead.id if lead is not None else None)


def run_job(engine, now):
    """The real job runner (claim on job_state, own session, commit)."""
    return dict(scheduled.run_due(engine, now=now, only="daily-alerts"))


def test_sales_and_rentals_each_one_email_and_only_matches(engine, session, org, make_lead, smtp):

    lead = make_lead(org.agent, first_name="Rita", email="rita@example.com")
    search(session, lead, "sale", city="Berkeley", max_price=800000)
    search(session, lead, "sale", city="Berkeley", min_beds=4)
    search(session, lead, "rent", city="Oakland")
    search(session, lead, "sale", alerts_on=False, city="Albany")
    listings_feed.upsert(
        session,
        [
            reso("S1"),  # both sale searches? price ok, beds 3 -> first only
            reso("S2", beds=5, price=900000),  # second only
            reso("S3", price=950000, beds=2),  # neither
            reso("R1", city="Oakland", price=3000, rent=True),
            reso("A1", city="Albany"),  # alerts off
            reso("P1", status="Pending"),  # not active
        ],
        now=FED,
    )
    session.commit()
    assert run_job(engine, RUN) == {"daily-alerts": "2 email alerts queued"}
    session.expire_all()
    rows = emails(session, lead)
    assert len(rows) == 2
    sale = next(e for e in rows if e.subject.startswith("Homes for sale"))
    rent = next(e for e in rows if e.subject.startswith("Rentals"))
    assert "S1" in sale.body and "S2" in sale.body and "S3" not in sale.body
    assert "R1" in rent.body and "S1" not in rent.body
    assert "Albany" not in sale.body and "P1" not in sale.body
    # P18: recorded in Listings sent; linked to both sale searches (30-day counts)
    sent = session.exec(select(ListingSent).where(col(ListingSent.lead_id) == lead.id)).all()
    assert len(sent) == 3
    assert len(session.exec(select(AlertEmailSearch)).all()) == 3
    smtp.deliver(session)
    assert sorted(m.rcpt_tos[0] for m in smtp.handler.messages) == ["rita@example.com"] * 2
    assert all(e.status == "sent" for e in emails(session, lead))


def test_job_run_twice_or_a_restart_sends_once(engine, session, org, make_lead, smtp):
    lead = make_lead(org.agent)
    search(session, lead, "sale", city="Berkeley")
    listings_feed.upsert(session, [reso("S1")], now=FED)
    session.commit()
    assert alerts.send_daily(session, RUN) == 1
    session.commit()
    # the same day again (a second run, or the job_state row lost in a restart)
    assert alerts.send_daily(session, RUN + timedelta(minutes=10)) == 0
    session.commit()
    assert run_job(engine, RUN + timedelta(hours=2)) == {"daily-alerts": "0 email alerts queued"}
    smtp.deliver(session)
    assert len(smtp.handler.messages) == 1


def test_before_the_send_hour_nothing_goes(session, org, make_lead):
    lead = make_lead(org.agent)
    search(session, lead, "sale", city="Berkeley")
    listings_feed.upsert(session, [reso("S1")], now=FED)
    assert alerts.send_daily(session, RUN - timedelta(hours=1)) == 0  # 06:30 local
    assert alerts.send_daily(session, RUN) == 1


def test_24_hour_window_and_no_repeat_unless_changed(session, org, make_lead, smtp):
    lead = make_lead(org.agent)
    search(session, lead, "sale", city="Berkeley")
    listings_feed.upsert(session, [reso("OLD")], now=RUN - timedelta(hours=25))
    listings_feed.upsert(session, [reso("S1"), reso("S2")], now=FED)
    session.commit()
    assert alerts.send_daily(session, RUN) == 1
    first = emails(session, lead)[0]
    assert "S1" in first.body and "S2" in first.body and "OLD" not in first.body
    # next day: S1 re-sent by the feed unchanged, S2's price drops
    day2 = RUN + timedelta(days=1)
    listings_feed.upsert(
        session, [reso("S1"), reso("S2", price=650000)], now=day2 - timedelta(hours=1)
    )
    assert alerts.send_daily(session, day2) == 1
    second = emails(session, lead)[1]
    assert "S2" in second.body and "$650,000" in second.body and "S1" not in second.body
    # day 3: nothing changed -> no email at all
    assert alerts.send_daily(session, day2 + timedelta(days=1)) == 0
    # the window still holds S2's change when the job runs late on day 2: not re-sent
    session.commit()
    smtp.deliver(session)
    assert len(smtp.handler.messages) == 2


def test_inactive_and_deleted_leads_get_nothing(session, org, make_lead):
    quiet, gone = make_lead(org.agent), make_lead(org.agent)
    quiet.status, gone.status = "inactive", "deleted"
    session.add_all([quiet, gone])
    active = make_lead(org.agent)
    for lead in (quiet, gone, active):
        search(session, lead, "sale", city="Berkeley")
    listings_feed.upsert(session, [reso("S1")], now=FED)
    assert alerts.send_daily(session, RUN) == 1
    assert [e.lead_id for e in emails(session)] == [active.id]


def test_other_brokerage_searches_are_its_own(session, org, other_org, make_lead):
    lead = make_lead(org.agent)
    search(session, lead, "sale", city="Berkeley")
    listings_feed.upsert(session, [reso("S1")], now=FED)
    assert alerts.send_daily(session, RUN) == 1
    assert {e.brokerage_id for e in emails(session)} == {org.brokerage.id}


def test_two_workers_at_once_send_one_email(engine, session, org, make_lead):
    lead = make_lead(org.agent)
    search(session, lead, "sale", city="Berkeley")
    search(session, lead, "rent", city="Berkeley")
    listings_feed.upsert(session, [reso("S1"), reso("R1", rent=True, price=3000)], now=FED)
    session.commit()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():

        try:
            with Session(engine) as s:
                s.exec(select(col(SavedSearch.id))).all()
                barrier.wait()
                results.append(alerts.send_daily(s, RUN))
                s.commit()
        except Exception as exc:  # SQLite may refuse the second writer: nothing is sent then
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    session.expire_all()
    assert sum(results) == 2
    assert len(emails(session, lead)) == 2
    assert len(results) + len(errors) == 2


def test_subscriptions_tab_counts_alert_emails_per_search(session, org, make_lead, smtp):
    from leadapp.services import lead_subscriptions

    lead = make_lead(org.agent)
    a = search(session, lead, "sale", city="Berkeley")
    b = search(session, lead, "sale", min_beds=2)
    listings_feed.upsert(session, [reso("S1")], now=FED)
    assert alerts.send_daily(session, RUN) == 1
    session.commit()
    smtp.deliver(session)
    # sent_30 counts sent emails within 30 days of now: mark the delivery as just now
    tab = lead_subscriptions.subscriptions(session, org.agent, lead.id)
    counts = {r["id"]: r["sent_30"] for r in tab["alerts"]}
    assert counts == {a.id: 1, b.id: 1}


def test_an_email_holds_at_most_50_listings(session, org, make_lead):
    lead = make_lead(org.agent)
    search(session, lead, "sale", city="Berkeley")
    search(session, lead, "sale", min_beds=1)
    listings_feed.upsert(session, [reso(f"C{i:02d}") for i in range(60)], now=FED)
    assert alerts.send_daily(session, RUN) == 1
    body = emails(session, lead)[0].body
    assert body.count("(MLS C") == alerts.MAX_PER_EMAIL
    assert len(session.exec(select(ListingSent)).all()) == alerts.MAX_PER_EMAIL


def test_many_leads_each_email_is_their_own(session, org, make_lead):
    """A batch of emails: each one goes to its lead with that lead's listings, its links,
    Listings sent rows and alert items (the batch's ids matched to the right rows)."""

    leads = []
    for i in range(12):
        lead = make_lead(org.agent, first_name=f"L{i}", email=f"l{i}@example.com")
        # lead i wants at most 100k*(i+1): listings P0..Pi
        leads.append((lead, search(session, lead, "sale", max_price=100000 * (i + 1))))
    listings_feed.upsert(
        session, [reso(f"P{i}", price=100000 * (i + 1) - 1) for i in range(12)], now=FED
    )
    session.commit()
    assert alerts.send_daily(session, RUN) == 12
    session.commit()
    for i, (lead, ss) in enumerate(leads):
        (mail_row,) = emails(session, lead)
        assert mail_row.to_address == f"l{i}@example.com" and "Hi L" + str(i) in mail_row.body
        assert [f"P{j}" in mail_row.body for j in range(12)] == [j <= i for j in range(12)]
        assert mail_row.saved_search_id == ss.id
        links = session.exec(
            select(col(AlertEmailSearch.saved_search_id)).where(
                col(AlertEmailSearch.email_id) == mail_row.id
            )
        ).all()
        assert links == [ss.id]
        sent = session.exec(select(ListingSent).where(col(ListingSent.lead_id) == lead.id)).all()
        assert len(sent) == i + 1
        items = session.exec(select(AlertItem).where(col(AlertItem.saved_search_id) == ss.id)).all()
        assert len(items) == i + 1
