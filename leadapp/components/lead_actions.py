"""The lead list's actions (L6, L7, L9, I5, G3): bulk bar, row menu, dialogs, Export CSV.

- `bulk_actions()`: the buttons shown in the selection bar while rows are selected.
- `row_menu(row)`: the "⋯" menu at the end of each row.
- `export_button()`: brokers' Export CSV (the current view, all pages).
- `action_dialogs()`: the confirmations and the tag dialog (rendered once on the page).
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import cancel_button, form_footer
from leadapp.components.ui import (
    confirm_buttons,
    confirm_dialog,
    dialog,
    error_line,
    icon_text_button,
    inline,
    muted,
    plain_icon,
)
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


def _item(icon: str, label: str, on_click, testid: str, **props) -> rx.Component:
    return rx.menu.item(
        rx.icon(icon, size=14), label, on_click=on_click, data_testid=testid, **props
    )


def _choice_items(choices, action: str, testid: str) -> rx.Component:
    """Menu items from a list of [code, label]."""
    return rx.foreach(
        choices,
        lambda c: rx.menu.item(c[1], on_click=A.bulk(action, c[0]), data_testid=f"{testid}-{c[0]}"),
    )


def _sub_menu(label: str, action: str, rows, empty: str) -> rx.Component:
    """A submenu of the Subscribe menu: one item per row (id, name) of `rows`."""
    return rx.menu.sub(
        rx.menu.sub_trigger(label, data_testid=f"bulk-{action}"),
        rx.menu.sub_content(
            rx.foreach(
                rows,
                lambda r: rx.menu.item(
                    r["name"],
                    on_click=A.bulk(action, r["id"]),
                    data_testid=f"bulk-{action}-" + r["id"],
                ),
            ),
            rx.cond(rows.length() == 0, rx.menu.item(empty, disabled=True)),
        ),
    )


def _bulk_button(icon: str, label: str, on_click, color: str, testid: str) -> rx.Component:
    return icon_text_button(
        icon,
        label,
        on_click,
        testid=f"bulk-{testid}",
        variant="soft",
        size="1",
        color_scheme=color,
    )


def bulk_actions() -> rx.Component:
    """The bulk bar's buttons; an agent's Unassigned view offers none (pool leads change only by
    claiming).
    """
    return rx.cond(
        S.unassigned_view & ~S.is_broker,
        muted(
            "Pool leads are read-only: claim a lead to work with it.", data_testid="bulk-pool-note"
        ),
        _bulk_buttons(),
    )


def _bulk_buttons() -> rx.Component:
    return inline(
        _menu(
            "Tags",
            "tag",
            "bulk-tags",
            _item("plus", "Add tags…", A.open_tags("add_tags"), "bulk-add-tags"),
            _item("minus", "Remove tags…", A.open_tags("remove_tags"), "bulk-remove-tags"),
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
            _sub_menu("Campaign", "campaign", A.campaigns, "No active campaigns"),
            _sub_menu("Market reports", "market", A.markets, "No markets yet"),
            on_open=lambda _o: A.load_choices(),
        ),
        _bulk_button("rotate-ccw", "Reactivate", A.bulk("reactivate", ""), "green", "reactivate"),
        _bulk_button("trash-2", "Delete", A.ask_bulk_delete, "red", "delete"),
        spacing="2",
        wrap="wrap",
        opacity=rx.cond(A.busy, "0.6", "1"),
    )


def row_menu(row) -> rx.Component:
    """The last cell of a row: Claim (an agent's Unassigned view) and the "⋯" menu.

    Plain elements with Radix Themes' classes (see lead_table.py): a page of rows mounts one
    Radix menu root per row and nothing else; the menu's content is mounted only when opened.
    """
    lid = row["id"].to(int)
    return rx.el.div(
        rx.cond(
            S.unassigned_view & ~S.is_broker,
            icon_text_button(
                "hand", "Claim", A.claim(lid), testid="row-claim-button", size="1", variant="soft"
            ),
        ),
        _row_menu(row),
        class_name="lt-row-actions",
    )


def _row_menu(row) -> rx.Component:
    lid = row["id"].to(int)
    status = row["status_code"].to(str)
    mine = row["agent_id"].to(int) == S.user_id
    can_change = S.is_broker | mine
    return rx.menu.root(
        rx.menu.trigger(
            rx.el.button(
                plain_icon("ellipsis"),
                type="button",
                aria_label="Lead actions",
                data_testid="row-menu",
                data_accent_color="gray",
                class_name="rt-reset rt-BaseButton rt-r-size-1 rt-variant-ghost rt-IconButton",
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
                _item("hand", "Claim", A.claim(lid), "row-claim"),
            ),
            rx.cond(
                ~S.is_broker & mine,
                _item("undo-2", "Reject (back to the pool)", A.ask_reject(lid), "row-reject"),
            ),
            rx.cond(
                can_change & ((status == "inactive") | (status == "deleted")),
                _item("rotate-ccw", "Reactivate", A.reactivate(lid), "row-reactivate"),
            ),
            rx.cond(
                can_change & (status != "deleted"),
                rx.fragment(
                    rx.menu.separator(),
                    _item(
                        "trash-2", "Delete…", A.ask_delete(lid), "row-delete", color_scheme="red"
                    ),
                ),
            ),
            size="1",
        ),
    )


def export_button() -> rx.Component:
    return rx.cond(
        S.is_broker,
        icon_text_button(
            "download",
            "Export CSV",
            A.export_csv,
            testid="export-csv",
            icon_size=16,
            variant="outline",
            disabled=S.total == 0,
            title="Download every lead of this view (all pages) as CSV",
        ),
    )


def _confirm(
    open_, title, description, confirm_label: str | rx.Var[str], on_confirm, testid: str
) -> rx.Component:
    return confirm_dialog(
        open_,
        title,
        description,
        confirm_buttons(
            "Cancel",
            A.cancel,
            confirm_label,
            on_confirm,
            f"confirm-{testid}",
            cancel_testid=f"cancel-{testid}",
        ),
        on_close=A.cancel,  # Escape
        max_width="440px",
    )


def _tag_dialog() -> rx.Component:
    adding = A.tag_mode == "add_tags"
    applies = (
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
    )
    return dialog(
        A.tag_mode != "",
        A.close_tags,  # Escape
        rx.cond(adding, "Add tags", "Remove tags"),
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
                        muted("Existing:", size="1"),
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
                error_line(A.tag_error, "bulk-tags-error"),
                form_footer(
                    cancel_button(A.close_tags),
                    rx.cond(adding, "Add tags", "Remove tags"),
                    "bulk-tags-save",
                    spacing="2",
                    color_scheme=rx.cond(adding, "indigo", "red"),
                    loading=A.busy,
                ),
                spacing="3",
            ),
            on_submit=A.submit_tags,
            reset_on_submit=False,
        ),
        description=applies,
        max_width="440px",
    )


def action_dialogs() -> rx.Component:
    return rx.fragment(
        _confirm(
            A.confirm == "bulk_delete",
            "Delete "
            + A.confirm_count.to(str)
            + rx.cond(A.confirm_count == 1, " lead?", " leads?").to(str),
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
