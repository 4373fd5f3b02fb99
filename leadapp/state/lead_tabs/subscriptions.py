"""The Subscriptions tab (P6): market reports, campaigns and email alerts of the lead."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from leadapp.models.enums import MARKET_REPORT_TYPES
from leadapp.services import lead_subscriptions as subs
from leadapp.services.lead_page.types import AlertRow, CampaignSubRow, Choice, MarketSubRow

from ..args import id_arg
from ..lead import LeadState
from ..lead_tab import LeadTab
from .organizer import OrganizerTab


class SubscriptionsTab(LeadTab, LeadState):
    TAB: ClassVar[str] = "subscriptions"
    markets: list[MarketSubRow] = []
    campaigns: list[CampaignSubRow] = []
    alerts: list[AlertRow] = []
    market_choices: list[Choice] = []
    campaign_choices: list[Choice] = []
    # C5: bounced / unsubscribed, with dates
    email_status: rx.Field[list[str]] = rx.field(default_factory=list)
    sub_dialog: str = ""  # "market" | "campaign" | "" (closed)
    confirm_kind: str = ""
    confirm_id: int = 0
    confirm_text: str = ""

    async def _load(self) -> None:
        await self._load_keys(
            subs.subscriptions,
            "markets",
            "campaigns",
            "alerts",
            "market_choices",
            "campaign_choices",
            "email_status",
        )

    @rx.event
    def open_sub_dialog(self, name: str):
        name = str(name)[:20]
        self.sub_dialog = name if name in ("market", "campaign") else ""

    @rx.event
    def close_sub_dialog(self):
        self.sub_dialog = ""

    async def _subscribe(self, ok: str, fn, *args):
        """A subscription from the dialog, which closes unless it was refused."""
        done, events = await self._action(fn, *args, ok=ok, header=True)
        if done is not False:
            self.sub_dialog = ""
        return events

    @rx.event
    async def add_market(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Pick a market.")
        types = [
            t for t in MARKET_REPORT_TYPES if form.get(f"type_{t}") in (True, "on", "true", "1")
        ]
        return await self._subscribe(
            "Market subscription added.",
            subs.subscribe_market,
            str(form.get("market_id", ""))[:20],
            types,
        )

    @rx.event
    async def add_campaign(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Pick a campaign.")
        return await self._subscribe(
            "Subscribed to the campaign.",
            subs.subscribe_campaign,
            str(form.get("campaign_id", ""))[:20],
        )

    @rx.event
    def ask_deactivate(self, kind: str, sub_id: int):
        kind = str(kind)[:10]
        sub_id = id_arg(sub_id)
        rows = {"market": self.markets, "campaign": self.campaigns}.get(kind)
        row = next((r for r in rows or [] if r["id"] == sub_id), None)
        if row is None:
            return
        self.confirm_kind, self.confirm_id = kind, sub_id
        self.confirm_text = (
            f"Deactivate the {row['type']} for {row['market']}?"
            if kind == "market"
            else f"Deactivate the campaign {row['campaign']}?"
        )

    @rx.event
    def cancel_confirm(self):
        self.confirm_kind, self.confirm_id, self.confirm_text = "", 0, ""

    @rx.event
    async def confirm_deactivate(self):
        fn = {"market": subs.deactivate_market, "campaign": subs.deactivate_campaign}.get(
            self.confirm_kind
        )
        if fn is None:
            return
        sub_id = self.confirm_id
        self.confirm_kind, self.confirm_id, self.confirm_text = "", 0, ""
        _, events = await self._action(fn, sub_id, ok="Subscription deactivated.", header=True)
        return events

    @rx.event
    async def manage_alerts(self):
        """'Manage email alerts / saved searches': to the organizer's saved searches."""
        organizer = await self.get_state(OrganizerTab)
        organizer._assign(org_view="searches")
        return await (await self._lead())._open_tab("organizer")
