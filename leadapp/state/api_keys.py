"""Settings → API keys (W1): brokers create, list and revoke the website's keys."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from leadapp.services import apikeys
from leadapp.services.errors import ServiceError

from .base import AuthState


def _fmt(ts) -> str:
    return ts.strftime("%b %d, %Y %H:%M UTC") if ts else "—"


class KeyRow(TypedDict):
    """One API key as the settings page lists it (times already formatted)."""

    id: str
    name: str
    prefix: str
    created_by: str
    created_at: str
    last_used_at: str
    revoked_at: str
    active: bool


def _rows(session, user) -> list[KeyRow]:
    return [
        {
            "id": str(k["id"]),
            "name": k["name"],
            "prefix": k["prefix"],
            "created_by": k["created_by"],
            "created_at": _fmt(k["created_at"]),
            "last_used_at": _fmt(k["last_used_at"]),
            "revoked_at": _fmt(k["revoked_at"]),
            "active": k["active"],
        }
        for k in apikeys.list_keys(session, user)
    ]


def _create(session, user, name):
    _, full = apikeys.create_key(session, user, name)
    return full, _rows(session, user)


def _revoke(session, user, key_id):
    apikeys.revoke_key(session, user, key_id)
    return _rows(session, user)


class ApiKeysState(AuthState):
    keys: list[KeyRow] = []
    # The full key, shown once right after it is created; cleared when dismissed or reloaded.
    new_key: str = ""
    name_error: str = ""

    @rx.event
    async def load_keys(self):
        self.new_key = ""
        if self.user_role != "broker":
            self.keys = []
            return
        try:
            self.keys = await self._with_user(_rows)
        except ServiceError as exc:
            self.keys = []
            return self._fail(exc)

    @rx.event
    async def create_key(self, form: dict):
        name = str((form or {}).get("name", "") if isinstance(form, dict) else "")[:200]
        try:
            self.new_key, self.keys = await self._with_user(_create, name)
        except ServiceError as exc:
            self.name_error = getattr(exc, "errors", {}).get("name", "")
            return self._fail(exc)
        self.name_error = ""
        return rx.toast.success("API key created. Copy it now: it will not be shown again.")

    @rx.event
    async def revoke_key(self, key_id: str):
        try:
            self.keys = await self._with_user(_revoke, str(key_id)[:20])
        except ServiceError as exc:
            return self._fail(exc)
        return rx.toast.success("API key revoked; requests with it are refused from now on.")

    @rx.event
    def dismiss_new_key(self):
        self.new_key = ""
