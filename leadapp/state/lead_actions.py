"""Actions on the lead list (L6, L7, L9, I5, G3): the bulk bar, the row menu, Export CSV.

Which leads a bulk change applies to is read from LeadListState on the server (the ticked
ids of the page on screen, or "all N matching" with the list's current filter), never from
the client; the services then keep only the leads the user may change. Each change is one
transaction; the toast gives the count; the list is read again in the same reply.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, STAGES
from leadapp.services import export, lead_bulk, pool

from .args import id_arg
from .base import AuthState
from .leads import LeadListState

# The value each bulk action takes, and the toast that names what happened.
VALUE_CHOICES = {
    "stage": STAGES,
    "type": LEAD_TYPES,
    "status": {k: v for k, v in LEAD_STATUSES.items() if k != "deleted"},
}
DONE = {
    "add_tags": "tagged",
    "remove_tags": "untagged",
    "stage": "moved to {v}",
    "type": "set to {v}",
    "status": "set to {v}",
    "assign": "assigned to {v}",
    "campaign": "subscribed to {v}",
    "market": "subscribed to {v}",
    "delete": "deleted",
    "reactivate": "reactivated",
}


def _leads(n: int) -> str:
    return f"{n:,} lead" + ("" if n == 1 else "s")


class LeadActionsState(AuthState):
    # The confirmation on screen: "" | "bulk_delete" | "row_delete" | "reject"
    confirm: str = ""
    confirm_count: rx.Field[int] = rx.field(0)
    row_id: int = 0
    row_name: str = ""
    # The tag dialog: "" | "add_tags" | "remove_tags"
    tag_mode: str = ""
    tag_text: str = ""
    tag_error: str = ""
    campaigns: list[dict[str, str]] = []
    markets: list[dict[str, str]] = []
    busy: bool = False

    @rx.var
    def stage_choices(self) -> list[list[str]]:
        return [[k, v] for k, v in STAGES.items()]

    @rx.var
    def type_choices(self) -> list[list[str]]:
        return [[k, v] for k, v in LEAD_TYPES.items()]

    @rx.var
    def status_choices(self) -> list[list[str]]:
        return [[k, v] for k, v in VALUE_CHOICES["status"].items()]

    # ------------------------------------------------------------ helpers

    async def _list(self) -> LeadListState:
        return await self.get_state(LeadListState)

    async def _refresh_list(self) -> list:
        """The list on screen read again, in this same reply (no second round trip)."""
        return await (await self._list())._refresh()

    async def _target(self, lst: LeadListState):
        """The selection as the services take it: the filter for "all matching", else the ids."""
        if lst.all_matching:
            return dict(lst.filters)
        return [int(i) for i in lst.selected][: lead_bulk.MAX_IDS]

    def _label(self, action: str, value: str, lst: LeadListState) -> str:
        if action in VALUE_CHOICES:
            return VALUE_CHOICES[action].get(value, value)
        if action == "assign":
            if value in ("", "none"):
                return "the unassigned pool"
            return next((a["name"] for a in lst.agents if a["id"] == value), "the agent")
        if action == "campaign":
            return next((c["name"] for c in self.campaigns if c["id"] == value), "the campaign")
        if action == "market":
            return next((m["name"] for m in self.markets if m["id"] == value), "the market")
        return value

    async def _run(self, fn, *args):
        """Run a service call; (result, None) or (None, events for the failure)."""
        try:
            return await self._with_user(fn, *args), None
        except Exception as exc:
            # _fail tells a refusal, an ended session and an unexpected error apart (it logs
            # the last; the transaction rolled back)
            return None, self._fail(exc)

    async def _bulk(self, action: str, value: str = ""):
        lst = await self._list()
        target = await self._target(lst)
        # "All N matching" with no filter set is the whole list: an empty filter, not nothing.
        if not lst.all_matching and not target:
            return rx.toast.error("Select some leads first.")
        self.busy = True
        n, failed = await self._run(lead_bulk.apply, target, action, value)
        self.busy = False
        if failed is not None or n is None:
            return failed
        lst.selected, lst.all_matching = [], False
        what = DONE[action].format(v=self._label(action, value, lst))
        if n == 0:
            message = rx.toast.info(
                "No lead changed: the selected leads already were that way, "
                "or are not yours to change."
            )
        else:
            message = rx.toast.success(f"{_leads(n)} {what}.")
        return [message, *(await lst._refresh())]

    # ------------------------------------------------------------ the bulk bar (L6, L7, L9)

    @rx.event
    async def load_choices(self):
        """The campaigns and markets the Subscribe menu offers."""
        result, failed = await self._run(lead_bulk.choices)
        if failed is not None or result is None:
            return failed
        self.campaigns, self.markets = result["campaigns"], result["markets"]

    @rx.event
    async def bulk(self, action: str, value: str = ""):
        """One bulk change to the selected leads: stage, type, status, assign, campaign, market,
        reactivate (delete and tags go through their dialogs)."""
        action, value = str(action or "")[:20], str(value or "")[:40]
        if action not in ("stage", "type", "status", "assign", "campaign", "market", "reactivate"):
            return rx.toast.error("That is not a bulk action.")
        if action in VALUE_CHOICES and value not in VALUE_CHOICES[action]:
            return rx.toast.error(f"'{value}' is not a {action}.")
        return await self._bulk(action, value)

    @rx.event
    def open_tags(self, mode: str):
        mode = str(mode or "")[:20]
        if mode not in ("add_tags", "remove_tags"):
            return
        self.tag_mode, self.tag_text, self.tag_error = mode, "", ""

    @rx.event
    def close_tags(self):
        self.tag_mode, self.tag_text, self.tag_error = "", "", ""

    @rx.event
    def set_tag_text(self, text: str):
        self.tag_text = str(text or "")[:1000]

    @rx.event
    def pick_tag(self, name: str):
        """A click on an existing tag adds its name to the box (once)."""
        name = str(name or "").strip()[:60]
        if not name or not self.tag_mode:
            return
        have = [t.strip() for t in self.tag_text.split(",") if t.strip()]
        if name.lower() not in {t.lower() for t in have}:
            self.tag_text = ", ".join([*have, name])[:1000]

    @rx.event
    async def submit_tags(self, form: dict):
        """The tag dialog: comma-separated names, added to or removed from the selection."""
        if self.tag_mode not in ("add_tags", "remove_tags"):
            return
        names = str((form or {}).get("tags", "") if isinstance(form, dict) else "")[:1000]
        if not [n for n in names.split(",") if n.strip()]:
            self.tag_error = "Name at least one tag."
            return
        mode = self.tag_mode
        events = await self._bulk(mode, names)
        if isinstance(events, list):  # done
            self.tag_mode, self.tag_text, self.tag_error = "", "", ""
        return events

    @rx.event
    async def ask_bulk_delete(self):
        lst = await self._list()
        count = lst.total if lst.all_matching else len(lst.selected)
        if not count:
            return rx.toast.error("Select some leads first.")
        self.confirm, self.confirm_count = "bulk_delete", count

    @rx.event
    async def confirm_bulk_delete(self):
        if self.confirm != "bulk_delete":
            return
        self.confirm = ""
        return await self._bulk("delete")

    @rx.event
    def cancel(self):
        self.confirm, self.row_id, self.row_name = "", 0, ""

    # ------------------------------------------------------------ the row menu

    async def _row(self, lead_id) -> tuple[int, str]:
        lid = id_arg(lead_id)
        lst = await self._list()
        row = next((r for r in lst.rows if int(r["id"]) == lid), None)
        return lid, (str(row["name"]) if row else "")

    async def _ask_row(self, confirm: str, lead_id):
        """Put the confirmation `confirm` on screen for one row of the list."""
        lid, name = await self._row(lead_id)
        if not lid:
            return rx.toast.error("That lead does not exist.")
        self.confirm, self.row_id, self.row_name = confirm, lid, name or "this lead"

    def _take_confirmed_row(self, confirm: str) -> tuple[int, str]:
        """The row (id, name) the confirmation `confirm` on screen asked about, which closes;
        (0, "") when that is not the confirmation on screen."""
        if self.confirm != confirm or not self.row_id:
            return 0, ""
        lid, name = self.row_id, self.row_name
        self.confirm, self.row_id = "", 0
        return lid, name

    async def _change_row(self, ok: str, fn, *args):
        """One row's change; the toast `ok` and the list read again, or the failure."""
        _, failed = await self._run(fn, *args)
        if failed is not None:
            return failed
        return [rx.toast.success(ok), *(await self._refresh_list())]

    async def _change_confirmed_row(self, confirm: str, ok: str, fn, *args):
        """fn(lead id, *args) for the row the confirmation `confirm` asked about; the toast
        `ok` names it as {name}."""
        lid, name = self._take_confirmed_row(confirm)
        if not lid:
            return
        return await self._change_row(ok.format(name=name), fn, lid, *args)

    @rx.event
    async def ask_delete(self, lead_id):
        return await self._ask_row("row_delete", lead_id)

    @rx.event
    async def confirm_delete(self):
        return await self._change_confirmed_row(
            "row_delete",
            "{name} deleted. Filter by status Deleted to see it or bring it back.",
            lead_bulk.one,
            "delete",
        )

    @rx.event
    async def reactivate(self, lead_id):
        lid, name = await self._row(lead_id)
        if not lid:
            return rx.toast.error("That lead does not exist.")
        return await self._change_row(
            f"{name or 'The lead'} reactivated.", lead_bulk.one, lid, "reactivate"
        )

    @rx.event
    async def claim(self, lead_id):
        """G3: take a lead from the Unassigned view."""
        lid, name = await self._row(lead_id)
        if not lid:
            return rx.toast.error("That lead does not exist.")
        _, failed = await self._run(pool.claim, lid)
        if failed is not None:
            # someone else won: the row leaves the pool view
            return [failed, *(await self._refresh_list())]
        return [
            rx.toast.success(f"{name or 'The lead'} is yours now."),
            *(await self._refresh_list()),
        ]

    @rx.event
    async def ask_reject(self, lead_id):
        return await self._ask_row("reject", lead_id)

    @rx.event
    async def confirm_reject(self):
        return await self._change_confirmed_row(
            "reject",
            "{name} rejected and returned to the unassigned pool; the office was told.",
            pool.reject,
        )

    # ------------------------------------------------------------ export (I5)

    @rx.event
    async def export_csv(self):
        """Brokers: the current view (all pages) as CSV, through a one-time download link."""
        lst = await self._list()
        view: dict[str, Any] = {**lst.filters, "sort": lst.sort, "dir": lst.dir}
        token, failed = await self._run(export.start, view)
        if failed is not None:
            return failed
        return [
            rx.download(url=f"/export/{token}.csv", filename="leads.csv"),
            rx.toast.info(f"Exporting {_leads(lst.total)} to CSV…"),
        ]
