"""Machines: copiers, printers, fax machines and scanners; their meter readings, faults,
repair tickets and maintenance.

Rules are pure functions of records and ``today`` or ``now``; the functions that take a
``store`` run them on stored records inside one transaction of machines.json.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from data.agenda import TOP, AgendaEntry, AgendaGroup
from data.engine.clock import Moment, local, office_day
from data.engine.collections import Collection
from data.engine.errors import FieldError, RuleError
from data.phone import normalise_number, readable_number
from data.engine.record import Lines, Record
from data.staff import check_email
from data.engine.text import visible
from data.troubleshooting import Symptom, symptom_words, symptoms_for

RATE_WINDOW_DAYS = 90
MAX_COUNTER = 999_999_999  # nine digits: more than any copier counts in its life
MAX_PRICE = 1_000_000  # pages per day for forecasts: the recent rate, not years ago
TONER_CATEGORIES = ("toner", "ink")


class MachineKind(StrEnum):
    COPIER = "copier"
    PRINTER = "printer"
    FAX = "fax"
    SCANNER = "scanner"
    MULTIFUNCTION = "multifunction"


class MachineStatus(StrEnum):
    OK = "ok"
    NEEDS_ATTENTION = "needs_attention"
    DOWN = "down"
    RETIRED = "retired"


class Machine(Record):
    asset_tag: str = Field(min_length=1, max_length=40)
    kind: MachineKind = MachineKind.PRINTER
    make: str = Field(default="", max_length=100)
    model: str = Field(default="", max_length=100)
    serial: str = Field(min_length=1, max_length=100)
    location: str = Field(default="", max_length=200)
    status: MachineStatus = MachineStatus.OK
    vendor: str = Field(default="", max_length=200, title="Service vendor")
    vendor_phone: str = Field(default="", max_length=40)
    vendor_email: str = Field(default="", max_length=200, title="Vendor e-mail")
    contract_end: date | None = Field(default=None, title="Contract/warranty end")

    form_fields = (
        "asset_tag", "kind", "make", "model", "serial", "location",
        "vendor", "vendor_phone", "vendor_email", "contract_end",
    )

    _phone = field_validator("vendor_phone", mode="before")(lambda cls, v: normalise_number(v or ""))
    _email = field_validator("vendor_email")(lambda cls, v: check_email(v))

    def label(self) -> str:
        return f"{self.asset_tag} {self.make} {self.model}".strip()


def cover_words(machine: Machine, today: date) -> str:
    """The contract or warranty, as the vendor will ask about it."""
    if machine.contract_end is None:
        return "no contract or warranty on record"
    if machine.contract_end >= today:
        return f"under contract/warranty until {machine.contract_end:%d %b %Y}"
    return f"contract/warranty EXPIRED on {machine.contract_end:%d %b %Y}"


# -- uniqueness --------------------------------------------------------------------------


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


def others_than(repo, records: list[Record]) -> list[Record]:
    """The stored records of ``repo`` except those being written now."""
    writing = {r.id for r in records if r.id is not None}
    return [r for r in repo.list() if r.id not in writing]


def check_machines(repo, machines: list[Machine]) -> None:
    known = others_than(repo, machines)
    for machine in machines:
        check_unique(machine, known)
        known.append(machine)


def check_machine_ids(repo, records: list[Record]) -> None:
    machines = repo.store.repo("machines")
    for machine_id in {r.machine_id for r in records}:
        machines.get(machine_id)  # NotFoundError names the missing machine


# -- meter readings ----------------------------------------------------------------------


class MeterReading(Record):
    machine_id: int
    taken_on: date
    total: int = Field(ge=0, le=MAX_COUNTER, title="Total pages")
    mono: int | None = Field(default=None, ge=0, le=MAX_COUNTER, title="Black-and-white pages")
    colour: int | None = Field(default=None, ge=0, le=MAX_COUNTER, title="Colour pages")
    scans: int | None = Field(default=None, ge=0, le=MAX_COUNTER)
    faxes: int | None = Field(default=None, ge=0, le=MAX_COUNTER)

    def label(self) -> str:
        return f"{self.total:,} on {self.taken_on:%d %b %Y}"


COUNTER_WORDS = {"total": "total", "mono": "black-and-white", "colour": "colour", "scans": "scan", "faxes": "fax"}


def check_reading(new: MeterReading, others: Iterable[MeterReading], today: date) -> None:
    """A counter never runs backwards: a reading may not be below an earlier one, nor above
    a later one, for the same counter of the same machine."""
    if new.taken_on > today:
        raise FieldError("taken_on", f"A reading cannot be dated after today ({today:%d %b %Y}).")
    own = [r for r in others if r is not new and r.machine_id == new.machine_id and (r.id is None or r.id != new.id)]
    for counter, words in COUNTER_WORDS.items():
        value = getattr(new, counter)
        if value is None:
            continue
        known = [(r.taken_on, getattr(r, counter)) for r in own if getattr(r, counter) is not None]
        earlier = [k for k in known if k[0] <= new.taken_on]
        later = [k for k in known if k[0] > new.taken_on]
        if earlier and value < (last := max(earlier))[1]:
            raise FieldError(counter, f"The {words} counter read {last[1]:,} on {last[0]:%d %b %Y}; "
                                      f"it cannot go down to {value:,}.")
        if later and value > (following := min(later))[1]:
            raise FieldError(counter, f"The {words} counter read {following[1]:,} later, on "
                                      f"{following[0]:%d %b %Y}; {value:,} would make it go down.")


def check_readings(repo, readings: list[MeterReading]) -> None:
    check_machine_ids(repo, readings)
    today = repo.store.today()
    known = others_than(repo, readings)
    for reading in readings:
        check_reading(reading, known, today)
        known.append(reading)


def add_reading(store, reading: MeterReading) -> MeterReading:
    """Store a reading; refused with a FieldError when a counter would run backwards."""
    return store.repo("meter_readings").add(reading)


def in_order(readings: Iterable[MeterReading]) -> list[MeterReading]:
    return sorted(readings, key=lambda r: (r.taken_on, r.total))


def pages_per_day(readings: Iterable[MeterReading], since: date | None = None) -> float | None:
    """Pages per calendar day across the readings, however far apart they were taken.

    With ``since``, from the last reading on or before that day (or the first after it)."""
    ordered = in_order(readings)
    if since is not None:
        before = [r for r in ordered if r.taken_on <= since]
        ordered = ordered[len(before) - 1:] if before else ordered
    if len(ordered) < 2:
        return None
    days = (ordered[-1].taken_on - ordered[0].taken_on).days
    return None if days <= 0 else (ordered[-1].total - ordered[0].total) / days


def recent_pages_per_day(readings: Iterable[MeterReading], today: date) -> float | None:
    return pages_per_day(readings, since=today - timedelta(days=RATE_WINDOW_DAYS))


def daily_pages_series(readings: Iterable[MeterReading]) -> list[float]:
    """Pages per day between consecutive readings, for a sparkline."""
    ordered = in_order(readings)
    return [
        (after.total - before.total) / days
        for before, after in zip(ordered, ordered[1:])
        if (days := (after.taken_on - before.taken_on).days) > 0
    ]


def latest_reading(readings: Iterable[MeterReading]) -> MeterReading | None:
    ordered = in_order(readings)
    return ordered[-1] if ordered else None


def counter_on(readings: Iterable[MeterReading], day: date, per_day: float | None) -> float | None:
    """The total counter on ``day``: between readings by straight line, after the last one
    at ``per_day``; unknown before the first reading."""
    ordered = in_order(readings)
    if not ordered or day < ordered[0].taken_on:
        return None
    last = ordered[-1]
    if day >= last.taken_on:
        return last.total + (per_day or 0) * (day - last.taken_on).days
    for before, after in zip(ordered, ordered[1:]):
        if before.taken_on <= day < after.taken_on:
            share = (day - before.taken_on).days / (after.taken_on - before.taken_on).days
            return before.total + share * (after.total - before.total)


# -- maintenance -------------------------------------------------------------------------


class MaintenancePlan(Record):
    machine_id: int
    task: str = Field(min_length=1, max_length=200)
    every_days: int | None = Field(default=None, ge=1, le=3660)
    every_pages: int | None = Field(default=None, ge=1, le=MAX_COUNTER)
    last_done_on: date
    last_done_pages: int = Field(default=0, ge=0, le=MAX_COUNTER, title="Counter when last done")

    def label(self) -> str:
        return self.task

    @model_validator(mode="after")
    def _needs_an_interval(self) -> MaintenancePlan:
        if self.every_days is None and self.every_pages is None:
            raise ValueError("say how often: every so many days, every so many pages, or both")
        return self


class DueBy(StrEnum):
    DAYS = "days"
    PAGES = "pages"


@dataclass(frozen=True)
class MaintenanceDue:
    plan: MaintenancePlan
    due_on: date | None  # None: by pages only, and no page rate to turn pages into a date
    pages_left: int | None
    due_by: DueBy | None
    is_due: bool


def maintenance_due(plan: MaintenancePlan, current_pages: float, per_day: float | None, today: date) -> MaintenanceDue:
    """When the plan falls due: by days or by pages, whichever comes first."""
    dates: list[tuple[date, DueBy]] = []
    if plan.every_days:
        dates.append((plan.last_done_on + timedelta(days=plan.every_days), DueBy.DAYS))
    pages_left = None
    if plan.every_pages:
        pages_left = math.ceil(plan.last_done_pages + plan.every_pages - current_pages)
        if pages_left <= 0:
            dates.append((today, DueBy.PAGES))
        elif per_day:
            dates.append((today + timedelta(days=math.floor(pages_left / per_day)), DueBy.PAGES))
    if not dates:
        return MaintenanceDue(plan, None, pages_left, DueBy.PAGES, False)
    due_on, due_by = min(dates)
    return MaintenanceDue(plan, due_on, pages_left, due_by, due_on <= today)


def plan_due(plan: MaintenancePlan, readings: list[MeterReading], today: date) -> MaintenanceDue:
    per_day = recent_pages_per_day(readings, today)
    return maintenance_due(plan, counter_on(readings, today, per_day) or 0, per_day, today)


def next_due(dues: Iterable[MaintenanceDue]) -> MaintenanceDue | None:
    ordered = sorted(dues, key=lambda d: (not d.is_due, d.due_on or date.max))
    return ordered[0] if ordered else None


def maintenance_done(store, plan_id: int, counter: int | None = None) -> MaintenancePlan:
    """The task was done today; with ``counter`` the machine's counter is read at the same time."""
    with store.transaction("machines"):
        plan = store.repo("maintenance_plans").get(plan_id)
        today = store.today()
        if counter is not None:
            add_reading(store, MeterReading(machine_id=plan.machine_id, taken_on=today, total=counter))
        readings = store.repo("meter_readings").find(machine_id=plan.machine_id)
        pages = counter_on(readings, today, recent_pages_per_day(readings, today))

        def done(p: MaintenancePlan) -> None:
            p.last_done_on = today
            p.last_done_pages = round(pages or 0)

        return store.repo("maintenance_plans").update(plan_id, done)


# -- toner -------------------------------------------------------------------------------


def toner_issues(movements: Iterable, supplies: dict[int, object], machine_id: int) -> list:
    """Toner or ink issued to this machine (stock movements of kind "used"), oldest first."""
    found = [
        m for m in movements
        if m.kind == "used" and m.machine_id == machine_id
        and getattr(supplies.get(m.item_id), "category", None) in TONER_CATEGORIES
    ]
    return sorted(found, key=lambda m: m.at)


def pages_per_cartridge(issues: list, readings: list[MeterReading], per_day: float | None) -> float | None:
    """Pages printed from the first change to the last, per cartridge fitted before the last.

    ``issues`` are the changes of one supply item, each cartridge issued counted as fitted."""
    changes = [(c, m.quantity) for m in issues if (c := counter_on(readings, office_day(m.at), per_day)) is not None]
    if len(changes) < 2:
        return None
    pages = changes[-1][0] - changes[0][0]
    cartridges = sum(quantity for _, quantity in changes[:-1])
    return pages / cartridges if pages > 0 and cartridges > 0 else None


def toner_out_date(issues: list, readings: list[MeterReading], today: date) -> date | None:
    """When the cartridges fitted at the last change will be empty, at the recent page rate."""
    per_day = recent_pages_per_day(readings, today)
    per_cartridge = pages_per_cartridge(issues, readings, per_day)
    if not per_cartridge or not per_day:
        return None
    last = issues[-1]
    at_change = counter_on(readings, office_day(last.at), per_day)
    now = counter_on(readings, today, per_day)
    if at_change is None or now is None:
        return None
    left = per_cartridge * last.quantity - (now - at_change)
    return today + timedelta(days=math.floor(left / per_day))


@dataclass(frozen=True)
class TonerForecast:
    item_id: int
    item_name: str
    cartridges: int  # issued to this machine so far
    last_change: date
    pages_per_cartridge: float | None
    runs_out_on: date | None


def toner_forecasts(issues: list, supplies: dict[int, object], readings: list[MeterReading], today: date) -> list[TonerForecast]:
    """One forecast per toner or ink item the machine takes (a colour copier has four),
    soonest empty first."""
    per_day = recent_pages_per_day(readings, today)
    forecasts = []
    for item_id in dict.fromkeys(m.item_id for m in issues):
        own = [m for m in issues if m.item_id == item_id]
        forecasts.append(TonerForecast(
            item_id, getattr(supplies.get(item_id), "name", f"item #{item_id}"), sum(m.quantity for m in own),
            office_day(own[-1].at), pages_per_cartridge(own, readings, per_day), toner_out_date(own, readings, today),
        ))
    return sorted(forecasts, key=lambda f: f.runs_out_on or date.max)


def stock_for_machines(store) -> tuple[list, dict[int, object]]:
    """The toner and ink movements to machines, and the supply items by id."""
    supplies = {item.id: item for item in store.repo("supplies").list()}
    movements = store.repo("stock_movements").find(lambda m: m.machine_id is not None)
    return movements, supplies


def machine_toner(store, machine_id: int, today: date) -> list[TonerForecast]:
    movements, supplies = stock_for_machines(store)
    readings = store.repo("meter_readings").find(machine_id=machine_id)
    return toner_forecasts(toner_issues(movements, supplies, machine_id), supplies, readings, today)


# -- tickets -----------------------------------------------------------------------------


class TicketStatus(StrEnum):
    OPEN = "open"
    TROUBLESHOOTING = "troubleshooting"
    VENDOR_CALLED = "vendor_called"
    AWAITING_PARTS = "awaiting_parts"
    FIXED = "fixed"
    CLOSED = "closed"


TICKET_MOVES: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.OPEN: frozenset({TicketStatus.TROUBLESHOOTING, TicketStatus.VENDOR_CALLED, TicketStatus.FIXED}),
    TicketStatus.TROUBLESHOOTING: frozenset({TicketStatus.VENDOR_CALLED, TicketStatus.FIXED}),
    TicketStatus.VENDOR_CALLED: frozenset({TicketStatus.AWAITING_PARTS, TicketStatus.FIXED}),
    TicketStatus.AWAITING_PARTS: frozenset({TicketStatus.VENDOR_CALLED, TicketStatus.FIXED}),
    TicketStatus.FIXED: frozenset({TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset(),
}
WITH_VENDOR = frozenset({TicketStatus.VENDOR_CALLED, TicketStatus.AWAITING_PARTS})


def ticket_status_words(status: TicketStatus) -> str:
    return TicketStatus(status).value.replace("_", " ")


class Ticket(Record):
    machine_id: int
    reported_by: str = Field(default="", max_length=100)
    symptom: Symptom
    detail: Lines = Field(default="", max_length=1000, title="What was seen")
    steps_tried: list[str] = Field(default_factory=list)
    status: TicketStatus = TicketStatus.OPEN
    vendor_reference: str = Field(default="", max_length=100)
    cost: float = Field(default=0.0, ge=0, le=MAX_PRICE)
    opened_at: Moment
    fixed_at: Moment | None = None
    closed_at: Moment | None = None
    service_sheet: Lines = Field(default="", max_length=20_000)

    form_fields = ("machine_id", "symptom", "detail", "vendor_reference", "cost")

    def label(self) -> str:
        return f"#{self.id} {symptom_words(self.symptom)}"

    @property
    def is_open(self) -> bool:
        return self.status not in (TicketStatus.FIXED, TicketStatus.CLOSED)

    @property
    def with_vendor(self) -> bool:
        return self.status in WITH_VENDOR


def refusal(ticket: Ticket, to: TicketStatus) -> str:
    name = f"Ticket {ticket.label()}"
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
    return f"{name} cannot go from {ticket_status_words(ticket.status)} to {ticket_status_words(to)}."


def move_ticket(ticket: Ticket, to: TicketStatus, now: datetime) -> None:
    """Move a ticket along open → troubleshooting → vendor called → awaiting parts → fixed → closed."""
    if to not in TICKET_MOVES[ticket.status]:
        raise RuleError(refusal(ticket, to))
    ticket.status = to
    if to == TicketStatus.FIXED:
        ticket.fixed_at = now
    elif to == TicketStatus.CLOSED:
        ticket.closed_at = now


def tick_step(ticket: Ticket, step: str, done: bool = True) -> None:
    """Tick (or untick) a checklist step as tried; the ticket is then being troubleshot."""
    if ticket.status not in (TicketStatus.OPEN, TicketStatus.TROUBLESHOOTING):
        raise RuleError(refusal(ticket, TicketStatus.TROUBLESHOOTING))
    if ticket.status == TicketStatus.OPEN:
        ticket.status = TicketStatus.TROUBLESHOOTING
    tried = [s for s in ticket.steps_tried if s != step]
    ticket.steps_tried = [*tried, step] if done else tried


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
    visits += [office_day(t.fixed_at) for t in tickets if t.fixed_at and t.service_sheet]
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


# -- the fault flow, on stored records ---------------------------------------------------


def refresh_machine_status(store, machine_id: int) -> Machine:
    machine = store.repo("machines").get(machine_id)
    status = machine_status(machine, store.repo("tickets").find(machine_id=machine_id))
    if status == machine.status:
        return machine
    return store.repo("machines").update(machine_id, lambda m: setattr(m, "status", status))


def change_ticket(store, ticket_id: int, change: Callable[[Ticket], None]) -> Ticket:
    """Apply ``change`` to the newest ticket and bring its machine's status in line."""
    with store.transaction("machines"):
        ticket = store.repo("tickets").update(ticket_id, change)
        refresh_machine_status(store, ticket.machine_id)
        return ticket


def report_fault(store, machine_id: int, symptom: Symptom | str, detail: str = "") -> Ticket:
    """Open a ticket; the machine needs attention until it is fixed."""
    with store.transaction("machines"):
        machine = store.repo("machines").get(machine_id)
        if machine.status == MachineStatus.RETIRED:
            raise RuleError(f"{machine.label()} is retired; faults are not reported on it.")
        if symptom not in symptoms_for(machine.kind):
            raise FieldError("symptom", f"Choose a symptom a {machine.kind.value} can have.")
        ticket = store.repo("tickets").add(Ticket(
            machine_id=machine_id, reported_by=store.user, symptom=symptom, detail=detail, opened_at=store.now(),
        ))
        refresh_machine_status(store, machine_id)
        return ticket


def tick(store, ticket_id: int, step: str, done: bool = True) -> Ticket:
    return change_ticket(store, ticket_id, lambda t: tick_step(t, step, done))


def resolve(store, ticket_id: int) -> Ticket:
    """The checklist fixed it: the ticket is fixed and closed, the machine back to ok."""
    def fixed_and_closed(ticket: Ticket) -> None:
        move_ticket(ticket, TicketStatus.FIXED, store.now())
        move_ticket(ticket, TicketStatus.CLOSED, store.now())

    return change_ticket(store, ticket_id, fixed_and_closed)


def escalate(store, ticket_id: int, counter: int | None = None, vendor_reference: str = "") -> Ticket:
    """The checklist did not fix it: the machine is down and the vendor is called with a
    service-call sheet, kept in the ticket. ``counter``: the total read off the machine now."""
    with store.transaction("machines"):
        ticket = store.repo("tickets").get(ticket_id)
        if counter is not None:
            add_reading(store, MeterReading(machine_id=ticket.machine_id, taken_on=store.today(), total=counter))
        machine = store.repo("machines").get(ticket.machine_id)
        tickets = store.repo("tickets").find(machine_id=machine.id)
        serviced = last_service(store.repo("maintenance_plans").find(machine_id=machine.id), tickets)
        reading = latest_reading(store.repo("meter_readings").find(machine_id=machine.id))

        def call_vendor(t: Ticket) -> None:
            move_ticket(t, TicketStatus.VENDOR_CALLED, store.now())
            t.vendor_reference = vendor_reference or t.vendor_reference
            t.service_sheet = service_sheet(machine, t, reading, serviced, store.today())

        return change_ticket(store, ticket_id, call_vendor)


def await_parts(store, ticket_id: int) -> Ticket:
    return change_ticket(store, ticket_id, lambda t: move_ticket(t, TicketStatus.AWAITING_PARTS, store.now()))


def fix(store, ticket_id: int, cost: float | None = None, vendor_reference: str = "") -> Ticket:
    """The machine works again: downtime ends, and with no other open ticket it is ok."""
    def fixed(ticket: Ticket) -> None:
        move_ticket(ticket, TicketStatus.FIXED, store.now())
        ticket.cost = ticket.cost if cost is None else cost
        ticket.vendor_reference = vendor_reference or ticket.vendor_reference

    return change_ticket(store, ticket_id, fixed)


def close(store, ticket_id: int, cost: float | None = None) -> Ticket:
    """Close a fixed ticket, with the final cost once the invoice is in."""
    def closed(ticket: Ticket) -> None:
        move_ticket(ticket, TicketStatus.CLOSED, store.now())
        ticket.cost = ticket.cost if cost is None else cost

    return change_ticket(store, ticket_id, closed)


def retire(store, machine_id: int) -> Machine:
    with store.transaction("machines"):
        if any(t.is_open for t in store.repo("tickets").find(machine_id=machine_id)):
            raise RuleError("This machine has open tickets; fix or close them before retiring it.")
        return store.repo("machines").update(machine_id, lambda m: setattr(m, "status", MachineStatus.RETIRED))


def export_service_sheet(store, ticket_id: int) -> Path:
    """Write the ticket's service-call sheet as a text file; returns where it went."""
    ticket = store.repo("tickets").get(ticket_id)
    if not ticket.service_sheet:
        raise RuleError(f"Ticket {ticket.label()} has no service-call sheet: it is made when the checklist does not fix the fault.")
    machine = store.repo("machines").get(ticket.machine_id)
    tag = "".join(c if c.isalnum() or c in "-_" else "-" for c in machine.asset_tag)
    path = store.beside("service-sheets") / f"{tag}-ticket-{ticket.id}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(visible(ticket.service_sheet), encoding="utf-8")  # for people: a control character shows as a symbol
    return path


# -- reliability -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reliability:
    failures: int
    mtbf_days: float | None  # mean time from one repair to the next failure
    mttr_hours: float | None  # mean time from report to repair
    downtime_hours: float


def reliability(tickets: Iterable[Ticket]) -> Reliability:
    """From the machine's fixed and closed tickets."""
    done = sorted((t for t in tickets if t.fixed_at is not None), key=lambda t: t.opened_at)
    if not done:
        return Reliability(0, None, None, 0.0)
    uptimes = [max((b.opened_at - a.fixed_at).total_seconds(), 0) / 86400 for a, b in zip(done, done[1:])]
    repairs = [(t.fixed_at - t.opened_at).total_seconds() / 3600 for t in done]
    return Reliability(len(done), sum(uptimes) / len(uptimes) if uptimes else None, sum(repairs) / len(repairs), sum(repairs))


# -- the board, one machine, the dashboard -----------------------------------------------

STATUS_ORDER = {MachineStatus.DOWN: 0, MachineStatus.NEEDS_ATTENTION: 1, MachineStatus.OK: 2, MachineStatus.RETIRED: 3}


@dataclass(frozen=True)
class BoardRow:
    machine: Machine
    last_reading: MeterReading | None
    per_day: float | None
    open_tickets: int
    next_maintenance: MaintenanceDue | None
    toner_out_on: date | None


@dataclass(frozen=True)
class MachineRecords:
    """Everything stored about the machines, read once, grouped by machine id."""

    machines: list[Machine]
    readings: dict[int, list[MeterReading]] = field(default_factory=dict)
    tickets: dict[int, list[Ticket]] = field(default_factory=dict)
    plans: dict[int, list[MaintenancePlan]] = field(default_factory=dict)

    @classmethod
    def load(cls, store) -> MachineRecords:
        def by_machine(name: str) -> dict[int, list]:
            grouped: dict[int, list] = {}
            for record in store.repo(name).list():
                grouped.setdefault(record.machine_id, []).append(record)
            return grouped

        return cls(store.repo("machines").list(), by_machine("meter_readings"), by_machine("tickets"), by_machine("maintenance_plans"))


def board_row(machine: Machine, records: MachineRecords, toner: list, supplies: dict[int, object], today: date) -> BoardRow:
    readings = records.readings.get(machine.id, [])
    forecasts = toner_forecasts(toner_issues(toner, supplies, machine.id), supplies, readings, today)
    return BoardRow(
        machine,
        latest_reading(readings),
        recent_pages_per_day(readings, today),
        sum(1 for t in records.tickets.get(machine.id, []) if t.is_open),
        next_due(plan_due(p, readings, today) for p in records.plans.get(machine.id, [])),
        forecasts[0].runs_out_on if forecasts else None,
    )


def board(store, today: date) -> list[BoardRow]:
    """Every machine at a glance: down first, then needing attention, ok, retired."""
    records = MachineRecords.load(store)
    toner, supplies = stock_for_machines(store)
    rows = [board_row(m, records, toner, supplies, today) for m in records.machines]
    return sorted(rows, key=lambda r: (STATUS_ORDER[r.machine.status], r.machine.asset_tag))


@dataclass(frozen=True)
class MachineDetail:
    machine: Machine
    readings: list[MeterReading]  # oldest first
    pages_per_day_series: list[float]  # for a sparkline
    tickets: list[Ticket]  # newest first
    maintenance: list[MaintenanceDue]
    toner: list[TonerForecast]
    reliability: Reliability


def machine_detail(store, machine_id: int, today: date) -> MachineDetail:
    machine = store.repo("machines").get(machine_id)
    readings = in_order(store.repo("meter_readings").find(machine_id=machine_id))
    tickets = sorted(store.repo("tickets").find(machine_id=machine_id), key=lambda t: t.opened_at, reverse=True)
    plans = store.repo("maintenance_plans").find(machine_id=machine_id)
    return MachineDetail(
        machine, readings, daily_pages_series(readings), tickets,
        [plan_due(p, readings, today) for p in plans], machine_toner(store, machine_id, today), reliability(tickets),
    )


def agenda_groups(store, now: datetime) -> list[AgendaGroup]:
    records = MachineRecords.load(store)
    today = office_day(now)
    down = [m for m in records.machines if m.status == MachineStatus.DOWN]
    due = sorted(
        ((m, d) for m in records.machines if m.status != MachineStatus.RETIRED
         for p in records.plans.get(m.id, []) if (d := plan_due(p, records.readings.get(m.id, []), today)).is_due),
        key=lambda pair: pair[1].due_on or today,
    )

    def down_entry(machine: Machine) -> AgendaEntry:
        open_tickets = [t for t in records.tickets.get(machine.id, []) if t.is_open]
        since = min((t.opened_at for t in open_tickets), default=None)
        hours = f", down {(now - since).total_seconds() / 3600:.0f} h" if since else ""
        return AgendaEntry(f"{machine.label()} — {machine.location}{hours}", "machines", machine.id, True)

    return [
        AgendaGroup("machines_down", "Machines down", "machines", len(down), [down_entry(m) for m in down[:TOP]]),
        AgendaGroup("maintenance_due", "Maintenance due", "machines", len(due), [
            AgendaEntry(f"{m.label()} — {d.plan.task} (by {d.due_by.value})", "machines", m.id) for m, d in due[:TOP]
        ]),
    ]


def ticket_is_closed(ticket: Ticket) -> bool:
    return not ticket.is_open


COLLECTIONS = [
    Collection("machines", Machine, "machines", "machine",
               columns=("asset_tag", "kind", "make", "model", "serial", "location", "status"), check=check_machines),
    Collection("meter_readings", MeterReading, "machines", "meter reading",
               columns=("machine_id", "taken_on", "total", "mono", "colour"), check=check_readings),
    Collection("tickets", Ticket, "machines", "ticket", columns=("machine_id", "symptom", "status", "opened_at", "fixed_at"),
               is_closed=ticket_is_closed, check=check_machine_ids),
    Collection("maintenance_plans", MaintenancePlan, "machines", "maintenance plan",
               columns=("machine_id", "task", "every_days", "every_pages", "last_done_on"), check=check_machine_ids),
]
