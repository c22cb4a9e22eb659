"""A record's history: who did what, when — one shape for every domain that keeps one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from data.engine.errors import FieldError
from data.engine.record import Lines, Model, Moment


class Step(Model):
    """One line of a record's history: who did what, when."""

    at: Moment
    user: str
    action: str
    note: Lines = Field(default="", max_length=2000)


def add_step(record: Any, user: str, now: datetime, action: str, note: str = "") -> None:
    """Append a line to ``record.history``."""
    record.history = [*record.history, Step(at=now, user=user, action=action, note=note)]


def add_note(record: Any, note: str, user: str, now: datetime) -> None:
    if not note.strip():
        raise FieldError("note", "The note is empty.")
    add_step(record, user, now, "note", note.strip())
