"""What a call, a fax and a directory entry are."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from data.addresses import check_email, normalise_number, readable_number
from data.engine.clock import Moment
from data.engine.record import Lines, Record
from data.engine.steps import Step


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


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
    direction: Direction = Direction.INCOMING
    number: str = Field(default="", max_length=40)
    caller: str = Field(min_length=1, max_length=200)
    company: str = Field(default="", max_length=200)
    for_whom: str = Field(default="", max_length=200, title="For whom")
    priority: Priority = Priority.NORMAL
    message: Lines = Field(default="", max_length=5000)
    status: CallStatus = CallStatus.NEW
    callback_due: Moment | None = Field(default=None, title="Call back at")
    handled_by: str = Field(default="", max_length=100)
    rang_for: str = Field(default="", max_length=100)  # whom the phone system rang: a user or an extension; "" everyone
    history: list[Step] = Field(default_factory=list)

    form_fields = ("number", "caller", "company", "for_whom", "priority", "message", "callback_due")

    _number = field_validator("number", mode="before")(lambda cls, v: normalise_number(v or ""))

    def label(self) -> str:
        who = f"{self.caller} ({self.company})" if self.company else self.caller
        return f"#{self.id} {who}"

    @property
    def is_open(self) -> bool:
        return self.status != CallStatus.DONE


class ContactKind(StrEnum):
    PERSON = "person"
    DEPARTMENT = "department"


class Contact(Record):
    name: str = Field(min_length=1, max_length=200)
    kind: ContactKind = ContactKind.PERSON
    extension: str = Field(default="", max_length=40)
    department: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")

    form_fields = ("name", "kind", "extension", "department", "email")

    _email = field_validator("email")(lambda cls, v: check_email(v))

    @field_validator("extension", mode="before")
    @classmethod
    def _extension(cls, value: str) -> str:
        text = (value or "").strip()
        if text.isdigit() and len(text) < 3:  # "21": a short internal extension
            return text
        return normalise_number(text)

    def label(self) -> str:
        return f"{self.name} (x{self.extension})" if self.extension else self.name


class FaxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    RETRYING = "retrying"
    GAVE_UP = "gave_up"
    CANCELLED = "cancelled"


class Fax(Record):
    direction: Direction = Direction.OUTGOING
    fax_number: str = Field(max_length=40, title="Fax number")
    recipient: str = Field(min_length=1, max_length=200)
    company: str = Field(default="", max_length=200)
    document: str = Field(min_length=1, max_length=1000, title="Document file")
    pages: int = Field(default=1, ge=1, le=999)
    cover_note: Lines = Field(default="", max_length=2000)
    status: FaxStatus = FaxStatus.QUEUED
    tries: int = Field(default=0, ge=0, le=1000)
    max_tries: int = Field(default=3, ge=1, le=20)
    last_error: Lines = Field(default="", max_length=2000)
    next_attempt: Moment | None = None
    sent_at: Moment | None = None
    attempts: list[Step] = Field(default_factory=list)  # each run of the send command and its outcome

    form_fields = ("fax_number", "recipient", "company", "document", "pages", "cover_note", "max_tries")

    @field_validator("fax_number", mode="before")
    @classmethod
    def _fax_number(cls, value: str) -> str:
        number = normalise_number(value or "")
        if not number:
            raise ValueError("a fax needs a number to go to")
        return number

    def label(self) -> str:
        return f"#{self.id} to {self.recipient} ({readable_number(self.fax_number)})"
