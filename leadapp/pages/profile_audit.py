"""Your profile (everyone) and the audit log (brokers)."""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import Errors, data_table, labelled, loaded_input, loaded_text_area
from leadapp.components.sections import page_buttons, timezone_select
from leadapp.components.shell import add_signed_in_page, page_shell
from leadapp.components.ui import card_stack, form_card, muted, soft_button, wide_row
from leadapp.state.audit import AuditState
from leadapp.state.base import AuthState
from leadapp.state.profile import ProfileState


def _labelled(label: str, control: rx.Component, errors: Errors, key: str) -> rx.Component:
    return labelled(label, control, errors, key, error_testid=f"error-{key}")


def _password_input(name: str, auto_complete: str) -> rx.Component:
    return rx.input(name=name, type="password", auto_complete=auto_complete, width="100%")


def _details() -> rx.Component:
    e = ProfileState.errors
    return form_card(
        "Your details",
        ProfileState.save,
        "Save profile",
        "save-profile",
        muted(AuthState.user_email),
        _labelled("Name", loaded_input("name", ProfileState.name), e, "name"),
        _labelled("Phone", loaded_input("phone", ProfileState.phone), e, "phone"),
        _labelled(
            "Email signature",
            loaded_text_area("email_signature", ProfileState.email_signature, rows="4"),
            e,
            "email_signature",
        ),
        _labelled(
            "Time zone",
            timezone_select(
                ProfileState.timezones, ProfileState.timezone, ProfileState.set_profile_timezone
            ),
            e,
            "timezone",
        ),
        reset_on_submit=False,
    )


def _password() -> rx.Component:
    e = ProfileState.password_errors
    return form_card(
        "Change password",
        ProfileState.change_password,
        "Change password",
        "change-password",
        _labelled(
            "Current password",
            _password_input("current", "current-password"),
            e,
            "current",
        ),
        _labelled(
            "New password (at least 10 characters)",
            _password_input("new", "new-password"),
            e,
            "new",
        ),
        _labelled(
            "Repeat the new password",
            _password_input("repeat", "new-password"),
            e,
            "repeat",
        ),
        reset_on_submit=True,
    )


def _sessions() -> rx.Component:
    return card_stack(
        rx.hstack(
            rx.heading("Signed-in sessions", size="4"),
            rx.spacer(),
            rx.button(
                "Sign out everywhere",
                variant="soft",
                color_scheme="red",
                on_click=ProfileState.sign_out_everywhere,
                data_testid="sign-out-everywhere",
            ),
            width="100%",
        ),
        rx.foreach(
            ProfileState.sessions,
            lambda s: wide_row(
                rx.vstack(
                    rx.text(
                        s["started"],
                        rx.cond(s["current"], " · this browser", ""),
                        size="2",
                        weight="medium",
                    ),
                    muted(s["browser"], size="1"),
                    muted(s["address"], size="1"),
                    spacing="0",
                    min_width="0",
                    flex="1",
                ),
                rx.cond(
                    ~s["current"],
                    soft_button("Sign out", ProfileState.end_session(s["id"])),
                ),
                data_testid="session-row",
            ),
        ),
        spacing="3",
    )


def profile_view() -> rx.Component:
    return page_shell(
        "Your profile",
        rx.vstack(_details(), _password(), _sessions(), spacing="4", max_width="720px"),
    )


def audit_view() -> rx.Component:
    return page_shell(
        "Audit log",
        rx.cond(
            AuthState.is_broker,
            card_stack(
                wide_row(
                    rx.select.root(
                        rx.select.trigger(data_testid="audit-filter"),
                        rx.select.content(
                            rx.foreach(
                                AuditState.action_choices,
                                lambda c: rx.select.item(c["label"], value=c["value"]),
                            )
                        ),
                        value=AuditState.action,
                        on_change=AuditState.set_action,
                    ),
                    rx.spacer(),
                    muted(AuditState.total, " events"),
                ),
                data_table(
                    ("When", "What", "Who", "Detail", "From"),
                    rx.foreach(
                        AuditState.rows,
                        lambda r: rx.table.row(
                            rx.table.cell(r["at"], white_space="nowrap"),
                            rx.table.cell(r["action"]),
                            rx.table.cell(r["actor"]),
                            rx.table.cell(r["detail"]),
                            rx.table.cell(rx.code(r["address"])),
                            data_testid="audit-row",
                        ),
                    ),
                ),
                page_buttons(
                    AuditState.page_no,
                    AuditState.pages,
                    AuditState.go_page(-1),
                    AuditState.go_page(1),
                    labels=("Newer", "Older"),
                ),
                spacing="3",
            ),
            rx.callout("Only brokers read the audit log.", icon="info"),
        ),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(app, profile_view, "/profile", "Your profile", ProfileState.load)
    add_signed_in_page(app, audit_view, "/audit", "Audit log", AuditState.load)
