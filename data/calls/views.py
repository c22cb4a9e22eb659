"""What the calls & faxes section, the call slip, the dashboard and the agenda show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from data.addresses import normalise_number, number_forms, readable_number
from data.agenda import AgendaEntry, AgendaGroup
from data.calls.models import (
    Call,
    CallStatus,
    Contact,
    ContactKind,
    Fax,
    FaxStatus,
    Priority,
)
from data.calls.rules import (
    AT_SERVER,
    INCOMING_OPEN,
    PRIORITY_RANK,
    UNKNOWN_CALLER,
    is_overdue,
    is_unanswered_ring,
)
from data.engine.clock import EARLIEST, local, office_day
from data.engine.errors import NotFoundError
from data.engine.states import words
from data.engine.store import Store
from data.engine.tables import AnyOf
from data.when import moment_said, span_said

UNANSWERED = frozenset({CallStatus.NEW, CallStatus.PASSED_ON, CallStatus.MESSAGE_TAKEN})  # open, no callback set
OPEN_STATUSES = (*UNANSWERED, CallStatus.CALLBACK)
DONE_SHOWN = 500  # done calls listed with `a`: about three weeks of a busy office's
FAXES_FAILED = (FaxStatus.FAILED, FaxStatus.GAVE_UP)
FAXES_WAITING = (FaxStatus.QUEUED, FaxStatus.RETRYING)
FAXES_TO_SEE = (*FAXES_FAILED, *FAXES_WAITING, FaxStatus.AT_SERVER, *INCOMING_OPEN)
HELD_TOO_LONG = timedelta(days=1)  # a fax the server holds longer than this waits for someone to look


@dataclass(frozen=True)
class CallsView:
    calls: list[Call]
    faxes: list[Fax]
    contacts: list[Contact]
    now: datetime

    def queue(self, for_whom: str = "", with_done: bool = False) -> list[Call]:
        """Open calls in the order to work through them, for one person if asked; with the
        done ones after them, newest first."""
        calls = for_person(self.calls, for_whom, self.contacts)
        shown = queue_order(calls, self.now)
        if with_done:
            shown += sorted((c for c in calls if not c.is_open), key=lambda c: c.updated_at or self.now, reverse=True)
        return shown

    def open_count(self, for_whom: str = "") -> int:
        return sum(1 for c in for_person(self.calls, for_whom, self.contacts) if c.is_open)

    def call(self, call_id: int | None) -> Call | None:
        return next((c for c in self.calls if c.id == call_id), None)

    def fax(self, fax_id: int | None) -> Fax | None:
        return next((f for f in self.faxes if f.id == fax_id), None)

    @property
    def names(self) -> list[str]:
        return directory_names(self.contacts)


def calls_view(store: Store, with_done: bool = False, also: Iterable[int] = ()) -> CallsView:
    """The calls section's records: the open calls and, ``with_done``, the DONE_SHOWN done
    ones logged last (a busy office's working file holds thousands: ctrl+p finds any of them,
    and ``also`` brings one found so into the list)."""
    calls = calls_with_status(store, OPEN_STATUSES)
    if with_done:
        calls += store.repo("calls").find(status=CallStatus.DONE, newest=DONE_SHOWN)
    calls += [c for i in set(also) - {c.id for c in calls} if (c := call_if_any(store, i))]
    return CallsView(calls, store.repo("faxes").list(), store.repo("contacts").list(), store.now())


def call_if_any(store: Store, call_id: int) -> Call | None:
    try:
        return store.repo("calls").get(call_id)
    except NotFoundError:
        return None  # deleted, or archived meanwhile


def calls_with_status(store: Store, statuses: Iterable[CallStatus]) -> list[Call]:
    """Found in the stored text before any is read into a model: the open few of many."""
    return store.repo("calls").find(status=AnyOf(statuses))


def fax_state(fax: Fax) -> str:
    """Where a fax stands, in words: 'queued at the fax server (job 12)', 'passed on to Ann'."""
    if fax.status == FaxStatus.AT_SERVER:
        return f"{AT_SERVER} (job {fax.job})"
    if fax.status == FaxStatus.PASSED_ON:
        return f"passed on to {fax.passed_to}"
    return words(fax.status)


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


def known_caller(calls: Iterable[Call], number: str, contacts: Iterable[Contact] = ()) -> tuple[str, str] | None:
    """(name, company) of whoever has this number: the directory first, else the most recent
    call from it."""
    try:
        number = normalise_number(number)
    except ValueError:
        return None
    if not number:
        return None
    listed = next((c for c in contacts if number in (c.number, c.fax_number)), None)
    if listed is not None:
        return listed.name, listed.company
    same = [c for c in calls if c.number == number and c.caller != UNKNOWN_CALLER]  # a ring nobody named
    if not same:
        return None
    latest = max(same, key=lambda c: (c.created_at or EARLIEST, c.id or 0))
    return latest.caller, latest.company


def callers_to_list(calls: Iterable[Call], contacts: Iterable[Contact]) -> list[Contact]:
    """Outside contacts for the callers with a number the directory does not have yet: the
    name and company of each number's latest call."""
    listed = {n for c in contacts for n in (c.number, c.fax_number) if n}
    latest: dict[str, Call] = {}
    for call in sorted(calls, key=lambda c: (c.created_at or EARLIEST, c.id or 0)):
        if call.number and len(call.number) > 6 and call.number not in listed and call.caller != UNKNOWN_CALLER:
            latest[call.number] = call
    return [Contact(name=c.caller, kind=ContactKind.OUTSIDE, company=c.company, number=c.number)
            for c in sorted(latest.values(), key=lambda c: c.caller.casefold())]


def rings_for(calls: Iterable[Call], who: Iterable[str], since: datetime) -> list[Call]:
    """Calls the phone system announced since ``since`` that nobody answered yet, for one of
    ``who`` (a user name, an extension) or for everyone."""
    names = {w.strip().casefold() for w in who if w.strip()}
    return [c for c in calls if is_unanswered_ring(c) and (c.created_at or EARLIEST) >= since
            and (not c.rang_for or c.rang_for.casefold() in names)]


def callbacks_falling_due(calls: Iterable[Call], since: datetime, now: datetime) -> list[Call]:
    """Callbacks whose time came in (since, now]: what to say once, as it happens."""
    return [c for c in calls if c.status == CallStatus.CALLBACK and c.callback_due is not None
            and since < c.callback_due <= now and not is_unanswered_ring(c)]


def recent_calls_from(calls: Iterable[Call], number: str, limit: int = 3) -> list[Call]:
    """The latest calls from a number, newest first."""
    same = [c for c in calls if number and c.number == number]
    return sorted(same, key=lambda c: (c.created_at or EARLIEST, c.id or 0), reverse=True)[:limit]


def call_words(call: Call) -> str:
    """What a call is found by beyond what its row shows: its message, its company, the caller
    id the phone system gave, and its number in each way an office writes it."""
    return "\0".join([call.caller, call.company, call.message, call.caller_id, *number_forms(call.number)])


def directory_address(contacts: Iterable[Contact], name: str) -> str:
    """The e-mail address the directory has for a person, a department or a supplier, else ""."""
    wanted = name.strip().casefold()
    return next((c.email for c in contacts if c.email and c.name.casefold() == wanted), "")


def person_for(contacts: Iterable[Contact], who: str) -> str:
    """The directory's name for a login or an extension the phone system or a session knows
    someone by: an extension, the whole name, or the part of their e-mail address before the @
    ('bhale' → 'Bob Hale'); else ``who`` as it is. Never a guess by a first name: a login
    'sam' is not Sam Jones because the directory has no other Sam."""
    who = who.strip()
    wanted = who.casefold()
    inside = [c for c in contacts if c.kind != ContactKind.OUTSIDE]
    if not wanted:
        return ""
    person = ContactKind.PERSON
    for matches in (lambda c: c.extension == who, lambda c: c.name.casefold() == wanted,
                    lambda c: c.kind == person and c.email.partition("@")[0].casefold() == wanted):
        found = {c.name for c in inside if matches(c)}
        if len(found) == 1:
            return found.pop()
    return who


def my_names(contacts: Iterable[Contact], login: str, named: str = "", extension: str = "") -> frozenset[str]:
    """Whom what is passed on to the person running the app is for, casefolded: their login,
    the name they gave in the settings (``named``), and the directory's name for either or for
    their phone's ``extension``."""
    names = {login, named, person_for(contacts, named or login), person_for(contacts, extension) if extension else ""}
    return frozenset(n.strip().casefold() for n in names if n.strip())


def taken_by(call: Call) -> str:
    """Who answered a ring (or, when nobody did, who last changed the call)."""
    steps = [step.user for step in call.history if step.action == "answered"] or [step.user for step in call.history[-1:]]
    return steps[-1] if steps else "someone else"


def fax_contact(contacts: Iterable[Contact], text: str) -> Contact | None:
    """The directory's entry a fax to ``text`` goes to: the one of that name, in any case, or
    of that fax number, written any common way."""
    wanted = text.strip().casefold()
    if not wanted:
        return None
    contacts = list(contacts)
    named = next((c for c in contacts if c.name.casefold() == wanted), None)
    if named is not None:
        return named
    try:
        number = normalise_number(text)
    except ValueError:
        return None
    return next((c for c in contacts if number and c.fax_number == number), None)


def directory_names(contacts: Iterable[Contact]) -> list[str]:
    """Everyone and every department a call can be for, for completion."""
    inside = [c for c in contacts if c.kind != ContactKind.OUTSIDE]
    names = {c.name for c in inside} | {c.department for c in inside if c.department}
    return sorted(names, key=str.casefold)


def call_notice(call: Call) -> tuple[str, str]:
    """(subject, text) of an e-mail telling the person a call was passed on to them."""
    who = f"{call.who} ({call.company})" if call.company else call.who
    taken = call.history[0] if call.history else None
    lines = [f"{who} called" + (f" on {local(taken.at):%a %d %b at %H:%M}" if taken else "") + ".",
             f"Number: {readable_number(call.number)}" if call.number else "",
             "", call.message or "(no message)", "",
             f"Taken by {taken.user}." if taken else ""]
    return f"Call from {who}", "\n".join(lines).strip() + "\n"


def fax_notice(fax: Fax, note: str = "") -> tuple[str, str]:
    """(subject, text) of an e-mail carrying a received fax to the person it was passed on to."""
    sender = fax.who
    number = f" ({readable_number(fax.fax_number)})" if fax.sender and fax.fax_number else ""
    came = f" on {local(fax.sent_at):%a %d %b at %H:%M}" if fax.sent_at else ""
    passed = fax.attempts[-1] if fax.attempts else None
    lines = [f"A fax from {sender}{number} came in{came}: {fax.pages} page(s), attached as a PDF.",
             "", note, "" if note else None,
             f"Passed on to you by {passed.user}." if passed and passed.user else None]
    return f"Fax from {sender}", "\n".join(line for line in lines if line is not None).strip() + "\n"


def agenda_groups(store: Store, now: datetime) -> list[AgendaGroup]:
    calls = store.repo("calls").find(status=CallStatus.CALLBACK)  # only these can be due

    def urgent_then_due(call: Call) -> tuple:
        return PRIORITY_RANK[call.priority], call.callback_due

    overdue = sorted((c for c in calls if is_overdue(c, now)), key=urgent_then_due)
    today = sorted((c for c in calls if is_due_today(c, now)), key=urgent_then_due)

    def call_entry(c: Call) -> AgendaEntry:
        who = f" for {c.for_whom}" if c.for_whom else ""
        return AgendaEntry(f"{c.who}{who} — due {moment_said(c.callback_due, now)}", "calls", c.id, c.priority == Priority.URGENT)

    waiting = queue_order(calls_with_status(store, UNANSWERED), now)

    def message_entry(c: Call) -> AgendaEntry:
        who = f" for {c.for_whom}" if c.for_whom else ""
        return AgendaEntry(f"{c.who}{who} — {words(c.status)}, {moment_said(c.created_at or now, now)}", "calls", c.id,
                           c.priority == Priority.URGENT)

    return [
        AgendaGroup("callbacks_overdue", "Callbacks overdue", "calls", len(overdue), [call_entry(c) for c in overdue]),
        AgendaGroup("callbacks_today", "Callbacks due today", "calls", len(today), [call_entry(c) for c in today]),
        AgendaGroup("messages_open", "Messages not dealt with", "calls", len(waiting), [message_entry(c) for c in waiting]),
        *fax_agenda_groups(store, now),
    ]


def fax_agenda_groups(store: Store, now: datetime) -> list[AgendaGroup]:
    """Faxes that came in and nobody closed, faxes that failed, faxes the fax server holds
    (and since when), faxes still to go."""
    faxes = store.repo("faxes").find(status=AnyOf(FAXES_TO_SEE))  # found in the stored text
    came_in = sorted((f for f in faxes if f.status in INCOMING_OPEN), key=lambda f: f.sent_at or f.created_at or now)
    failed = [f for f in faxes if f.status in FAXES_FAILED]
    held = sorted((f for f in faxes if f.status == FaxStatus.AT_SERVER), key=lambda f: at_server_since(f) or now)
    queued = [f for f in faxes if f.status in FAXES_WAITING]
    return [
        AgendaGroup("faxes_received", "Faxes received, not dealt with", "calls", len(came_in),
                    [received_entry(f, now) for f in came_in]),
        AgendaGroup("faxes_failed", "Faxes failed or given up", "calls", len(failed),
                    [AgendaEntry(f"to {f.recipient} — {f.last_error or words(f.status)}, {moment_said(f.updated_at or now, now)}",
                                 "faxes", f.id) for f in failed]),
        AgendaGroup("faxes_queued", "Faxes waiting to go or held at the fax server", "calls", len(held) + len(queued),
                    [held_entry(f, now) for f in held] + [AgendaEntry(f"to {f.recipient} — {words(f.status)}", "faxes", f.id)
                                                          for f in queued]),
    ]


def received_entry(fax: Fax, now: datetime) -> AgendaEntry:
    return AgendaEntry(f"from {fax.who}, {fax.pages} page(s) — {fax_state(fax)}, {moment_said(fax.sent_at or fax.created_at or now, now)}",
                       "faxes", fax.id)


def held_entry(fax: Fax, now: datetime) -> AgendaEntry:
    since = at_server_since(fax) or now
    said = f": {fax.server_said}" if fax.server_said else ""
    return AgendaEntry(f"to {fax.recipient} — job {fax.job}, at the fax server {span_said(since, now)}{said}", "faxes", fax.id,
                       urgent=now - since > HELD_TOO_LONG)


def at_server_since(fax: Fax) -> datetime | None:
    """When the fax server took the fax: its last hand-over in its history."""
    handed = [s.at for s in fax.attempts if s.action.startswith(AT_SERVER)]
    return handed[-1] if handed else fax.updated_at
