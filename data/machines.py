"""Machines: copiers, printers, fax machines; readings, faults, tickets, maintenance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import Field, field_validator

from data.agenda import AgendaEntry, AgendaGroup
from data.collections import Collection
from data.errors import FieldError, RuleError
from data.phone import normalise_number
from data.record import Record


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
    vendor_email: str = Field(default="", max_length=200)
    contract_end: date | None = Field(default=None, title="Contract/warranty end")

    form_fields = ("asset_tag", "kind", "make", "model", "serial", "location", "vendor", "vendor_phone", "vendor_email", "contract_end")

    _phone = field_validator("vendor_phone", mode="before")(lambda cls, v: normalise_number(v or ""))

    def label(self) -> str:
        return f"{self.asset_tag} {self.make} {self.model}".strip()


class MeterReading(Record):
    machine_id: int
    taken_on: date
    total: int = Field(ge=0)
    mono: int | None = Field(default=None, ge=0)
    colour: int | None = Field(default=None, ge=0)
    scans: int | None = Field(default=None, ge=0)
    faxes: int | None = Field(default=None, ge=0)


COUNTERS = ("total", "mono", "colour", "scans", "faxes")


class TicketStatus(StrEnum):
    OPEN = "open"
    TROUBLESHOOTING = "troubleshooting"
    VENDOR_CALLED = "vendor_called"
    AWAITING_PARTS = "awaiting_parts"
    FIXED = "fixed"
    CLOSED = "closed"


class Ticket(Record):
    machine_id: int
    reported_by: str = ""
    symptom: str = Field(min_length=1, max_length=200)
    steps_tried: list[str] = Field(default_factory=list)
    status: TicketStatus = TicketStatus.OPEN
    vendor_reference: str = Field(default="", max_length=100)
    cost: float = Field(default=0.0, ge=0)
    opened_at: datetime
    fixed_at: datetime | None = None
    closed_at: datetime | None = None
    service_sheet: str = ""

    def label(self) -> str:
        return f"#{self.id} {self.symptom}"

    @property
    def is_open(self) -> bool:
        return self.status not in (TicketStatus.FIXED, TicketStatus.CLOSED)


class MaintenancePlan(Record):
    machine_id: int
    task: str = Field(min_length=1, max_length=200)
    every_days: int | None = Field(default=None, ge=1)
    every_pages: int | None = Field(default=None, ge=1)
    last_done_on: date
    last_done_pages: int = Field(default=0, ge=0)


# -- readings ----------------------------------------------------------------------------


def check_reading(new: MeterReading, previous: Iterable[MeterReading]) -> None:
    """A counter never runs backwards: refuse a reading below the last one for that counter."""
    earlier = [r for r in previous if r.machine_id == new.machine_id and r.taken_on <= new.taken_on and r.id != new.id]
    if not earlier:
        return
    last = max(earlier, key=lambda r: (r.taken_on, r.id or 0))
    for counter in COUNTERS:
        now_value, then_value = getattr(new, counter), getattr(last, counter)
        if now_value is not None and then_value is not None and now_value < then_value:
            raise FieldError(counter, f"The {counter} counter read {then_value:,} on {last.taken_on:%d %b %Y}; it cannot go down to {now_value:,}.")


def add_reading(store, reading: MeterReading) -> MeterReading:
    readings = store.repo("meter_readings")
    with store.transaction("machines"):
        check_reading(reading, readings.find(machine_id=reading.machine_id))
        return readings.add(reading)


def pages_per_day(readings: Iterable[MeterReading]) -> float | None:
    """Average over the whole span of readings, gaps included."""
    ordered = sorted(readings, key=lambda r: r.taken_on)
    if len(ordered) < 2:
        return None
    days = (ordered[-1].taken_on - ordered[0].taken_on).days
    return None if days <= 0 else (ordered[-1].total - ordered[0].total) / days


def daily_pages_series(readings: Iterable[MeterReading]) -> list[float]:
    """Pages per day between consecutive readings, for a sparkline."""
    ordered = sorted(readings, key=lambda r: r.taken_on)
    series = []
    for before, after in zip(ordered, ordered[1:]):
        days = (after.taken_on - before.taken_on).days
        if days > 0:
            series.append((after.total - before.total) / days)
    return series


# -- maintenance -------------------------------------------------------------------------


@dataclass(frozen=True)
class MaintenanceDue:
    plan: MaintenancePlan
    due_on: date | None  # by days
    pages_left: int | None  # by pages
    due_by: str  # "days", "pages" or ""
    is_due: bool


def maintenance_due(plan: MaintenancePlan, current_pages: int, per_day: float | None, today: date) -> MaintenanceDue:
    """Due by pages or by days, whichever comes first."""
    by_days = plan.last_done_on + timedelta(days=plan.every_days) if plan.every_days else None
    pages_left = plan.last_done_pages + plan.every_pages - current_pages if plan.every_pages else None
    by_pages = None
    if pages_left is not None:
        if pages_left <= 0:
            by_pages = today
        elif per_day:
            by_pages = today + timedelta(days=int(pages_left / per_day))
    candidates = [(d, name) for d, name in ((by_days, "days"), (by_pages, "pages")) if d is not None]
    if not candidates:
        return MaintenanceDue(plan, None, pages_left, "", False)
    first, reason = min(candidates)
    due = first <= today or (pages_left is not None and pages_left <= 0)
    return MaintenanceDue(plan, first, pages_left, reason, due)


# -- toner -------------------------------------------------------------------------------


def toner_issues(movements: Iterable, supplies: dict[int, object], machine_id: int) -> list:
    """Toner or ink issued to this machine, oldest first (from stock movements)."""
    found = []
    for movement in movements:
        item = supplies.get(movement.item_id)
        if movement.kind == "used" and movement.machine_id == machine_id and item is not None and getattr(item, "category", "") in ("toner", "ink"):
            found.append(movement)
    return sorted(found, key=lambda m: m.at)


def pages_per_cartridge(issues: list, readings: list[MeterReading]) -> float | None:
    """Pages printed between the first and the last cartridge change, per cartridge used."""
    if len(issues) < 2 or not readings:
        return None

    def pages_at(moment: datetime) -> int | None:
        before = [r for r in readings if r.taken_on <= moment.date()]
        return max(before, key=lambda r: r.taken_on).total if before else None

    first, last = pages_at(issues[0].at), pages_at(issues[-1].at)
    cartridges = sum(m.quantity for m in issues[:-1])
    if first is None or last is None or cartridges <= 0 or last <= first:
        return None
    return (last - first) / cartridges


def toner_out_date(issues: list, readings: list[MeterReading], per_day: float | None) -> date | None:
    per_cartridge = pages_per_cartridge(issues, readings)
    if not per_cartridge or not per_day or not issues or not readings:
        return None
    last_change = issues[-1].at.date()
    at_change = [r for r in readings if r.taken_on <= last_change]
    if not at_change:
        return None
    pages_then = max(at_change, key=lambda r: r.taken_on).total
    latest = max(readings, key=lambda r: r.taken_on)
    left = per_cartridge - (latest.total - pages_then)
    return latest.taken_on + timedelta(days=max(int(left / per_day), 0))


# -- faults and tickets ------------------------------------------------------------------

CHECKLISTS: dict[str, list[str]] = {
    "paper jam": [
        "Open every door and tray; remove torn scraps (look with a torch)",
        "Check the paper is not damp, curled or above the tray's fill line",
        "Fan the stack and set the tray guides snug to the paper",
        "Check the paper weight matches the tray setting",
        "Clean the feed rollers with a damp lint-free cloth",
    ],
    "toner or ink": [
        "Read the cartridge level on the machine's panel",
        "Take the cartridge out, rock it gently side to side, put it back",
        "Check the cartridge is the right one for this model",
        "Remove any seal or tape left on a new cartridge",
        "Fit a new cartridge from stock",
    ],
    "network": [
        "Check the network cable is in and its light blinks",
        "Print a configuration page: does it have an IP address?",
        "Ping that address from a PC",
        "Switch the machine off for 30 seconds and on again",
        "Check the print queue on the server is not paused",
    ],
    "print quality": [
        "Print a test page from the machine's own menu",
        "Run the cleaning or calibration routine",
        "Wipe the glass and the scanner strip",
        "Check the paper type setting",
        "Replace the toner or drum if streaks stay",
    ],
    "error code": [
        "Write down the exact code and message",
        "Switch off for 30 seconds and on again",
        "Look the code up in the manual or the vendor's site",
        "Open and close every door firmly",
    ],
    "won't power on": [
        "Check the plug and try another socket",
        "Check the power switch at the back",
        "Check the fuse in the plug",
    ],
}
FAX_EXTRA = {"network": ["Lift the handset or check the line with a phone: is there a dial tone?"]}


def checklist(kind: MachineKind, symptom: str) -> list[str]:
    steps = list(CHECKLISTS.get(symptom, CHECKLISTS["error code"]))
    if kind in (MachineKind.FAX, MachineKind.MULTIFUNCTION):
        steps += FAX_EXTRA.get(symptom, [])
    return steps


def report_fault(store, machine_id: int, symptom: str) -> Ticket:
    if not symptom.strip():
        raise FieldError("symptom", "Say what is wrong.")
    with store.transaction("machines"):
        store.repo("machines").update(machine_id, lambda m: setattr(m, "status", MachineStatus.NEEDS_ATTENTION) if m.status == MachineStatus.OK else None)
        return store.repo("tickets").add(Ticket(
            machine_id=machine_id, reported_by=store.user, symptom=symptom, status=TicketStatus.TROUBLESHOOTING, opened_at=store.now(),
        ))


def current_counter(readings: Iterable[MeterReading]) -> int | None:
    ordered = sorted(readings, key=lambda r: r.taken_on)
    return ordered[-1].total if ordered else None


def service_sheet(machine: Machine, ticket: Ticket, counter: int | None, last_service: date | None, today: date) -> str:
    """Everything the service company asks for on the phone, ready to read out or mail."""
    if machine.contract_end is None:
        cover = "no contract or warranty on record"
    elif machine.contract_end >= today:
        cover = f"covered until {machine.contract_end:%d %b %Y}"
    else:
        cover = f"EXPIRED on {machine.contract_end:%d %b %Y}"
    steps = "\n".join(f"  - {s}" for s in ticket.steps_tried) or "  (none)"
    vendor = " ".join(p for p in (machine.vendor or "service vendor", machine.vendor_phone, machine.vendor_email) if p)
    lines = [
        f"SERVICE CALL — {vendor}",
        f"Machine:  {machine.make} {machine.model} ({machine.kind.value}), asset {machine.asset_tag}",
        f"Serial:   {machine.serial}",
        f"Location: {machine.location}",
        f"Counter:  {counter:,}" if counter is not None else "Counter:  no reading",
        f"Fault:    {ticket.symptom} (reported {ticket.opened_at:%d %b %Y %H:%M} by {ticket.reported_by})",
        f"Tried:\n{steps}",
        f"Cover:    {cover}",
        f"Last service: {last_service:%d %b %Y}" if last_service else "Last service: none on record",
    ]
    return "\n".join(lines) + "\n"


def tick_step(ticket: Ticket, step: str) -> None:
    if not ticket.is_open:
        raise RuleError("This ticket is already fixed.")
    if step not in ticket.steps_tried:
        ticket.steps_tried = [*ticket.steps_tried, step]


def resolve(store, ticket_id: int) -> Ticket:
    """The checklist fixed it: the ticket is fixed and the machine is back to ok."""
    return fix(store, ticket_id)


def escalate(store, ticket_id: int) -> Ticket:
    """The checklist did not fix it: the machine is down, the vendor is called with a sheet."""
    with store.transaction("machines"):
        ticket = store.repo("tickets").get(ticket_id)
        if not ticket.is_open:
            raise RuleError("This ticket is already fixed.")
        machine = store.repo("machines").update(ticket.machine_id, lambda m: setattr(m, "status", MachineStatus.DOWN))
        readings = store.repo("meter_readings").find(machine_id=machine.id)
        plans = store.repo("maintenance_plans").find(machine_id=machine.id)
        last_service = max((p.last_done_on for p in plans), default=None)
        sheet = service_sheet(machine, ticket, current_counter(readings), last_service, store.now().date())

        def call_vendor(t: Ticket) -> None:
            t.status = TicketStatus.VENDOR_CALLED
            t.service_sheet = sheet

        return store.repo("tickets").update(ticket_id, call_vendor)


def fix(store, ticket_id: int, cost: float = 0.0, vendor_reference: str = "") -> Ticket:
    with store.transaction("machines"):
        def fixed(t: Ticket) -> None:
            if not t.is_open:
                raise RuleError("This ticket is already fixed.")
            t.status = TicketStatus.FIXED
            t.fixed_at = store.now()
            t.cost = cost or t.cost
            t.vendor_reference = vendor_reference or t.vendor_reference

        ticket = store.repo("tickets").update(ticket_id, fixed)
        still_open = [t for t in store.repo("tickets").find(machine_id=ticket.machine_id) if t.is_open]
        if not still_open:
            store.repo("machines").update(ticket.machine_id, lambda m: setattr(m, "status", MachineStatus.OK))
        return ticket


def service_sheets_folder(store) -> Path:
    """Sheets are written beside the data folder, not in it: they are for people, not for the program."""
    return store.folder.with_name(f"{store.folder.name}-service-sheets")


def export_service_sheet(store, ticket_id: int) -> Path:
    """Write the ticket's service-call sheet as a text file; returns where it went."""
    ticket = store.repo("tickets").get(ticket_id)
    if not ticket.service_sheet:
        raise RuleError("This ticket has no service-call sheet yet: it is made when the checklist does not fix the fault.")
    machine = store.repo("machines").get(ticket.machine_id)
    tag = "".join(c if c.isalnum() or c in "-_" else "-" for c in machine.asset_tag)
    path = service_sheets_folder(store) / f"{tag}-ticket-{ticket.id}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ticket.service_sheet, encoding="utf-8")
    return path


def downtime(ticket: Ticket, now: datetime) -> timedelta:
    return (ticket.fixed_at or now) - ticket.opened_at


@dataclass(frozen=True)
class Reliability:
    failures: int
    mtbf_days: float | None
    mttr_hours: float | None


def reliability(tickets: Iterable[Ticket]) -> Reliability:
    """From fixed tickets: mean time between failures (report to report) and to repair."""
    done = sorted((t for t in tickets if t.fixed_at is not None), key=lambda t: t.opened_at)
    if not done:
        return Reliability(0, None, None)
    gaps = [(b.opened_at - a.opened_at).total_seconds() / 86400 for a, b in zip(done, done[1:])]
    repairs = [(t.fixed_at - t.opened_at).total_seconds() / 3600 for t in done]
    return Reliability(len(done), sum(gaps) / len(gaps) if gaps else None, sum(repairs) / len(repairs))


# -- board and dashboard -----------------------------------------------------------------

STATUS_ORDER = {MachineStatus.DOWN: 0, MachineStatus.NEEDS_ATTENTION: 1, MachineStatus.OK: 2, MachineStatus.RETIRED: 3}


@dataclass(frozen=True)
class BoardRow:
    machine: Machine
    last_reading: MeterReading | None
    per_day: float | None
    open_tickets: int
    next_maintenance: MaintenanceDue | None


def board(store, today: date) -> list[BoardRow]:
    machines = store.repo("machines").list()
    readings = store.repo("meter_readings").list()
    tickets = store.repo("tickets").list()
    plans = store.repo("maintenance_plans").list()
    rows = []
    for machine in machines:
        own = [r for r in readings if r.machine_id == machine.id]
        per_day = pages_per_day(own)
        last = max(own, key=lambda r: r.taken_on) if own else None
        dues = [maintenance_due(p, last.total if last else 0, per_day, today) for p in plans if p.machine_id == machine.id]
        dated = [d for d in dues if d.due_on is not None]
        rows.append(BoardRow(
            machine, last, per_day, sum(1 for t in tickets if t.machine_id == machine.id and t.is_open),
            min(dated, key=lambda d: d.due_on) if dated else None,
        ))
    return sorted(rows, key=lambda r: (STATUS_ORDER[r.machine.status], r.machine.asset_tag))


def agenda_groups(store, now: datetime) -> list[AgendaGroup]:
    rows = board(store, now.date())
    down = [r for r in rows if r.machine.status == MachineStatus.DOWN]
    due = [r for r in rows if r.next_maintenance and r.next_maintenance.is_due and r.machine.status != MachineStatus.RETIRED]
    return [
        AgendaGroup("machines_down", "Machines down", "machines", len(down),
                    [AgendaEntry(f"{r.machine.label()}, {r.machine.location}", "machines", r.machine.id, True) for r in down]),
        AgendaGroup("maintenance_due", "Maintenance due", "machines", len(due),
                    [AgendaEntry(f"{r.machine.label()} — {r.next_maintenance.plan.task}", "machines", r.machine.id) for r in due]),
    ]


def check_unique_serial(machine: Machine, others: Iterable[Machine]) -> None:
    for other in others:
        if other.id != machine.id and other.serial.casefold() == machine.serial.casefold():
            raise FieldError("serial", f"Serial {machine.serial} is already {other.label()}.")


def save_machine(store, machine: Machine, overwrite: bool = False) -> Machine:
    repo = store.repo("machines")
    with store.transaction("machines"):
        check_unique_serial(machine, repo.list())
        return repo.add(machine) if machine.id is None else repo.save(machine, force=overwrite)


COLLECTIONS = [
    Collection("machines", Machine, "machines", "machine",
               columns=("asset_tag", "kind", "make", "model", "serial", "location", "status")),
    Collection("meter_readings", MeterReading, "machines", "meter reading", columns=("machine_id", "taken_on", "total", "mono", "colour")),
    Collection("tickets", Ticket, "machines", "ticket", columns=("machine_id", "symptom", "status", "opened_at", "fixed_at"),
               is_closed=lambda t: t.status in (TicketStatus.FIXED, TicketStatus.CLOSED)),
    Collection("maintenance_plans", MaintenancePlan, "machines", "maintenance plan",
               columns=("machine_id", "task", "every_days", "every_pages", "last_done_on")),
]
