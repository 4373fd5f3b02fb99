"""Background job bookkeeping: which periodic job ran when, and who holds it now."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class JobState(SQLModel, table=True):
    __tablename__ = "job_state"  # pyright: ignore[reportAssignmentType]

    name: str = Field(primary_key=True, max_length=60)
    last_run_at: datetime | None = None
    locked_until: datetime | None = None
    last_result: str = Field(default="", max_length=500)
