"""`leadapp users`: add, list, deactivate users and set passwords (for installs and recovery).

    leadapp users add EMAIL --name NAME --role broker|agent [--brokerage NAME] [--password-stdin]
    leadapp users list
    leadapp users deactivate EMAIL [--leads-to EMAIL|pool]
    leadapp users set-password EMAIL --password-stdin

Exit 0 on success; 1 with one clear line on bad input, and then nothing was changed (each
command is one transaction). Without --password-stdin, `add` prints the invitation link
(REFLEX_LEADAPP_PUBLIC_URL) and queues the invitation email.
"""

from __future__ import annotations

import sys

from sqlmodel import col


def add_parser(sub) -> None:
    p = sub.add_parser("users", help="add, list and deactivate users; set passwords")
    cmds = p.add_subparsers(dest="users_command", required=True)
    add = cmds.add_parser("add", help="add a user (and the brokerage, on an empty database)")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=["broker", "agent"])
    add.add_argument("--brokerage", default="", help="brokerage name (a new one: empty DB only)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=run_add)
    ls = cmds.add_parser("list", help="list every user")
    ls.set_defaults(func=run_list)
    de = cmds.add_parser("deactivate", help="deactivate a user; their leads move on")
    de.add_argument("email")
    de.add_argument("--leads-to", default="pool", help="EMAIL of an active user, or pool")
    de.set_defaults(func=run_deactivate)
    sp = cmds.add_parser("set-password", help="set a user's password (ends their sessions)")
    sp.add_argument("email")
    sp.add_argument("--password-stdin", action="store_true", required=True)
    sp.set_defaults(func=run_set_password)


def _password() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def _run(fn) -> int:
    """fn(session) in one transaction; a ServiceError is one line on stderr and exit 1."""
    from leadapp import db
    from leadapp.services.errors import ServiceError

    db.upgrade()
    try:
        with db.session_scope() as session:
            out = fn(session)
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if out:
        print(out)
    return 0


def _user(session, email: str):
    from sqlmodel import select

    from leadapp.models import User
    from leadapp.services.errors import NotFound

    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFound(f"No user has the email {email.strip()!r}.")
    return user


def run_add(args) -> int:
    password = _password() if args.password_stdin else None

    def go(session):
        from sqlmodel import select

        from leadapp.models import Brokerage, User
        from leadapp.services import accounts, first_run, passwords, team
        from leadapp.services.errors import NotFound, ServiceError
        from leadapp.services.security import hash_password
        from leadapp.settings import public_url

        values = team.check_user_form(
            session, {"name": args.name, "email": args.email, "role": args.role}
        )
        if password is not None:
            passwords.check(password, values["email"])
        brokerages = session.exec(select(Brokerage).order_by(col(Brokerage.id))).all()
        wanted = args.brokerage.strip()
        found = [b for b in brokerages if b.name == wanted] if wanted else brokerages
        if wanted and not found:
            if session.exec(select(User.id).limit(1)).first() is not None:
                raise NotFound(
                    f"No brokerage is named {wanted!r} (a new one: empty database only)."
                )
            found = [first_run.create_brokerage(session, wanted[:200], values["email"])]
        if not found:
            raise ServiceError("The database has no brokerage yet: name one with --brokerage.")
        if len(found) > 1:
            raise ServiceError("Several brokerages exist: name one with --brokerage.")
        assert found[0].id is not None  # a stored row
        user = team.create_user(
            session, found[0].id, values, hash_password(password) if password else ""
        )
        if password is not None:
            return f"added {user.role} {user.email} to {found[0].name}"
        url = accounts.link(public_url(), accounts.issue(session, user, "invite"))
        accounts.queue_invitation(session, user, None, url)
        return f"added {user.role} {user.email} to {found[0].name}; invitation link: {url}"

    return _run(go)


def run_list(args) -> int:
    def go(session):
        from sqlmodel import select

        from leadapp.models import Brokerage, User

        names = {b.id: b.name for b in session.exec(select(Brokerage))}
        rows = session.exec(select(User).order_by(col(User.brokerage_id), col(User.email))).all()
        lines = [f"{'email':<40} {'name':<28} {'role':<7} {'status':<9} brokerage"]
        for u in rows:
            status = (
                "inactive" if not u.is_active else ("invited" if not u.password_hash else "active")
            )
            where = names.get(u.brokerage_id, "")
            lines.append(f"{u.email:<40} {u.name[:28]:<28} {u.role:<7} {status:<9} {where}")
        return "\n".join(lines)

    return _run(go)


def run_deactivate(args) -> int:
    def go(session):
        from leadapp.services import team

        user = _user(session, args.email)
        to = "pool"
        if args.leads_to.strip().lower() != "pool":
            heir = _user(session, args.leads_to)
            to = str(heir.id)
        actor = team.acting_broker(session, user.brokerage_id, besides=user.id)
        moved = team.deactivate(session, actor, user.id, to, address="command line")
        return f"deactivated {user.email}; {moved} leads moved"

    return _run(go)


def run_set_password(args) -> int:
    password = _password()

    def go(session):
        from leadapp.services import audit_log, auth

        user = _user(session, args.email)
        auth.set_password(session, user, password)
        auth.end_sessions(session, user.id)
        audit_log.record(
            session, user.brokerage_id, "password_reset", detail=f"{user.email} (command line)"
        )
        return f"password set for {user.email}; their sessions ended"

    return _run(go)
