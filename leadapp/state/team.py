"""Settings → Team for brokers (G1, G2): add, invite, change role, deactivate, reactivate."""

from __future__ import annotations

import asyncio

import reflex as rx

from leadapp.services import accounts, team
from leadapp.services.errors import ServiceError, ValidationFailed
from leadapp.settings import smtp_settings

from .base import AuthState
from .request_info import base_url, client_address


def _id(value) -> int:
    try:
        return int(str(value)[:18])
    except (TypeError, ValueError):
        return 0


def _send_soon() -> None:
    asyncio.get_running_loop().create_task(asyncio.to_thread(accounts.deliver_now))


class TeamState(AuthState):
    members: list[dict] = []
    errors: dict[str, str] = {}
    add_open: bool = False
    # The last invitation link, shown to copy when no SMTP server is configured.
    invite_link: str = ""
    invite_for: str = ""
    deactivate_id: int = 0
    deactivate_name: str = ""
    leads_to: str = "pool"

    @rx.var
    def heirs(self) -> list[dict]:
        return [
            {"id": str(m["id"]), "name": m["name"]}
            for m in self.members
            if m["active"] and m["id"] != self.deactivate_id
        ]

    async def _reload(self):
        self.members = await self._with_user(team.members)

    @rx.event
    async def load(self):
        self.invite_link = self.invite_for = ""
        if not self.is_broker:
            self.members = []
            return
        try:
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)

    @rx.event
    def set_add_open(self, value: bool):
        self.add_open = bool(value)
        self.errors = {}

    def _link_to_show(self, name: str, url: str):
        if smtp_settings()["host"]:
            self.invite_link = self.invite_for = ""
            return rx.toast.success(f"Invitation emailed to {name}.")
        self.invite_link, self.invite_for = url, name
        return rx.toast.info("No mail server is configured: copy the invitation link.")

    @rx.event
    async def add_user(self, form: dict):
        if not isinstance(form, dict):
            return
        keys = ("name", "email", "role", "agent_code", "mls_id", "phone")
        data = {k: str(form.get(k) or "")[:400] for k in keys}
        try:
            user, url = await self._with_user(
                team.add_user, data, base_url(self), client_address(self)
            )
            await self._reload()
        except ValidationFailed as exc:
            self.errors = exc.errors
            return
        except ServiceError as exc:
            return self._fail(exc)
        self.errors, self.add_open = {}, False
        _send_soon()
        return self._link_to_show(user.name, url)

    @rx.event
    async def resend(self, user_id):
        try:
            url = await self._with_user(
                team.resend_invitation, _id(user_id), base_url(self), client_address(self)
            )
        except ServiceError as exc:
            return self._fail(exc)
        _send_soon()
        name = next((m["name"] for m in self.members if m["id"] == _id(user_id)), "")
        return self._link_to_show(name, url)

    @rx.event
    async def set_role(self, user_id, role: str):
        try:
            await self._with_user(
                team.change_role, _id(user_id), str(role)[:16], client_address(self)
            )
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)
        return rx.toast.success("Role changed.")

    @rx.event
    def start_deactivate(self, user_id):
        member = next((m for m in self.members if m["id"] == _id(user_id)), None)
        if member is None:
            return rx.toast.error("That user does not exist.")
        self.deactivate_id, self.deactivate_name, self.leads_to = (
            member["id"],
            member["name"],
            "pool",
        )

    @rx.event
    def cancel_deactivate(self):
        self.deactivate_id, self.deactivate_name = 0, ""

    @rx.event
    def set_leads_to(self, value: str):
        self.leads_to = str(value)[:20]

    @rx.event
    async def confirm_deactivate(self):
        try:
            moved = await self._with_user(
                team.deactivate, self.deactivate_id, self.leads_to, client_address(self)
            )
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)
        name, self.deactivate_id, self.deactivate_name = self.deactivate_name, 0, ""
        return rx.toast.success(f"{name} is deactivated; {moved} leads moved.")

    @rx.event
    async def reactivate(self, user_id):
        try:
            await self._with_user(team.reactivate, _id(user_id), client_address(self))
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)
        return rx.toast.success("User reactivated.")
