"""`leadapp mail send`: deliver queued email through the configured SMTP server."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("mail", help="deliver queued email (REFLEX_SMTP_HOST)")
    p.add_argument("action", choices=["send", "status"])
    p.set_defaults(func=run)


def run(args) -> int:
    import sqlalchemy as sa
    from sqlmodel import Session, select

    from leadapp.db import get_engine
    from leadapp.models import OutgoingEmail
    from leadapp.services import mail
    from leadapp.settings import smtp_settings

    with Session(get_engine()) as session:
        if args.action == "send":
            if not smtp_settings()["host"]:
                print("REFLEX_SMTP_HOST is not set: nothing sent, mail stays queued")
                return 1
            total_sent = total_failed = 0
            while True:
                sent, failed = mail.deliver_queued(session)
                total_sent += sent
                total_failed += failed
                if sent + failed == 0:
                    break
            print(f"sent {total_sent}, failed {total_failed}")
            return 0
        for status, n in session.exec(
            select(OutgoingEmail.status, sa.func.count()).group_by(OutgoingEmail.status)
        ).all():
            print(f"{status}: {n}")
    return 0
