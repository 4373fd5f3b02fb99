"""Lead page state (P1-P4, P10-P12, G2, G3): header, contact box, pipeline, tags, actions.

The lead is loaded only through services (access.get_lead): an agent opening another
agent's lead by URL gets "That lead does not exist or is not yours." and nothing else.

Each tab is a substate of LeadState (package `state/lead_tabs/`, one module per tab, the
shared plumbing in `state/lead_tab.py`): it inherits `lead_id`, `tab` and `tab_error`, and
loads when opened. LeadState finds its tabs by their `TAB` key among its substates, so this
module imports none of them. Every action is one event: it changes what it changes, reloads
the open tab in the same event and assigns only values that differ, so the reply carries
what changed and nothing of the other tabs.
"""

from __future__ import annotations

from typing import Any, cast

import reflex as rx

from leadapp.models.enums import LEAD_STATUSES, PRIORITIES, STAGES
from leadapp.services import lead_page as svc
from leadapp.services import pool
from leadapp.services.errors import NotSignedIn, ServiceError, ValidationFailed
from leadapp.services.lead_page.types import (
    AgentChoice,
    ContactInfo,
    LeadHeader,
    RatingReason,
    TabCounts,
)

from .args import id_arg
from .base import AuthState
from .lead_tabbar import LeadTabBar
from .url import route_args

DIALOGS = ("message", "password", "reject", "edit")
# The tabs in the order shown; each key is the TAB of one substate in state/lead_tabs/.
TABS = (
    "activity",
    "site",
    "subscriptions",
    "organizer",
    "updates",
    "history",
    "messages",
    "listings",
    "tools",
)


class LeadState(LeadTabBar, AuthState):
    """The lead page; the tab bar's vars and loading come from LeadTabBar."""

    lead_id: rx.Field[int] = rx.field(0)
    # The contact fields, or {} when no lead is shown (signed out, refused, loading).
    lead: ContactInfo = {}
    error: str = ""
    tags: list[str] = []
    all_tags: list[str] = []
    agents: list[AgentChoice] = []
    quick_events: list[str] = []
    stars: rx.Field[int] = rx.field(0)
    rating_summary: str = ""
    rating_reasons: list[RatingReason] = []
    can_change: rx.Field[bool] = rx.field(False)
    can_claim: bool = False
    can_reject: bool = False
    counts: TabCounts = {}
    # Edit info (P1, P13): the form keeps what was typed when a save fails.
    form: dict[str, str] = {}
    form_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    form_key: rx.Field[int] = rx.field(0)
    dialog: str = ""
    msg_errors: dict[str, str] = {}
    msg_draft: dict[str, str] = {}
    temp_password: str = ""
    undo_id: int = 0
    undo_label: str = ""

    # ------------------------------------------------------------ loading

    def _assign(self, **values: Any) -> None:
        """Set only the vars whose value changes, so the reply leaves the others out."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _apply(self, data: LeadHeader) -> None:
        rating = data["rating"]
        self._assign(
            lead=data["lead"],
            tags=data["tags"],
            all_tags=data["all_tags"],
            agents=data["agents"],
            quick_events=data["quick_events"],
            stars=rating["stars"],
            rating_summary=rating["summary"],
            rating_reasons=rating["reasons"],
            can_change=data["can_change"],
            can_claim=data["can_claim"],
            can_reject=data["can_reject"],
            counts=data["counts"],
        )

    def _clear(self) -> None:
        self.lead = {}
        self.tags, self.all_tags, self.agents, self.quick_events = [], [], [], []
        self.stars, self.rating_summary, self.rating_reasons = 0, "", []
        self.can_change = self.can_claim = self.can_reject = False
        self.counts = {}
        self.form, self.form_errors, self.dialog, self.msg_errors, self.msg_draft = (
            {},
            {},
            "",
            {},
            {},
        )
        self.temp_password = ""
        self.undo_id, self.undo_label = 0, ""

    async def _refresh(self):
        """Reload the header after an action; on failure the page says why."""
        try:
            self._apply(await self._with_user(svc.lead_header, self.lead_id))
        except ServiceError as exc:
            self._clear()
            self.error = str(exc)
            return self._fail(exc)

    @rx.event
    async def load(self):
        """on_load: this lead's header, and its Activity tab open (one event)."""
        self._clear()
        self.error = ""
        self.lead_id = id_arg(route_args(self.router).get("lead_id", ""))
        for name in self._filled_tabs:  # the previous lead's rows go
            (await self._tab_state(name)).reset()
        self._fresh_tabs, self._filled_tabs = [], []
        self.tab, self.tab_error = "activity", ""
        try:
            self._apply(await self._with_user(svc.lead_header, self.lead_id))
        except NotSignedIn:
            self._forget_user()  # require_login (the first on_load event) has sent them to sign in
            return
        except ServiceError as exc:
            self.error = str(exc)  # a refused lead is explained once, by the page
            return
        return await self._load_tab("activity")

    @rx.event
    async def load_quiet(self):
        """Reload the header (counts, subscriptions) and the open tab."""
        if self.lead_id and self.lead:
            failed = await self._refresh()
            return failed if failed is not None else await self._tabs_changed()

    # ------------------------------------------------------------ the tab bar

    @rx.event
    async def set_tab(self, tab: str):
        tab = str(tab)[:20]
        if tab in TABS and self.lead_id and self.lead:
            return await self._open_tab(tab)

    async def _act(self, fn, *args, ok: str = "", refresh: bool = True, tabs: bool = True):
        """Run one action; a refusal leaves the page as it was and says why."""
        try:
            result = await self._with_user(fn, self.lead_id, *args)
        except ServiceError as exc:
            return False, [self._fail(exc)]
        events = []
        if refresh:
            failed = await self._refresh()
            if failed is not None:
                return False, [failed]
        if tabs:
            failed = await self._tabs_changed()
            if failed is not None:
                events.append(failed)
        if ok:
            events.append(rx.toast.success(ok))
        return result, events

    # ------------------------------------------------------------ contact box (P1, P13)

    @rx.event
    def start_edit(self):
        if not self.can_change:
            return rx.toast.error("Claim this lead before changing it.")
        lead = cast(dict[str, Any], self.lead)
        self.form = {k: str(lead.get(k, "") or "") for k in svc.CONTACT_FORM_FIELDS}
        self.form["extra_emails"] = str(lead.get("extra_emails", ""))
        self.form["extra_phones"] = str(lead.get("extra_phones", ""))
        self.form_errors = {}
        self.form_key += 1
        self.dialog = "edit"

    @rx.event
    async def save_contact(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Nothing to save.")
        keep = {
            k: str(form.get(k, ""))[:2000]
            for k in (*svc.CONTACT_FORM_FIELDS, "extra_emails", "extra_phones")
            if k in form
        }
        try:
            await self._with_user(svc.save_contact, self.lead_id, keep)
        except ValidationFailed as exc:
            self.form = {**self.form, **keep}  # what was typed stays in the form
            self.form_errors = exc.errors
            return rx.toast.error("Not saved: " + "; ".join(exc.errors.values()))
        except ServiceError as exc:
            self.form = {**self.form, **keep}
            self.form_errors = {"form": str(exc)}
            return self._fail(exc)
        self.form_errors = {}
        self.dialog = ""
        failed = await self._refresh()
        if failed is None:
            failed = await self._tabs_changed()
        return failed if failed is not None else rx.toast.success("Contact information saved.")

    # ------------------------------------------------------------ pipeline, status, priority, tags

    async def _set_code(self, fn, code: str, field: str, labels: dict[str, str]):
        """fn sets one of the lead's coded fields to `code`; the toast names the new value."""
        code = str(code)[:40]
        _, events = await self._act(fn, code, ok=f"{field}: {labels.get(code, code)}.")
        return events

    @rx.event
    async def set_stage(self, code: str):
        return await self._set_code(svc.set_stage, code, "Stage", STAGES)

    @rx.event
    async def set_status(self, code: str):
        return await self._set_code(svc.set_status, code, "Status", LEAD_STATUSES)

    @rx.event
    async def reactivate(self):
        _, events = await self._act(svc.reactivate, ok="Lead reactivated.")
        return events

    @rx.event
    async def set_priority(self, code: str):
        return await self._set_code(svc.set_priority, code, "Priority", PRIORITIES)

    @rx.event
    async def add_tag(self, form: dict):
        name = str((form or {}).get("tag", "") if isinstance(form, dict) else form)[:200]
        _, events = await self._act(svc.add_tag, name, ok="Tag added.")
        return events

    @rx.event
    async def remove_tag(self, name: str):
        _, events = await self._act(svc.remove_tag, str(name)[:200], ok="Tag removed.")
        return events

    @rx.event
    async def assign(self, agent_id: str):
        """G2: brokers only; the service refuses a forged call from an agent."""
        raw = str(agent_id)[:20]
        _, events = await self._act(
            svc.assign, None if raw in ("", "none") else raw, ok="Assigned agent changed."
        )
        return events

    @rx.event
    async def claim(self):
        _, events = await self._act(pool.claim, ok="The lead is yours.")
        return events

    @rx.event
    async def reject(self):
        ok, events = await self._act(
            pool.reject, ok="Lead rejected and returned to the pool.", refresh=False, tabs=False
        )
        self.dialog = ""
        if ok is False:
            return events
        return [rx.redirect("/leads"), *events]

    # ------------------------------------------------------------ quick events (P10)

    @rx.event
    async def quick_event(self, label: str):
        result, events = await self._act(svc.quick_event, str(label)[:40], refresh=False)
        if result is False:
            return events
        self.undo_id, self.undo_label = result["id"], result["title"]
        self.counts = {**self.counts, "history": self.counts.get("history", 0) + 1}
        # The undo toast (P10): its button undoes this entry; it closes by itself after ten seconds.
        return [
            *events,
            rx.toast.success(
                f"{result['title']} recorded",
                description="Add details in History.",
                duration=10_000,
                close_button=True,
                action={"label": "Undo", "on_click": LeadState.undo_quick_event},
            ),
        ]

    @rx.event
    async def undo_quick_event(self):
        if not self.undo_id:
            return rx.toast.error("Nothing to undo.")
        ok, events = await self._act(
            svc.undo_quick_event, self.undo_id, ok=f"{self.undo_label} undone."
        )
        if ok is not False:
            self.undo_id, self.undo_label = 0, ""
        return events

    # ------------------------------------------------------ dialogs: message (P11), password (P12)

    @rx.event
    def open_dialog(self, name: str):
        name = str(name)[:20]
        if name not in DIALOGS:
            return
        if name == "edit":
            return LeadState.start_edit
        if not self.can_change:
            return rx.toast.error("Claim this lead before changing it.")
        self.dialog = name
        self.msg_errors = {}
        self.temp_password = ""

    @rx.event
    def close_dialog(self):
        self.dialog = ""
        self.temp_password = ""  # the temporary password is shown once

    @rx.event
    async def send_message(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Nothing to send.")
        title, body = str(form.get("title", ""))[:400], str(form.get("body", ""))[:25000]
        try:
            await self._with_user(svc.send_message, self.lead_id, title, body)
        except ValidationFailed as exc:
            self.msg_errors = exc.errors
            self.msg_draft = {"title": title, "body": body}
            return rx.toast.error("Not sent: " + "; ".join(exc.errors.values()))
        except ServiceError as exc:
            return self._fail(exc)
        self.msg_errors, self.msg_draft, self.dialog = {}, {}, ""
        self.counts = {
            **self.counts,
            "messages": self.counts.get("messages", 0) + 1,
            "history": self.counts.get("history", 0) + 1,
        }
        failed = await self._tabs_changed()
        return failed if failed is not None else rx.toast.success("Message sent.")

    @rx.event
    async def reset_password(self):
        try:
            password = await self._with_user(svc.reset_password, self.lead_id)
        except ServiceError as exc:
            return self._fail(exc)
        self.temp_password = password
        self.dialog = "password"
        self.lead = {**self.lead, "has_password": True}
