"""Calls and faxes: what a call slip is, and the rules of its status moves."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from data.collections import Collection
from data.record import Record


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    URGENT = "urgent"


class CallStatus(StrEnum):
    NEW = "new"
    PASSED_ON = "passed_on"
    MESSAGE_TAKEN = "message_taken"
    CALLBACK = "callback"
    DONE = "done"


class Call(Record):
    caller: str = Field(min_length=1, max_length=200)
    number: str = Field(default="", max_length=40)
    company: str = Field(default="", max_length=200)
    for_whom: str = Field(default="", max_length=200)
    message: str = Field(default="", max_length=5000)
    priority: Priority = Priority.NORMAL
    status: CallStatus = CallStatus.NEW

    form_fields = ("number", "caller", "company", "for_whom", "priority", "message")

    def label(self) -> str:
        return f"#{self.id} {self.caller}"


COLLECTIONS = [
    Collection(
        "calls",
        Call,
        "calls",
        "call",
        columns=("caller", "number", "company", "for_whom", "priority", "status"),
        is_closed=lambda call: call.status == CallStatus.DONE,
    ),
]
