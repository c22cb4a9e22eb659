"""What a message of the office's mailbox is, and where a mailbox's fetching got to."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from data.engine.record import Lines, Model, Moment, Record
from data.engine.steps import Step

BODY_LIMIT = 100_000  # characters of a message's text kept; the rest is cut, and said
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".odt", ".txt", ".text", ".md")  # documents of text, as a CV comes
DOCUMENT_TYPES = ("application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "application/vnd.oasis.opendocument.text", "text/plain")


class MailStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    WAITING = "waiting"
    DONE = "done"


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class SendStatus(StrEnum):
    NOT_SENT = ""  # an incoming message
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Attachment(Model):
    name: str = Field(max_length=255)  # as the sender named it, shown only
    file: str = Field(max_length=255)  # where it is kept, under the mailbox's attachments folder
    size: int = Field(ge=0)
    content_type: str = Field(default="", max_length=255)

    def is_document(self) -> bool:
        """A document of text (PDF, DOCX, ODT, plain text) by its name or its type: a
        signature's logo is not."""
        suffix = "." + self.name.rpartition(".")[2].lower() if "." in self.name else ""
        return suffix in DOCUMENT_SUFFIXES or self.content_type.split(";")[0].strip().lower() in DOCUMENT_TYPES


class Mail(Record):
    """One message, incoming (fetched) or outgoing (a reply, a forward, a notice)."""

    mailbox: str = Field(max_length=100)
    direction: Direction = Direction.INCOMING
    uid: int = Field(default=0, ge=0)  # IMAP UID within uidvalidity; 0 for outgoing
    uidvalidity: int = Field(default=0, ge=0)
    message_id: str = Field(default="", max_length=1000)
    in_reply_to: str = Field(default="", max_length=1000)
    references: list[str] = Field(default_factory=list, max_length=100)
    sender: str = Field(default="", max_length=500, title="From")
    sender_address: str = Field(default="", max_length=320)
    to: list[str] = Field(default_factory=list, max_length=200)
    cc: list[str] = Field(default_factory=list, max_length=200)
    subject: str = Field(default="", max_length=1000)
    sent_at: Moment | None = None  # the Date header, or when we sent it
    text: Lines = Field(default="", max_length=BODY_LIMIT + 200)
    attachments: list[Attachment] = Field(default_factory=list, max_length=200)
    known_as: str = Field(default="", max_length=300)  # "supplier Nordic Paper AB"
    problems: list[str] = Field(default_factory=list, max_length=50)  # what could not be read
    status: MailStatus = MailStatus.OPEN
    assigned_to: str = Field(default="", max_length=200)
    unread: bool = True
    send_status: SendStatus = SendStatus.NOT_SENT
    send_error: Lines = Field(default="", max_length=2000)
    send_tries: int = Field(default=0, ge=0, le=1000)
    history: list[Step] = Field(default_factory=list)

    form_fields = ("to", "cc", "subject", "text")

    def documents_received(self) -> list[Attachment]:
        """The documents of text that came with it (a CV, say); none for mail the office sent."""
        return [a for a in self.attachments if a.is_document()] if self.direction == Direction.INCOMING else []

    def label(self) -> str:
        who = self.sender if self.direction == Direction.INCOMING else "to " + ", ".join(self.to[:2])
        return f"#{self.id} {who}: {self.subject or '(no subject)'}"

    @property
    def is_open(self) -> bool:
        return self.status != MailStatus.DONE

    @property
    def thread(self) -> str:
        """The message that started the conversation, as far as the headers tell."""
        return (self.references[0] if self.references else self.in_reply_to) or self.message_id or f"#{self.id}"


class MailCursor(Record):
    """How far a mailbox's folder has been fetched: a UID is fetched once per UIDVALIDITY."""

    mailbox: str = Field(max_length=100)
    folder: str = Field(max_length=500)
    uidvalidity: int = Field(ge=0)
    last_uid: int = Field(default=0, ge=0)
