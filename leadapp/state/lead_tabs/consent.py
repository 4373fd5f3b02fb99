"""The texting-consent editor (TCPA) opened from the contact box.

Shows the consent state with every change (who, when, how) and records the next one: give
consent when it is not given, withdraw it when it is, always with how. Not a tab: TAB is
empty. Recording reloads the header (the contact box's line) and the open tab (History)
in the same reply.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from leadapp.services import texting_consent as svc
from leadapp.services.errors import ServiceError, ValidationFailed
from leadapp.services.texting_consent import ConsentView

from ..lead import LeadState
from ..lead_tab import LeadTab


class ConsentEditor(LeadTab, LeadState):
    TAB: ClassVar[str] = ""
    consent_open: bool = False
    consent: ConsentView = {}
    consent_errors: dict[str, str] = {}
    consent_key: str = "0"  # a new key remounts the form empty

    async def _load(self) -> None:
        data = await self._get(svc.view)
        if data is not None:
            self._assign(consent=data)

    @rx.event
    async def open_consent(self):
        if not self.lead_id:
            return
        try:
            data = await self._with_user(svc.view, self.lead_id)
        except ServiceError as exc:
            return self._fail(exc)
        self._assign(consent=data, consent_errors={}, consent_open=True)
        self.consent_key = str(int(self.consent_key or 0) + 1)

    @rx.event
    def close_consent(self):
        self._assign(consent_open=False, consent_errors={})

    @rx.event
    async def record_consent(self, form: dict):
        """form: {"action": "give" | "withdraw", "method": code, "note": text}."""
        if not isinstance(form, dict) or not self.lead_id:
            return rx.toast.error("Nothing to record.")
        action = str(form.get("action", ""))[:10]
        if action not in ("give", "withdraw"):
            return rx.toast.error("Choose whether consent is given or withdrawn.")
        method = str(form.get("method", ""))[:20]
        note = str(form.get("note", ""))[:500]
        try:
            await self._with_user(svc.set_consent, self.lead_id, action == "give", method, note)
        except ValidationFailed as exc:
            self._assign(consent_errors=dict(exc.errors))
            return rx.toast.error("Not recorded: " + "; ".join(exc.errors.values()))
        except ServiceError as exc:
            return self._fail(exc)
        try:
            self._assign(consent=await self._with_user(svc.view, self.lead_id))
        except ServiceError as exc:
            return self._fail(exc)
        self._assign(consent_open=False, consent_errors={})
        return await self._changed(
            "Texting consent given." if action == "give" else "Texting consent withdrawn.",
            header=True,
        )
