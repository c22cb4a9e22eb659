"""What a person does to machines in the store: one transaction each, the store first, then
the record's id (or the new record), then what the person said; each returns what was saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from data.engine.errors import FieldError, RuleError
from data.engine.record import Record
from data.engine.repository import Repository
from data.engine.store import Store
from data.engine.text import visible
from data.machines import forecasts, rules
from data.machines.models import Machine, MachineStatus, MaintenancePlan, MaintenanceVisit, MeterReading, Ticket, TicketStatus
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
    return store.repo("meter_readings").update(reading_id, voiding(store, reason, "reading"))


def voiding(store: Store, reason: str, what: str) -> Callable[[MeterReading | Ticket], None]:
    """What voids a record: the reason, who and when; refused without a reason or twice."""
    if not reason.strip():
        raise FieldError("reason", f"Say why the {what} is wrong.")

    def void(record: MeterReading | Ticket) -> None:
        if record.is_void:
            said = f"The reading of {record.label()}" if what == "reading" else f"Ticket {record.label()}"
            raise RuleError(f"{said} was already voided by {record.voided_by}: {record.void_reason}")
        record.void(reason, store.user, store.now())

    return void


def void_ticket(store: Store, ticket_id: int, reason: str) -> Ticket:
    """A ticket opened by mistake (the wrong machine, a fault that was not one) is voided with
    the reason: kept in the history, out of the machine's figures and status."""
    return change_ticket(store, ticket_id, voiding(store, reason, "ticket"))


def maintenance_done(store: Store, plan_id: int, counter: int | None = None) -> MaintenancePlan:
    """The task was done today, and the log says so; with ``counter`` the machine's counter
    is read at the same time."""
    with store.transaction("machines"):
        plan = store.repo("maintenance_plans").get(plan_id)
        if plan.is_removed:
            raise RuleError(f"The plan {plan.label()} was removed on {plan.removed_on:%d %b %Y}.")
        today = store.today()
        if counter is not None:
            add_reading(store, MeterReading(machine_id=plan.machine_id, taken_on=today, total=counter))
        readings = forecasts.counting(store.repo("meter_readings").find(machine_id=plan.machine_id))
        pages = round(forecasts.counter_on(readings, today, forecasts.recent_pages_per_day(readings, today)) or 0)

        def done(p: MaintenancePlan) -> None:
            visit = MaintenanceVisit(done_on=today, pages=pages, by=store.user, before_on=p.last_done_on, before_pages=p.last_done_pages)
            p.last_done_on, p.last_done_pages, p.log = today, pages, [*p.log, visit]

        return store.repo("maintenance_plans").update(plan_id, done)


def void_last_visit(store: Store, plan_id: int, reason: str) -> MaintenancePlan:
    """Maintenance logged as done by mistake: the last visit is voided with the reason, kept
    in the log, and the plan falls due as it did before."""
    if not reason.strip():
        raise FieldError("reason", "Say why the maintenance was not done.")

    def take_back(plan: MaintenancePlan) -> None:
        visit = next((v for v in reversed(plan.log) if not v.is_void), None)
        if visit is None or visit.before_on is None:
            raise RuleError(f"The plan {plan.label()} has no logged visit to take back.")
        if (visit.done_on, visit.pages) != (plan.last_done_on, plan.last_done_pages):
            raise RuleError(f"The plan {plan.label()} was edited since the visit of {visit.done_on:%d %b %Y}; edit it (e) instead.")
        plan.last_done_on, plan.last_done_pages = visit.before_on, visit.before_pages
        plan.log = [v.model_copy(update={"void_reason": reason.strip(), "voided_by": store.user}) if v is visit else v for v in plan.log]

    return store.repo("maintenance_plans").update(plan_id, take_back)


def add_plan(store: Store, plan: MaintenancePlan) -> MaintenancePlan:
    """A new maintenance plan for a machine in service."""
    with store.transaction("machines"):
        machine = store.repo("machines").get(plan.machine_id)
        if machine.status == MachineStatus.RETIRED:
            raise RuleError(f"{machine.label()} is retired; it is not serviced any more.")
        return store.repo("maintenance_plans").add(plan)


def remove_plan(store: Store, plan_id: int) -> MaintenancePlan:
    """The plan is no longer followed: off the machine's page and due dates, its log kept."""
    def remove(plan: MaintenancePlan) -> None:
        if plan.is_removed:
            raise RuleError(f"The plan {plan.label()} was already removed, by {plan.removed_by}.")
        plan.removed_on, plan.removed_by = store.today(), store.user

    return store.repo("maintenance_plans").update(plan_id, remove)


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


def escalate(store: Store, ticket_id: int, counter: int | None = None, vendor_reference: str = "", sure: bool = False) -> Ticket:
    """The checklist did not fix it: the machine is down and the vendor is called with a
    service-call sheet, kept in the ticket. ``counter``: the total read off the machine now
    (``sure``: taken even when far above the machine's rate)."""
    with store.transaction("machines"):
        ticket = store.repo("tickets").get(ticket_id)
        if counter is not None:
            add_reading(store, MeterReading(machine_id=ticket.machine_id, taken_on=store.today(), total=counter), sure)
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


def parts_came(store: Store, ticket_id: int) -> Ticket:
    return change_ticket(store, ticket_id, lambda t: rules.move_ticket(t, TicketStatus.VENDOR_CALLED, store.now()))


def fix(store: Store, ticket_id: int, cost: float | None = None, vendor_reference: str = "") -> Ticket:
    """The machine works again: downtime ends, and with no other open ticket it is ok."""
    def fixed(ticket: Ticket) -> None:
        rules.move_ticket(ticket, TicketStatus.FIXED, store.now())
        ticket.cost = ticket.cost if cost is None else cost
        ticket.vendor_reference = vendor_reference or ticket.vendor_reference

    return change_ticket(store, ticket_id, fixed)


def close(store: Store, ticket_id: int, cost: float | None = None, vendor_reference: str = "") -> Ticket:
    """Close a fixed ticket, with the final cost once the invoice is in."""
    def closed(ticket: Ticket) -> None:
        rules.move_ticket(ticket, TicketStatus.CLOSED, store.now())
        ticket.cost = ticket.cost if cost is None else cost
        ticket.vendor_reference = vendor_reference or ticket.vendor_reference

    return change_ticket(store, ticket_id, closed)


def retire(store: Store, machine_id: int, reason: str) -> Machine:
    """The machine leaves service (sold, scrapped): kept with its history, out of the board,
    the polling and the due dates."""
    if not reason.strip():
        raise FieldError("reason", "Say why the machine is retired (sold, scrapped, replaced by…).")
    with store.transaction("machines"):
        open_tickets = [t for t in store.repo("tickets").find(machine_id=machine_id) if t.is_open]
        if blocked := rules.retire_refusal(store.repo("machines").get(machine_id), open_tickets):
            raise RuleError(blocked)

        def retired(machine: Machine) -> None:
            if machine.status == MachineStatus.RETIRED:
                raise RuleError(f"{machine.label()} was already retired on {machine.retired_on:%d %b %Y}.")
            machine.status, machine.retired_on, machine.retired_reason = MachineStatus.RETIRED, store.today(), reason.strip()

        return store.repo("machines").update(machine_id, retired)


def return_to_service(store: Store, machine_id: int) -> Machine:
    """A machine retired by mistake, or back from storage, is in service again."""
    def back(machine: Machine) -> None:
        if machine.status != MachineStatus.RETIRED:
            raise RuleError(f"{machine.label()} is in service.")
        machine.status, machine.retired_on, machine.retired_reason = MachineStatus.OK, None, ""

    return store.repo("machines").update(machine_id, back)


def export_service_sheet(store: Store, ticket_id: int) -> Path:
    """Write the ticket's service-call sheet as a text file; returns where it went."""
    ticket = store.repo("tickets").get(ticket_id)
    if not ticket.service_sheet:
        raise RuleError(f"Ticket {ticket.label()} has no service-call sheet: it is made when the checklist does not fix the fault.")
    machine = store.repo("machines").get(ticket.machine_id)
    tag = "".join(c if c.isalnum() or c in "-_" else "-" for c in machine.asset_tag)
    # for people: a control character shows as a symbol
    return store.write_output("service-sheets", f"{tag}-ticket-{ticket.id}.txt", visible(ticket.service_sheet))


FIXED, NOT_FIXED = "fixed", "not fixed"


def end_checklist(store: Store, ticket_id: int, tried: Sequence[str], outcome: str | None, counter: int | None = None,
                  sure: bool = False) -> Ticket:
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
            return escalate(store, ticket_id, counter, sure=sure)
        return ticket
