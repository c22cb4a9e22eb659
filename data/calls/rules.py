"""What may happen to a call and a fax: pure functions of the record, the user and ``now``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from data.calls.models import UNKNOWN_CALLER, Call, CallStatus, Direction, Fax, FaxStatus, Priority, Step
from data.engine.clock import local
from data.engine.errors import FieldError, RuleError
from data.engine.record import error_sentence
from data.engine.states import Moves
from data.engine.steps import add_note, add_step  # noqa: F401  (add_note: the rule for notes, shared)

if TYPE_CHECKING:  # the fax server's client loads when a fax is worked, not with every call
    from data.calls.fax_server import JobState, ReceivedFax

PRIORITY_RANK = {Priority.URGENT: 0, Priority.NORMAL: 1, Priority.LOW: 2}
OPEN_CALL = frozenset({CallStatus.NEW, CallStatus.PASSED_ON, CallStatus.MESSAGE_TAKEN, CallStatus.CALLBACK})
SEND_TIMEOUT = 600  # seconds the send command may take
RANG = "rang"  # the first step of a call the phone system announced
FAX_SERVER = "fax server"  # who a step the fax server took is by
CALL_MADE = "call made"  # the first step of an outgoing call

# -- calls -------------------------------------------------------------------------------

CALL_STATE_WORDS = {
    CallStatus.NEW: "new",
    CallStatus.PASSED_ON: "passed on",
    CallStatus.MESSAGE_TAKEN: "a message already taken",
    CallStatus.CALLBACK: "waiting for a callback",
    CallStatus.DONE: "done",
}

AT_SERVER = "queued at the fax server"  # a fax the fax server took: its state, and the history line of the hand-over


def call_refusal(call: Call, to: CallStatus) -> str:
    if to == CallStatus.MESSAGE_TAKEN:
        return f"A message can only be taken on a new or passed-on call; this one is {CALL_STATE_WORDS[call.status]}."
    if to == CallStatus.NEW:
        return "Only a call that is done can be reopened; this one is still open."
    return "This call is already done; reopen it first."


CALL_MOVES = Moves({
    CallStatus.NEW: frozenset({CallStatus.PASSED_ON, CallStatus.MESSAGE_TAKEN, CallStatus.CALLBACK, CallStatus.DONE}),
    CallStatus.PASSED_ON: frozenset({CallStatus.PASSED_ON, CallStatus.MESSAGE_TAKEN, CallStatus.CALLBACK, CallStatus.DONE}),
    CallStatus.MESSAGE_TAKEN: frozenset({CallStatus.PASSED_ON, CallStatus.CALLBACK, CallStatus.DONE}),
    CallStatus.CALLBACK: frozenset({CallStatus.PASSED_ON, CallStatus.CALLBACK, CallStatus.DONE}),
    CallStatus.DONE: frozenset({CallStatus.NEW}),
}, call_refusal)


def new_call_logged(call: Call, user: str, now: datetime) -> Call:
    """A fresh call slip: its first history step says who took it, and a time to call back
    makes it wait for that callback. A call made is done once logged, unless it is to be
    made again."""
    if not call.history:
        outgoing = call.direction == Direction.OUTGOING
        add_step(call, user, now, CALL_MADE if outgoing else "call logged")
        if call.callback_due is not None and call.status == CallStatus.NEW and call.callback_due > now:
            schedule_callback(call, call.callback_due, user, now)
        elif outgoing and call.status == CallStatus.NEW:
            call.status = CallStatus.DONE
    return call


def dialled(number: str, by: str, known: tuple[str, str] | None, now: datetime) -> Call:
    """A call the phone system says someone in the office made."""
    callee, company = known or (UNKNOWN_CALLER, "")
    call = Call(direction=Direction.OUTGOING, number=number, caller=callee, company=company,
                handled_by=by.strip(), status=CallStatus.DONE)
    add_step(call, "phone system", now, CALL_MADE + (f" by {by.strip()}" if by.strip() else ""))
    return call


def called_back(waiting: Call, made: Call, now: datetime) -> None:
    """A call made to a number that waits for a callback: a line on the waiting call, which
    stays open until someone says the callback is done."""
    add_step(waiting, made.handled_by or made.history[0].user, now, f"called back (call #{made.id})")


def ringing(number: str, to: str, known: tuple[str, str] | None, now: datetime, caller_id: str = "", for_whom: str = "") -> Call:
    """A call the phone system says is ringing: logged at once as missed — a callback due
    now — until someone answers it on the slip. It is for whom the phone rang (``for_whom``,
    ``to`` as the directory names them), and keeps the caller id as the system gave it."""
    caller, company = known or (UNKNOWN_CALLER, "")
    call = Call(number=number, caller=caller, company=company, rang_for=to.strip(), status=CallStatus.CALLBACK, callback_due=now,
                caller_id=caller_id.strip(), for_whom=for_whom.strip())
    add_step(call, "phone system", now, RANG + (f" for {to.strip()}" if to.strip() else ""))
    return call


def is_unanswered_ring(call: Call) -> bool:
    return call.status == CallStatus.CALLBACK and bool(call.history) and call.history[-1].action.startswith(RANG)


def answer(call: Call, user: str, now: datetime) -> None:
    """Someone took the call the phone rang for: it is no longer a missed call."""
    if is_unanswered_ring(call):
        call.status, call.callback_due = CallStatus.NEW, None
        add_step(call, user, now, "answered")


def pass_on(call: Call, to: str, user: str, now: datetime, note: str = "") -> None:
    to = to.strip()
    if not to:
        raise FieldError("for_whom", "Say whom to pass the call on to.")
    CALL_MOVES.move(call, CallStatus.PASSED_ON)
    call.for_whom = to
    add_step(call, user, now, f"passed on to {to}", note)


def take_message(call: Call, user: str, now: datetime, note: str = "") -> None:
    CALL_MOVES.move(call, CallStatus.MESSAGE_TAKEN)
    add_step(call, user, now, "message taken", note)


def schedule_callback(call: Call, due: datetime, user: str, now: datetime, note: str = "") -> None:
    if due <= now:
        raise FieldError("callback_due", "A callback must be due later than now.")
    CALL_MOVES.move(call, CallStatus.CALLBACK)
    call.callback_due = due
    add_step(call, user, now, f"callback at {local(due):%a %d %b %H:%M}", note)


def mark_done(call: Call, user: str, now: datetime, note: str = "") -> None:
    CALL_MOVES.move(call, CallStatus.DONE)
    call.handled_by = user
    add_step(call, user, now, "done", note)


def reopen(call: Call, user: str, now: datetime, note: str = "") -> None:
    CALL_MOVES.move(call, CallStatus.NEW)
    add_step(call, user, now, "reopened", note)


def is_overdue(call: Call, now: datetime) -> bool:
    return call.status == CallStatus.CALLBACK and call.callback_due is not None and call.callback_due < now


def call_is_closed(call: Call) -> bool:
    return call.status == CallStatus.DONE


# -- faxes -------------------------------------------------------------------------------

FAX_STATE_WORDS = {
    FaxStatus.QUEUED: "is waiting in the queue",
    FaxStatus.RETRYING: "is waiting to be tried again",
    FaxStatus.FAILED: "failed",
    FaxStatus.GAVE_UP: "was given up",
    FaxStatus.CANCELLED: "was cancelled",
    FaxStatus.AT_SERVER: "is with the fax server",
}
FAX_TO_WORDS = {FaxStatus.SENDING: "sent", FaxStatus.QUEUED: "queued again", FaxStatus.CANCELLED: "cancelled",
                FaxStatus.SENT: "marked as sent"}
NUMBER_CHANGES = frozenset({FaxStatus.QUEUED, FaxStatus.RETRYING, FaxStatus.FAILED, FaxStatus.GAVE_UP})


def fax_refusal(fax: Fax, to: FaxStatus | None) -> str:
    """``to`` None: the fax would be given another number."""
    if fax.incoming:
        return "This fax came in: an incoming fax is passed on and closed, never sent."
    if fax.status == FaxStatus.SENT:
        when = f" on {local(fax.sent_at):%d %b %Y at %H:%M}" if fax.sent_at else ""
        return f"This fax was already sent{when}; a fax is never sent twice."
    if fax.status == FaxStatus.SENDING:
        return "This fax is being sent right now; wait for the result."
    if fax.status == FaxStatus.AT_SERVER:
        return f"This fax is with the fax server as job {fax.job}, which says when it has gone; cancel it to do otherwise."
    return f"This fax {FAX_STATE_WORDS[fax.status]}, so it cannot be {FAX_TO_WORDS.get(to, 'given another number')}."


FAX_MOVES = Moves({
    # FAILED straight from the queue: the document vanished, so nothing was run
    FaxStatus.QUEUED: frozenset({FaxStatus.SENDING, FaxStatus.CANCELLED, FaxStatus.SENT, FaxStatus.FAILED}),
    FaxStatus.RETRYING: frozenset({FaxStatus.SENDING, FaxStatus.QUEUED, FaxStatus.CANCELLED, FaxStatus.SENT, FaxStatus.FAILED}),
    FaxStatus.SENDING: frozenset({FaxStatus.AT_SERVER, FaxStatus.SENT, FaxStatus.FAILED, FaxStatus.RETRYING, FaxStatus.GAVE_UP}),
    # the server's own outcome; FAILED when it no longer knows the job
    FaxStatus.AT_SERVER: frozenset({FaxStatus.SENT, FaxStatus.GAVE_UP, FaxStatus.CANCELLED, FaxStatus.FAILED}),
    FaxStatus.FAILED: frozenset({FaxStatus.QUEUED, FaxStatus.CANCELLED, FaxStatus.SENT}),
    FaxStatus.GAVE_UP: frozenset({FaxStatus.QUEUED, FaxStatus.SENT}),
    FaxStatus.CANCELLED: frozenset({FaxStatus.QUEUED}),
    FaxStatus.SENT: frozenset(),
    FaxStatus.RECEIVED: frozenset(), FaxStatus.PASSED_ON: frozenset(), FaxStatus.CLOSED: frozenset(),
}, fax_refusal)


def add_attempt(fax: Fax, user: str, now: datetime, action: str, note: str = "") -> None:
    """A line in a fax's history — its tries, the server's verdicts, what people did."""
    fax.attempts = [*fax.attempts, Step(at=now, user=user, action=action, note=note)]


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
        FAX_MOVES.check(fax, FaxStatus.SENDING)
    if fax.status == FaxStatus.RETRYING and fax.next_attempt and fax.next_attempt > now:
        raise RuleError(f"The next try is due at {local(fax.next_attempt):%H:%M}; resend it to try at once.")
    check_document(fax)
    fax.status = FaxStatus.SENDING
    fax.tries += 1
    fax.next_attempt = None


def sending_succeeded(fax: Fax, now: datetime, user: str = "", how: str = "sent") -> None:
    FAX_MOVES.move(fax, FaxStatus.SENT)
    fax.sent_at = now
    fax.last_error = ""
    add_attempt(fax, user, now, f"try {fax.tries}: {how}")


def handed_to_server(fax: Fax, job: str, now: datetime, user: str = "", how: str = "") -> None:
    FAX_MOVES.move(fax, FaxStatus.AT_SERVER)
    fax.job, fax.last_error, fax.server_said = job, "", ""
    add_attempt(fax, user, now, f"{AT_SERVER} (job {job}){how}")


def job_tag(fax: Fax) -> str:
    """The tag this try's job gets at the fax server (sendfax -i), by which a try cut short
    is found there. One per try: every try begins by counting itself and ends by noting its
    outcome, which an edit of the fax meanwhile (its tries allowed, its cover note) leaves as
    they are; its moment of creation tells it from a fax of the same id in another office."""
    made = f"{fax.created_at:%Y%m%d%H%M%S%f}" if fax.created_at else "new"
    return f"backoffice-fax-{fax.id}-{len(fax.attempts)}-{fax.tries}-{made}"


def found_at_server(fax: Fax, job: str, tag: str, now: datetime, user: str = "") -> None:
    """The try cut short (tagged ``tag``) had handed the fax over as ``job``: followed from now
    on, and not sent again. Refused when another session has taken the fax up meanwhile."""
    if fax.status != FaxStatus.SENDING or job_tag(fax) != tag:
        raise RuleError(f"Fax {fax.label()} was taken up by another session meanwhile.")
    handed_to_server(fax, job, now, user, how=", found there after the send that handed it over was cut short")


def server_said(fax: Fax, job: JobState | None, now: datetime) -> bool:
    """Bring a fax at the server up to what the server says of its job; True when it changed.
    Tries and retries are the server's own, shown as it counts them."""
    if job is None:
        FAX_MOVES.move(fax, FaxStatus.FAILED)
        fax.last_error = f"The fax server no longer knows job {fax.job}: check there whether it went."
        add_attempt(fax, FAX_SERVER, now, f"job {fax.job} lost at the fax server")
        return True
    words = job.words()
    if job.done:
        sending_succeeded(fax, now, user=FAX_SERVER, how=f"sent by the fax server (job {fax.job}, {job.pages.replace(':', ' of ')} pages)")
    elif job.failed:
        FAX_MOVES.move(fax, FaxStatus.GAVE_UP)
        fax.last_error = job.reason or "the fax server gave up"
        add_attempt(fax, FAX_SERVER, now, f"the fax server gave up job {fax.job}", fax.last_error)
    elif words == fax.server_said:
        return False
    fax.server_said = words
    fax.tries = max(fax.tries, job.tries)
    return True


def sending_failed(fax: Fax, error: str, now: datetime, retry: bool = True, user: str = "") -> None:
    fax.last_error = error.strip()[-2000:] or "the fax command failed"
    if not retry:
        FAX_MOVES.move(fax, FaxStatus.FAILED)
    elif fax.tries < fax.max_tries:
        FAX_MOVES.move(fax, FaxStatus.RETRYING)
        fax.next_attempt = now + retry_delay(fax.tries)
    else:
        FAX_MOVES.move(fax, FaxStatus.GAVE_UP)
    outcome = {FaxStatus.RETRYING: "will try again", FaxStatus.GAVE_UP: "gave up"}.get(fax.status, "failed")
    add_attempt(fax, user, now, f"try {fax.tries}: {outcome}", fax.last_error)


def resend(fax: Fax) -> None:
    FAX_MOVES.move(fax, FaxStatus.QUEUED)
    fax.tries = 0
    fax.next_attempt = None
    fax.job = fax.server_said = ""


def cancel(fax: Fax, now: datetime | None = None, user: str = "") -> None:
    FAX_MOVES.move(fax, FaxStatus.CANCELLED)
    fax.next_attempt = None
    if now is not None:
        at_server = f" (job {fax.job} removed from the fax server)" if fax.job else ""
        add_attempt(fax, user, now, f"cancelled{at_server}")


# -- incoming faxes: like messages ------------------------------------------------------------

INCOMING_OPEN = frozenset({FaxStatus.RECEIVED, FaxStatus.PASSED_ON})


def received(found: ReceivedFax, number: str, sender: str, document: str) -> Fax:
    return Fax(direction=Direction.INCOMING, status=FaxStatus.RECEIVED, fax_number=number,
               sender=sender, document=document, pages=min(max(found.pages, 1), 999), received_file=found.file,
               sent_at=found.received_at, last_error=found.error)


def only_incoming(fax: Fax, doing: str) -> None:
    if not fax.incoming:
        raise RuleError(f"Only a fax that came in is {doing}; this one goes out.")


def pass_on_fax(fax: Fax, to: str, user: str, now: datetime, note: str = "") -> None:
    only_incoming(fax, "passed on")
    to = to.strip()
    if not to:
        raise FieldError("passed_to", "Say whom to pass the fax on to.")
    if fax.status == FaxStatus.CLOSED:
        raise RuleError("This fax is closed; reopen it to pass it on.")
    fax.status, fax.passed_to = FaxStatus.PASSED_ON, to
    add_attempt(fax, user, now, f"passed on to {to}", note)


def close_fax(fax: Fax, user: str, now: datetime) -> None:
    only_incoming(fax, "closed")
    if fax.status == FaxStatus.CLOSED:
        raise RuleError("This fax is already closed.")
    fax.status = FaxStatus.CLOSED
    add_attempt(fax, user, now, "closed")


def reopen_fax(fax: Fax, user: str, now: datetime) -> None:
    only_incoming(fax, "reopened")
    if fax.status != FaxStatus.CLOSED:
        raise RuleError("This fax is still open.")
    fax.status = FaxStatus.PASSED_ON if fax.passed_to else FaxStatus.RECEIVED
    add_attempt(fax, user, now, "reopened")


def mark_sent_by_hand(fax: Fax, now: datetime, user: str = "") -> None:
    if fax.status in (FaxStatus.SENDING, FaxStatus.AT_SERVER):  # only the sender knows how that ends
        raise RuleError(fax_refusal(fax, FaxStatus.SENT))
    FAX_MOVES.check(fax, FaxStatus.SENT)
    fax.tries += 1
    sending_succeeded(fax, now, user, how="sent by hand")


def change_number(fax: Fax, number: str) -> None:
    if fax.status not in NUMBER_CHANGES:
        raise RuleError(fax_refusal(fax, None))
    try:
        fax.fax_number = number
    except ValidationError as error:
        raise FieldError("fax_number", error_sentence(error.errors()[0])) from error


WHAT_GOES_OUT = frozenset({"fax_number", "recipient", "company", "document", "pages", "cover_note"})


def check_fax_edit(before: Fax, changed: Iterable[str]) -> None:
    """What a fax says and where it goes change only while it has not gone: the same rule
    as the keys."""
    if WHAT_GOES_OUT & set(changed) and (before.incoming or before.status not in NUMBER_CHANGES):
        raise RuleError(fax_refusal(before, None).replace("given another number", "changed"))


def edited_fields(before: Call | Fax, after: Call | Fax) -> list[str]:
    return [name for name in type(after).form_fields if getattr(before, name) != getattr(after, name)]


def edited(changed: list[str]) -> str:
    """The history line of an edit: 'edited number, cover note'."""
    return f"edited {', '.join(name.replace('_', ' ') for name in changed)}"


def due_faxes(faxes: Iterable[Fax], now: datetime) -> list[Fax]:
    """Faxes the sender should try now: queued, due for another try, or interrupted."""
    return [
        f for f in faxes
        if not f.incoming and (
            f.status == FaxStatus.QUEUED
            or (f.status == FaxStatus.RETRYING and (f.next_attempt is None or f.next_attempt <= now))
            or was_interrupted(f, now))
    ]


def fax_is_closed(fax: Fax) -> bool:
    return fax.status in (FaxStatus.SENT, FaxStatus.CANCELLED, FaxStatus.GAVE_UP, FaxStatus.CLOSED)
