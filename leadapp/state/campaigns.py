"""Campaigns page state (C2): brokers manage, agents read (and preview for their leads)."""

from __future__ import annotations

import reflex as rx

from leadapp.services import campaign_admin as svc
from leadapp.services.errors import ServiceError

from .base import AuthState

STEP_FIELDS = ("channel", "delay_days", "subject", "body")
NEW_STEP = {"channel": "email", "delay_days": "0", "subject": "", "body": ""}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CampaignsState(AuthState):
    rows: rx.Field[list[dict]] = rx.field(default_factory=list)
    detail: rx.Field[dict] = rx.field(default_factory=dict)
    steps_view: list[dict] = []
    editing: bool = False
    edit_id: int = 0
    name: str = ""
    description: str = ""
    steps: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    lead_choices: list[dict] = []
    preview_lead: str = ""
    preview_step: str = "1"
    preview_out: rx.Field[dict[str, str]] = rx.field(default_factory=dict)

    async def _reload(self) -> None:
        """The list and, when one is open, its detail (statistics included), in this reply."""
        self.rows = await self._with_user(svc.list_campaigns)
        self.lead_choices = await self._with_user(svc.preview_leads)
        if self.detail:
            await self._open(self.detail["id"])

    async def _open(self, cid: int) -> None:
        try:
            self.detail = await self._with_user(svc.campaign_detail, cid)
        except ServiceError:
            self.detail, self.steps_view = {}, []
            raise
        self.steps_view = self.detail["steps"]

    @rx.event
    async def load(self):
        try:
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)

    @rx.event
    async def open_campaign(self, campaign_id: int):
        cid = _int(campaign_id)
        if cid is None:
            return rx.toast.error("That campaign does not exist.")
        try:
            await self._open(cid)
        except ServiceError as exc:
            return self._fail(exc)
        self.preview_out = {}

    @rx.event
    def new_campaign(self):
        self.edit_id, self.name, self.description = 0, "", ""
        self.steps, self.errors, self.editing = [dict(NEW_STEP)], {}, True

    @rx.event
    def edit_campaign(self):
        if not self.detail:
            return
        self.edit_id = self.detail["id"]
        self.name, self.description = self.detail["name"], self.detail["description"]
        self.steps = [{k: str(s[k]) for k in STEP_FIELDS} for s in self.detail["steps"]]
        self.errors, self.editing = {}, True

    @rx.event
    def cancel_edit(self):
        self.editing, self.errors = False, {}

    @rx.event
    def set_name(self, value: str):
        self.name = str(value)[:200]

    @rx.event
    def set_description(self, value: str):
        self.description = str(value)[:2000]

    @rx.event
    def set_step(self, index: int, key: str, value: str):
        i = _int(index)
        if i is None or not 0 <= i < len(self.steps) or key not in STEP_FIELDS:
            return
        steps = [dict(s) for s in self.steps]
        steps[i][key] = str(value)[:20000]
        self.steps = steps

    @rx.event
    def add_step(self):
        if len(self.steps) < svc.MAX_STEPS:
            self.steps = [*self.steps, dict(NEW_STEP)]

    @rx.event
    def remove_step(self, index: int):
        i = _int(index)
        if i is not None and 0 <= i < len(self.steps) and len(self.steps) > 1:
            self.steps = [s for j, s in enumerate(self.steps) if j != i]

    @rx.event
    async def save(self):
        form = {"name": self.name, "description": self.description, "steps": self.steps}
        try:
            c = await self._with_user(svc.save_campaign, self.edit_id or None, form)
        except ServiceError as exc:
            self.errors = dict(getattr(exc, "errors", {}) or {})
            return self._fail(exc)
        self.errors, self.editing = {}, False
        self.detail = {"id": c.id}
        try:
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)
        return rx.toast.success(f"Campaign saved (ID {c.id}).")

    @rx.event
    async def set_active(self, active: bool):
        if not self.detail:
            return
        try:
            pulled = await self._with_user(svc.set_active, self.detail["id"], bool(active))
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)
        if active:
            msg = "Campaign resumed: each lead continues with the step it is due for."
        else:
            msg = "Campaign paused: nothing more is sent." + (
                f" {pulled} queued email{'s' if pulled != 1 else ''} pulled back." if pulled else ""
            )
        return rx.toast.success(msg)

    @rx.event
    async def move(self, position: int, direction: int):
        pos, d = _int(position), _int(direction)
        if not self.detail or pos is None or d is None:
            return
        try:
            await self._with_user(svc.move_step, self.detail["id"], pos, d)
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)

    @rx.event
    def set_preview_lead(self, value: str):
        self.preview_lead = str(value)[:20]

    @rx.event
    def set_preview_step(self, value: str):
        self.preview_step = str(value)[:4]

    @rx.event
    async def preview(self):
        lead, pos = _int(self.preview_lead), _int(self.preview_step)
        if not self.detail or lead is None or pos is None:
            return rx.toast.error("Choose a lead and a step to preview.")
        try:
            self.preview_out = await self._with_user(svc.preview, self.detail["id"], lead, pos)
        except ServiceError as exc:
            return self._fail(exc)
