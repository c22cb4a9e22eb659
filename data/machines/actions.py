"""What a person does to machines in the store: one transaction each, the store first, then
the record's id (or the new record), then what the person said; each returns what was saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from data.engine.errors import FieldError, RuleError
from data.engine.files import write_for_people
from data.engine.record import Record
from data.engine.repository import Repository
from data.engine.store import Store
from data.engine.text import visible
from data.machines import forecasts, rules
from data.machines.models import Machine, MachineStatus, MaintenancePlan, MeterReading, Ticket, TicketStatus
from data.machines.troubleshooting import Symptom, symptoms_for


def others_than(repo: Repository, records: list[Record]) -> list[Record]:
    """The stored records of ``repo`` except those being written now."""
    writing = {r.id for r in records if r.id is not None}
    return [r for r in repo.list() if r.id not in writing]


def check_machines(repo: Repository, machines: list[Machine]) -> None:
    known = others_than(repo, machines)
    for machine in machines:
        rules.check_unique(machine, known)
        known.append(machine)


def check_machine_ids(repo: Repository, records: list[Record]) -> None:
    machines = repo.store.repo("machines")
    for machine_id in {r.machine_id for r in records}:
        machines.get(machine_id)  # NotFoundError names the missing machine


def check_readings(repo: Repository, readings: list[MeterReading]) -> None:
    check_machine_ids(repo, readings)
    today = repo.store.today()
    known = forecasts.counting(others_than(repo, readings))
    for reading in forecasts.counting(readings):
        rules.check_reading(reading, known, today)
        known.append(reading)


class UnlikelyReading(FieldError):
    """A reading far above what the machine prints: taken only once someone is sure."""


def add_reading(store: Store, reading: MeterReading, sure: bool = False) -> MeterReading:
    """Store a reading; refused with a FieldError when a counter would run backwards, and
    with UnlikelyReading, unless ``sure``, when it means far more pages than the machine prints."""
    with store.transaction("machines"):
        if not sure:
            known = forecasts.counting(store.repo("meter_readings").find(machine_id=reading.machine_id))
            usual = forecasts.recent_pages_per_day(known, store.today())
            if unlikely := rules.unlikely_jump(reading, known, usual):
                raise UnlikelyReading("total", unlikely)
        return store.repo("meter_readings").add(reading)


def void_reading(store: Store, reading_id: int, reason: str) -> MeterReading:
    """A wrong reading is voided with the reason: it stays in the history, with who and when,
    and leaves every figure — so the right readings after it are no longer refused."""
    if not reason.strip():
        raise FieldError("reason", "Say why the reading is wrong.")

    def void(reading: MeterReading) -> None:
        if reading.is_void:
            raise RuleError(f"The reading of {reading.label()} was already voided by {reading.voided_by}: {reading.void_reason}")
        reading.void(reason, store.user, store.now())

    return store.repo("meter_readings").update(reading_id, void)


def maintenance_done(store: Store, plan_id: int, counter: int | None = None) -> MaintenancePlan:
    """The task was done today; with ``counter`` the machine's counter is read at the same time."""
    with store.transaction("machines"):
        plan = store.repo("maintenance_plans").get(plan_id)
        today = store.today()
        if counter is not None:
            add_reading(store, MeterReading(machine_id=plan.machine_id, taken_on=today, total=counter))
        readings = forecasts.counting(store.repo("meter_readings").find(machine_id=plan.machine_id))
        pages = forecasts.counter_on(readings, today, forecasts.recent_pages_per_day(readings, today))

        def done(p: MaintenancePlan) -> None:
            p.last_done_on = today
            p.last_done_pages = round(pages or 0)

        return store.repo("maintenance_plans").update(plan_id, done)


def refresh_machine_status(store: Store, machine_id: int) -> Machine:
    machine = store.repo("machines").get(machine_id)
    status = rules.machine_status(machine, store.repo("tickets").find(machine_id=machine_id))
    if status == machine.status:
        return machine
    return store.repo("machines").update(machine_id, lambda m: setattr(m, "status", status))


def change_ticket(store: Store, ticket_id: int, change: Callable[[Ticket], None]) -> Ticket:
    """Apply ``change`` to the newest ticket and bring its machine's status in line."""
    with store.transaction("machines"):
        ticket = store.repo("tickets").update(ticket_id, change)
        refresh_machine_status(store, ticket.machine_id)
        return ticket


def report_fault(store: Store, machine_id: int, symptom: Symptom | str, detail: str = "") -> Ticket:
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


def add_ticket(store: Store, ticket: Ticket) -> Ticket:
    """A ticket from outside (add, import) is a fault reported, as by the key."""
    return report_fault(store, ticket.machine_id, ticket.symptom, ticket.detail)


def tick(store: Store, ticket_id: int, step: str, done: bool = True) -> Ticket:
    return change_ticket(store, ticket_id, lambda t: rules.tick_step(t, step, done))


def resolve(store: Store, ticket_id: int) -> Ticket:
    """The checklist fixed it: the ticket is fixed and closed, the machine back to ok."""
    def fixed_and_closed(ticket: Ticket) -> None:
        rules.move_ticket(ticket, TicketStatus.FIXED, store.now())
        rules.move_ticket(ticket, TicketStatus.CLOSED, store.now())

    return change_ticket(store, ticket_id, fixed_and_closed)


def escalate(store: Store, ticket_id: int, counter: int | None = None, vendor_reference: str = "") -> Ticket:
    """The checklist did not fix it: the machine is down and the vendor is called with a
    service-call sheet, kept in the ticket. ``counter``: the total read off the machine now."""
    with store.transaction("machines"):
        ticket = store.repo("tickets").get(ticket_id)
        if counter is not None:
            add_reading(store, MeterReading(machine_id=ticket.machine_id, taken_on=store.today(), total=counter))
        machine = store.repo("machines").get(ticket.machine_id)
        tickets = store.repo("tickets").find(machine_id=machine.id)
        serviced = rules.last_service(store.repo("maintenance_plans").find(machine_id=machine.id), tickets)
        reading = forecasts.latest_reading(forecasts.counting(store.repo("meter_readings").find(machine_id=machine.id)))

        def call_vendor(t: Ticket) -> None:
            rules.move_ticket(t, TicketStatus.VENDOR_CALLED, store.now())
            t.vendor_reference = vendor_reference or t.vendor_reference
            t.service_sheet = rules.service_sheet(machine, t, reading, serviced, store.today())

        return change_ticket(store, ticket_id, call_vendor)


def await_parts(store: Store, ticket_id: int) -> Ticket:
    return change_ticket(store, ticket_id, lambda t: rules.move_ticket(t, TicketStatus.AWAITING_PARTS, store.now()))


def fix(store: Store, ticket_id: int, cost: float | None = None, vendor_reference: str = "") -> Ticket:
    """The machine works again: downtime ends, and with no other open ticket it is ok."""
    def fixed(ticket: Ticket) -> None:
        rules.move_ticket(ticket, TicketStatus.FIXED, store.now())
        ticket.cost = ticket.cost if cost is None else cost
        ticket.vendor_reference = vendor_reference or ticket.vendor_reference

    return change_ticket(store, ticket_id, fixed)


def close(store: Store, ticket_id: int, cost: float | None = None) -> Ticket:
    """Close a fixed ticket, with the final cost once the invoice is in."""
    def closed(ticket: Ticket) -> None:
        rules.move_ticket(ticket, TicketStatus.CLOSED, store.now())
        ticket.cost = ticket.cost if cost is None else cost

    return change_ticket(store, ticket_id, closed)


def retire(store: Store, machine_id: int) -> Machine:
    with store.transaction("machines"):
        if any(t.is_open for t in store.repo("tickets").find(machine_id=machine_id)):
            raise RuleError("This machine has open tickets; fix or close them before retiring it.")
        return store.repo("machines").update(machine_id, lambda m: setattr(m, "status", MachineStatus.RETIRED))


def export_service_sheet(store: Store, ticket_id: int) -> Path:
    """Write the ticket's service-call sheet as a text file; returns where it went."""
    ticket = store.repo("tickets").get(ticket_id)
    if not ticket.service_sheet:
        raise RuleError(f"Ticket {ticket.label()} has no service-call sheet: it is made when the checklist does not fix the fault.")
    machine = store.repo("machines").get(ticket.machine_id)
    tag = "".join(c if c.isalnum() or c in "-_" else "-" for c in machine.asset_tag)
    path = store.output_folder("service-sheets") / f"{tag}-ticket-{ticket.id}.txt"
    write_for_people(path, visible(ticket.service_sheet))  # for people: a control character shows as a symbol
    return path


FIXED, NOT_FIXED = "fixed", "not fixed"


def end_checklist(store: Store, ticket_id: int, tried: Sequence[str], outcome: str | None, counter: int | None = None) -> Ticket:
    """Keep the steps ticked as tried; then the ticket is fixed (FIXED), goes to the vendor
    with the counter read now (NOT_FIXED), or stays open (None)."""
    with store.transaction("machines"):
        ticket = store.repo("tickets").get(ticket_id)
        for step in [s for s in ticket.steps_tried if s not in tried]:
            ticket = tick(store, ticket_id, step, done=False)
        for step in [s for s in tried if s not in ticket.steps_tried]:
            ticket = tick(store, ticket_id, step)
        if outcome == FIXED:
            return resolve(store, ticket_id)
        if outcome == NOT_FIXED:
            return escalate(store, ticket_id, counter)
        return ticket
