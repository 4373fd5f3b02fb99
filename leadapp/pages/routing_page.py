"""Settings → Lead routing (G5, N1, N2): brokers' rules, groups, availability and alerts;
everyone's own availability and e-mail choices per kind of notification."""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import field_error, field_stack, labelled, table_header
from leadapp.components.sections import switch_row
from leadapp.components.shell import add_signed_in_page, page_shell
from leadapp.components.ui import (
    card_stack,
    column,
    delete_action,
    icon_action,
    muted,
    section_card,
    soft_button,
    stack_form,
)
from leadapp.services.routing import FALLBACKS, TARGETS
from leadapp.state.base import AuthState
from leadapp.state.routing import RoutingState


def _err(key: str) -> rx.Component:
    return field_error(RoutingState.errors, key, f"err-{key}")


def _field(label: str, control: rx.Component, key: str) -> rx.Component:
    return labelled(
        label, control, RoutingState.errors, key, error_testid=f"err-{key}", label_size="1"
    )


def _input(name: str, label: str, placeholder: str = "") -> rx.Component:
    control = rx.input(name=name, placeholder=placeholder, width="100%", data_testid=f"rule-{name}")
    return _field(label, control, name)


def _people(name: str, items, label: str) -> rx.Component:
    control = rx.el.select(
        rx.el.option("—", value=""),
        rx.foreach(items, lambda a: rx.el.option(a["name"], value=a["id"].to(str))),
        name=name,
        data_testid=f"rule-{name}",
        style={"padding": "6px", "width": "100%"},
    )
    return _field(label, control, name)


def _rule_row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["position"]),
        rx.table.cell(rx.text(r["name"], weight="medium")),
        rx.table.cell(r["matches"]),
        rx.table.cell(r["target"]),
        rx.table.cell(r["fallback"]),
        rx.table.cell(
            rx.hstack(
                icon_action("arrow-up", "Up", RoutingState.move_rule(r["id"], -1)),
                icon_action("arrow-down", "Down", RoutingState.move_rule(r["id"], 1)),
                delete_action("Delete", RoutingState.delete_rule(r["id"])),
                spacing="1",
            )
        ),
        data_testid="rule-row",
    )


def _rules() -> rx.Component:
    return section_card(
        "Rules",
        "Tried from the top; the first whose every filled criterion matches decides. "
        "No match: website sign-ups go to the default agent (Settings), "
        "other leads to the pool.",
        rx.table.root(
            table_header("#", "Rule", "Matches", "Goes to", "Fallback", ""),
            rx.table.body(rx.foreach(RoutingState.rules, _rule_row)),
            width="100%",
            data_testid="rules-table",
        ),
        stack_form(
            RoutingState.save_rule,
            rx.heading("Add a rule", size="3"),
            rx.grid(
                _input("name", "Name", "Zillow buyers"),
                _input("sources", "Sources (comma-separated)", "Zillow, Realtor.com"),
                _input("lead_types", "Lead types", "buyer, seller"),
                _input("cities", "Cities", "Oakland, Berkeley"),
                _input("postal_codes", "Postal codes (prefixes)", "946, 94110"),
                _input("tags", "Tags", "VIP"),
                _input("price_min", "Lowest price", "500000"),
                _input("price_max", "Highest price", "1500000"),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.grid(
                field_stack(
                    "Goes to",
                    rx.select.root(
                        rx.select.trigger(data_testid="rule-target"),
                        rx.select.content(
                            *[rx.select.item(v, value=k) for k, v in TARGETS.items()]
                        ),
                        value=RoutingState.target,
                        on_change=RoutingState.set_target,
                    ),
                    _err("target"),
                    label_size="1",
                ),
                _people("agent_id", RoutingState.agents, "Agent (one agent)"),
                _people("group_id", RoutingState.groups, "Group"),
                _input("claim_minutes", "Minutes to claim", "10"),
                field_stack(
                    "Fallback",
                    rx.select.root(
                        rx.select.trigger(data_testid="rule-fallback"),
                        rx.select.content(
                            *[rx.select.item(v, value=k or "default") for k, v in FALLBACKS.items()]
                        ),
                        value=rx.cond(
                            RoutingState.fallback == "", "default", RoutingState.fallback
                        ),
                        on_change=RoutingState.set_fallback,
                    ),
                    _err("fallback"),
                    label_size="1",
                ),
                _people("fallback_agent_id", RoutingState.agents, "Fallback agent"),
                _people("fallback_group_id", RoutingState.groups, "Fallback group"),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.button("Add rule", type="submit", data_testid="rule-save"),
            reset_on_submit=False,
            width="100%",
        ),
    )


def _groups() -> rx.Component:
    return card_stack(
        rx.heading("Groups", size="4"),
        rx.foreach(
            RoutingState.groups,
            lambda g: rx.hstack(
                rx.text(g["name"], weight="medium"),
                muted(g["members"]),
                rx.spacer(),
                delete_action("Delete group", RoutingState.delete_group(g["id"])),
                width="100%",
                data_testid="group-row",
            ),
        ),
        rx.form(
            rx.vstack(
                rx.heading("Add a group", size="3"),
                rx.input(name="name", placeholder="Team A", data_testid="group-name"),
                _err("name"),
                rx.foreach(
                    RoutingState.agents,
                    lambda a: rx.cond(
                        a["active"],
                        rx.hstack(
                            rx.checkbox(
                                name="member_" + a["id"].to(str), data_testid="group-member"
                            ),
                            rx.text(a["name"], size="2", min_width="160px"),
                            rx.input(
                                name="weight_" + a["id"].to(str),
                                placeholder="weight 1",
                                width="90px",
                                size="1",
                            ),
                            align="center",
                        ),
                    ),
                ),
                _err("members"),
                rx.button("Add group", type="submit", data_testid="group-save"),
                spacing="2",
            ),
            on_submit=RoutingState.save_group,
            reset_on_submit=True,
        ),
        spacing="3",
    )


def _availability_form(agent_id, checkbox: rx.Component, capacity, key, *head) -> rx.Component:
    """One agent's away switch and capacity, saved together."""
    return rx.form(
        rx.hstack(
            rx.input(type="hidden", name="agent_id", value=agent_id),
            *head,
            checkbox,
            rx.input(
                name="capacity",
                default_value=capacity,
                placeholder="no limit",
                width="110px",
                size="1",
                key=key,
            ),
            soft_button("Save", type="submit"),
            align="center",
        ),
        on_submit=RoutingState.save_availability,
    )


def _availability_row(a) -> rx.Component:
    return _availability_form(
        a["id"].to(str),
        rx.checkbox(
            "Away", name="away", default_checked=a["away"], key=a["id"].to(str) + a["away"].to(str)
        ),
        a["capacity"],
        a["id"].to(str) + a["capacity"].to(str),
        rx.text(a["name"], size="2", min_width="160px"),
    )


def _settings() -> rx.Component:
    return section_card(
        "Availability, idle leads and hot-lead alerts",
        "Capacity: open leads not yet contacted an agent may hold before round robin skips them.",
        rx.foreach(RoutingState.agents, lambda a: rx.cond(a["active"], _availability_row(a))),
        _err("capacity"),
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.text("Move a lead not contacted within", size="2"),
                    rx.input(
                        name="idle_hours",
                        default_value=RoutingState.idle_hours,
                        key=RoutingState.idle_hours,
                        placeholder="off",
                        width="80px",
                        size="1",
                    ),
                    rx.text("hours of assignment to its rule's fallback (once)", size="2"),
                    align="center",
                    wrap="wrap",
                ),
                _err("idle_hours"),
                rx.checkbox(
                    "Route leads returned to the pool again",
                    name="route_pool_returns",
                    default_checked=RoutingState.route_pool_returns,
                    key=RoutingState.route_pool_returns.to(str),
                ),
                rx.text("Hot-lead alerts to the lead's agent:", size="2", weight="medium"),
                rx.foreach(
                    RoutingState.alerts,
                    lambda al: rx.checkbox(
                        al["label"],
                        name="alert_" + al["kind"].to(str),
                        default_checked=al["on"],
                        key=al["kind"].to(str) + al["on"].to(str),
                    ),
                ),
                rx.button("Save settings", type="submit", size="2"),
                spacing="2",
            ),
            on_submit=RoutingState.save_settings,
        ),
        switch_row(
            "Send me every hot-lead alert of the brokerage",
            RoutingState.all_hot_leads,
            RoutingState.set_all_hot_leads,
        ),
    )


def _mine() -> rx.Component:
    return section_card(
        "My notifications",
        "The bell shows every kind; tick the ones you also want by e-mail.",
        rx.foreach(
            RoutingState.prefs,
            lambda p: rx.checkbox(
                p["label"],
                checked=p["email"],
                on_change=lambda v: RoutingState.set_pref(p["kind"], v),
                data_testid="pref-" + p["kind"].to(str),
            ),
        ),
        rx.cond(
            ~AuthState.is_broker,
            _availability_form(
                AuthState.user_id.to(str),
                rx.checkbox(
                    "I am away (no new leads)",
                    name="away",
                    default_checked=RoutingState.my_away,
                    key=RoutingState.my_away.to(str),
                ),
                RoutingState.my_capacity,
                RoutingState.my_capacity,
            ),
        ),
        spacing="2",
    )


def routing_view() -> rx.Component:
    return page_shell(
        "Lead routing",
        column(
            rx.cond(
                AuthState.is_broker,
                column(_rules(), _groups(), _settings(), spacing="4"),
            ),
            _mine(),
            spacing="4",
        ),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(app, routing_view, "/settings/routing", "Lead routing", RoutingState.load)
