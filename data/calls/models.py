"""What a call, a fax and a directory entry are."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from data.addresses import CALLER_ID_LENGTH, check_email, normalise_number, readable_number
from data.engine.record import Lines, Moment, Record
from data.engine.steps import Step


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    URGENT = "urgent"


UNKNOWN_CALLER = "Unknown caller"  # the caller of a ring from a number nobody has named yet


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
    caller_id: str = Field(default="", max_length=CALLER_ID_LENGTH)  # the caller id as the phone system gave it, whatever it was
    history: list[Step] = Field(default_factory=list)

    form_fields = ("number", "caller", "company", "for_whom", "priority", "message", "callback_due")

    _number = field_validator("number", mode="before")(lambda cls, v: normalise_number(v or ""))

    def label(self) -> str:
        who = f"{self.who} ({self.company})" if self.company else self.who
        return f"#{self.id} {who}"

    @property
    def who(self) -> str:
        """The caller by name; one nobody named yet by their number as the office writes it,
        else by the caller id the phone system gave."""
        if self.caller != UNKNOWN_CALLER:
            return self.caller
        return readable_number(self.number) or self.caller_id or UNKNOWN_CALLER

    @property
    def is_open(self) -> bool:
        return self.status != CallStatus.DONE


class ContactKind(StrEnum):
    PERSON = "person"
    DEPARTMENT = "department"
    OUTSIDE = "outside"  # a person or company outside the office: a caller, a customer, a supplier


class Contact(Record):
    name: str = Field(min_length=1, max_length=200)
    kind: ContactKind = ContactKind.PERSON
    extension: str = Field(default="", max_length=40)
    department: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")
    company: str = Field(default="", max_length=200)
    number: str = Field(default="", max_length=40, title="Phone")
    fax_number: str = Field(default="", max_length=40, title="Fax")

    form_fields = ("name", "kind", "company", "number", "fax_number", "email", "extension", "department")

    _email = field_validator("email")(lambda cls, v: check_email(v))
    _numbers = field_validator("number", "fax_number", mode="before")(lambda cls, v: normalise_number(v or ""))

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
    AT_SERVER = "at_server"  # the fax server took it (job N) and has not said how it ended
    SENT = "sent"
    FAILED = "failed"
    RETRYING = "retrying"
    GAVE_UP = "gave_up"
    CANCELLED = "cancelled"
    RECEIVED = "received"  # incoming, from here on like a message: passed on, then closed
    PASSED_ON = "passed_on"
    CLOSED = "closed"


INCOMING_STATUSES = frozenset({FaxStatus.RECEIVED, FaxStatus.PASSED_ON, FaxStatus.CLOSED})


class Fax(Record):
    direction: Direction = Direction.OUTGOING
    fax_number: str = Field(default="", max_length=40, title="Fax number", validate_default=True)
    recipient: str = Field(default="", max_length=200, validate_default=True)
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
    attempts: list[Step] = Field(default_factory=list)  # each try and its outcome; for an incoming fax, its steps
    job: str = Field(default="", max_length=40)  # the fax server's job id
    server_said: Lines = Field(default="", max_length=2000)  # the fax server's last word on the job
    sender: str = Field(default="", max_length=200)  # incoming: who sent it, as the line or the directory knows them
    received_file: str = Field(default="", max_length=200)  # incoming: its name in the fax server's receive queue
    passed_to: str = Field(default="", max_length=200)

    form_fields = ("fax_number", "recipient", "company", "document", "pages", "cover_note", "max_tries")

    @field_validator("fax_number", mode="before")
    @classmethod
    def _fax_number(cls, value: str, info: ValidationInfo) -> str:
        number = normalise_number(value or "")
        if not number and info.data.get("direction") != Direction.INCOMING:
            raise ValueError("a fax needs a number to go to")
        return number

    @field_validator("recipient")
    @classmethod
    def _recipient(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip() and info.data.get("direction") != Direction.INCOMING:
            raise ValueError("a fax needs someone to go to")
        return value

    @model_validator(mode="after")
    def _incoming_is_never_sent(self) -> Fax:
        if self.incoming != (self.status in INCOMING_STATUSES):
            raise ValueError("an incoming fax is received, passed on or closed, and an outgoing one is never"
                             f" '{self.status}'; direction and status do not go together")
        return self

    @property
    def incoming(self) -> bool:
        return self.direction == Direction.INCOMING

    @property
    def who(self) -> str:
        """Who sent a fax that came in: the sender as the line or the directory named them, else
        their number as the office writes it."""
        return self.sender or readable_number(self.fax_number) or "an unknown sender"

    def label(self) -> str:
        if self.incoming:
            return f"#{self.id} from {self.who}"
        return f"#{self.id} to {self.recipient} ({readable_number(self.fax_number)})"
