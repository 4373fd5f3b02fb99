"""The lead list's "Add lead" dialog (L8), a mixin of LeadListState.

The form's fields are `lead_query.ADD_FIELDS`; the service validates them (a refused form
stays as typed, with the errors beside the fields) and a saved lead opens on its page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from leadapp.services import lead_query as svc
from leadapp.services.errors import ServiceError, ValidationFailed

from .base import AuthState

# A mixin is no substate of its own; for the type checker it is the AuthState it mixes into.
_Base = AuthState if TYPE_CHECKING else rx.State


class LeadAdd(_Base, mixin=True):
    add_open: bool = False
    add_form: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    add_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    add_key: rx.Field[int] = rx.field(0)

    @rx.event
    def open_add(self):
        self.add_form, self.add_errors = {}, {}
        self.add_key += 1
        self.add_open = True

    @rx.event
    def close_add(self):
        self.add_open = False
        self.add_errors = {}

    @rx.event
    async def save_add(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Nothing to save.")
        keep = {k: str(form.get(k) or "")[:2000] for k in svc.ADD_FIELDS if k in form}
        try:
            lead_id = await self._with_user(svc.add_lead, keep)
        except ValidationFailed as exc:
            self.add_form = keep  # what was typed stays
            self.add_errors = exc.errors
            self.add_key += 1
            return
        except ServiceError as exc:
            return self._fail(exc)
        self.add_open = False
        self.add_form, self.add_errors = {}, {}
        return [rx.redirect(f"/leads/{lead_id}"), rx.toast.success("Lead added.")]
