"""Machines on stored records: the fault flow, readings, toner from stock, board, agenda, demo."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from data.demo import build_demo
from data.demo.stock import MACHINE_IDS
from data.engine.errors import FieldError, NotFoundError, RuleError
from data.engine.store import Store
from data.machines.actions import (
    add_plan,
    add_reading,
    await_parts,
    close,
    escalate,
    export_service_sheet,
    fix,
    maintenance_done,
    parts_came,
    remove_plan,
    report_fault,
    resolve,
    retire,
    return_to_service,
    tick,
    void_ticket,
)
from data.machines.models import MachineStatus, MaintenancePlan, MeterReading, TicketStatus
from data.machines.rules import downtime
from data.machines.troubleshooting import Symptom, checklist
from data.machines.views import agenda_groups, board, machine_detail, machine_toner, plans_page
from data.stock.models import MovementKind, StockMovement, SupplyCategory, SupplyItem

ROOT = Path(__file__).resolve().parents[2]


def add_machine(store, tag: str, serial: str, kind: str = "printer", **fields):
    return store.repo("machines").add({"asset_tag": tag, "serial": serial, "kind": kind, "make": "HP",
                                       "model": "LaserJet M507dn", "location": "Sales", **fields})


def read(store, machine, days_ago: int, total: int) -> MeterReading:
    day = store.now().date() - timedelta(days=days_ago)
    return add_reading(store, MeterReading(machine_id=machine.id, taken_on=day, total=total))


@pytest.fixture
def printer(store):
    return add_machine(store, "PR-01", "PHBLB12345", vendor="PrintFix Ltd", vendor_phone="0117 496 0100")


def machine_status(store, machine) -> MachineStatus:
    return store.repo("machines").get(machine.id).status


# -- uniqueness and readings, however they are written ----------------------------------


def test_the_command_line_refuses_to_retire_a_machine_naming_its_open_tickets(tmp_path):
    office = Store(tmp_path / "office", user="setup")
    copier = add_machine(office, "CP-01", "S1", kind="copier")
    jam = report_fault(office, copier.id, Symptom.PAPER_JAM, detail="tray 2")
    refused = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(office.folder), "machines", "retire",
                              str(copier.id), "--reason", "sold"], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode != 0
    assert (f"CP-01 HP LaserJet M507dn has 1 open ticket (#{jam.id} paper jam — tray 2); "
            "fix, close or void it before retiring it.") in refused.stderr
    assert office.repo("machines").get(copier.id).status != MachineStatus.RETIRED


def test_a_second_machine_with_the_same_serial_is_refused_on_add_and_on_save(store, printer):
    with pytest.raises(FieldError) as refused:
        add_machine(store, "PR-02", "phblb12345")
    assert refused.value.field == "serial" and "PR-01" in str(refused.value)
    other = add_machine(store, "PR-02", "PHBLB99999")
    other.serial = "PHBLB12345"
    with pytest.raises(FieldError):
        store.repo("machines").save(other)
    assert [m.serial for m in store.repo("machines").list()] == ["PHBLB12345", "PHBLB99999"]


def test_one_import_with_two_machines_of_the_same_serial_writes_neither(store):
    with pytest.raises(FieldError):
        store.repo("machines").add_many([
            {"asset_tag": "CP-01", "serial": "X1"}, {"asset_tag": "CP-02", "serial": "X1"},
        ])
    assert store.repo("machines").count() == 0


def test_the_command_line_refuses_a_duplicate_serial_in_one_line(tmp_path):
    folder = tmp_path / "office"

    def backoffice(*args):
        return subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(folder), *args], cwd=ROOT, capture_output=True, text=True)

    assert backoffice("add", "machines", "asset_tag=PR-01", "serial=S1").returncode == 0
    refused = backoffice("add", "machines", "asset_tag=PR-02", "serial=S1")
    assert refused.returncode != 0 and "Serial S1 already belongs to PR-01" in refused.stderr
    assert len(json.loads(backoffice("export", "machines", "--format", "json").stdout)) == 1


def test_a_falling_reading_is_refused_and_not_written(store, printer):
    read(store, printer, 30, 10_000)
    with pytest.raises(FieldError) as refused:
        read(store, printer, 0, 9_999)
    assert refused.value.field == "total"
    edited = read(store, printer, 10, 11_000)
    edited.total = 9_000
    with pytest.raises(FieldError):
        store.repo("meter_readings").save(edited)
    assert sorted(r.total for r in store.repo("meter_readings").list()) == [10_000, 11_000]


def test_a_reading_for_a_machine_that_does_not_exist_is_refused(store):
    with pytest.raises(NotFoundError):
        add_reading(store, MeterReading(machine_id=99, taken_on=store.now().date(), total=1))


# -- the fault flow ----------------------------------------------------------------------


def test_a_fault_the_checklist_cannot_fix_puts_the_machine_down_with_a_service_sheet_until_fixed(store, clock, printer):
    read(store, printer, 20, 40_000)
    ticket = report_fault(store, printer.id, Symptom.ERROR_CODE, detail="49.4C02")
    assert (ticket.status, ticket.reported_by) == (TicketStatus.OPEN, "tester")
    assert machine_status(store, printer) == MachineStatus.NEEDS_ATTENTION

    steps = checklist(printer.kind, Symptom.ERROR_CODE)
    for step in steps[:3]:
        ticket = tick(store, ticket.id, step)
    assert (ticket.status, ticket.steps_tried) == (TicketStatus.TROUBLESHOOTING, steps[:3])

    clock.now += timedelta(minutes=30)
    ticket = escalate(store, ticket.id, counter=42_817, vendor_reference="PF-1")
    assert ticket.status == TicketStatus.VENDOR_CALLED
    assert machine_status(store, printer) == MachineStatus.DOWN
    for expected in ("PHBLB12345", "42,817", "49.4C02", steps[2], "PrintFix Ltd"):
        assert expected in ticket.service_sheet
    assert store.repo("tickets").get(ticket.id).service_sheet == ticket.service_sheet
    assert store.repo("meter_readings").find(machine_id=printer.id, total=42_817)  # the counter read at the call

    clock.now += timedelta(hours=26)
    ticket = fix(store, ticket.id, cost=120.0)
    assert machine_status(store, printer) == MachineStatus.OK
    assert downtime(ticket, clock.now + timedelta(days=5)) == timedelta(hours=26, minutes=30)
    ticket = close(store, ticket.id)
    assert (ticket.status, ticket.cost, ticket.vendor_reference) == (TicketStatus.CLOSED, 120.0, "PF-1")


def test_the_service_sheet_is_exported_as_a_text_file_in_the_service_sheets_folder(store, printer):
    ticket = report_fault(store, printer.id, Symptom.PAPER_JAM)
    with pytest.raises(RuleError, match="no service-call sheet"):
        export_service_sheet(store, ticket.id)
    escalate(store, ticket.id)
    path = export_service_sheet(store, ticket.id)
    assert "PHBLB12345" in path.read_text(encoding="utf-8")
    assert path.parent == store.folder / "service-sheets"


def test_a_fault_the_checklist_fixes_closes_the_ticket_and_the_machine_is_ok(store, clock, printer):
    ticket = report_fault(store, printer.id, Symptom.PAPER_JAM)
    tick(store, ticket.id, checklist(printer.kind, Symptom.PAPER_JAM)[0])
    clock.now += timedelta(minutes=10)
    ticket = resolve(store, ticket.id)
    assert (ticket.status, ticket.fixed_at, ticket.closed_at) == (TicketStatus.CLOSED, clock.now, clock.now)
    assert machine_status(store, printer) == MachineStatus.OK
    with pytest.raises(RuleError, match="is closed"):
        escalate(store, ticket.id)


def test_a_machine_stays_down_while_another_ticket_is_with_the_vendor(store, printer):
    first = escalate(store, report_fault(store, printer.id, Symptom.NETWORK).id)
    second = escalate(store, report_fault(store, printer.id, Symptom.NO_POWER).id)
    fix(store, first.id)
    assert machine_status(store, printer) == MachineStatus.DOWN
    fix(store, second.id)
    assert machine_status(store, printer) == MachineStatus.OK


def test_a_counter_below_the_last_reading_stops_the_escalation(store, printer):
    read(store, printer, 5, 50_000)
    ticket = report_fault(store, printer.id, Symptom.PAPER_JAM)
    with pytest.raises(FieldError):
        escalate(store, ticket.id, counter=5_000)
    assert store.repo("tickets").get(ticket.id).status == TicketStatus.OPEN
    assert machine_status(store, printer) == MachineStatus.NEEDS_ATTENTION


def test_a_symptom_the_machine_cannot_have_is_refused(store):
    scanner = add_machine(store, "SC-01", "A3DHB01772", kind="scanner")
    with pytest.raises(FieldError) as refused:
        report_fault(store, scanner.id, Symptom.TONER_OR_INK)
    assert refused.value.field == "symptom"
    assert store.repo("tickets").count() == 0


def test_a_retired_machine_takes_no_faults_and_is_not_retired_with_open_tickets(store, printer):
    ticket = report_fault(store, printer.id, Symptom.NOISE)
    with pytest.raises(RuleError, match="open ticket"):
        retire(store, printer.id, "sold")
    resolve(store, ticket.id)
    with pytest.raises(FieldError, match="Say why"):
        retire(store, printer.id, "  ")
    retired = retire(store, printer.id, "replaced by PR-09")
    assert (retired.status, retired.retired_on, retired.retired_reason) == (MachineStatus.RETIRED, store.today(), "replaced by PR-09")
    with pytest.raises(RuleError, match="retired"):
        report_fault(store, printer.id, Symptom.PAPER_JAM)


def test_a_machine_retired_by_mistake_comes_back_into_service(store, printer):
    retire(store, printer.id, "wrong machine")
    back = return_to_service(store, printer.id)
    assert (back.status, back.retired_on, back.retired_reason) == (MachineStatus.OK, None, "")
    assert report_fault(store, printer.id, Symptom.PAPER_JAM).is_open
    with pytest.raises(RuleError, match="in service"):
        return_to_service(store, printer.id)


# -- toner from stock, maintenance, board, agenda ----------------------------------------


def issue_toner(store, item, machine, days_ago: int) -> None:
    at = store.now() - timedelta(days=days_ago)
    store.repo("stock_movements").add(StockMovement(item_id=item.id, kind=MovementKind.USED, quantity=1, at=at, who="ann", machine_id=machine.id))


def test_toner_out_is_predicted_from_the_stock_movements_to_the_machine(store, printer):
    toner = store.repo("supplies").add(SupplyItem(name="Toner HP 89A", category=SupplyCategory.TONER, fits=["PR-01"]))
    paper = store.repo("supplies").add(SupplyItem(name="A4 paper", category=SupplyCategory.PAPER))
    for days_ago, total in ((60, 10_000), (30, 16_000), (0, 22_000)):  # 200 pages a day
        read(store, printer, days_ago, total)
    for days_ago in (60, 40, 10):  # fitted at 10,000, 14,000 and 20,000 pages: 5,000 a cartridge
        issue_toner(store, toner, printer, days_ago)
    issue_toner(store, paper, printer, 5)
    [forecast] = machine_toner(store, printer.id, store.now().date())
    assert (forecast.item_name, forecast.cartridges, forecast.pages_per_cartridge) == ("Toner HP 89A", 3, 5_000)
    assert forecast.runs_out_on == store.now().date() + timedelta(days=15)  # 3,000 pages left at 200 a day


def test_maintenance_done_today_starts_the_interval_again(store, clock, printer):
    read(store, printer, 100, 0)
    read(store, printer, 0, 20_000)
    plan = store.repo("maintenance_plans").add(MaintenancePlan(
        machine_id=printer.id, task="Fuser check", every_days=90, every_pages=15_000,
        last_done_on=clock.now.date() - timedelta(days=100), last_done_pages=0,
    ))
    assert machine_detail(store, printer.id, clock.now.date()).maintenance[0].is_due
    done = maintenance_done(store, plan.id, counter=20_100)
    assert (done.last_done_on, done.last_done_pages) == (clock.now.date(), 20_100)
    assert not machine_detail(store, printer.id, clock.now.date()).maintenance[0].is_due


def test_a_plan_done_twice_keeps_a_log_and_a_removed_plan_falls_due_no_more(store, clock, printer):
    read(store, printer, 0, 10_000)
    plan = add_plan(store, MaintenancePlan(machine_id=printer.id, task="Clean rollers", every_days=30,
                                           last_done_on=clock.now.date() - timedelta(days=40)))
    assert [d.is_due for d in machine_detail(store, printer.id, clock.now.date()).maintenance] == [True]
    maintenance_done(store, plan.id)
    clock.now += timedelta(days=31)
    plan = maintenance_done(store, plan.id)
    assert [(v.done_on, v.by) for v in plan.log] == [(clock.now.date() - timedelta(days=31), "tester"), (clock.now.date(), "tester")]

    removed = remove_plan(store, plan.id)
    assert (removed.removed_on, removed.removed_by) == (clock.now.date(), "tester")
    assert machine_detail(store, printer.id, clock.now.date()).maintenance == []
    page = plans_page(store, printer.id)
    assert (page.dues, [p.task for p in page.removed], len(page.removed[0].log)) == ([], ["Clean rollers"], 2)
    with pytest.raises(RuleError, match="removed"):
        maintenance_done(store, plan.id)
    retire(store, printer.id, "scrapped")
    with pytest.raises(RuleError, match="retired"):
        add_plan(store, MaintenancePlan(machine_id=printer.id, task="Clean", every_days=30, last_done_on=clock.now.date()))


def test_a_ticket_opened_by_mistake_is_voided_and_leaves_the_status_and_figures(store, clock, printer):
    right = report_fault(store, printer.id, Symptom.PAPER_JAM)
    clock.now += timedelta(hours=2)
    resolve(store, right.id)
    wrong = escalate(store, report_fault(store, printer.id, Symptom.NO_POWER).id)
    assert machine_status(store, printer) == MachineStatus.DOWN
    with pytest.raises(FieldError, match="Say why the ticket is wrong"):
        void_ticket(store, wrong.id, "")
    voided = void_ticket(store, wrong.id, "the plug was out: not a fault")
    assert (voided.status, voided.voided_by, voided.void_reason, voided.is_open) == (
        TicketStatus.VENDOR_CALLED, "tester", "the plug was out: not a fault", False)
    assert machine_status(store, printer) == MachineStatus.OK
    assert machine_detail(store, printer.id, clock.now.date()).reliability.failures == 1
    with pytest.raises(RuleError, match="voided"):
        fix(store, wrong.id)
    with pytest.raises(RuleError, match="already voided by tester"):
        void_ticket(store, wrong.id, "again")


def test_a_ticket_waits_for_parts_and_is_closed_with_its_final_cost(store, printer):
    ticket = report_fault(store, printer.id, Symptom.NOISE)
    with pytest.raises(RuleError, match="Call the vendor"):
        await_parts(store, ticket.id)
    escalate(store, ticket.id)
    assert await_parts(store, ticket.id).status == TicketStatus.AWAITING_PARTS
    assert machine_status(store, printer) == MachineStatus.DOWN
    assert parts_came(store, ticket.id).status == TicketStatus.VENDOR_CALLED
    fix(store, ticket.id, cost=80.0)
    closed = close(store, ticket.id, cost=142.5, vendor_reference="INV-2231")
    assert (closed.status, closed.cost, closed.vendor_reference) == (TicketStatus.CLOSED, 142.5, "INV-2231")


def test_the_board_puts_machines_down_first_with_their_figures(store, printer):
    copier = add_machine(store, "CP-01", "2FD04417", kind="copier")
    fax = add_machine(store, "FX-01", "U632", kind="fax")
    read(store, copier, 10, 1_000)
    read(store, copier, 0, 6_000)
    store.repo("maintenance_plans").add(MaintenancePlan(machine_id=copier.id, task="Clean", every_pages=10_000,
                                                        last_done_on=store.now().date(), last_done_pages=0))
    report_fault(store, printer.id, Symptom.PAPER_JAM)
    escalate(store, report_fault(store, fax.id, Symptom.FAX_LINE).id)
    rows = board(store, store.now().date())
    assert [(r.machine.asset_tag, r.machine.status, r.open_tickets) for r in rows] == [
        ("FX-01", MachineStatus.DOWN, 1), ("PR-01", MachineStatus.NEEDS_ATTENTION, 1), ("CP-01", MachineStatus.OK, 0),
    ]
    copier_row = rows[2]
    assert (copier_row.last_reading.total, copier_row.per_day) == (6_000, 500)
    assert (copier_row.next_maintenance.pages_left, copier_row.next_maintenance.due_on) == (4_000, store.now().date() + timedelta(days=8))


def test_the_agenda_counts_machines_down_and_maintenance_due(store, clock, printer):
    read(store, printer, 0, 100)
    store.repo("maintenance_plans").add(MaintenancePlan(machine_id=printer.id, task="Clean", every_days=30,
                                                        last_done_on=clock.now.date() - timedelta(days=29)))
    ticket = escalate(store, report_fault(store, printer.id, Symptom.ERROR_CODE).id)
    clock.now += timedelta(hours=3)
    groups = {g.key: g for g in agenda_groups(store, clock.now)}
    assert groups["machines_down"].count == 1 and groups["machines_down"].entries[0].urgent
    assert "down 3 h" in groups["machines_down"].entries[0].text
    assert groups["maintenance_due"].count == 0
    clock.now += timedelta(days=1)
    fix(store, ticket.id)
    groups = {g.key: g for g in agenda_groups(store, clock.now)}
    assert (groups["machines_down"].count, groups["maintenance_due"].count) == (0, 1)
    assert "Clean" in groups["maintenance_due"].entries[0].text


# -- the demo ----------------------------------------------------------------------------


def test_the_demo_office_has_machines_in_every_state_and_toner_reaches_them(store, clock):
    build_demo(store, clock.now)
    machines = store.repo("machines").list()
    assert {m.asset_tag: m.id for m in machines} == MACHINE_IDS
    down = [m for m in machines if m.status == MachineStatus.DOWN]
    assert len(down) == 1 and len([m for m in machines if m.status == MachineStatus.NEEDS_ATTENTION]) == 1
    [vendor_ticket] = [t for t in store.repo("tickets").find(machine_id=down[0].id) if t.is_open]
    assert vendor_ticket.status == TicketStatus.VENDOR_CALLED and down[0].serial in vendor_ticket.service_sheet
    groups = {g.key: g for g in agenda_groups(store, clock.now)}
    assert (groups["machines_down"].count, groups["maintenance_due"].count) == (1, 1)
    toner = {tag: machine_toner(store, machine_id, clock.now.date()) for tag, machine_id in MACHINE_IDS.items()}
    assert toner["CP-01"] and toner["PR-01"] and not toner["SC-01"]
    assert all(len(store.repo("meter_readings").find(machine_id=m.id)) >= 6 for m in machines)
    closed = [t for t in store.repo("tickets").list() if t.status == TicketStatus.CLOSED]
    assert machine_detail(store, closed[0].machine_id, clock.now.date()).reliability.failures >= 1


def test_maintenance_logged_by_mistake_is_taken_back_and_falls_due_as_before(store, clock, printer):
    from data.machines.actions import void_last_visit

    before = clock.now.date() - timedelta(days=100)
    plan = add_plan(store, MaintenancePlan(machine_id=printer.id, task="Fuser", every_days=90, last_done_on=before))
    with pytest.raises(RuleError, match="no logged visit"):
        void_last_visit(store, plan.id, "oops")
    maintenance_done(store, plan.id)
    with pytest.raises(FieldError, match="Say why"):
        void_last_visit(store, plan.id, "")
    plan = void_last_visit(store, plan.id, "pressed on the wrong plan")
    assert (plan.last_done_on, [(v.void_reason, v.voided_by) for v in plan.log]) == (before, [("pressed on the wrong plan", "tester")])
    assert machine_detail(store, printer.id, clock.now.date()).maintenance[0].is_due
