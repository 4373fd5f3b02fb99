"""C1 markets and their reports; C4 greetings settings: through a real SMTP server."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from leadapp.models import OutgoingEmail
from leadapp.services import greetings, lead_subscriptions, listings_feed, market_reports
from leadapp.services import markets as market_svc
from leadapp.services.errors import PermissionDenied, ServiceError, ValidationFailed
from tests.unit.listing_helpers import reso
from tests.unit.mail_helpers import emails_of_kind

# a Monday-period start: find the first local day of a weekly period near 1 Dec 2026
DAY = date.fromordinal((date(2026, 12, 1).toordinal() // 7) * 7)
RUN = datetime(DAY.year, DAY.month, DAY.day, 16, 0, tzinfo=UTC)  # 08:00 in Los Angeles


def make_market(session, org, **form):
    m = market_svc.save_market(
        session, org.broker, None, {"name": "Berkeley homes", "city": "Berkeley"} | form
    )
    session.commit()
    return m


def report_emails(session):
    return emails_of_kind(session, "market_report")


def test_three_reports_once_per_period(session, org, make_lead, smtp):
    m = make_market(session, org)
    lead = make_lead(org.agent, first_name="Rita", email="rita@example.com")
    lead_subscriptions.subscribe_market(
        session, org.agent, lead.id, m.id, ["listing", "open_house", "market"]
    )
    other = make_lead(org.agent)
    lead_subscriptions.subscribe_market(session, org.agent, other.id, m.id, ["listing"])
    other.status = "inactive"
    session.add(other)
    oh = (RUN + timedelta(days=2)).isoformat()
    listings_feed.upsert(
        session,
        [
            reso("N1", OpenHouseStartTime=oh),
            reso("N2", city="Oakland"),
            reso(
                "S1",
                status="Closed",
                ClosePrice=990000,
                ListPrice=1000000,
                CloseDate=(DAY - timedelta(days=3)).isoformat(),
                ListingContractDate=(DAY - timedelta(days=23)).isoformat(),
            ),
            reso(
                "S0",
                status="Closed",
                ClosePrice=800000,
                ListPrice=800000,
                CloseDate=(DAY - timedelta(days=40)).isoformat(),
                ListingContractDate=(DAY - timedelta(days=50)).isoformat(),
            ),
        ],
        now=RUN - timedelta(days=1),
    )
    session.commit()
    assert market_reports.send_reports(session, RUN) == 3
    session.commit()
    assert market_reports.send_reports(session, RUN + timedelta(hours=3)) == 0
    assert market_reports.send_reports(session, RUN + timedelta(days=1)) == 0  # not a period start
    rows = {e.subject: e.body for e in report_emails(session)}
    assert set(rows) == {
        "Berkeley homes: 1 new listing",
        "Berkeley homes: 1 open house this week",
        "Berkeley homes: market report",
    }
    assert "N1" in rows["Berkeley homes: 1 new listing"] and "N2" not in str(rows)
    report = rows["Berkeley homes: market report"]
    assert "Homes sold: 1" in report
    assert "Median sale price: $990,000 (+24% vs the 30 days before)" in report
    assert "Median days on market: 20 (+100% vs the 30 days before)" in report
    assert "Sale-to-list price: 99.0%" in report
    smtp.deliver(session)
    assert [m.rcpt_tos for m in smtp.handler.messages] == [["rita@example.com"]] * 3


def test_market_needs_criteria_and_brokers_manage(session, org):
    with pytest.raises(ValidationFailed) as exc:
        market_svc.save_market(session, org.broker, None, {"name": "All"})
    assert "at least one criterion" in exc.value.errors["criteria"]
    with pytest.raises(ValidationFailed):
        market_svc.save_market(session, org.broker, None, {"name": "X", "min_price": "-3"})
    with pytest.raises(PermissionDenied):
        market_svc.save_market(session, org.agent, None, {"name": "X", "city": "Albany"})
    assert market_svc.list_markets(session, org.broker) == []


def test_archived_market_takes_no_subscribers_and_sends_nothing(session, org, make_lead):
    m = make_market(session, org)
    lead = make_lead(org.agent)
    lead_subscriptions.subscribe_market(session, org.agent, lead.id, m.id, ["market"])
    listed = market_svc.list_markets(session, org.agent)
    assert [(r["id"], r["subscribers"], r["market"]) for r in listed] == [(m.id, 1, 1)]
    market_svc.set_archived(session, org.broker, m.id, True)
    session.commit()
    assert market_svc.list_markets(session, org.broker) == []
    assert market_reports.send_reports(session, RUN) == 0
    lead2 = make_lead(org.agent)
    with pytest.raises(ServiceError):
        lead_subscriptions.subscribe_market(session, org.agent, lead2.id, m.id, ["market"])


def test_previews_render_each_report(session, org):
    m = make_market(session, org)
    listings_feed.upsert(session, [reso("N1")])
    p = market_svc.previews(session, org.agent, m.id)
    assert [r["type"] for r in p] == ["listing", "open_house", "market"]
    assert "N1" in p[0]["body"]
    assert "would not be sent" in p[1]["body"]
    assert "Homes sold: no sales" in p[2]["body"]


def test_greetings_switch_template_and_hour(session, org, make_lead):
    now = datetime(2026, 7, 4, 15, 30, tzinfo=UTC)  # 08:30 in Los Angeles
    make_lead(org.agent, birthday="7/4/1980", first_name="Sam")
    make_lead(org.agent, anniversary="7/4/2020", first_name="Ann")
    form = greetings.greeting_settings(session, org.broker)
    assert form["hour"] == 9
    assert greetings.send_greetings(session, now) == 0  # before 9:00
    with pytest.raises(ValidationFailed):
        greetings.save_greeting_settings(
            session,
            org.broker,
            {
                "hour": "8",
                "alert_hour": "7",
                "birthday": {"on": True, "subject": "{nme}", "body": "x"},
            },
        )
    with pytest.raises(PermissionDenied):
        greetings.save_greeting_settings(session, org.agent, {})
    greetings.save_greeting_settings(
        session,
        org.broker,
        {
            "hour": "8",
            "alert_hour": "7",
            "birthday": {"on": True, "subject": "Cheers {first_name}", "body": "From {agent_name}"},
            "anniversary": {"on": False, "subject": "a", "body": "b"},
        },
    )
    session.commit()
    assert greetings.send_greetings(session, now) == 1
    session.commit()
    assert greetings.send_greetings(session, now + timedelta(hours=5)) == 0
    e = session.exec(select(OutgoingEmail)).one()
    assert (e.subject, e.body) == ("Cheers Sam", "From Alan Agent")
