"""The lead list's actions (L6, L7, L9, I5, G3): bulk bar, row menu, dialogs, Export CSV.

- `bulk_actions()`: the buttons shown in the selection bar while rows are selected.
- `row_menu(row)`: the "⋯" menu at the end of each row.
- `export_button()`: brokers' Export CSV (the current view, all pages).
- `action_dialogs()`: the confirmations and the tag dialog (rendered once on the page).
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import cancel_button
from leadapp.state.lead_actions import LeadActionsState as A
from leadapp.state.leads import LeadListState as S


def _menu(label: str, icon: str, testid: str, *items: rx.Component, on_open=None) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon(icon, size=14),
                label,
                rx.icon("chevron-down", size=12),
                variant="soft",
                size="1",
                data_testid=testid,
            ),
        ),
        rx.menu.content(*items, size="1"),
        on_open_change=on_open,
    )


def _choice_items(choices, action: str, testid: str) -> rx.Component:
    """Menu items from a list of [code, label]."""
    return rx.foreach(
        choices,
        lambda c: rx.menu.item(c[1], on_click=A.bulk(action, c[0]), data_testid=f"{testid}-{c[0]}"),
    )


def bulk_actions() -> rx.Component:
    """The bulk bar's buttons; an agent's Unassigned view offers none (pool leads change only by
    claiming).
    """
    return rx.cond(
        S.unassigned_view & ~S.is_broker,
        rx.text(
            "Pool leads are read-only: claim a lead to work with it.",
            size="2",
            color_scheme="gray",
            data_testid="bulk-pool-note",
        ),
        _bulk_buttons(),
    )


def _bulk_buttons() -> rx.Component:
    return rx.hstack(
        _menu(
            "Tags",
            "tag",
            "bulk-tags",
            rx.menu.item(
                rx.icon("plus", size=14),
                "Add tags…",
                on_click=A.open_tags("add_tags"),
                data_testid="bulk-add-tags",
            ),
            rx.menu.item(
                rx.icon("minus", size=14),
                "Remove tags…",
                on_click=A.open_tags("remove_tags"),
                data_testid="bulk-remove-tags",
            ),
        ),
        _menu(
            "Stage",
            "git-commit-horizontal",
            "bulk-stage",
            _choice_items(A.stage_choices, "stage", "bulk-stage"),
        ),
        _menu(
            "Type", "user-round", "bulk-type", _choice_items(A.type_choices, "type", "bulk-type")
        ),
        _menu(
            "Status",
            "circle-dot",
            "bulk-status",
            _choice_items(A.status_choices, "status", "bulk-status"),
        ),
        rx.cond(
            S.is_broker,
            _menu(
                "Assign",
                "user-check",
                "bulk-assign",
                rx.foreach(
                    S.agents,
                    lambda a: rx.menu.item(
                        a["name"],
                        on_click=A.bulk("assign", a["id"]),
                        data_testid="bulk-assign-" + a["id"],
                    ),
                ),
                rx.menu.separator(),
                rx.menu.item(
                    "Unassigned (pool)",
                    on_click=A.bulk("assign", "none"),
                    data_testid="bulk-assign-none",
                ),
            ),
        ),
        _menu(
            "Subscribe",
            "mail-plus",
            "bulk-subscribe",
            rx.menu.sub(
                rx.menu.sub_trigger("Campaign", data_testid="bulk-campaign"),
                rx.menu.sub_content(
                    rx.foreach(
                        A.campaigns,
                        lambda c: rx.menu.item(
                            c["name"],
                            on_click=A.bulk("campaign", c["id"]),
                            data_testid="bulk-campaign-" + c["id"],
                        ),
                    ),
                    rx.cond(
                        A.campaigns.length() == 0,
                        rx.menu.item("No active campaigns", disabled=True),
                    ),
                ),
            ),
            rx.menu.sub(
                rx.menu.sub_trigger("Market reports", data_testid="bulk-market"),
                rx.menu.sub_content(
                    rx.foreach(
                        A.markets,
                        lambda m: rx.menu.item(
                            m["name"],
                            on_click=A.bulk("market", m["id"]),
                            data_testid="bulk-market-" + m["id"],
                        ),
                    ),
                    rx.cond(A.markets.length() == 0, rx.menu.item("No markets yet", disabled=True)),
                ),
            ),
            on_open=lambda _o: A.load_choices(),
        ),
        rx.button(
            rx.icon("rotate-ccw", size=14),
            "Reactivate",
            variant="soft",
            size="1",
            color_scheme="green",
            on_click=A.bulk("reactivate", ""),
            data_testid="bulk-reactivate",
        ),
        rx.button(
            rx.icon("trash-2", size=14),
            "Delete",
            variant="soft",
            size="1",
            color_scheme="red",
            on_click=A.ask_bulk_delete,
            data_testid="bulk-delete",
        ),
        spacing="2",
        wrap="wrap",
        align="center",
        opacity=rx.cond(A.busy, "0.6", "1"),
    )


def row_menu(row) -> rx.Component:
    lid = row["id"].to(int)
    return rx.hstack(
        rx.cond(
            S.unassigned_view & ~S.is_broker,
            rx.button(
                rx.icon("hand", size=14),
                "Claim",
                size="1",
                variant="soft",
                on_click=A.claim(lid),
                data_testid="row-claim-button",
            ),
        ),
        _row_menu(row),
        spacing="1",
        align="center",
        justify="end",
    )


def _row_menu(row) -> rx.Component:
    lid = row["id"].to(int)
    status = row["status_code"].to(str)
    mine = row["agent_id"].to(int) == S.user_id
    can_change = S.is_broker | mine
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="ghost",
                size="1",
                color_scheme="gray",
                aria_label="Lead actions",
                data_testid="row-menu",
            ),
        ),
        rx.menu.content(
            rx.menu.item(
                rx.icon("external-link", size=14),
                "Open",
                on_click=rx.redirect("/leads/" + row["id"].to(str)),
            ),
            rx.cond(
                S.unassigned_view & ~S.is_broker,
                rx.menu.item(
                    rx.icon("hand", size=14),
                    "Claim",
                    on_click=A.claim(lid),
                    data_testid="row-claim",
                ),
            ),
            rx.cond(
                ~S.is_broker & mine,
                rx.menu.item(
                    rx.icon("undo-2", size=14),
                    "Reject (back to the pool)",
                    on_click=A.ask_reject(lid),
                    data_testid="row-reject",
                ),
            ),
            rx.cond(
                can_change & ((status == "inactive") | (status == "deleted")),
                rx.menu.item(
                    rx.icon("rotate-ccw", size=14),
                    "Reactivate",
                    on_click=A.reactivate(lid),
                    data_testid="row-reactivate",
                ),
            ),
            rx.cond(
                can_change & (status != "deleted"),
                rx.fragment(
                    rx.menu.separator(),
                    rx.menu.item(
                        rx.icon("trash-2", size=14),
                        "Delete…",
                        color_scheme="red",
                        on_click=A.ask_delete(lid),
                        data_testid="row-delete",
                    ),
                ),
            ),
            size="1",
        ),
    )


def export_button() -> rx.Component:
    return rx.cond(
        S.is_broker,
        rx.button(
            rx.icon("download", size=16),
            "Export CSV",
            variant="outline",
            on_click=A.export_csv,
            disabled=S.total == 0,
            data_testid="export-csv",
            title="Download every lead of this view (all pages) as CSV",
        ),
    )


def _confirm(
    open_, title, description, confirm_label: str, on_confirm, testid: str
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.hstack(
                rx.button(
                    "Cancel",
                    variant="soft",
                    color_scheme="gray",
                    on_click=A.cancel,
                    data_testid=f"cancel-{testid}",
                ),
                rx.button(
                    confirm_label,
                    color_scheme="red",
                    on_click=on_confirm,
                    data_testid=f"confirm-{testid}",
                ),
                justify="end",
                spacing="2",
                margin_top="12px",
            ),
            max_width="440px",
        ),
        open=open_,
        on_open_change=lambda _o: A.cancel(),  # Escape
    )


def _tag_dialog() -> rx.Component:
    adding = A.tag_mode == "add_tags"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(adding, "Add tags", "Remove tags")),
            rx.dialog.description(
                rx.cond(
                    adding,
                    "Tags are created as needed. Separate several with commas.",
                    "Separate several tags with commas.",
                ),
                " Applies to ",
                rx.cond(
                    S.all_matching,
                    "all " + S.total.to(str) + " matching leads",
                    S.selected.length().to(str) + " selected leads",
                ),
                ".",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.input(
                        name="tags",
                        placeholder="e.g. Hot, Spring 2027",
                        value=A.tag_text,
                        on_change=A.set_tag_text,
                        max_length=1000,
                        auto_focus=True,
                        width="100%",
                        data_testid="bulk-tags-input",
                    ),
                    rx.cond(
                        S.tag_names.length() > 0,
                        rx.flex(
                            rx.text("Existing:", size="1", color_scheme="gray"),
                            rx.foreach(
                                S.tag_names[:24],
                                lambda t: rx.badge(
                                    t,
                                    variant="surface",
                                    size="1",
                                    cursor="pointer",
                                    on_click=A.pick_tag(t),
                                    data_testid="bulk-tag-choice",
                                ),
                            ),
                            wrap="wrap",
                            gap="1",
                            align="center",
                        ),
                    ),
                    rx.cond(
                        A.tag_error != "",
                        rx.text(
                            A.tag_error, color_scheme="red", size="2", data_testid="bulk-tags-error"
                        ),
                    ),
                    rx.hstack(
                        cancel_button(A.close_tags),
                        rx.button(
                            rx.cond(adding, "Add tags", "Remove tags"),
                            type="submit",
                            color_scheme=rx.cond(adding, "indigo", "red"),
                            loading=A.busy,
                            data_testid="bulk-tags-save",
                        ),
                        justify="end",
                        spacing="2",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=A.submit_tags,
                reset_on_submit=False,
            ),
            max_width="440px",
        ),
        open=A.tag_mode != "",
        on_open_change=lambda _o: A.close_tags(),  # Escape
    )


def action_dialogs() -> rx.Component:
    return rx.fragment(
        _confirm(
            A.confirm == "bulk_delete",
            "Delete "
            + A.confirm_count.to(str)
            + rx.cond(A.confirm_count == 1, " lead?", " leads?"),
            "Deleted leads keep all their data with status Deleted. They leave the default view; "
            "filter by status Deleted to find them and reactivate them.",
            "Delete " + A.confirm_count.to(str),
            A.confirm_bulk_delete,
            "bulk-delete",
        ),
        _confirm(
            A.confirm == "row_delete",
            "Delete " + A.row_name + "?",
            "The lead keeps its data with status Deleted and can be reactivated later.",
            "Delete lead",
            A.confirm_delete,
            "row-delete",
        ),
        _confirm(
            A.confirm == "reject",
            "Reject " + A.row_name + "?",
            "The lead goes back to the unassigned pool and the brokerage's primary email is told.",
            "Reject lead",
            A.confirm_reject,
            "reject",
        ),
        _tag_dialog(),
    )
