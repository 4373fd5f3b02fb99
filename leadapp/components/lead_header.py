"""Lead page: header (name, rating, status, agent, tags, quick contact), quick events,
pipeline row, contact box and sales info, and their dialogs (P1-P4, P10-P13, G2, G3)."""

from __future__ import annotations

import reflex as rx

from leadapp.state.base import AuthState
from leadapp.state.lead import LeadState


def L(key: str):
    return LeadState.lead[key].to(str)


def stars() -> rx.Component:
    def star(i: int):
        on = LeadState.stars >= i
        return rx.icon(
            "star",
            size=18,
            color=rx.cond(on, rx.color("amber", 9), rx.color("gray", 7)),
            fill=rx.cond(on, rx.color("amber", 9), "none"),
        )

    return rx.tooltip(
        rx.hstack(
            star(1),
            star(2),
            star(3),
            spacing="0",
            data_testid="lead-stars",
            custom_attrs={"data-stars": LeadState.stars.to(str)},
        ),
        content=LeadState.rating_summary,
    )


def field_error(errors, key: str) -> rx.Component:
    return rx.cond(
        errors.contains(key),
        rx.text(errors[key], size="1", color_scheme="red", data_testid=f"error-{key}"),
    )


def _status_badge() -> rx.Component:
    return rx.badge(
        L("status_text"),
        color_scheme=rx.match(
            L("status"),
            ("new", "blue"),
            ("active", "green"),
            ("inactive", "orange"),
            ("deleted", "red"),
            "gray",
        ),
        variant="soft",
        size="2",
        data_testid="lead-status",
    )


def _tags() -> rx.Component:
    return rx.hstack(
        rx.foreach(
            LeadState.tags,
            lambda t: rx.badge(
                rx.hstack(
                    rx.text(t),
                    rx.cond(
                        LeadState.can_change,
                        rx.icon(
                            "x",
                            size=12,
                            cursor="pointer",
                            on_click=LeadState.remove_tag(t),
                            aria_label="Remove tag",
                            data_testid="remove-tag",
                        ),
                    ),
                    spacing="1",
                    align="center",
                ),
                variant="surface",
                color_scheme="indigo",
                size="2",
                data_testid="lead-tag",
            ),
        ),
        rx.cond(
            LeadState.can_change,
            rx.form(
                rx.hstack(
                    rx.input(
                        name="tag",
                        placeholder="Add tag",
                        size="1",
                        width="120px",
                        list="all-tags",
                        data_testid="tag-input",
                    ),
                    rx.el.datalist(
                        rx.foreach(LeadState.all_tags, lambda t: rx.el.option(value=t)),
                        id="all-tags",
                    ),
                    rx.icon_button(
                        rx.icon("plus", size=14),
                        size="1",
                        variant="soft",
                        type="submit",
                        aria_label="Add tag",
                        data_testid="tag-add",
                    ),
                    spacing="1",
                ),
                on_submit=LeadState.add_tag,
                reset_on_submit=True,
            ),
        ),
        wrap="wrap",
        spacing="2",
        align="center",
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            LeadState.can_claim,
            rx.button(
                rx.icon("hand", size=16),
                "Claim lead",
                on_click=LeadState.claim,
                color_scheme="green",
                data_testid="claim-lead",
            ),
        ),
        rx.cond(
            LeadState.can_change,
            rx.fragment(
                rx.button(
                    rx.icon("pencil", size=16),
                    "Edit info",
                    variant="soft",
                    on_click=LeadState.start_edit,
                    data_testid="edit-info",
                ),
                rx.button(
                    rx.icon("mail-plus", size=16),
                    "New message",
                    variant="soft",
                    on_click=LeadState.open_dialog("message"),
                    data_testid="new-message",
                ),
                rx.button(
                    rx.icon("key-round", size=16),
                    "Reset password",
                    variant="soft",
                    color_scheme="gray",
                    on_click=LeadState.reset_password,
                    data_testid="reset-password",
                ),
            ),
        ),
        rx.cond(
            LeadState.can_reject,
            rx.button(
                rx.icon("undo-2", size=16),
                "Reject",
                variant="soft",
                color_scheme="red",
                on_click=LeadState.open_dialog("reject"),
                data_testid="reject-lead",
            ),
        ),
        wrap="wrap",
        spacing="2",
        justify="end",
        flex_shrink="0",
        max_width=["100%", "100%", "480px"],
    )


def _assign() -> rx.Component:
    return rx.cond(
        AuthState.is_broker,
        rx.hstack(
            rx.text("Agent", size="2", color_scheme="gray"),
            rx.select.root(
                rx.select.trigger(placeholder="Unassigned", data_testid="assign-select"),
                rx.select.content(
                    rx.select.item("Unassigned (pool)", value="none"),
                    rx.foreach(
                        LeadState.agents, lambda a: rx.select.item(a["name"], value=a["id"])
                    ),
                ),
                value=rx.cond(L("agent_id") == "", "none", L("agent_id")),
                on_change=LeadState.assign,
            ),
            align="center",
            spacing="2",
        ),
        rx.hstack(
            rx.text("Agent", size="2", color_scheme="gray"),
            rx.text(L("agent_name"), size="2", weight="medium", data_testid="lead-agent"),
            spacing="2",
            align="center",
        ),
    )


def header() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.hstack(
                        rx.heading(L("name"), size="7", data_testid="lead-name"),
                        stars(),
                        _status_badge(),
                        rx.cond(
                            LeadState.lead["inactive"].to(bool) & LeadState.can_change,
                            rx.button(
                                "Reactivate",
                                size="1",
                                color_scheme="green",
                                on_click=LeadState.reactivate,
                                data_testid="reactivate",
                            ),
                        ),
                        wrap="wrap",
                        align="center",
                        spacing="3",
                    ),
                    rx.text(
                        LeadState.rating_summary,
                        size="1",
                        color_scheme="gray",
                        data_testid="rating-reason",
                    ),
                    rx.hstack(
                        rx.link(
                            rx.hstack(
                                rx.icon("mail", size=14),
                                rx.text(L("email")),
                                spacing="1",
                                align="center",
                            ),
                            href="mailto:" + L("email"),
                            size="2",
                            data_testid="mailto",
                        ),
                        rx.cond(
                            L("phone") != "",
                            rx.link(
                                rx.hstack(
                                    rx.icon("phone", size=14),
                                    rx.text(L("phone")),
                                    spacing="1",
                                    align="center",
                                ),
                                href="tel:" + L("phone"),
                                size="2",
                                data_testid="tel",
                            ),
                        ),
                        _assign(),
                        wrap="wrap",
                        spacing="4",
                        align="center",
                    ),
                    _tags(),
                    spacing="2",
                    align="start",
                    min_width="0",
                    flex="1",
                ),
                _actions(),
                direction=rx.breakpoints(initial="column", md="row"),
                gap="3",
                width="100%",
            ),
            rx.cond(LeadState.can_change, quick_events()),
            pipeline(),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def quick_events() -> rx.Component:
    return rx.hstack(
        rx.foreach(
            LeadState.quick_events,
            lambda q: rx.button(
                q,
                size="2",
                color_scheme="blue",
                on_click=LeadState.quick_event(q),
                data_testid="quick-event",
            ),
        ),
        wrap="wrap",
        spacing="2",
    )


def pipeline() -> rx.Component:
    def stage(s):
        current = L("stage") == s["code"]
        return rx.button(
            s["label"],
            size="2",
            variant=rx.cond(current, "solid", "soft"),
            color_scheme=rx.cond(
                s["code"] == "dead", "gray", rx.cond(s["code"] == "closed", "green", "indigo")
            ),
            on_click=LeadState.set_stage(s["code"]),
            disabled=~LeadState.can_change,
            flex="1",
            min_width="110px",
            border_radius="0",
            data_testid="stage-" + s["code"],
            custom_attrs={"aria-pressed": rx.cond(current, "true", "false")},
        )

    return rx.vstack(
        rx.text("Pipeline stage", size="1", color_scheme="gray", weight="medium"),
        rx.flex(
            rx.foreach(LeadState.stages, stage),
            wrap="wrap",
            gap="1px",
            width="100%",
            border_radius="8px",
            overflow="hidden",
            data_testid="pipeline",
        ),
        spacing="1",
        width="100%",
    )


def _row(label: str, value, testid: str = "") -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", min_width="120px"),
        rx.text(
            value, size="2", weight="medium", data_testid=testid or None, word_break="break-word"
        ),
        spacing="3",
        width="100%",
        align="start",
    )


def contact_box() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Contact", size="4"),
                rx.spacer(),
                rx.cond(
                    LeadState.can_change,
                    rx.button(
                        "Edit",
                        size="1",
                        variant="ghost",
                        on_click=LeadState.start_edit,
                        data_testid="edit-contact",
                    ),
                ),
                width="100%",
                align="center",
            ),
            _row("Email", L("email"), "contact-email"),
            rx.cond(
                L("extra_emails") != "",
                _row("More emails", L("extra_emails"), "contact-extra-emails"),
            ),
            _row("Phone", L("phone"), "contact-phone"),
            rx.cond(L("extra_phones") != "", _row("More phones", L("extra_phones"))),
            _row("Address", L("address"), "contact-address"),
            _row("Birthday", L("birthday_text"), "contact-birthday"),
            _row("Anniversary", L("anniversary_text")),
            _row("Type", L("lead_type_text"), "contact-type"),
            rx.hstack(
                rx.text("Status", size="2", color_scheme="gray", min_width="120px"),
                rx.cond(
                    LeadState.can_change,
                    rx.select.root(
                        rx.select.trigger(size="1", data_testid="status-select"),
                        rx.select.content(
                            rx.foreach(
                                LeadState.statuses,
                                lambda s: rx.select.item(s["label"], value=s["code"]),
                            )
                        ),
                        value=L("status"),
                        on_change=LeadState.set_status,
                        size="1",
                    ),
                    rx.text(L("status_text"), size="2", weight="medium"),
                ),
                rx.cond(
                    LeadState.lead["inactive"].to(bool) & LeadState.can_change,
                    rx.link(
                        "Reactivate",
                        on_click=LeadState.reactivate,
                        size="2",
                        cursor="pointer",
                        data_testid="reactivate-link",
                    ),
                ),
                spacing="3",
                align="center",
            ),
            rx.hstack(
                rx.text("Priority", size="2", color_scheme="gray", min_width="120px"),
                rx.cond(
                    LeadState.can_change,
                    rx.select.root(
                        rx.select.trigger(size="1", data_testid="priority-select"),
                        rx.select.content(
                            rx.foreach(
                                LeadState.priorities,
                                lambda s: rx.select.item(s["label"], value=s["code"]),
                            )
                        ),
                        value=L("priority"),
                        on_change=LeadState.set_priority,
                        size="1",
                    ),
                    rx.text(L("priority_text"), size="2", weight="medium"),
                ),
                spacing="3",
                align="center",
            ),
            _row("Source", L("source")),
            _row("Texting consent", L("texting")),
            _row("Created", L("created")),
            _row("Last activity", L("last_activity")),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="contact-box",
    )


def sales_info() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Sales info", size="4"),
            _row("Property type", L("property_type_wanted"), "sales-property-type"),
            _row("Price range", L("price_range"), "sales-price-range"),
            _row("Move-in", L("move_timeframe")),
            _row("Closing date", L("closing_date_text"), "sales-closing"),
            _row("P&S due date", L("ps_due_date_text"), "sales-ps-due"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="sales-info",
    )


# ---------------------------------------------------------------- dialogs


def _input(label: str, name: str, type_: str = "text", placeholder: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        rx.input(
            name=name,
            type=type_,
            default_value=LeadState.form[name],
            placeholder=placeholder,
            width="100%",
            data_testid=f"form-{name}",
        ),
        field_error(LeadState.form_errors, name),
        spacing="1",
        width="100%",
    )


def edit_dialog() -> rx.Component:
    def grid(*c):
        return rx.grid(*c, columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%")  # noqa: E731

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit lead"),
            rx.form(
                rx.vstack(
                    rx.cond(
                        LeadState.form_errors.contains("form"),
                        rx.callout(
                            LeadState.form_errors["form"], color_scheme="red", icon="triangle_alert"
                        ),
                    ),
                    rx.text("Contact", weight="bold", size="2"),
                    grid(
                        _input("First name", "first_name"),
                        _input("Last name", "last_name"),
                        _input("Email", "email"),
                        _input("Phone", "phone"),
                        _input("More emails (comma-separated)", "extra_emails"),
                        _input("More phones (comma-separated)", "extra_phones"),
                        _input("Street", "street"),
                        _input("City", "city"),
                        _input("State", "state"),
                        _input("Postal code", "postal_code"),
                        _input("Birthday", "birthday", "date"),
                        _input("Transaction anniversary", "anniversary", "date"),
                    ),
                    rx.vstack(
                        rx.text("Type", size="1", weight="medium"),
                        rx.el.select(
                            rx.el.option("—", value=""),
                            rx.el.option("Buyer", value="buyer"),
                            rx.el.option("Seller", value="seller"),
                            rx.el.option("Renter", value="renter"),
                            name="lead_type",
                            default_value=LeadState.form["lead_type"],
                            style={
                                "padding": "6px",
                                "border_radius": "6px",
                                "border": "1px solid var(--gray-7)",
                                "background": "var(--color-surface)",
                            },
                            data_testid="form-lead_type",
                        ),
                        field_error(LeadState.form_errors, "lead_type"),
                        spacing="1",
                    ),
                    rx.text("Sales info", weight="bold", size="2"),
                    grid(
                        _input("Property type wanted", "property_type_wanted"),
                        _input("Move-in timeframe", "move_timeframe"),
                        _input("Minimum price", "price_min", placeholder="$"),
                        _input("Maximum price", "price_max", placeholder="$"),
                        _input("Closing date", "closing_date", "date"),
                        _input("P&S due date", "ps_due_date", "date"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                "Cancel",
                                variant="soft",
                                color_scheme="gray",
                                type="button",
                                on_click=LeadState.close_dialog,
                            )
                        ),
                        rx.button("Save", type="submit", data_testid="save-contact"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=LeadState.save_contact,
                key=LeadState.form_key.to(str),
            ),
            max_width="720px",
        ),
        open=LeadState.dialog == "edit",
        on_open_change=lambda _o: LeadState.close_dialog(),
    )


def message_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New lead message"),
            rx.dialog.description("Sent by email and kept on the Messages tab.", size="2"),
            rx.form(
                rx.vstack(
                    rx.input(
                        name="title",
                        placeholder="Title",
                        default_value=LeadState.msg_draft["title"],
                        width="100%",
                        data_testid="message-title",
                    ),
                    field_error(LeadState.msg_errors, "title"),
                    rx.text_area(
                        name="body",
                        placeholder="Message",
                        rows="8",
                        default_value=LeadState.msg_draft["body"],
                        width="100%",
                        data_testid="message-body",
                    ),
                    field_error(LeadState.msg_errors, "body"),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                            on_click=LeadState.close_dialog,
                        ),
                        rx.button("Send message", type="submit", data_testid="send-message"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=LeadState.send_message,
            ),
        ),
        open=LeadState.dialog == "message",
        on_open_change=lambda _o: LeadState.close_dialog(),
    )


def password_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Website password reset"),
            rx.vstack(
                rx.text("The lead's new temporary password:", size="2"),
                rx.code(LeadState.temp_password, size="5", data_testid="temp-password"),
                rx.callout(
                    "The lead is not notified. Tell them their new password yourself; it is shown "
                    "only now.",
                    icon="info",
                    color_scheme="amber",
                    data_testid="password-note",
                ),
                rx.hstack(
                    rx.button("Done", on_click=LeadState.close_dialog, data_testid="password-done"),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
            ),
        ),
        open=(LeadState.dialog == "password") & (LeadState.temp_password != ""),
        on_open_change=lambda _o: LeadState.close_dialog(),
    )


def reject_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Reject this lead?"),
            rx.alert_dialog.description(
                "It goes back to the unassigned pool and the brokerage's primary email is told.",
                size="2",
            ),
            rx.hstack(
                rx.button(
                    "Cancel", variant="soft", color_scheme="gray", on_click=LeadState.close_dialog
                ),
                rx.button(
                    "Reject lead",
                    color_scheme="red",
                    on_click=LeadState.reject,
                    data_testid="confirm-reject",
                ),
                justify="end",
                spacing="2",
                margin_top="12px",
            ),
        ),
        open=LeadState.dialog == "reject",
    )
