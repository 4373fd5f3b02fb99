"""G1 in the browser: invitations through a real SMTP server, deactivation, forgot password,
lock-out after repeated wrong passwords."""

import re
import secrets

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import Lead, User
from leadapp.services import leads as lead_svc
from leadapp.services import team
from leadapp.services.security import hash_password
from tests.matching import found

T = 30_000
PW = "a browser test password"


def _link(message) -> str:
    # account emails are multipart (HTML + text, one template set): read the text part
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body = part.get_payload(decode=True).decode()
    return found(r"https?://\S+/set-password\?token=\S+", body, 0)


def _user(engine, role="agent", leads=0) -> User:
    """A fresh user of the demo brokerage (other tests keep theirs untouched)."""

    tag = secrets.token_hex(3)
    with Session(engine, expire_on_commit=False) as s:
        broker = s.exec(select(User).where(col(User.email) == "broker@demo.leadapp.io")).one()
        user = team.create_user(
            s,
            broker.brokerage_id,
            {
                "name": f"Test {role.title()} {tag}",
                "email": f"t-{tag}@demo.leadapp.io",
                "role": role,
            },
            hash_password(PW),
        )
        for i in range(leads):
            lead_svc.create_lead(
                s,
                user,
                {
                    "first_name": "Moving",
                    "last_name": f"Lead{i} {tag}",
                    "email": f"m{i}-{tag}@x.test",
                },
            )
        s.commit()
    return user


def _sign_in(page, server, email, password=PW):
    page.goto(f"{server}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("[data-testid=sign-in]")


def test_broker_invites_an_agent_who_sets_a_password_and_signs_in(
    page, browser, signed_in, server, mail_sink, shot
):
    signed_in(page, "broker", path="/settings")
    email = f"new-{secrets.token_hex(3)}@demo.leadapp.io"
    page.get_by_test_id("team-add").click()
    page.get_by_test_id("team-name").fill("Nova Newcomer")
    page.get_by_test_id("team-email").fill(email)
    page.get_by_test_id("team-phone").fill("555-201-3344")
    page.get_by_test_id("team-submit").click()
    row = page.get_by_test_id(f"member-{email}")
    expect(row).to_contain_text("invited", timeout=T)
    shot(page, "team_broker")
    link = _link(mail_sink.wait_for(email, "Your leadapp account"))
    assert link.startswith(server)

    other = browser.new_context()
    agent = other.new_page()
    agent.goto(link)
    expect(agent.get_by_text("Nova Newcomer")).to_be_visible(timeout=T)
    agent.fill("#password", "password123")  # too common: refused, link still usable
    agent.fill("#repeat", "password123")
    agent.get_by_test_id("set-password").click()
    expect(agent.get_by_test_id("error-password")).to_contain_text("too common", timeout=T)
    agent.fill("#password", "nova's own good password")
    agent.fill("#repeat", "nova's own good password")
    agent.get_by_test_id("set-password").click()
    agent.wait_for_url(re.compile(r".*/login/?$"), timeout=T)
    _sign_in(agent, server, email, "nova's own good password")
    expect(agent.get_by_test_id("user-role")).to_have_text("agent", timeout=T)
    agent.goto(f"{server}/leads")
    expect(agent.get_by_text("No leads match this view.")).to_be_visible(timeout=T)
    shot(agent, "team_new_agent_leads")
    # The link worked once.
    agent.goto(link)
    expect(agent.get_by_test_id("link-error")).to_contain_text("already used", timeout=T)
    other.close()
    page.reload()
    expect(page.get_by_test_id(f"member-{email}")).to_contain_text("active", timeout=T)


def test_deactivated_agent_lands_on_sign_in_and_leads_move(
    page, browser, signed_in, server, engine, shot
):

    leaving = _user(engine, leads=3)
    heir = _user(engine)
    other = browser.new_context()
    agent = other.new_page()
    _sign_in(agent, server, leaving.email)
    expect(agent.get_by_test_id("user-role")).to_have_text("agent", timeout=T)
    agent.goto(f"{server}/leads")
    expect(agent.get_by_text("Moving").first).to_be_visible(timeout=T)

    signed_in(page, "broker", path="/settings")
    page.get_by_test_id(f"deactivate-{leaving.email}").click()
    page.get_by_test_id("leads-to").click()
    page.get_by_role("option", name=heir.name).click()
    shot(page, "team_deactivate_dialog")
    page.get_by_test_id("confirm-deactivate").click()
    expect(page.get_by_test_id(f"member-{leaving.email}")).to_contain_text("deactivated", timeout=T)
    shot(page, "team_after_deactivate")

    # The open tab's next action lands on sign-in.
    agent.get_by_test_id("nav-to-do").click()
    agent.wait_for_url(re.compile(r".*/login/?$"), timeout=T)
    other.close()
    with Session(engine) as s:
        moved = s.exec(
            select(Lead).where(
                col(Lead.last_name).like("Lead%"), col(Lead.assigned_agent_id) == heir.id
            )
        ).all()
        assert len(moved) == 3
    # The heir sees them in their list.
    heir_ctx = browser.new_context()
    hp = heir_ctx.new_page()
    _sign_in(hp, server, heir.email)
    expect(hp.get_by_test_id("user-role")).to_have_text("agent", timeout=T)
    hp.goto(f"{server}/leads")
    expect(hp.get_by_text("Moving")).to_have_count(3, timeout=T)
    heir_ctx.close()


def test_forgot_password_end_to_end(page, server, engine, mail_sink, shot):
    user = _user(engine)
    page.goto(f"{server}/login")
    page.get_by_test_id("forgot-link").click()
    page.get_by_test_id("forgot-email").fill(user.email)
    page.get_by_test_id("forgot-send").click()
    expect(page.get_by_test_id("forgot-answer")).to_be_visible(timeout=T)
    shot(page, "forgot_password_sent")
    link = _link(mail_sink.wait_for(user.email, "Reset your leadapp password"))
    page.goto(link)
    page.fill("#password", "my reset new password")
    page.fill("#repeat", "my reset new password")
    page.get_by_test_id("set-password").click()
    page.wait_for_url(re.compile(r".*/login/?$"), timeout=T)
    _sign_in(page, server, user.email, PW)  # the old password no longer works
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong email or password.", timeout=T)
    _sign_in(page, server, user.email, "my reset new password")
    expect(page.get_by_test_id("user-role")).to_have_text("agent", timeout=T)


def test_repeated_wrong_passwords_lock_the_account(page, server, engine, shot):
    user = _user(engine)
    page.goto(f"{server}/login")
    page.fill("#email", user.email)
    for i in range(10):
        page.fill("#password", f"wrong guess {i}")
        page.click("[data-testid=sign-in]")
        expect(page.get_by_test_id("login-error")).to_be_visible(timeout=T)
        expect(page.get_by_test_id("sign-in")).to_be_enabled(timeout=T)
        if i < 9:
            expect(page.get_by_test_id("login-error")).to_have_text("Wrong email or password.")
    expect(page.get_by_test_id("login-error")).to_contain_text("try again in 15 minutes")
    page.fill("#password", PW)  # even the right password waits for the lock to end
    page.click("[data-testid=sign-in]")
    expect(page.get_by_test_id("login-error")).to_contain_text("Too many wrong passwords")
    shot(page, "login_locked")
    assert "/login" in page.url


def test_profile_and_audit_log_as_broker_and_agent(page, browser, server, engine, shot):
    user = _user(engine)
    _sign_in(page, server, user.email, "not my password at all")
    expect(page.get_by_test_id("login-error")).to_be_visible(timeout=T)
    _sign_in(page, server, user.email)
    expect(page.get_by_test_id("user-role")).to_have_text("agent", timeout=T)
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("menu-profile").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Your profile", timeout=T)
    expect(page.get_by_test_id("session-row")).to_have_count(1, timeout=T)
    page.fill("input[name=phone]", "555-301-2200")
    page.get_by_test_id("save-profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible(timeout=T)
    shot(page, "profile_agent")
    page.goto(f"{server}/audit")
    expect(page.get_by_text("Only brokers read the audit log.")).to_be_visible(timeout=T)
    shot(page, "audit_agent")

    broker = browser.new_context().new_page()
    _sign_in(broker, server, "broker@demo.leadapp.io", "leadapp-demo")
    expect(broker.get_by_test_id("user-role")).to_have_text("broker", timeout=T)
    broker.get_by_test_id("user-menu").click()
    broker.get_by_test_id("menu-audit").click()
    expect(broker.get_by_test_id("page-title")).to_have_text("Audit log", timeout=T)
    expect(broker.get_by_test_id("audit-row").first).to_be_visible(timeout=T)
    expect(broker.get_by_text(user.name).first).to_be_visible()  # their sign-in, their change
    shot(broker, "audit_broker")
    broker.get_by_test_id("audit-filter").click()
    broker.get_by_role("option", name="Failed sign-in").click()
    expect(broker.get_by_test_id("audit-row").first).to_contain_text("Failed sign-in", timeout=T)
