"""Lead page tabs (P5-P9, P11, P14-P18): each loads when opened and pages its rows."""

from __future__ import annotations

import reflex as rx

from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import LeadTabsState as T

from .lead_header import field_error


def pager(page, pages, goto, testid: str) -> rx.Component:
    return rx.hstack(
        rx.icon_button(
            rx.icon("chevron-left", size=16),
            size="1",
            variant="soft",
            disabled=page <= 0,
            on_click=goto(page - 1),
            aria_label="Previous page",
            data_testid=f"{testid}-prev",
        ),
        rx.text(
            "Page ",
            (page + 1).to(str),
            " of ",
            pages.to(str),
            size="1",
            color_scheme="gray",
            data_testid=f"{testid}-page",
        ),
        rx.icon_button(
            rx.icon("chevron-right", size=16),
            size="1",
            variant="soft",
            disabled=page >= pages - 1,
            on_click=goto(page + 1),
            aria_label="Next page",
            data_testid=f"{testid}-next",
        ),
        align="center",
        spacing="2",
    )


def table(headers: list[str], rows, row_fn, testid: str, empty: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(rows, row_fn)),
                size="1",
                variant="surface",
                width="100%",
                data_testid=testid,
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.text(
            empty, size="2", color_scheme="gray", padding_y="12px", data_testid=f"{testid}-empty"
        ),
    )


def _select(items, value, on_change, testid: str, width: str = "200px") -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width=width, data_testid=testid),
        rx.select.content(rx.foreach(items, lambda k: rx.select.item(k["label"], value=k["code"]))),
        value=value,
        on_change=on_change,
        size="2",
    )


# ---------------------------------------------------------------- P5 activity, P16 site activity


def activity_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _select(T.activity_kinds, T.act_kind, T.act_filter, "activity-filter"),
            rx.text(
                T.act_total.to(str),
                " activities",
                size="2",
                color_scheme="gray",
                data_testid="activity-total",
            ),
            rx.spacer(),
            pager(T.act_page, T.act_pages, T.act_goto, "activity"),
            wrap="wrap",
            width="100%",
            align="center",
        ),
        table(
            ["When", "Activity", "Details"],
            T.act_rows,
            lambda r: rx.table.row(
                rx.table.cell(r["when"], white_space="nowrap"),
                rx.table.cell(rx.badge(r["kind_text"], variant="soft")),
                rx.table.cell(r["what"]),
                data_testid="activity-row",
            ),
            "activity-table",
            "No website activity yet.",
        ),
        width="100%",
        spacing="3",
    )


def site_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _select(
                [
                    {"code": "all", "label": "Searches and views"},
                    {"code": "search", "label": "Searches run"},
                    {"code": "listing_view", "label": "Listings viewed"},
                ],
                T.site_kind,
                T.site_filter,
                "site-filter",
            ),
            rx.text(T.site_total.to(str), " items", size="2", color_scheme="gray"),
            rx.spacer(),
            pager(T.site_page, T.site_pages, T.site_goto, "site"),
            wrap="wrap",
            width="100%",
            align="center",
        ),
        table(
            ["When", "What", "Details"],
            T.site_rows,
            lambda r: rx.table.row(
                rx.table.cell(r["when"], white_space="nowrap"),
                rx.table.cell(
                    rx.badge(
                        r["kind_text"],
                        variant="soft",
                        color_scheme=rx.cond(r["kind"] == "search", "violet", "cyan"),
                    )
                ),
                rx.table.cell(r["what"]),
                data_testid="site-row",
            ),
            "site-table",
            "No searches or listing views yet.",
        ),
        width="100%",
        spacing="3",
    )


# ---------------------------------------------------------------- P6 subscriptions


def _clicks(rows) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Email"),
                        rx.table.column_header_cell("Sent"),
                        rx.table.column_header_cell("Clicked"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        rows,
                        lambda c: rx.table.row(
                            rx.table.cell(c["subject"]),
                            rx.table.cell(c["sent"]),
                            rx.table.cell(c["clicked"]),
                        ),
                    )
                ),
                size="1",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.text("No click-throughs.", size="1", color_scheme="gray"),
    )


def _active_badge(active) -> rx.Component:
    return rx.badge(
        rx.cond(active, "Active", "Inactive"),
        color_scheme=rx.cond(active, "green", "gray"),
        variant="soft",
    )


def _market_card(m) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(m["market"], weight="bold", size="2"),
                rx.badge(m["type"], variant="outline"),
                _active_badge(m["active"].to(bool)),
                rx.spacer(),
                rx.cond(
                    m["active"].to(bool) & LeadState.can_change,
                    rx.button(
                        "Deactivate",
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        on_click=T.ask_deactivate("market", m["id"]),
                        data_testid="deactivate-market",
                    ),
                ),
                wrap="wrap",
                width="100%",
                align="center",
            ),
            rx.text(m["criteria"], size="1", color_scheme="gray"),
            rx.text(
                "Emails sent in the last 30 days: ",
                m["sent_30"].to(str),
                size="1",
                data_testid="market-sent-30",
            ),
            _clicks(m["clicks"].to(list[dict[str, str]])),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="market-sub",
    )


def _campaign_card(c) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(c["campaign"], weight="bold", size="2"),
                rx.badge(
                    c["status_text"],
                    variant="soft",
                    color_scheme=rx.match(
                        c["status"], ("active", "green"), ("completed", "blue"), "gray"
                    ),
                ),
                rx.text(
                    c["remaining"].to(str),
                    " of ",
                    c["total"].to(str),
                    " emails remaining",
                    size="1",
                    color_scheme="gray",
                    data_testid="campaign-remaining",
                ),
                rx.spacer(),
                rx.cond(
                    c["active"].to(bool) & LeadState.can_change,
                    rx.button(
                        "Deactivate",
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        on_click=T.ask_deactivate("campaign", c["id"]),
                        data_testid="deactivate-campaign",
                    ),
                ),
                wrap="wrap",
                width="100%",
                align="center",
            ),
            rx.cond(
                c["emails"].to(list[dict[str, str]]).length() > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(h)
                                    for h in ("Email", "Sent", "Opened", "Clicked")
                                ]
                            )
                        ),
                        rx.table.body(
                            rx.foreach(
                                c["emails"].to(list[dict[str, str]]),
                                lambda e: rx.table.row(
                                    rx.table.cell(e["subject"]),
                                    rx.table.cell(e["sent"]),
                                    rx.table.cell(e["opened"]),
                                    rx.table.cell(e["clicked"]),
                                ),
                            )
                        ),
                        size="1",
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.text("No emails sent yet.", size="1", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="campaign-sub",
    )


def _section(title: str, add, *children, testid: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.heading(title, size="3"), rx.spacer(), add, width="100%", align="center"),
        *children,
        spacing="2",
        width="100%",
        data_testid=testid,
    )


def subscriptions_tab() -> rx.Component:
    def add(what, testid):
        return rx.cond(
            LeadState.can_change,
            rx.button(  # noqa: E731
                rx.icon("plus", size=14),
                "Add new",
                size="1",
                on_click=T.open_sub_dialog(what),
                data_testid=testid,
            ),
        )

    return rx.vstack(
        _section(
            "Market subscriptions",
            add("market", "add-market"),
            rx.cond(
                T.sub_markets.length() > 0,
                rx.vstack(rx.foreach(T.sub_markets, _market_card), width="100%"),
                rx.text("No market reports.", size="2", color_scheme="gray"),
            ),
            testid="markets-section",
        ),
        _section(
            "Marketing automation campaigns",
            add("campaign", "add-campaign"),
            rx.cond(
                T.sub_campaigns.length() > 0,
                rx.vstack(rx.foreach(T.sub_campaigns, _campaign_card), width="100%"),
                rx.text("No campaigns.", size="2", color_scheme="gray"),
            ),
            testid="campaigns-section",
        ),
        _section(
            "Email alerts",
            rx.link(
                "Manage email alerts / saved searches",
                on_click=T.manage_alerts,
                size="2",
                cursor="pointer",
                data_testid="manage-alerts",
            ),
            rx.cond(
                T.sub_alerts.length() > 0,
                rx.vstack(
                    rx.foreach(
                        T.sub_alerts,
                        lambda a: rx.card(
                            rx.vstack(
                                rx.hstack(
                                    rx.text(a["name"], weight="bold", size="2"),
                                    _active_badge(a["active"].to(bool)),
                                    rx.text("Saved ", a["saved"], size="1", color_scheme="gray"),
                                    wrap="wrap",
                                    align="center",
                                ),
                                rx.text(a["criteria"], size="1", color_scheme="gray"),
                                rx.text(
                                    "Emails sent in the last 30 days: ",
                                    a["sent_30"].to(str),
                                    size="1",
                                ),
                                _clicks(a["clicks"].to(list[dict[str, str]])),
                                spacing="2",
                                width="100%",
                            ),
                            width="100%",
                            data_testid="alert-sub",
                        ),
                    ),
                    width="100%",
                ),
                rx.text("No saved search has email alerts on.", size="2", color_scheme="gray"),
            ),
            testid="alerts-section",
        ),
        _market_dialog(),
        _campaign_dialog(),
        _confirm_dialog(),
        spacing="5",
        width="100%",
    )


def _market_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Subscribe to a market"),
            rx.form(
                rx.vstack(
                    rx.cond(
                        T.market_choices.length() > 0,
                        rx.el.select(
                            rx.foreach(
                                T.market_choices, lambda m: rx.el.option(m["name"], value=m["id"])
                            ),
                            name="market_id",
                            data_testid="market-choice",
                            style={
                                "padding": "6px",
                                "width": "100%",
                                "background": "var(--color-surface)",
                            },
                        ),
                        rx.text(
                            "No markets yet: create one under Markets first.",
                            size="2",
                            color_scheme="gray",
                        ),
                    ),
                    rx.text("Reports", size="2", weight="medium"),
                    rx.foreach(
                        T.report_types,
                        lambda t: rx.hstack(
                            rx.checkbox(
                                name="type_" + t["code"],
                                default_checked=True,
                                data_testid="report-" + t["code"],
                            ),
                            rx.text(t["label"], size="2"),
                            align="center",
                        ),
                    ),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=T.close_sub_dialog,
                        ),
                        rx.button("Save", type="submit", data_testid="save-market"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=T.add_market,
            ),
        ),
        open=T.sub_dialog == "market",
        on_open_change=lambda _o: T.close_sub_dialog(),
    )


def _campaign_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Subscribe to a campaign"),
            rx.form(
                rx.vstack(
                    rx.cond(
                        T.campaign_choices.length() > 0,
                        rx.el.select(
                            rx.foreach(
                                T.campaign_choices, lambda m: rx.el.option(m["name"], value=m["id"])
                            ),
                            name="campaign_id",
                            data_testid="campaign-choice",
                            style={
                                "padding": "6px",
                                "width": "100%",
                                "background": "var(--color-surface)",
                            },
                        ),
                        rx.text(
                            "No campaign is available for this lead.", size="2", color_scheme="gray"
                        ),
                    ),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=T.close_sub_dialog,
                        ),
                        rx.button("Save", type="submit", data_testid="save-campaign"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=T.add_campaign,
            ),
        ),
        open=T.sub_dialog == "campaign",
        on_open_change=lambda _o: T.close_sub_dialog(),
    )


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Deactivate subscription"),
            rx.alert_dialog.description(T.confirm_text, size="2"),
            rx.hstack(
                rx.button("No", variant="soft", color_scheme="gray", on_click=T.cancel_confirm),
                rx.button(
                    "Yes, deactivate",
                    color_scheme="red",
                    on_click=T.confirm_deactivate,
                    data_testid="confirm-deactivate",
                ),
                justify="end",
                spacing="2",
                margin_top="12px",
            ),
        ),
        open=T.confirm_kind != "",
    )


# ---------------------------------------------------------------- P7 organizer, P14 email updates


def _theirs(by_lead) -> rx.Component:
    return rx.cond(
        by_lead,
        rx.badge(
            rx.icon("user", size=12),
            "Saved by the lead",
            color_scheme="violet",
            variant="soft",
            data_testid="by-lead",
        ),
        rx.badge("Added by agent", color_scheme="gray", variant="soft"),
    )


def _search_card(s) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(s["name"], weight="bold", size="2"),
                _theirs(s["by_lead"].to(bool)),
                rx.spacer(),
                rx.cond(
                    s["can_delete"].to(bool),
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=T.delete_search(s["id"]),
                        aria_label="Delete search",
                        data_testid="delete-search",
                    ),
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.text(s["criteria"], size="1", color_scheme="gray"),
            rx.cond(
                s["can_delete"].to(bool),
                rx.link(
                    "Update this search",
                    size="1",
                    cursor="pointer",
                    on_click=T.edit_search(s["id"]),
                    data_testid="edit-search",
                ),
            ),
            rx.hstack(
                rx.text("Created ", s["created"], size="1", color_scheme="gray"),
                rx.spacer(),
                rx.text("Email alerts", size="1"),
                rx.switch(
                    checked=s["alerts"].to(bool),
                    disabled=~s["can_toggle"].to(bool),
                    on_change=lambda v: T.toggle_alert(s["id"], v),
                    data_testid="alert-switch",
                ),
                width="100%",
                align="center",
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
        data_testid="saved-search",
    )


def _fav_card(f) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(f["address"], weight="bold", size="2"),
                rx.spacer(),
                rx.cond(
                    f["can_delete"].to(bool),
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=T.delete_favorite(f["fav_id"]),
                        aria_label="Remove favourite",
                        data_testid="delete-favorite",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.hstack(
                rx.text(f["price"], weight="bold", size="2", color=rx.color("accent", 11)),
                rx.text(f["beds"].to(str), " bd · ", f["baths"], " ba", size="2"),
                rx.text("MLS ", f["mls"], size="1", color_scheme="gray"),
                wrap="wrap",
                align="center",
            ),
            rx.hstack(
                _theirs(f["by_lead"].to(bool)),
                rx.text("Added ", f["added"], size="1", color_scheme="gray"),
                wrap="wrap",
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
        data_testid="favorite",
    )


def organizer_tab() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item("Saved searches", value="searches"),
            rx.segmented_control.item("Favourites", value="favorites"),
            value=T.org_view,
            on_change=T.set_org_view,
            data_testid="organizer-view",
        ),
        rx.cond(
            T.org_view == "searches",
            rx.vstack(
                rx.hstack(
                    rx.text(
                        T.searches.length().to(str),
                        " saved searches",
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.spacer(),
                    rx.cond(
                        LeadState.can_change,
                        rx.button(
                            rx.icon("plus", size=14),
                            "Add new",
                            size="1",
                            on_click=T.open_search("search", "sale"),
                            data_testid="add-search",
                        ),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.grid(
                    rx.foreach(T.searches, _search_card),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(T.favs.length().to(str), " favourites", size="2", color_scheme="gray"),
                    rx.spacer(),
                    _select(
                        [
                            {"code": "newest", "label": "Newest first"},
                            {"code": "price_asc", "label": "Price: low to high"},
                            {"code": "price_desc", "label": "Price: high to low"},
                            {"code": "beds", "label": "Most bedrooms"},
                        ],
                        T.fav_sort,
                        T.sort_favorites,
                        "favorite-sort",
                        "170px",
                    ),
                    rx.cond(
                        LeadState.can_change,
                        rx.button(
                            rx.icon("plus", size=14),
                            "Add new",
                            size="1",
                            on_click=T.open_search("favorite", "sale"),
                            data_testid="add-favorite",
                        ),
                    ),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                rx.grid(
                    rx.foreach(T.favs, _fav_card),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        width="100%",
        spacing="3",
    )


def updates_tab() -> rx.Component:
    def group(title: str, rows, tr: str) -> rx.Component:
        return rx.vstack(
            rx.hstack(
                rx.heading(title, size="3"),
                rx.spacer(),
                rx.cond(
                    LeadState.can_change,
                    rx.button(
                        rx.icon("plus", size=14),
                        "New daily search",
                        size="1",
                        variant="soft",
                        on_click=T.open_search("search", tr),
                        data_testid=f"new-daily-{tr}",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                rows.length() > 0,
                rx.vstack(
                    rx.foreach(
                        rows,
                        lambda s: rx.card(
                            rx.hstack(
                                rx.vstack(
                                    rx.hstack(
                                        rx.text(s["name"], weight="bold", size="2"),
                                        _theirs(s["by_lead"].to(bool)),
                                        wrap="wrap",
                                    ),
                                    rx.text(s["criteria"], size="1", color_scheme="gray"),
                                    rx.text(
                                        "Last sent: ", s["last_sent"], size="1", color_scheme="gray"
                                    ),
                                    rx.cond(
                                        s["can_delete"].to(bool),
                                        rx.link(
                                            "Update this search criteria",
                                            size="1",
                                            cursor="pointer",
                                            on_click=T.edit_search(s["id"]),
                                            data_testid="edit-daily",
                                        ),
                                    ),
                                    spacing="1",
                                ),
                                rx.spacer(),
                                rx.vstack(
                                    rx.text("Send daily email updates", size="1"),
                                    rx.switch(
                                        checked=s["alerts"].to(bool),
                                        disabled=~s["can_toggle"].to(bool),
                                        on_change=lambda v: T.toggle_alert(s["id"], v),
                                        data_testid="daily-switch",
                                    ),
                                    align="end",
                                    spacing="1",
                                ),
                                width="100%",
                                align="center",
                            ),
                            width="100%",
                            data_testid="daily-search",
                        ),
                    ),
                    width="100%",
                ),
                rx.text("No daily searches.", size="2", color_scheme="gray"),
            ),
            width="100%",
            spacing="2",
        )

    return rx.vstack(
        rx.callout(
            "At most two emails a day (one for sales, one for rentals), only when a matching "
            "listing is new "
            "or updated in the last 24 hours. Switching a search off keeps it.",
            icon="info",
            size="1",
        ),
        group("Sales", T.eu_sales, "sale"),
        group("Rentals", T.eu_rentals, "rent"),
        rx.cond(
            LeadState.can_change,
            rx.button(
                rx.icon("send", size=14),
                "Send all searches to ",
                LeadState.lead["name"].to(str),
                " now",
                on_click=T.send_all_now,
                data_testid="send-all-now",
            ),
        ),
        width="100%",
        spacing="4",
    )


def search_dialog() -> rx.Component:
    def inp(label, name, placeholder="", type_="text"):
        return rx.vstack(
            rx.text(label, size="1", weight="medium"),
            rx.input(
                name=name,
                placeholder=placeholder,
                type=type_,
                default_value=T.ps_form[name],
                width="100%",
                data_testid=f"ps-{name}",
            ),
            field_error(T.ps_errors, name),
            spacing="1",
            width="100%",
        )

    sel_style = {"padding": "6px", "width": "100%", "background": "var(--color-surface)"}
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(
                    T.ps_mode == "search",
                    rx.cond(
                        T.ps_edit_id > 0,
                        "Update this search",
                        "Property search: save a search for the lead",
                    ),
                    "Property search: add favourites",
                )
            ),
            rx.form(
                rx.vstack(
                    rx.grid(
                        inp("City", "city", "e.g. Berkeley"),
                        rx.vstack(
                            rx.text("For", size="1", weight="medium"),
                            rx.el.select(
                                rx.el.option("Sale", value="sale"),
                                rx.el.option("Rent", value="rent"),
                                name="transaction",
                                default_value=T.ps_form["transaction"],
                                style=sel_style,
                                data_testid="ps-transaction",
                            ),
                            spacing="1",
                            width="100%",
                        ),
                        rx.vstack(
                            rx.text("Property type", size="1", weight="medium"),
                            rx.el.select(
                                rx.foreach(
                                    T.property_types,
                                    lambda p: rx.el.option(p["label"], value=p["code"]),
                                ),
                                name="property_type",
                                default_value=T.ps_form["property_type"],
                                style=sel_style,
                                data_testid="ps-property_type",
                            ),
                            spacing="1",
                            width="100%",
                        ),
                        inp("Min price", "min_price", "$"),
                        inp("Max price", "max_price", "$"),
                        inp("Min beds", "min_beds", "any"),
                        inp("Min baths", "min_baths", "any"),
                        columns=rx.breakpoints(initial="2", md="4"),
                        spacing="2",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.button(
                            rx.icon("search", size=14),
                            "Search",
                            type="submit",
                            data_testid="ps-search",
                        ),
                        rx.text(
                            T.ps_total.to(str),
                            " matches",
                            size="2",
                            color_scheme="gray",
                            data_testid="ps-total",
                        ),
                        align="center",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=T.run_search,
                key=T.ps_key.to(str),
            ),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in ("Address", "Price", "Beds", "Baths", "MLS", "")
                            ]
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            T.ps_rows,
                            lambda r: rx.table.row(
                                rx.table.cell(r["address"]),
                                rx.table.cell(r["price"]),
                                rx.table.cell(r["beds"].to(str)),
                                rx.table.cell(r["baths"]),
                                rx.table.cell(r["mls"]),
                                rx.table.cell(
                                    rx.cond(
                                        T.ps_mode == "favorite",
                                        rx.icon_button(
                                            rx.icon(
                                                "heart",
                                                size=14,
                                                fill=rx.cond(
                                                    r["favorite"].to(bool), "currentColor", "none"
                                                ),
                                            ),
                                            size="1",
                                            variant="ghost",
                                            color_scheme="red",
                                            disabled=r["favorite"].to(bool),
                                            on_click=T.favorite_listing(r["id"]),
                                            aria_label="Add to favourites",
                                            data_testid="ps-heart",
                                        ),
                                    )
                                ),
                                data_testid="ps-row",
                            ),
                        )
                    ),
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
                max_height="45vh",
                overflow_y="auto",
                margin_y="8px",
            ),
            rx.cond(T.ps_total > 0, pager(T.ps_page, T.ps_pages, T.search_goto, "ps")),
            rx.cond(
                T.ps_mode == "search",
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="name",
                            placeholder="Name the search (optional)",
                            default_value=T.ps_name,
                            width="100%",
                            data_testid="ps-name",
                        ),
                        rx.hstack(
                            rx.checkbox(
                                name="alerts", default_checked=True, data_testid="ps-alerts"
                            ),
                            rx.text("Send daily email updates", size="2", white_space="nowrap"),
                            align="center",
                        ),
                        rx.button(
                            rx.cond(T.ps_edit_id > 0, "Update search", "Save search"),
                            type="submit",
                            data_testid="ps-save",
                        ),
                        width="100%",
                        align="center",
                        wrap="wrap",
                    ),
                    on_submit=T.save_search,
                    key=T.ps_key.to(str),
                ),
            ),
            rx.hstack(
                rx.button(
                    "Close",
                    variant="soft",
                    color_scheme="gray",
                    on_click=T.close_search,
                    data_testid="ps-close",
                ),
                justify="end",
                width="100%",
                margin_top="8px",
            ),
            max_width="900px",
        ),
        open=T.ps_open,
        on_open_change=lambda _o: T.close_search(),
    )


# ---------------------------------------------------------------- P8 history


def history_tab() -> rx.Component:
    def entry(e) -> rx.Component:
        return rx.box(
            rx.vstack(
                rx.hstack(
                    rx.badge(
                        e["kind_text"],
                        variant="soft",
                        color_scheme=rx.match(
                            e["kind"],
                            ("note", "blue"),
                            ("call", "green"),
                            ("quick_event", "indigo"),
                            ("message", "violet"),
                            "gray",
                        ),
                    ),
                    rx.text(e["title"], weight="bold", size="2"),
                    rx.cond(e["change"] != "", rx.text(e["change"], size="2", color_scheme="gray")),
                    rx.spacer(),
                    rx.text(e["who"], " · ", e["when"], size="1", color_scheme="gray"),
                    width="100%",
                    wrap="wrap",
                    align="center",
                ),
                rx.cond(
                    T.details_id == e["id"],
                    rx.form(
                        rx.vstack(
                            rx.text_area(
                                name="details",
                                default_value=T.details_text,
                                rows="3",
                                width="100%",
                                data_testid="details-input",
                            ),
                            rx.hstack(
                                rx.button(
                                    "Cancel",
                                    size="1",
                                    variant="soft",
                                    color_scheme="gray",
                                    type="button",
                                    on_click=T.cancel_details,
                                ),
                                rx.button(
                                    "Save details",
                                    size="1",
                                    type="submit",
                                    data_testid="save-details",
                                ),
                            ),
                            width="100%",
                        ),
                        on_submit=T.save_details,
                        width="100%",
                    ),
                    rx.hstack(
                        rx.cond(
                            e["body"] != "",
                            rx.text(
                                e["body"],
                                size="2",
                                white_space="pre-wrap",
                                data_testid="history-body",
                            ),
                        ),
                        rx.cond(
                            e["can_edit"].to(bool),
                            rx.link(
                                rx.cond(e["body"] != "", "Edit details", "Add details"),
                                size="1",
                                cursor="pointer",
                                on_click=T.start_details(e["id"]),
                                data_testid="add-details",
                            ),
                        ),
                        spacing="3",
                        align="center",
                        wrap="wrap",
                    ),
                ),
                spacing="1",
                width="100%",
            ),
            padding_y="8px",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
            width="100%",
            data_testid="history-row",
        )

    return rx.vstack(
        rx.hstack(
            _select(
                [
                    {"code": "all", "label": "Everything"},
                    {"code": "notes", "label": "Notes, calls, quick events"},
                    {"code": "messages", "label": "Messages"},
                    {"code": "changes", "label": "Changes (audit trail)"},
                ],
                T.hist_filter,
                T.set_hist_filter,
                "history-filter",
                "220px",
            ),
            rx.cond(
                LeadState.can_change,
                rx.menu.root(
                    rx.menu.trigger(
                        rx.button(
                            rx.icon("plus", size=14), "Add new", size="2", data_testid="history-add"
                        )
                    ),
                    rx.menu.content(
                        rx.menu.item("Note", on_click=T.open_note("note"), data_testid="add-note"),
                        rx.menu.item(
                            "Phone call", on_click=T.open_note("call"), data_testid="add-call"
                        ),
                    ),
                ),
            ),
            rx.spacer(),
            pager(T.hist_page, T.hist_pages, T.hist_goto, "history"),
            wrap="wrap",
            width="100%",
            align="center",
        ),
        rx.cond(
            T.note_kind != "",
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.text(
                            rx.cond(T.note_kind == "call", "Log a phone call", "Add a note"),
                            weight="bold",
                            size="2",
                        ),
                        rx.input(
                            name="title",
                            placeholder="Title (optional)",
                            default_value=T.note_draft["title"],
                            width="100%",
                            data_testid="note-title",
                        ),
                        field_error(T.note_errors, "title"),
                        rx.text_area(
                            name="body",
                            placeholder=rx.cond(T.note_kind == "call", "What was said", "Note"),
                            rows="4",
                            default_value=T.note_draft["body"],
                            width="100%",
                            data_testid="note-body",
                        ),
                        field_error(T.note_errors, "body"),
                        rx.hstack(
                            rx.button(
                                "Cancel",
                                type="button",
                                variant="soft",
                                color_scheme="gray",
                                on_click=T.close_note,
                            ),
                            rx.button("Save", type="submit", data_testid="save-note"),
                            justify="end",
                            width="100%",
                        ),
                        width="100%",
                    ),
                    on_submit=T.add_note,
                ),
                width="100%",
            ),
        ),
        rx.cond(
            T.hist_rows.length() > 0,
            rx.vstack(rx.foreach(T.hist_rows, entry), spacing="0", width="100%"),
            rx.text("No history yet.", size="2", color_scheme="gray"),
        ),
        width="100%",
        spacing="3",
    )


# ---------------------------------------------------------------- P9/P17 to-dos and events

# ------------------------------------------------------------ P11 messages, P18 listings, P15 tools


def messages_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(
                LeadState.can_change,
                rx.button(
                    rx.icon("mail-plus", size=14),
                    "New message",
                    size="2",
                    on_click=LeadState.open_dialog("message"),
                ),
            ),
            rx.spacer(),
            pager(T.msg_page, T.msg_pages, T.msg_goto, "messages"),
            width="100%",
            align="center",
        ),
        table(
            ["Sent", "Subject", "From", "Delivery"],
            T.msg_rows,
            lambda m: rx.table.row(
                rx.table.cell(m["when"], white_space="nowrap"),
                rx.table.cell(
                    rx.link(
                        m["title"],
                        on_click=T.open_message(m["id"]),
                        cursor="pointer",
                        data_testid="open-message",
                    )
                ),
                rx.table.cell(m["who"]),
                rx.table.cell(rx.badge(m["delivery"], variant="soft")),
                data_testid="message-row",
            ),
            "messages-table",
            "No messages yet.",
        ),
        rx.dialog.root(
            rx.dialog.content(
                rx.dialog.title(T.open_msg["title"].to(str)),
                rx.text(
                    T.open_msg["who"].to(str),
                    " · ",
                    T.open_msg["when"].to(str),
                    size="1",
                    color_scheme="gray",
                ),
                rx.text(
                    T.open_msg["body"].to(str),
                    white_space="pre-wrap",
                    size="2",
                    margin_y="12px",
                    data_testid="message-full",
                ),
                rx.hstack(rx.button("Close", on_click=T.close_message), justify="end"),
            ),
            open=T.open_msg.length() > 0,
            on_open_change=lambda _o: T.close_message(),
        ),
        width="100%",
        spacing="3",
    )


def listings_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(T.ls_total.to(str), " listings sent", size="2", color_scheme="gray"),
            rx.spacer(),
            pager(T.ls_page, T.ls_pages, T.ls_goto, "listings"),
            width="100%",
            align="center",
        ),
        table(
            ["When", "Listing", "Price", "Beds / baths", "MLS", "How", "By"],
            T.ls_rows,
            lambda r: rx.table.row(
                rx.table.cell(r["when"], white_space="nowrap"),
                rx.table.cell(r["address"]),
                rx.table.cell(r["price"]),
                rx.table.cell(r["beds"].to(str), " / ", r["baths"]),
                rx.table.cell(r["mls"]),
                rx.table.cell(rx.badge(r["via"], variant="soft")),
                rx.table.cell(r["who"]),
                data_testid="listing-sent-row",
            ),
            "listings-table",
            "No listings have been emailed or put on a showing sheet for this lead.",
        ),
        width="100%",
        spacing="3",
    )


def tools_tab() -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.foreach(
                T.tool_rows,
                lambda r: rx.card(
                    rx.vstack(
                        rx.text(r["label"], size="1", color_scheme="gray"),
                        rx.heading(r["count"].to(str), size="6"),
                        rx.text(
                            rx.cond(r["last"] != "", "Last: " + r["last"].to(str), "Never"),
                            size="1",
                            color_scheme="gray",
                        ),
                        spacing="1",
                    ),
                    data_testid="tool-" + r["key"].to(str),
                ),
            ),
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="3",
            width="100%",
        ),
        rx.heading("Form submissions", size="3"),
        table(
            ["When", "Form", "Details"],
            T.tool_forms,
            lambda f: rx.table.row(
                rx.table.cell(f["when"], white_space="nowrap"),
                rx.table.cell(f["kind_text"]),
                rx.table.cell(f["details"]),
            ),
            "forms-table",
            "No contact or dynamic form submissions.",
        ),
        width="100%",
        spacing="3",
    )


TAB_LIST = [
    ("activity", "Activity", "activity", activity_tab),
    ("site", "Site activity", None, site_tab),
    ("subscriptions", "Subscriptions", "subscriptions", subscriptions_tab),
    ("organizer", "Property organizer", None, organizer_tab),
    ("updates", "Email updates", None, updates_tab),
    ("history", "History", "history", history_tab),
    ("messages", "Messages", "messages", messages_tab),
    ("listings", "Listings sent", "listings_sent", listings_tab),
    ("tools", "Tool use", None, tools_tab),
]


def tabs() -> rx.Component:
    def trigger(key, label, count_key):
        return rx.tabs.trigger(
            rx.hstack(
                rx.text(label),
                rx.cond(
                    LeadState.counts[count_key].to(int) > 0,
                    rx.badge(
                        LeadState.counts[count_key].to(str), size="1", variant="soft", radius="full"
                    ),
                )
                if count_key
                else rx.fragment(),
                spacing="1",
                align="center",
            ),
            value=key,
            data_testid=f"tab-{key}",
        )

    return rx.card(
        rx.tabs.root(
            rx.box(
                rx.tabs.list(
                    *[trigger(k, lead, c) for k, lead, c, _ in TAB_LIST], size="2", wrap="nowrap"
                ),
                overflow_x="auto",
                width="100%",
            ),
            *[rx.tabs.content(fn(), value=k, padding_top="16px") for k, _, _, fn in TAB_LIST],
            value=T.tab,
            on_change=T.set_tab,
            width="100%",
        ),
        rx.cond(
            T.tab_error != "",
            rx.callout(
                T.tab_error, color_scheme="red", icon="shield_alert", data_testid="tab-error"
            ),
        ),
        search_dialog(),
        width="100%",
        min_width="0",
    )
