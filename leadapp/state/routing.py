"""Settings → Lead routing (G5, N1): rules, groups, availability, alerts, e-mail choices."""

from __future__ import annotations

import reflex as rx

from leadapp.services import notify, routing_admin
from leadapp.services.errors import ServiceError

from .base import AuthState

TEXT_FIELDS = (
    "id",
    "name",
    "sources",
    "lead_types",
    "cities",
    "postal_codes",
    "tags",
    "price_min",
    "price_max",
    "agent_id",
    "group_id",
    "claim_minutes",
    "fallback_agent_id",
    "fallback_group_id",
)


def _clean(form) -> dict:
    if not isinstance(form, dict):
        return {}
    return {str(k)[:40]: str(v)[:500] for k, v in list(form.items())[:300] if v is not None}


def _page(session, user):
    data = routing_admin.overview(session, user) if user.role == "broker" else None
    me = routing_admin.my_availability(session, user)
    return data, notify.preferences(session, user), me


class RoutingState(AuthState):
    rules: list[dict] = []
    groups: list[dict] = []
    agents: list[dict] = []
    alerts: list[dict] = []
    idle_hours: str = ""
    route_pool_returns: rx.Field[bool] = rx.field(False)
    prefs: list[dict] = []
    my_away: rx.Field[bool] = rx.field(False)
    my_capacity: str = ""
    all_hot_leads: bool = False
    target: str = "round_robin"
    fallback: str = ""
    errors: dict[str, str] = {}

    @rx.event
    async def load(self):
        try:
            data, prefs, me = await self._with_user(_page)
        except ServiceError as exc:
            return self._fail(exc)
        if data is not None:
            self.rules, self.groups, self.agents = data["rules"], data["groups"], data["agents"]
            st = data["settings"]
            self.idle_hours, self.route_pool_returns = st["idle_hours"], st["route_pool_returns"]
            self.alerts = st["alerts"]
        self.prefs = prefs
        self.my_away, self.my_capacity, self.all_hot_leads = me
        self.errors = {}

    @rx.event
    def set_target(self, value: str):
        self.target = str(value)[:16]

    @rx.event
    def set_fallback(self, value: str):
        value = str(value)[:16]
        self.fallback = "" if value == "default" else value

    async def _do(self, fn, *args, ok: str = "Saved."):
        try:
            await self._with_user(fn, *args)
        except ServiceError as exc:
            self.errors = getattr(exc, "errors", {}) or {}
            return self._fail(exc)
        self.errors = {}
        failed = await self.load()
        return failed if failed is not None else rx.toast.success(ok)

    @rx.event
    async def save_rule(self, form: dict):
        data = {k: v for k, v in _clean(form).items() if k in TEXT_FIELDS}
        data["target"], data["fallback"] = self.target, self.fallback
        return await self._do(routing_admin.save_rule, data, ok="Rule saved.")

    @rx.event
    async def delete_rule(self, rule_id: int):
        return await self._do(routing_admin.delete_rule, str(rule_id)[:18], ok="Rule deleted.")

    @rx.event
    async def move_rule(self, rule_id: int, step: int):
        try:
            step = 1 if int(step) > 0 else -1
        except (TypeError, ValueError):
            return rx.toast.error("Up or down.")
        return await self._do(routing_admin.move_rule, str(rule_id)[:18], step, ok="Order saved.")

    @rx.event
    async def save_group(self, form: dict):
        f = _clean(form)
        members = {
            k[len("member_") :]: f.get("weight_" + k[len("member_") :]) or "1"
            for k, v in f.items()
            if k.startswith("member_") and v in ("on", "true", "True")
        }
        data = {"name": f.get("name", ""), "members": members}
        return await self._do(routing_admin.save_group, data, ok="Group saved.")

    @rx.event
    async def delete_group(self, group_id: int):
        return await self._do(routing_admin.delete_group, str(group_id)[:18], ok="Group deleted.")

    @rx.event
    async def save_availability(self, form: dict):
        f = _clean(form)
        away = f.get("away") in ("on", "true", "True")
        return await self._do(
            routing_admin.set_availability, f.get("agent_id", ""), away, f.get("capacity", "")
        )

    @rx.event
    async def save_settings(self, form: dict):
        f = _clean(form)
        on = [k[len("alert_") :] for k, v in f.items() if k.startswith("alert_") and v == "on"]
        pool_returns = f.get("route_pool_returns") == "on"
        return await self._do(
            routing_admin.save_settings, f.get("idle_hours", ""), pool_returns, on
        )

    @rx.event
    async def set_all_hot_leads(self, on: bool):
        return await self._do(routing_admin.set_all_hot_leads, bool(on))

    @rx.event
    async def set_pref(self, kind: str, email: bool):
        return await self._do(notify.set_preference, str(kind)[:40], bool(email))
