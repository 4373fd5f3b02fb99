"""A task's time in the acting user's time zone (User.timezone): "today" and "overdue"
follow it. A task is overdue once its due time has passed; due today when it is still ahead
but before the end of the user's local day; upcoming after that."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from leadapp.models import User, as_utc, utcnow
from leadapp.models.timefmt import clock as _fmt_time
from leadapp.models.timefmt import user_zone
from leadapp.services.errors import ValidationFailed


def day_bounds(user: User, now: datetime) -> tuple[datetime, datetime]:
    """UTC start and end of the user's local day containing `now`."""
    tz = user_zone(user)
    local = as_utc(now).astimezone(tz)
    start = datetime.combine(local.date(), time(0), tz)
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


class _Clock:
    """The user's zone and today's bounds, worked out once per listing rather than per row."""

    __slots__ = ("tz", "now", "today", "end")

    def __init__(self, user: User, now: datetime):
        self.tz = user_zone(user)
        self.now = as_utc(now)
        local_now = self.now.astimezone(self.tz)
        self.today = local_now.date()
        self.end = datetime.combine(self.today + timedelta(days=1), time(0), self.tz).astimezone(
            UTC
        )

    def state(self, due: datetime, completed: bool) -> str:
        if completed:
            return "completed"
        due = as_utc(due)
        if due < self.now:
            return "overdue"
        return "today" if due < self.end else "upcoming"

    def label(self, dt: datetime) -> str:
        local = as_utc(dt).astimezone(self.tz)
        d, today = local.date(), self.today
        delta = (d - today).days
        if delta == 0:
            day = "Today"
        elif delta == 1:
            day = "Tomorrow"
        elif delta == -1:
            day = "Yesterday"
        elif d.year == today.year:
            day = local.strftime("%a %b ") + str(d.day)
        else:
            day = local.strftime("%b ") + str(d.day) + local.strftime(", %Y")
        return f"{day} {_fmt_time(local)}"


def due_label(dt: datetime, user: User, now: datetime) -> str:
    """'Today 3:00 PM', 'Tomorrow 9:30 AM', 'Mon Nov 30 9:30 AM', 'Nov 30, 2027 ...'."""
    return _Clock(user, now).label(dt)


def parse_local(day: str | None, clock: str | None, user: User) -> datetime:
    """The UTC instant of date 'YYYY-MM-DD' and time 'HH:MM' in the user's time zone."""
    errors = {}
    try:
        d = date.fromisoformat(str(day or "").strip()[:10])
    except ValueError:
        errors["due_date"] = "Pick a due date."
        d = None
    try:
        t = time.fromisoformat(str(clock or "").strip()[:8])
    except ValueError:
        errors["due_time"] = "Pick a due time."
        t = None
    if errors or d is None or t is None:
        raise ValidationFailed(errors)
    local = datetime.combine(d, t.replace(second=0, microsecond=0), user_zone(user))
    # Normalise non-existent local times (spring-forward gap) through UTC.
    return local.astimezone(UTC)


def default_due(user: User, now: datetime | None = None) -> tuple[str, str]:
    """The dialog's suggested due date and time: the next full hour, in the user's zone."""
    local = as_utc(now or utcnow()).astimezone(user_zone(user))
    nxt = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return nxt.date().isoformat(), nxt.strftime("%H:%M")
