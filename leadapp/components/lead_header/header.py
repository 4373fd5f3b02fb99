"""The lead page's header: name, rating, status, agent, tags, quick contact,
quick events and the pipeline row (P1-P4, P10, G2, G3)."""

from __future__ import annotations

import reflex as rx

from leadapp.components.blocks import accent_match
from leadapp.components.display import icon_link
from leadapp.components.ui import (
    card_stack,
    column,
    icon_action,
    icon_text_button,
    inline,
    muted,
    small_button,
)
from leadapp.models.enums import STAGES
from leadapp.state.base import AuthState
from leadapp.state.lead import LeadState

from .common import L

STAGE_CHOICES = [{"code": k, "label": v} for k, v in STAGES.items()]


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


def _status_badge() -> rx.Component:
    return rx.badge(
        L("status_text"),
        color_scheme=accent_match(
            L("status"),
            {"new": "blue", "active": "green", "inactive": "orange", "deleted": "red"},
        ),
        variant="soft",
        size="2",
        data_testid="lead-status",
    )


def _tags() -> rx.Component:
    return inline(
        rx.foreach(
            LeadState.tags,
            lambda t: rx.badge(
                inline(
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
                    icon_action("plus", "Add tag", testid="tag-add", type="submit"),
                    spacing="1",
                ),
                on_submit=LeadState.add_tag,
                reset_on_submit=True,
            ),
        ),
        wrap="wrap",
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            LeadState.can_claim,
            icon_text_button(
                "hand",
                "Claim lead",
                LeadState.claim,
                testid="claim-lead",
                icon_size=16,
                color_scheme="green",
            ),
        ),
        rx.cond(
            LeadState.can_change,
            rx.fragment(
                icon_text_button(
                    "pencil",
                    "Edit info",
                    LeadState.start_edit,
                    testid="edit-info",
                    icon_size=16,
                    variant="soft",
                ),
                icon_text_button(
                    "mail-plus",
                    "New message",
                    LeadState.open_dialog("message"),
                    testid="new-message",
                    icon_size=16,
                    variant="soft",
                ),
                icon_text_button(
                    "key-round",
                    "Reset password",
                    LeadState.reset_password,
                    testid="reset-password",
                    icon_size=16,
                    variant="soft",
                    color_scheme="gray",
                ),
            ),
        ),
        rx.cond(
            LeadState.can_reject,
            icon_text_button(
                "undo-2",
                "Reject",
                LeadState.open_dialog("reject"),
                testid="reject-lead",
                icon_size=16,
                variant="soft",
                color_scheme="red",
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
        inline(
            muted("Agent"),
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
        ),
        inline(
            muted("Agent"),
            rx.text(L("agent_name"), size="2", weight="medium", data_testid="lead-agent"),
            rx.cond(  # N2
                L("speed") != "",
                muted(L("speed"), size="1", data_testid="speed-to-lead"),
            ),
            wrap="wrap",
        ),
    )


def header() -> rx.Component:
    return card_stack(
        rx.flex(
            rx.vstack(
                inline(
                    rx.heading(L("name"), size="7", data_testid="lead-name"),
                    stars(),
                    _status_badge(),
                    rx.cond(
                        L("inactive") & LeadState.can_change,
                        small_button(
                            "Reactivate",
                            LeadState.reactivate,
                            testid="reactivate",
                            color_scheme="green",
                        ),
                    ),
                    wrap="wrap",
                    spacing="3",
                ),
                muted(LeadState.rating_summary, size="1", data_testid="rating-reason"),
                inline(
                    icon_link("mail", L("email"), "mailto:" + L("email"), data_testid="mailto"),
                    rx.cond(
                        L("phone") != "",
                        icon_link("phone", L("phone"), "tel:" + L("phone"), data_testid="tel"),
                    ),
                    _assign(),
                    wrap="wrap",
                    spacing="4",
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

    return column(
        muted("Pipeline stage", size="1", weight="medium"),
        rx.flex(
            rx.foreach(STAGE_CHOICES, stage),
            wrap="wrap",
            gap="1px",
            width="100%",
            border_radius="8px",
            overflow="hidden",
            data_testid="pipeline",
        ),
        spacing="1",
    )
