"""Settings → Team for brokers: the users, add/invite, role, deactivate/reactivate."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.components.forms import cancel_button, data_table, field_stack, form_footer, labelled
from leadapp.components.sections import pool_or_agent_select
from leadapp.components.ui import (
    card_stack,
    end_row,
    gray_button,
    icon_text_button,
    soft_button,
    stack_form,
)
from leadapp.state.team import TeamState


def _input(label: str, name: str, **props: Any) -> rx.Component:
    return labelled(
        label,
        rx.input(name=name, width="100%", data_testid=f"team-{name}", **props),
        TeamState.errors,
        name,
    )


def _add_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            icon_text_button("user-plus", "Add user", testid="team-add", icon_size=16)
        ),
        rx.dialog.content(
            rx.dialog.title("Add a user"),
            rx.dialog.description(
                "They get an email with a link (valid 7 days) to choose their password.",
                size="2",
            ),
            stack_form(
                TeamState.add_user,
                _input("Name", "name", required=True),
                _input("Email", "email", type="email", required=True),
                field_stack(
                    "Role",
                    rx.select(
                        ["agent", "broker"],
                        name="role",
                        default_value="agent",
                        data_testid="team-role",
                    ),
                ),
                rx.hstack(
                    _input("Agent ID (blank: one is made)", "agent_code"),
                    _input("MLS ID", "mls_id"),
                    width="100%",
                ),
                _input("Phone", "phone"),
                form_footer(rx.dialog.close(cancel_button()), "Add and invite", "team-submit"),
                reset_on_submit=False,
            ),
        ),
        open=TeamState.add_open,
        on_open_change=TeamState.set_add_open,
    )


def _status(m) -> rx.Component:
    return rx.cond(
        ~m["active"],
        rx.badge("deactivated", color_scheme="gray"),
        rx.cond(
            m["invited"],
            rx.badge("invited", color_scheme="amber"),
            rx.badge("active", color_scheme="green"),
        ),
    )


def _row(m) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(m["name"], weight="medium"), rx.text(m["email"], size="1")),
        rx.table.cell(
            rx.select(
                ["agent", "broker"],
                value=m["role"],
                on_change=lambda v: TeamState.set_role(m["id"], v),
                disabled=~m["active"],
                size="1",
                data_testid=f"role-{m['email']}",
            )
        ),
        rx.table.cell(rx.code(m["agent_code"]), rx.text(m["mls_id"], size="1")),
        rx.table.cell(m["leads"]),
        rx.table.cell(_status(m)),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    m["invited"],
                    soft_button(
                        "Resend invitation",
                        TeamState.resend(m["id"]),
                        testid=f"resend-{m['email']}",
                    ),
                ),
                rx.cond(
                    m["active"],
                    rx.cond(
                        ~m["me"],
                        soft_button(
                            "Deactivate",
                            TeamState.start_deactivate(m["id"]),
                            testid=f"deactivate-{m['email']}",
                            color_scheme="red",
                        ),
                    ),
                    soft_button(
                        "Reactivate",
                        TeamState.reactivate(m["id"]),
                        testid=f"reactivate-{m['email']}",
                    ),
                ),
                spacing="2",
            )
        ),
        data_testid=f"member-{m['email']}",
    )


def _deactivate_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Deactivate ", TeamState.deactivate_name),
            rx.alert_dialog.description(
                "Their sessions end at once and they can no longer sign in. Their leads go to:",
                size="2",
            ),
            pool_or_agent_select(
                "The unassigned pool",
                "pool",
                TeamState.heirs,
                TeamState.leads_to,
                TeamState.set_leads_to,
                testid="leads-to",
            ),
            end_row(
                gray_button("Cancel", TeamState.cancel_deactivate),
                rx.button(
                    "Deactivate",
                    color_scheme="red",
                    on_click=TeamState.confirm_deactivate,
                    data_testid="confirm-deactivate",
                ),
                margin_top="16px",
            ),
        ),
        open=TeamState.deactivate_id > 0,
    )


def team_section() -> rx.Component:
    return card_stack(
        rx.hstack(rx.heading("Team", size="4"), rx.spacer(), _add_dialog(), width="100%"),
        rx.cond(
            TeamState.invite_link != "",
            rx.callout(
                rx.vstack(
                    rx.text(
                        "No mail server is configured, so no email was sent. Give ",
                        TeamState.invite_for,
                        " this link (it works once, for 7 days):",
                    ),
                    rx.hstack(
                        rx.code(TeamState.invite_link, data_testid="invite-link"),
                        icon_text_button(
                            "copy", "Copy", rx.set_clipboard(TeamState.invite_link), size="1"
                        ),
                        wrap="wrap",
                    ),
                ),
                icon="link",
                width="100%",
            ),
        ),
        data_table(
            ("User", "Role", "Agent / MLS ID", "Leads", "Status", ""),
            rx.foreach(TeamState.members, _row),
        ),
        _deactivate_dialog(),
        spacing="3",
        testid="team-section",
    )
