"""What may happen to a machine and its tickets, and what a reading may say: pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from data.addresses import readable_number
from data.engine.clock import local, office_day
from data.engine.errors import FieldError, RuleError
from data.engine.states import Moves, words
from data.machines.models import (
    COUNTER_WORDS,
    Machine,
    MachineStatus,
    MaintenancePlan,
    MeterReading,
    Ticket,
    TicketStatus,
)
from data.machines.forecasts import latest_reading
from data.machines.troubleshooting import symptom_words

if TYPE_CHECKING:
    from data.machines.printer_report import PrinterReport


def cover_words(machine: Machine, today: date) -> str:
    """The contract or warranty, as the vendor will ask about it."""
    if machine.contract_end is None:
        return "no contract or warranty on record"
    if machine.contract_end >= today:
        return f"under contract/warranty until {machine.contract_end:%d %b %Y}"
    return f"contract/warranty EXPIRED on {machine.contract_end:%d %b %Y}"


def same_text(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def check_unique(machine: Machine, others: Iterable[Machine]) -> None:
    """No two machines share a serial number or an asset tag."""
    for other in others:
        if other is machine or (other.id is not None and other.id == machine.id):
            continue
        if same_text(other.serial, machine.serial):
            raise FieldError("serial", f"Serial {machine.serial} already belongs to {other.label()}.")
        if same_text(other.asset_tag, machine.asset_tag):
            raise FieldError("asset_tag", f"Asset tag {machine.asset_tag} is already used by {other.label()}.")


def check_reading(new: MeterReading, others: Iterable[MeterReading], today: date) -> None:
    """A counter never runs backwards: a reading may not be below an earlier one, nor above
    a later one, for the same counter of the same machine."""
    if new.taken_on > today:
        raise FieldError("taken_on", f"A reading cannot be dated after today ({today:%d %b %Y}).")
    own = [r for r in others if r is not new and r.machine_id == new.machine_id and (r.id is None or r.id != new.id)]
    for counter, said in COUNTER_WORDS.items():
        value = getattr(new, counter)
        if value is None:
            continue
        known = [(r.taken_on, getattr(r, counter)) for r in own if getattr(r, counter) is not None]
        earlier = [k for k in known if k[0] <= new.taken_on]
        later = [k for k in known if k[0] > new.taken_on]
        if earlier and value < (last := max(earlier))[1]:
            raise FieldError(counter, f"The {said} counter read {last[1]:,} on {last[0]:%d %b %Y}; "
                                      f"it cannot go down to {value:,}.")
        if later and value > (following := min(later))[1]:
            raise FieldError(counter, f"The {said} counter read {following[1]:,} later, on "
                                      f"{following[0]:%d %b %Y}; {value:,} would make it go down.")


UNLIKELY_TIMES = 10  # a reading that many times the machine's usual pages a day is checked first
UNLIKELY_PAGES_A_DAY = 20_000  # with no usual rate yet: more than the fastest office copier prints


def unlikely_jump(new: MeterReading, others: Iterable[MeterReading], usual: float | None) -> str:
    """A sentence when the reading means far more pages a day than the machine prints
    (``usual``: its recent pages a day), else ''."""
    last = latest_reading(r for r in others if r.machine_id == new.machine_id and r.taken_on < new.taken_on)
    if last is None:
        return ""
    per_day = (new.total - last.total) / (new.taken_on - last.taken_on).days
    limit = max(UNLIKELY_TIMES * usual, 500) if usual else UNLIKELY_PAGES_A_DAY
    if per_day <= limit:
        return ""
    usually = f"; it usually prints about {usual:,.0f}" if usual else ""
    return f"That is {per_day:,.0f} pages a day since {last.label()}{usually}. Check the counter."


def refusal(ticket: Ticket, to: TicketStatus) -> str:
    name = f"Ticket {ticket.label()}"
    if ticket.is_void:
        return f"{name} was voided: {ticket.void_reason}"
    if ticket.status == TicketStatus.CLOSED:
        return f"{name} is closed; report a new fault if the machine broke again."
    if ticket.status == TicketStatus.FIXED:
        return f"{name} is already fixed; report a new fault if the machine broke again."
    if to == TicketStatus.CLOSED:
        return f"{name} is not fixed yet; mark it fixed before closing it."
    if to == TicketStatus.AWAITING_PARTS:
        return f"Call the vendor before waiting for parts on ticket {ticket.label()}."
    if to in (TicketStatus.TROUBLESHOOTING, TicketStatus.OPEN):
        return f"The vendor has been called for ticket {ticket.label()}; the checklist is behind it."
    return f"{name} cannot go from {words(ticket.status)} to {words(to)}."


TICKET_MOVES = Moves({
    TicketStatus.OPEN: frozenset({TicketStatus.TROUBLESHOOTING, TicketStatus.VENDOR_CALLED, TicketStatus.FIXED}),
    TicketStatus.TROUBLESHOOTING: frozenset({TicketStatus.VENDOR_CALLED, TicketStatus.FIXED}),
    TicketStatus.VENDOR_CALLED: frozenset({TicketStatus.AWAITING_PARTS, TicketStatus.FIXED}),
    TicketStatus.AWAITING_PARTS: frozenset({TicketStatus.VENDOR_CALLED, TicketStatus.FIXED}),
    TicketStatus.FIXED: frozenset({TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset(),
}, refusal)


def move_ticket(ticket: Ticket, to: TicketStatus, now: datetime) -> None:
    """Move a ticket along open → troubleshooting → vendor called → awaiting parts → fixed → closed."""
    if ticket.is_void:
        raise RuleError(refusal(ticket, to))
    TICKET_MOVES.move(ticket, to)
    if to == TicketStatus.FIXED:
        ticket.fixed_at = now
    elif to == TicketStatus.CLOSED:
        ticket.closed_at = now


def tick_step(ticket: Ticket, step: str, done: bool = True) -> None:
    """Tick (or untick) a checklist step as tried; the ticket is then being troubleshot."""
    if ticket.is_void or ticket.status not in (TicketStatus.OPEN, TicketStatus.TROUBLESHOOTING):
        raise RuleError(refusal(ticket, TicketStatus.TROUBLESHOOTING))
    if ticket.status == TicketStatus.OPEN:
        ticket.status = TicketStatus.TROUBLESHOOTING
    tried = [s for s in ticket.steps_tried if s != step]
    ticket.steps_tried = [*tried, step] if done else tried


# What a machine reports that stops it printing; any other report asks for attention.
STOPPING_ERRORS = frozenset({"no paper", "no toner", "door open", "jammed", "offline", "service requested",
                             "input tray missing", "output tray missing", "marker supply missing", "output full"})


def reported_state(report: PrinterReport) -> tuple[MachineStatus, str]:
    """What the machine says of itself, as a status and in words: down when it cannot print,
    needing attention when it warns (toner low, paper low)."""
    said = ", ".join(report.errors) or report.device_state
    if report.device_state in ("down", "stopped") or STOPPING_ERRORS.intersection(report.errors):
        return MachineStatus.DOWN, said
    if report.device_state in ("warning", "testing") or report.errors:
        return MachineStatus.NEEDS_ATTENTION, said
    return MachineStatus.OK, said


def machine_status(machine: Machine, tickets: Iterable[Ticket]) -> MachineStatus:
    """Down while the vendor has an open ticket, needing attention while any other is open."""
    if machine.status == MachineStatus.RETIRED:
        return MachineStatus.RETIRED
    open_tickets = [t for t in tickets if t.machine_id == machine.id and t.is_open]
    if any(t.with_vendor for t in open_tickets):
        return MachineStatus.DOWN
    return MachineStatus.NEEDS_ATTENTION if open_tickets else MachineStatus.OK


def downtime(ticket: Ticket, now: datetime) -> timedelta:
    """From the report to the fix (to ``now`` while it is not fixed)."""
    return (ticket.fixed_at or now) - ticket.opened_at


def last_service(plans: Iterable[MaintenancePlan], tickets: Iterable[Ticket]) -> date | None:
    """The last maintenance done or the last repair by the vendor."""
    visits = [p.last_done_on for p in plans]
    visits += [office_day(t.fixed_at) for t in tickets if t.fixed_at and t.service_sheet and not t.is_void]
    return max(visits, default=None)


def service_sheet(machine: Machine, ticket: Ticket, reading: MeterReading | None, serviced: date | None, today: date) -> str:
    """Everything the service company asks for on the phone, ready to read out or mail."""
    contact = ", ".join(p for p in (readable_number(machine.vendor_phone), machine.vendor_email) if p)
    counter = "no reading on record"
    if reading is not None:
        parts = [f"{COUNTER_WORDS[c]} {getattr(reading, c):,}" for c in ("mono", "colour", "scans", "faxes") if getattr(reading, c) is not None]
        counter = f"{reading.total:,} pages (read {reading.taken_on:%d %b %Y})" + (f"; {', '.join(parts)}" if parts else "")
    fault = symptom_words(ticket.symptom) + (f" — {ticket.detail}" if ticket.detail else "")
    steps = "\n".join(f"  - {s}" for s in ticket.steps_tried) or "  (none)"
    return "\n".join([
        f"SERVICE CALL — ticket #{ticket.id}, {today:%d %b %Y}",
        f"Vendor:       {machine.vendor or 'not on record'}" + (f" ({contact})" if contact else ""),
        f"Machine:      {machine.make} {machine.model} ({machine.kind.value}), asset tag {machine.asset_tag}",
        f"Serial:       {machine.serial}",
        f"Location:     {machine.location or 'not on record'}",
        f"Counter:      {counter}",
        f"Fault:        {fault}",
        f"Reported:     {local(ticket.opened_at):%d %b %Y %H:%M} by {ticket.reported_by or 'unknown'}",
        "Steps tried:",
        steps,
        f"Cover:        {cover_words(machine, today)}",
        f"Last service: {serviced:%d %b %Y}" if serviced else "Last service: none on record",
    ]) + "\n"


def active_plans(plans: Iterable[MaintenancePlan]) -> list[MaintenancePlan]:
    """The plans still followed: a removed one keeps its log but falls due no more."""
    return [p for p in plans if not p.is_removed]


def counter_went_back(total: int, last: MeterReading) -> str:
    """A polled counter below the last reading: said, not taken as a reading."""
    return (f"counter went back: {total:,} < {last.total:,} ({last.label()}); not recorded — "
            "if that reading is wrong, void it (v on the machine's page)")


def retire_refusal(machine: Machine, open_tickets: Iterable[Ticket]) -> str:
    """Why a machine cannot be retired yet, naming each ticket still open; '' when it can."""
    blocking = sorted(open_tickets, key=lambda t: t.id or 0)
    if not blocking:
        return ""
    named = "; ".join(ticket_title(t) for t in blocking)
    them = "it" if len(blocking) == 1 else "them"
    return f"{machine.label()} has {len(blocking)} open ticket{'s' if len(blocking) > 1 else ''} ({named}); fix, close or void {them} before retiring it."


def ticket_title(ticket: Ticket) -> str:
    """The ticket's number and what it is about, on one line."""
    first = ticket.detail.strip().splitlines()[0][:60] if ticket.detail.strip() else ""
    return ticket.label() + (f" — {first}" if first else "")


def ticket_is_closed(ticket: Ticket) -> bool:
    return not ticket.is_open
