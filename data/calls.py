"""Calls & faxes: the call slip, the message queue and its rules, the fax queue and sending.

Every rule is a pure function of the record, the user and ``now``; the functions at the
bottom run them on stored records, one transaction each.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from data.agenda import AgendaEntry, AgendaGroup
from data.engine.clock import EARLIEST, Moment, local, office_day
from data.engine.collections import Collection
from data.engine.errors import FieldError, RuleError
from data.phone import normalise_number, readable_number
from data.engine.record import Lines, Model, Record, error_sentence

# -- calls -------------------------------------------------------------------------------


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


class Step(Model):
    """One line of a call's history: who did what, when."""

    at: Moment
    user: str
    action: str
    note: str = ""


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
    history: list[Step] = Field(default_factory=list)

    form_fields = ("number", "caller", "company", "for_whom", "priority", "message", "callback_due")

    _number = field_validator("number", mode="before")(lambda cls, v: normalise_number(v or ""))

    def label(self) -> str:
        who = f"{self.caller} ({self.company})" if self.company else self.caller
        return f"#{self.id} {who}"

    @property
    def is_open(self) -> bool:
        return self.status != CallStatus.DONE


PRIORITY_RANK = {Priority.URGENT: 0, Priority.NORMAL: 1, Priority.LOW: 2}

OPEN = {CallStatus.NEW, CallStatus.PASSED_ON, CallStatus.MESSAGE_TAKEN, CallStatus.CALLBACK}

# action → the statuses it may start from
CALL_MOVES: dict[str, set[CallStatus]] = {
    "pass_on": OPEN,
    "message_taken": {CallStatus.NEW, CallStatus.PASSED_ON},
    "callback": OPEN,
    "done": OPEN,
    "reopen": {CallStatus.DONE},
}

CALL_STATE_WORDS = {
    CallStatus.NEW: "new",
    CallStatus.PASSED_ON: "passed on",
    CallStatus.MESSAGE_TAKEN: "a message already taken",
    CallStatus.CALLBACK: "waiting for a callback",
    CallStatus.DONE: "done",
}
REFUSALS = {
    "message_taken": "A message can only be taken on a new or passed-on call; this one is {state}.",
    "reopen": "Only a call that is done can be reopened; this one is still open.",
}


def status_words(status: StrEnum) -> str:
    return str(status.value).replace("_", " ")


def check_move(call: Call, action: str) -> None:
    if call.status not in CALL_MOVES[action]:
        refusal = REFUSALS.get(action, "This call is already done; reopen it first.")
        raise RuleError(refusal.format(state=CALL_STATE_WORDS[call.status]))


def add_step(call: Call, user: str, now: datetime, action: str, note: str = "") -> None:
    call.history = [*call.history, Step(at=now, user=user, action=action, note=note)]


def pass_on(call: Call, to: str, user: str, now: datetime, note: str = "") -> None:
    to = to.strip()
    if not to:
        raise FieldError("for_whom", "Say whom to pass the call on to.")
    check_move(call, "pass_on")
    call.for_whom = to
    call.status = CallStatus.PASSED_ON
    add_step(call, user, now, f"passed on to {to}", note)


def take_message(call: Call, user: str, now: datetime, note: str = "") -> None:
    check_move(call, "message_taken")
    call.status = CallStatus.MESSAGE_TAKEN
    add_step(call, user, now, "message taken", note)


def schedule_callback(call: Call, due: datetime, user: str, now: datetime, note: str = "") -> None:
    if due <= now:
        raise FieldError("callback_due", "A callback must be due later than now.")
    check_move(call, "callback")
    call.status = CallStatus.CALLBACK
    call.callback_due = due
    add_step(call, user, now, f"callback at {local(due):%a %d %b %H:%M}", note)


def mark_done(call: Call, user: str, now: datetime, note: str = "") -> None:
    check_move(call, "done")
    call.status = CallStatus.DONE
    call.handled_by = user
    add_step(call, user, now, "done", note)


def reopen(call: Call, user: str, now: datetime, note: str = "") -> None:
    check_move(call, "reopen")
    call.status = CallStatus.NEW
    add_step(call, user, now, "reopened", note)


def add_note(call: Call, note: str, user: str, now: datetime) -> None:
    if not note.strip():
        raise FieldError("note", "The note is empty.")
    add_step(call, user, now, "note", note.strip())


def new_call_logged(call: Call, user: str, now: datetime) -> Call:
    """A fresh call slip: its first history step says who took it."""
    if not call.history:
        add_step(call, user, now, "call logged")
    return call


# -- the message queue -------------------------------------------------------------------


def is_overdue(call: Call, now: datetime) -> bool:
    return call.status == CallStatus.CALLBACK and call.callback_due is not None and call.callback_due < now


def is_due_today(call: Call, now: datetime) -> bool:
    due = call.callback_due
    return call.status == CallStatus.CALLBACK and due is not None and office_day(due) == office_day(now) and due >= now


def queue_order(calls: Iterable[Call], now: datetime) -> list[Call]:
    """Open calls: urgent first, then overdue callbacks, then the oldest."""
    open_calls = [c for c in calls if c.is_open]
    return sorted(
        open_calls,
        key=lambda c: (PRIORITY_RANK[c.priority], not is_overdue(c, now), c.created_at or now, c.id or 0),
    )


def for_person(calls: Iterable[Call], who: str, contacts: Iterable[Contact] = ()) -> list[Call]:
    """Calls for a person, or for a department and everyone in it."""
    who = who.strip().casefold()
    if not who:
        return list(calls)
    members = {c.name.casefold() for c in contacts if c.department.casefold() == who}
    return [c for c in calls if c.for_whom.casefold() == who or c.for_whom.casefold() in members]


def known_caller(calls: Iterable[Call], number: str) -> tuple[str, str] | None:
    """(caller, company) of the most recent call from this number, if it called before."""
    try:
        number = normalise_number(number)
    except ValueError:
        return None
    if not number:
        return None
    same = [c for c in calls if c.number == number]
    if not same:
        return None
    latest = max(same, key=lambda c: (c.created_at or EARLIEST, c.id or 0))
    return latest.caller, latest.company


# -- the directory -----------------------------------------------------------------------


class ContactKind(StrEnum):
    PERSON = "person"
    DEPARTMENT = "department"


class Contact(Record):
    name: str = Field(min_length=1, max_length=200)
    kind: ContactKind = ContactKind.PERSON
    extension: str = Field(default="", max_length=40)
    department: str = Field(default="", max_length=200)

    form_fields = ("name", "kind", "extension", "department")

    @field_validator("extension", mode="before")
    @classmethod
    def _extension(cls, value: str) -> str:
        text = (value or "").strip()
        if text.isdigit() and len(text) < 3:  # "21": a short internal extension
            return text
        return normalise_number(text)

    def label(self) -> str:
        return f"{self.name} (x{self.extension})" if self.extension else self.name


def directory_names(contacts: Iterable[Contact]) -> list[str]:
    """Everyone and every department a call can be for, for completion."""
    names = {c.name for c in contacts} | {c.department for c in contacts if c.department}
    return sorted(names, key=str.casefold)


# -- faxes -------------------------------------------------------------------------------


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


SEND_TIMEOUT = 600  # seconds the send command may take
SENDABLE = {FaxStatus.QUEUED, FaxStatus.RETRYING}
FAX_MOVES: dict[str, set[FaxStatus]] = {
    "send": SENDABLE,
    "resend": {FaxStatus.RETRYING, FaxStatus.FAILED, FaxStatus.GAVE_UP, FaxStatus.CANCELLED},
    "cancel": {FaxStatus.QUEUED, FaxStatus.RETRYING, FaxStatus.FAILED},
    "sent_by_hand": {FaxStatus.QUEUED, FaxStatus.RETRYING, FaxStatus.FAILED, FaxStatus.GAVE_UP},
    "edit_number": {FaxStatus.QUEUED, FaxStatus.RETRYING, FaxStatus.FAILED, FaxStatus.GAVE_UP},
}


# what each action does, and where a fax stands, in words for a refusal
FAX_ACTION_WORDS = {
    "send": "sent",
    "resend": "queued again",
    "cancel": "cancelled",
    "sent_by_hand": "marked as sent",
    "edit_number": "given another number",
}
FAX_STATE_WORDS = {
    FaxStatus.QUEUED: "is waiting in the queue",
    FaxStatus.RETRYING: "is waiting to be tried again",
    FaxStatus.FAILED: "failed",
    FaxStatus.GAVE_UP: "was given up",
    FaxStatus.CANCELLED: "was cancelled",
}


def check_fax_move(fax: Fax, action: str) -> None:
    if fax.status in FAX_MOVES[action]:
        return
    if fax.status == FaxStatus.SENT:
        when = f" on {local(fax.sent_at):%d %b %Y at %H:%M}" if fax.sent_at else ""
        raise RuleError(f"This fax was already sent{when}; a fax is never sent twice.")
    if fax.status == FaxStatus.SENDING:
        raise RuleError("This fax is being sent right now; wait for the result.")
    raise RuleError(f"This fax {FAX_STATE_WORDS[fax.status]}, so it cannot be {FAX_ACTION_WORDS[action]}.")


def check_document(fax: Fax) -> None:
    if not Path(fax.document).expanduser().is_file():
        raise FieldError("document", f"There is no file {fax.document}.")


def retry_delay(tries: int) -> timedelta:
    """2, 4, 8 … minutes after each failed try, at most an hour."""
    return timedelta(minutes=min(2**tries, 60))


def was_interrupted(fax: Fax, now: datetime) -> bool:
    """Still "sending" long after any command would have timed out: the session that
    sent it stopped half-way (a crash, a closed SSH connection). It may go again."""
    return (
        fax.status == FaxStatus.SENDING
        and fax.updated_at is not None
        and fax.updated_at + timedelta(seconds=SEND_TIMEOUT + 60) < now
    )


def start_sending(fax: Fax, now: datetime) -> None:
    if not was_interrupted(fax, now):
        check_fax_move(fax, "send")
    if fax.status == FaxStatus.RETRYING and fax.next_attempt and fax.next_attempt > now:
        raise RuleError(f"The next try is due at {local(fax.next_attempt):%H:%M}; resend it to try at once.")
    check_document(fax)
    fax.status = FaxStatus.SENDING
    fax.tries += 1
    fax.next_attempt = None


def sending_succeeded(fax: Fax, now: datetime, user: str = "", how: str = "sent") -> None:
    fax.status = FaxStatus.SENT
    fax.sent_at = now
    fax.last_error = ""
    fax.attempts = [*fax.attempts, Step(at=now, user=user, action=f"try {fax.tries}: {how}")]


def sending_failed(fax: Fax, error: str, now: datetime, retry: bool = True, user: str = "") -> None:
    fax.last_error = error.strip()[-2000:] or "the fax command failed"
    if not retry:
        fax.status = FaxStatus.FAILED
    elif fax.tries < fax.max_tries:
        fax.status = FaxStatus.RETRYING
        fax.next_attempt = now + retry_delay(fax.tries)
    else:
        fax.status = FaxStatus.GAVE_UP
    outcome = {FaxStatus.RETRYING: "will try again", FaxStatus.GAVE_UP: "gave up"}.get(fax.status, "failed")
    fax.attempts = [*fax.attempts, Step(at=now, user=user, action=f"try {fax.tries}: {outcome}", note=fax.last_error)]


def resend(fax: Fax) -> None:
    check_fax_move(fax, "resend")
    fax.status = FaxStatus.QUEUED
    fax.tries = 0
    fax.next_attempt = None


def cancel(fax: Fax) -> None:
    check_fax_move(fax, "cancel")
    fax.status = FaxStatus.CANCELLED
    fax.next_attempt = None


def mark_sent_by_hand(fax: Fax, now: datetime, user: str = "") -> None:
    check_fax_move(fax, "sent_by_hand")
    fax.tries += 1
    sending_succeeded(fax, now, user, how="sent by hand")


def change_number(fax: Fax, number: str) -> None:
    check_fax_move(fax, "edit_number")
    try:
        fax.fax_number = number
    except ValidationError as error:
        raise FieldError("fax_number", error_sentence(error.errors()[0])) from error


def due_faxes(faxes: Iterable[Fax], now: datetime) -> list[Fax]:
    """Faxes the sender should try now: queued, due for another try, or interrupted."""
    return [
        f
        for f in faxes
        if f.status == FaxStatus.QUEUED
        or (f.status == FaxStatus.RETRYING and (f.next_attempt is None or f.next_attempt <= now))
        or was_interrupted(f, now)
    ]


PLACEHOLDERS = ("number", "file", "recipient")
Runner = Callable[..., subprocess.CompletedProcess]


def fax_command(template: str, fax: Fax) -> list[str]:
    """The template split like a shell would, then filled in: no shell ever sees the
    values, so a number or file name is always one argument however it is spelt."""
    values = {"number": fax.fax_number, "file": str(Path(fax.document).expanduser()), "recipient": fax.recipient}
    return [part.format(**values) for part in split_template(template)]


def split_template(template: str) -> list[str]:
    """The command template's words; RuleError when it cannot be used."""
    try:
        words = shlex.split(template)
        for word in words:
            word.format(**{name: "" for name in PLACEHOLDERS})
    except (ValueError, KeyError, IndexError) as error:
        raise RuleError(
            f"The fax command {template!r} cannot be used ({error}); "
            "write it like: sendfax -n -d {number} {file}"
        ) from error
    if not words:
        raise RuleError("No fax command is set up: send the fax on the machine and mark it sent by hand.")
    return words


def queue_fax(store, fax: Fax) -> Fax:
    """Put a new fax in the queue; a missing document is refused before anything is written."""
    check_document(fax)
    return store.repo("faxes").add(fax)


def send_fax(store, fax_id: int, template: str, run: Runner = subprocess.run) -> Fax:
    """Send one fax with the command template; record the outcome and return the fax.

    The command runs outside the lock, so others keep working while the line is busy.
    A document that vanished since the fax was queued fails it without running anything.
    """
    split_template(template)
    faxes = store.repo("faxes")

    def begin(fax: Fax) -> None:
        try:
            start_sending(fax, store.now())
        except FieldError as missing_document:
            fax.tries += 1
            sending_failed(fax, str(missing_document), store.now(), retry=False, user=store.user)

    fax = faxes.update(fax_id, begin)
    if fax.status != FaxStatus.SENDING:
        return fax
    try:
        result = run(fax_command(template, fax), capture_output=True, text=True, timeout=SEND_TIMEOUT)
    except OSError as error:  # the command is missing or may not be run: retrying will not help
        problem = f"command not found: {error.filename}" if isinstance(error, FileNotFoundError) else str(error)
        return faxes.update(fax_id, lambda f: sending_failed(f, problem, store.now(), retry=False, user=store.user))
    except subprocess.TimeoutExpired:
        problem = f"no answer within {SEND_TIMEOUT} s"
        return faxes.update(fax_id, lambda f: sending_failed(f, problem, store.now(), user=store.user))
    if result.returncode == 0:
        return faxes.update(fax_id, lambda f: sending_succeeded(f, store.now(), user=store.user))
    problem = result.stderr or result.stdout or f"exit status {result.returncode}"
    return faxes.update(fax_id, lambda f: sending_failed(f, problem, store.now(), user=store.user))


def send_due_faxes(store, template: str, run: Runner = subprocess.run) -> list[Fax]:
    """Send every fax that is due; one another session is already sending is skipped.
    A fax command that cannot be used is said once, not skipped fax by fax."""
    split_template(template)
    sent = []
    for fax in due_faxes(store.repo("faxes").list(), store.now()):
        try:
            sent.append(send_fax(store, fax.id, template, run))
        except RuleError:
            continue
    return sent


# -- the call actions, on stored calls ---------------------------------------------------

CallAction = Callable[..., None]


def act_on_call(store, call_id: int, action: CallAction, *args) -> Call:
    """Apply one rule to the newest revision of a call, under the lock."""
    return store.repo("calls").update(call_id, lambda call: action(call, *args))


def log_call(store, call: Call) -> Call:
    return store.repo("calls").add(new_call_logged(call, store.user, store.now()))


# -- dashboard ---------------------------------------------------------------------------


def agenda_groups(store, now: datetime) -> list[AgendaGroup]:
    calls = store.repo("calls").find(status=CallStatus.CALLBACK)  # only these can be due
    def urgent_then_due(call: Call) -> tuple:
        return PRIORITY_RANK[call.priority], call.callback_due

    overdue = sorted((c for c in calls if is_overdue(c, now)), key=urgent_then_due)
    today = sorted((c for c in calls if is_due_today(c, now)), key=urgent_then_due)
    faxes = [f for f in store.repo("faxes").list() if f.status in (FaxStatus.FAILED, FaxStatus.GAVE_UP)]

    def call_entry(c: Call) -> AgendaEntry:
        who = f" for {c.for_whom}" if c.for_whom else ""
        return AgendaEntry(f"{c.caller}{who} — due {local(c.callback_due):%a %H:%M}", "calls", c.id, c.priority == Priority.URGENT)

    return [
        AgendaGroup("callbacks_overdue", "Callbacks overdue", "calls", len(overdue), [call_entry(c) for c in overdue]),
        AgendaGroup("callbacks_today", "Callbacks due today", "calls", len(today), [call_entry(c) for c in today]),
        AgendaGroup(
            "faxes_failed",
            "Faxes failed or given up",
            "calls",
            len(faxes),
            [AgendaEntry(f"to {f.recipient} — {f.last_error or status_words(f.status)}", "faxes", f.id) for f in faxes],
        ),
    ]


def call_is_closed(call: Call) -> bool:
    return call.status == CallStatus.DONE


def fax_is_closed(fax: Fax) -> bool:
    return fax.status in (FaxStatus.SENT, FaxStatus.CANCELLED, FaxStatus.GAVE_UP)


COLLECTIONS = [
    Collection(
        "calls", Call, "calls", "call",
        columns=("caller", "number", "company", "for_whom", "priority", "status", "callback_due"),
        is_closed=call_is_closed,
    ),
    Collection(
        "faxes", Fax, "calls", "fax",
        columns=("recipient", "fax_number", "status", "tries", "last_error", "next_attempt"),
        is_closed=fax_is_closed,
    ),
    Collection("contacts", Contact, "calls", "contact", columns=("name", "kind", "extension", "department")),
]
