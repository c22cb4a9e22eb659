"""What a person does to calls and faxes in the store: one transaction each.

Every action takes the store first, then the record's id (or the new record), then what the
person said; it returns the record as saved.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from data.addresses import CALLER_ID_LENGTH, normalise_number, number_in
from data.calls import rules
from data.calls.fax_command import Runner, run_fax_command, split_template, tags_jobs
from data.calls.fax_documents import print_file, private_pdf
from data.calls.fax_server import (
    FaxNotTaken,
    FaxServer,
    FaxServerError,
    FaxServerUnreachable,
)
from data.calls.models import Call, CallStatus, Contact, Direction, Fax, FaxStatus
from data.calls.views import call_notice, callers_to_list, fax_notice, known_caller, person_for
from data.engine.errors import DataError, FieldError, RuleError
from data.engine.store import Store
from data.engine.text import visible

if TYPE_CHECKING:
    from data.mail.mailboxes import Mailbox

# -- calls -------------------------------------------------------------------------------

def log_call(store: Store, call: Call) -> Call:
    with store.transaction("calls"):
        logged = store.repo("calls").add(call)  # the collection adds the first line of its history
        if logged.direction == Direction.OUTGOING:
            mark_called_back(store, logged)
        return logged


def dialled(store: Store, number: str, by: str = "") -> Call:
    """The phone system says ``by`` (a user or an extension) dialled ``number``: a call made,
    the person called recognised, and a callback waiting on that number told of it."""
    if not number.strip():
        raise FieldError("number", "The phone system gave no number for the call dialled, so none was logged.")
    try:
        number = normalise_number(number)
    except ValueError as error:
        raise FieldError("number", str(error)) from error
    calls = store.repo("calls")
    with store.transaction("calls"):
        known = known_caller(calls.list(), number, store.repo("contacts").list())
        made = calls.add(rules.dialled(number, by, known, store.now()))
        mark_called_back(store, made)
        return made


def mark_called_back(store: Store, made: Call) -> None:
    calls = store.repo("calls")
    for waiting in calls.find(number=made.number, status=CallStatus.CALLBACK) if made.number else []:
        calls.update(waiting.id, lambda c: rules.called_back(c, made, store.now()))


def save_call(store: Store, call: Call, *, force: bool = False, fields: Iterable[str] | None = None) -> Call:
    """Save an edited call as a line in its history. A time to call back set in the form makes
    it wait for that callback; a corrected number names a caller the ring could not."""
    calls = store.repo("calls")
    with store.transaction("calls"):
        before = calls.get(call.id)
        saved = calls.save(call, force=force, fields=fields)
        changed = rules.edited_fields(before, saved)
        if not changed:
            return saved
        now, known = store.now(), None
        if "number" in changed and saved.caller in ("", rules.UNKNOWN_CALLER):
            known = known_caller((c for c in calls.list() if c.id != saved.id), saved.number, store.repo("contacts").list())

        def record_the_edit(c: Call) -> None:
            rules.add_step(c, store.user, now, rules.edited(changed))
            if known:
                c.caller, c.company = known[0], c.company or known[1]
                rules.add_step(c, store.user, now, f"recognised as {known[0]}")

        saved = calls.update(saved.id, record_the_edit)
        due = saved.callback_due
        if "callback_due" in changed and due is not None and saved.is_open and saved.status != CallStatus.CALLBACK and due > now:
            saved = calls.update(saved.id, lambda c: rules.schedule_callback(c, due, store.user, now))
        return saved


def list_callers(store: Store) -> list[Contact]:
    """Put every caller with a number the directory lacks into it, as an outside contact."""
    contacts = store.repo("contacts")
    with contacts.transaction():
        new = callers_to_list(store.repo("calls").list(), contacts.list())
        return contacts.add_many(new) if new else []


def save_fax(store: Store, fax: Fax, *, force: bool = False, fields: Iterable[str] | None = None) -> Fax:
    """Save an edited fax through the same rules as the keys, as a line in its history."""
    faxes = store.repo("faxes")
    with faxes.transaction():
        before = faxes.get(fax.id)
        wanted = fax if fields is None else before.model_copy(update={name: getattr(fax, name) for name in fields})
        changed = rules.edited_fields(before, wanted)
        rules.check_fax_edit(before, changed)
        if "document" in changed:
            rules.check_document(wanted)
        saved = faxes.save(fax, force=force, fields=fields)
        if saved.rev == before.rev:
            return saved
        return faxes.update(saved.id, lambda f: rules.add_attempt(f, store.user, store.now(), rules.edited(changed)))


def ring(store: Store, number: str, to: str = "") -> Call:
    """The phone system says ``number`` is ringing (for a user or an extension ``to``, or
    for everyone): log it at once, caller recognised from earlier calls, as a missed call
    until someone answers it. The caller id is kept as given ("anonymous", "0800 FLOWERS",
    "020 7946 0000 ext 12"), its number part read where there is one; a control character in
    it (a tab, ESC, a bidirectional override) is kept as a visible symbol, so no ring is lost."""
    caller_id = visible(number, one_line=True).strip()[:CALLER_ID_LENGTH]
    caller_number = number_in(caller_id)
    calls = store.repo("calls")
    with store.transaction("calls"):
        contacts = store.repo("contacts").list()
        known = known_caller(calls.list(), caller_number, contacts)
        ring = rules.ringing(caller_number, to, known, store.now(), caller_id, person_for(contacts, to))
        return calls.add(ring)


def answer_ring(store: Store, call: Call, fields: Iterable[str], *, force: bool = False) -> Call:
    """Save what was written on the slip of a ringing call, and mark it answered."""
    fields = frozenset(fields)
    with store.transaction("calls"):
        saved = store.repo("calls").save(call, force=force, fields=fields)

        def answered(c: Call) -> None:
            due = c.callback_due if "callback_due" in fields else None  # a time written on the slip
            rules.answer(c, store.user, store.now())
            if due is not None and due > store.now():
                rules.schedule_callback(c, due, store.user, store.now())

        return store.repo("calls").update(saved.id, answered)


def pass_on(store: Store, call_id: int, to: str, note: str = "") -> Call:
    return store.repo("calls").update(call_id, lambda call: rules.pass_on(call, to, store.user, store.now(), note))


def take_message(store: Store, call_id: int, note: str = "") -> Call:
    return store.repo("calls").update(call_id, lambda call: rules.take_message(call, store.user, store.now(), note))


def schedule_callback(store: Store, call_id: int, due, note: str = "") -> Call:
    return store.repo("calls").update(
        call_id, lambda call: rules.schedule_callback(call, due, store.user, store.now(), note))


def mark_done(store: Store, call_id: int, note: str = "") -> Call:
    return store.repo("calls").update(call_id, lambda call: rules.mark_done(call, store.user, store.now(), note))


def reopen(store: Store, call_id: int, note: str = "") -> Call:
    return store.repo("calls").update(call_id, lambda call: rules.reopen(call, store.user, store.now(), note))


def add_note(store: Store, call_id: int, note: str) -> Call:
    return store.repo("calls").update(call_id, lambda call: rules.add_note(call, note, store.user, store.now()))


# -- faxes -------------------------------------------------------------------------------

def queue_fax(store: Store, fax: Fax) -> Fax:
    """Put a new fax in the queue; a missing document is refused before anything is written."""
    rules.check_document(fax)
    return store.repo("faxes").add(fax)


def resend_fax(store: Store, fax_id: int) -> Fax:
    return store.repo("faxes").update(fax_id, rules.resend)


def cancel_fax(store: Store, fax_id: int, server: str = "") -> Fax:
    """Cancel a fax; one the fax server holds is first removed there (at ``server``), so a
    fax cancelled here never goes out after all."""
    fax = store.repo("faxes").get(fax_id)
    rules.FAX_MOVES.check(fax, FaxStatus.CANCELLED)
    if fax.status == FaxStatus.AT_SERVER:
        if not server:
            raise RuleError(f"This fax is with the fax server as job {fax.job}, and no fax server is set up"
                            " to cancel it at: remove it there (faxrm), then mark it here.")
        with FaxServer(server) as at:
            at.cancel(fax.job)
    return store.repo("faxes").update(fax_id, lambda f: rules.cancel(f, store.now(), store.user))


def fax_sent_by_hand(store: Store, fax_id: int) -> Fax:
    return store.repo("faxes").update(fax_id, lambda fax: rules.mark_sent_by_hand(fax, store.now(), store.user))


def change_fax_number(store: Store, fax_id: int, number: str) -> Fax:
    return store.repo("faxes").update(fax_id, lambda fax: rules.change_number(fax, number))


def send_fax(store: Store, fax_id: int, template: str, run: Runner = subprocess.run, server: str = "") -> Fax:
    """Send one fax with the command template; record the outcome and return the fax.

    The command runs outside the lock, so others keep working while the line is busy.
    A document that vanished since the fax was queued fails it without running anything.
    A try cut short is first looked for at the fax server (``server``) by its job tag: a fax
    the server took is followed there, never queued a second time.
    """
    tagged = tags_jobs(split_template(template)) and bool(server)
    faxes = store.repo("faxes")
    before = faxes.get(fax_id)
    found = found_at_server(store, before, server) if tagged and rules.was_interrupted(before, store.now()) else None
    if found is not None:
        return found

    def begin(fax: Fax) -> None:
        try:
            rules.start_sending(fax, store.now())
        except FieldError as missing_document:
            fax.tries += 1
            rules.sending_failed(fax, str(missing_document), store.now(), retry=False, user=store.user)

    fax = faxes.update(fax_id, begin)
    if fax.status != FaxStatus.SENDING:
        return fax
    outcome = run_fax_command(template, fax, run, server)
    found = found_at_server(store, fax, server, outcome.problem) if outcome.unknown and tagged else None
    if found is not None:
        return found
    if outcome.job:
        return faxes.update(fax_id, lambda f: rules.handed_to_server(f, outcome.job, store.now(), user=store.user))
    if outcome.sent:
        return faxes.update(fax_id, lambda f: rules.sending_succeeded(f, store.now(), user=store.user))
    return faxes.update(
        fax_id, lambda f: rules.sending_failed(f, outcome.problem, store.now(), retry=outcome.retry, user=store.user))


def found_at_server(store: Store, fax: Fax, server: str, cut_short: str = "") -> Fax | None:
    """The job the try of ``fax`` (as it was when the try began) left at the fax server, now
    followed; None when the server has none. When the server cannot say, the fax stays
    "sending", to be looked for again once a try would have ended: FaxServerError says so."""
    tag = rules.job_tag(fax)
    try:
        with FaxServer(server) as at:
            job = at.job_tagged(tag)
    except FaxServerError as error:
        command = f"The fax command for {fax.label()} gave {cut_short}" if cut_short else f"Sending fax {fax.label()} was cut short"
        raise type(error)(f"{command}, and the fax server could not say whether it took the fax, so it is not sent"
                          f" again until the server says it has no job for it: {error}") from None
    if job is None:
        return None
    return store.repo("faxes").update(fax.id, lambda f: rules.found_at_server(f, job.job, tag, store.now(), store.user))


def send_due_faxes(store: Store, template: str, run: Runner = subprocess.run, server: str = "") -> list[Fax]:
    """Send every fax that is due; one another session is already sending is skipped.
    A fax command that cannot be used is said once, not skipped fax by fax."""
    split_template(template)
    sent = []
    for fax in rules.due_faxes(store.repo("faxes").list(), store.now()):
        try:
            sent.append(send_fax(store, fax.id, template, run, server))
        except RuleError:
            continue
    return sent


def follow_fax_jobs(store: Store, server: str) -> list[Fax]:
    """Ask the fax server how each of its jobs stands and record what changed (only that:
    every open session asks every half minute)."""
    faxes = store.repo("faxes")
    asked = {fax.id for fax in faxes.find(status=FaxStatus.AT_SERVER)}
    if not asked:
        return []
    with FaxServer(server) as at:
        jobs = at.jobs()
    with faxes.transaction():  # read again under the lock: a fax cancelled meanwhile stays cancelled;
        # one handed over since the server answered is not in its answer: the next look judges it
        return [faxes.save(fax) for fax in faxes.find(status=FaxStatus.AT_SERVER)
                if fax.id in asked and rules.server_said(fax, jobs.get(fax.job), store.now())]


def take_in_received_faxes(store: Store, server: str) -> list[Fax]:
    """Faxes in the server's receive queue not yet here become incoming faxes, their document
    copied into the data folder. Taken in one transaction, so two runners never take one twice.
    Each document is fetched in a conversation of its own and written before the next is
    asked for: one that will never be taken in (too large) comes in without it, saying why;
    one the server is slow to give waits for the next run, and the others come in."""
    faxes = store.repo("faxes")
    with FaxServer(server) as at:
        waiting = [f for f in at.received() if not f.receiving]
    known = {f.received_file for f in faxes.find(direction="incoming")}
    documents = {f.file: document for f in waiting if f.file not in known
                 if (document := fetched(store, server, f.file)) is not None}
    if not documents:
        return []
    calls, contacts = store.repo("calls").list(), store.repo("contacts").list()
    with faxes.transaction():
        known = {f.received_file for f in faxes.find(direction="incoming")}
        added = []
        for found in (f for f in waiting if f.file in documents and f.file not in known):
            document = documents[found.file]
            number = number_or_nothing(found.caller_number)
            caller = known_caller(calls, number, contacts) if number else None
            sender = caller[0] if caller else found.caller_name or (found.caller_number if not number else "")
            if isinstance(document, FaxNotTaken):
                fax = rules.received(found, number, sender, f"{found.file} (left at the fax server)")
                fax.last_error = " ".join(filter(None, [found.error, f"{document} It is still at the fax server."]))
            else:
                fax = rules.received(found, number, sender, str(document))
            added.append(faxes.add(fax))
    return added


def fetched(store: Store, server: str, name: str) -> Path | FaxNotTaken | None:
    """Where a received fax's document was written; why it will never be taken in; or None,
    to try at the next run."""
    try:
        with FaxServer(server) as at:
            data = at.fetch(name)
    except FaxNotTaken as refused:
        return refused
    except FaxServerError:
        return None
    return store.write_output("faxes-in", Path(name).name, data)


def number_or_nothing(text: str) -> str:
    try:
        return normalise_number(text)
    except ValueError:  # a fax machine's identity is often a name, not a number
        return ""


def pass_on_fax(store: Store, fax_id: int, to: str, note: str = "") -> Fax:
    return store.repo("faxes").update(fax_id, lambda fax: rules.pass_on_fax(fax, to, store.user, store.now(), note))


@dataclass
class HandedOn:
    """A call or a received fax passed on, and whether the person was told: the address the
    mail went to, else why not, in a sentence to say at once."""
    record: Call | Fax
    told: str = ""
    not_told: str = ""


def pass_on_and_tell(store: Store, boxes: Sequence[Mailbox], call_id: int, to: str) -> HandedOn:
    """Pass the call on and tell the person by e-mail, when the directory has their address;
    a mail that did not go waits on the mail list to be sent again, and is said."""
    from data.mail.actions import tell_or_say_why

    call = pass_on(store, call_id, to)
    told = tell_or_say_why(store, boxes, to, *call_notice(call))
    return HandedOn(call, told=", ".join(told.mail.to) if told.mail and not told.why_not else "", not_told=told.why_not)


def pass_on_fax_and_tell(store: Store, boxes: Sequence[Mailbox], fax_id: int, to: str, note: str = "") -> HandedOn:
    """Pass a received fax on and e-mail it to the person as a PDF, when the directory has
    their address; a fax that cannot be made a PDF, or a mail that did not go, is said."""
    from data.mail.actions import tell_or_say_why, why_not_told

    fax = pass_on_fax(store, fax_id, to, note)
    if why := why_not_told(store, boxes, to):  # said before the fax is made a PDF for nothing
        return HandedOn(fax, not_told=why)
    try:
        with private_pdf(store, fax) as pdf:
            told = tell_or_say_why(store, boxes, to, *fax_notice(fax, note), files=[pdf])
    except DataError as problem:  # the document unreadable or unsafe, a file the mail refuses
        return HandedOn(fax, not_told=f"{to} was not e-mailed the fax: {problem}")
    if told.why_not or told.mail is None:
        return HandedOn(fax, not_told=told.why_not)
    address = ", ".join(told.mail.to) or to
    fax = store.repo("faxes").update(fax.id, lambda f: rules.add_attempt(f, store.user, store.now(), f"e-mailed to {address} as a PDF"))
    return HandedOn(fax, told=address)


def print_received_fax(store: Store, fax_id: int, command: str) -> Fax:
    """Print a received fax, as a PDF, with the office's print command; a line in its history."""
    fax = store.repo("faxes").get(fax_id)
    with private_pdf(store, fax) as pdf:
        print_file(command, pdf, f"fax {fax.label()}")
    return store.repo("faxes").update(fax_id, lambda f: rules.add_attempt(f, store.user, store.now(), "printed"))


def close_fax(store: Store, fax_id: int) -> Fax:
    return store.repo("faxes").update(fax_id, lambda fax: rules.close_fax(fax, store.user, store.now()))


def reopen_fax(store: Store, fax_id: int) -> Fax:
    return store.repo("faxes").update(fax_id, lambda fax: rules.reopen_fax(fax, store.user, store.now()))


def fax_run(store: Store, template: str, server: str) -> FaxRun:
    """What `backoffice fax run` and the open app do: send what is due, follow the server's
    jobs, take in received faxes. Each part goes on when another fails; the problems are kept."""
    run = FaxRun()
    parts = [("sent", lambda: send_due_faxes(store, template, server=server) if template.strip() else [])]
    if server:
        parts += [("followed", lambda: follow_fax_jobs(store, server)), ("received", lambda: take_in_received_faxes(store, server))]
    for name, part in parts:
        try:
            setattr(run, name, part())
        except FaxServerUnreachable as problem:
            run.unreachable = str(problem)  # the same for each part that asks the server
        except (FaxServerError, RuleError) as problem:
            run.problems.append(str(problem))
    return run


@dataclass
class FaxRun:
    sent: list[Fax] = field(default_factory=list)
    followed: list[Fax] = field(default_factory=list)
    received: list[Fax] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unreachable: str = ""  # nothing answered at the fax server's address: what was said

    def said(self, unreachable_too: bool = True) -> list[str]:
        return [self.unreachable, *self.problems] if self.unreachable and unreachable_too else self.problems
