"""The machines section by the keys an office person presses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Sparkline, Static

from data.machines.forecasts import daily_pages_series
from data.machines.models import (
    Machine,
    MachineKind,
    MachineStatus,
    MaintenancePlan,
    MeterReading,
    Ticket,
    TicketStatus,
)
from data.machines.troubleshooting import Symptom, checklist
from screens.fault_dialogs import ChecklistModal, SheetModal
from screens.machines import MachineScreen
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.widgets.model_form import ModelForm
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable


@pytest.fixture
def printer(store, clock) -> Machine:
    machine = store.repo("machines").add(Machine(
        asset_tag="PR-07", kind=MachineKind.PRINTER, make="HP", model="LaserJet M507", serial="PHB-55501",
        location="Accounts", vendor="PrintFix Ltd", vendor_phone="0117 496 0100",
    ))
    today = clock.now.date()
    store.repo("meter_readings").add_many([
        MeterReading(machine_id=machine.id, taken_on=today - timedelta(days=30), total=40_000),
        MeterReading(machine_id=machine.id, taken_on=today - timedelta(days=10), total=43_000),
        MeterReading(machine_id=machine.id, taken_on=today - timedelta(days=2), total=46_000),
    ])
    return machine


def row_text(table: RecordTable, key) -> str:
    index = table.get_row_index(str(key))
    return " ".join(str(cell) for cell in table.get_row_at(index))


def board_row(app, machine: Machine) -> str:
    board = app.screen.query_one("#board", RecordTable)
    return row_text(board, machine.id) if str(machine.id) in board.rows else ""


async def open_board(pilot, app, machine: Machine) -> None:
    await pilot.press("3")
    assert await wait_for(pilot, lambda: machine.asset_tag in board_row(app, machine))


async def test_a_fault_the_checklist_cannot_fix_puts_the_printer_down_and_the_fix_brings_it_back(make_app, store, printer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("f")
        assert await wait_for(pilot, lambda: "What is wrong" in str(app.screen.query_one(".dialog-title").render()))
        await pilot.press("enter")  # the first symptom a printer can have: a paper jam
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"Tray 2", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChecklistModal))
        await pilot.press("space", "j", "space", "v")  # two steps tried, still jammed

        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        counter_form = app.screen
        assert counter_form.value_of("total") == "46000"  # the last reading, to be corrected
        await pilot.press("ctrl+a", "ctrl+k", *"46210", "ctrl+s")

        assert await wait_for(pilot, lambda: isinstance(app.screen, SheetModal))
        sheet = str(app.screen.query_one("#sheet-text", Static).render())
        assert "PHB-55501" in sheet and "46,210" in sheet
        await pilot.press("w")
        where = app.screen.query_one("#sheet-where", Static)
        assert await wait_for(pilot, lambda: "Written to" in str(where.render()))
        written = Path(str(where.render()).removeprefix("Written to").strip())
        assert "PHB-55501" in written.read_text() and "46,210" in written.read_text()
        assert written.parent == store.folder / "service-sheets"

        ticket = store.repo("tickets").find(machine_id=printer.id)[0]
        assert ticket.status == TicketStatus.VENDOR_CALLED
        assert ticket.steps_tried == checklist(MachineKind.PRINTER, Symptom.PAPER_JAM)[:2]
        assert ticket.detail == "Tray 2"
        assert ticket.service_sheet == written.read_text()
        assert store.repo("machines").get(printer.id).status == MachineStatus.DOWN

        await pilot.press("enter")  # close the sheet
        assert await wait_for(pilot, lambda: "DOWN" in board_row(app, printer))
        await pilot.press("x")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press(*"PF-1234", "tab", "ctrl+a", "ctrl+k", *"120.50", "ctrl+s")
        assert await wait_for(pilot, lambda: store.repo("machines").get(printer.id).status == MachineStatus.OK)
        assert await wait_for(pilot, lambda: " ok " in board_row(app, printer))

    fixed = store.repo("tickets").get(ticket.id)
    assert fixed.status == TicketStatus.FIXED
    assert (fixed.vendor_reference, fixed.cost) == ("PF-1234", 120.5)


async def test_a_checklist_that_fixes_the_fault_closes_the_ticket(make_app, store, printer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("f", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("enter")  # nothing more to say
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChecklistModal))
        assert store.repo("machines").get(printer.id).status == MachineStatus.NEEDS_ATTENTION
        await pilot.press("space", "f")
        assert await wait_for(pilot, lambda: store.repo("tickets").list()[0].status == TicketStatus.CLOSED)
        assert await wait_for(pilot, lambda: " ok " in board_row(app, printer))
    assert store.repo("machines").get(printer.id).status == MachineStatus.OK
    assert len(store.repo("tickets").list()[0].steps_tried) == 1


async def test_ticks_are_kept_when_the_checklist_is_left_for_later(make_app, store, printer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("f", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChecklistModal))
        await pilot.press("j", "j", "space", "escape")
        steps = checklist(MachineKind.PRINTER, Symptom.PAPER_JAM)
        assert await wait_for(pilot, lambda: store.repo("tickets").list()[0].steps_tried == [steps[2]])
        await pilot.press("enter")  # the machine's page
        assert await wait_for(pilot, lambda: isinstance(app.screen, MachineScreen) and app.screen.data is not None)
        await pilot.press("t")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChecklistModal))
        assert app.screen.tried == {steps[2]}
    assert store.repo("tickets").list()[0].status == TicketStatus.TROUBLESHOOTING


async def open_reading_form(pilot, app, machine: Machine) -> ModelForm:
    await open_board(pilot, app, machine)
    await pilot.press("r")
    assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
    return app.screen


async def test_a_falling_reading_is_refused_under_its_field(make_app, store, printer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_reading_form(pilot, app, printer)
        await pilot.press("tab", *"45000", "ctrl+s")
        error = form.query_one("#error-total", Static)
        assert await wait_for(pilot, lambda: "cannot go down" in str(error.render()))
        assert "46,000" in str(error.render())
        assert app.screen is form and form.value_of("total") == "45000"
        assert len(store.repo("meter_readings").list()) == 3

        await pilot.press("ctrl+a", "ctrl+k", *"46500", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not form)
        assert await wait_for(pilot, lambda: "46,500" in board_row(app, printer))
    assert max(r.total for r in store.repo("meter_readings").list()) == 46_500


async def test_a_serial_already_on_another_machine_is_refused_under_the_serial(make_app, store, printer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        form = app.screen
        await pilot.press(*"PR-08")
        form.widget_of("serial").focus()
        await pilot.press(*"phb-55501", "ctrl+s")
        error = form.query_one("#error-serial", Static)
        assert await wait_for(pilot, lambda: "already belongs to PR-07" in str(error.render()))
    assert len(store.repo("machines").list()) == 1


async def test_the_machine_page_shows_pages_per_day_and_reliability(make_app, store, printer, clock):
    for days_ago, hours in ((20, 4), (10, 2)):
        opened = clock.now - timedelta(days=days_ago)
        store.repo("tickets").add(Ticket(machine_id=printer.id, symptom=Symptom.PAPER_JAM, status=TicketStatus.CLOSED,
                                         opened_at=opened, fixed_at=opened + timedelta(hours=hours)))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MachineScreen) and app.screen.data is not None)
        page = app.screen
        readings = store.repo("meter_readings").list()
        assert page.query_one(Sparkline).data == daily_pages_series(readings)
        facts = str(page.query_one("#facts", Static).render())
        assert "Failures 2" in facts and "MTTR 3.0 h" in facts and "MTBF 10 days" in facts
        assert page.query_one("#tickets", RecordTable).row_count == 2
        assert page.query_one("#readings", RecordTable).row_count == 3
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, MachineScreen))


async def test_maintenance_done_on_the_page_clears_due(make_app, store, printer, clock):
    plan = store.repo("maintenance_plans").add(MaintenancePlan(
        machine_id=printer.id, task="Clean rollers", every_days=90, last_done_on=clock.now.date() - timedelta(days=100),
    ))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        assert "DUE" in board_row(app, printer)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MachineScreen) and app.screen.data is not None)
        page = app.screen
        assert "DUE" in str(page.query_one("#facts", Static).render())
        await pilot.press("m", "enter")
        assert await wait_for(pilot, lambda: store.repo("maintenance_plans").get(plan.id).last_done_on == clock.now.date())
        assert await wait_for(pilot, lambda: "DUE" not in str(page.query_one("#facts", Static).render()))


async def test_opening_another_machine_from_a_machine_page_goes_back_to_the_board(make_app, store, printer):
    other = store.repo("machines").add(Machine(asset_tag="SC-09", kind=MachineKind.SCANNER, serial="A3D-1"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MachineScreen) and app.screen.data is not None)
        assert app.screen.machine_id == printer.id
        await pilot.press("0")
        app.go_to_record("machines", other.id)
        assert await wait_for(pilot, lambda: not isinstance(app.screen, MachineScreen))
        board = app.screen.query_one("#board", RecordTable)
        assert await wait_for(pilot, lambda: board.selected_key == other.id)


async def test_an_empty_board_says_how_to_add_a_machine(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        line = app.screen.query_one("#machine-line", Static)
        assert await wait_for(pilot, lambda: "n adds one" in str(line.render()))
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press(*"PR-01")
        app.screen.widget_of("serial").focus()
        await pilot.press(*"SN-1", "ctrl+s")
        assert await wait_for(pilot, lambda: "SN-1" in str(line.render()))
    assert [m.asset_tag for m in store.repo("machines").list()] == ["PR-01"]


def board_texts(app) -> list[str]:
    table = app.screen.query_one("#board", RecordTable)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def test_the_open_app_polls_a_jammed_printer_and_suggests_down_with_its_toner_on_the_page(store, snmp_printers):
    from tui.app import BackOfficeApp
    from tui.settings import Settings

    agent = snmp_printers("HP LaserJet M507")
    agent.show(total=45_000, supplies={"Drum [bold]unit\x1b[2J": 7}, state="down", errors=("jammed",))
    store.repo("machines").add(Machine(asset_tag="PR-08", kind=MachineKind.PRINTER, serial="S8", snmp=agent.address))
    app = BackOfficeApp(store, Settings(fax_command="", fax_server="", poll_minutes=5))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert await wait_for(pilot, lambda: any("PR-08" in row and "ok ▸ DOWN" in row for row in board_texts(app)), seconds=15)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MachineScreen) and app.screen.data is not None)
        title = str(app.screen.query_one("#machine-title", Static).render())
        assert "Says at" in title and "jammed" in title and "Drum [bold]unit␛[2J 7%" in title
        assert "f reports the fault" in title
    assert store.repo("machines").get(1).status == MachineStatus.OK, "what the machine says is a suggestion"
    assert [(r.total, r.polled) for r in store.repo("meter_readings").list()] == [(45_000, True)]


async def test_a_reading_far_above_the_machines_rate_is_asked_about_then_voided_and_put_right(make_app, store, printer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_reading_form(pilot, app, printer)
        await pilot.press("tab", *"900000000", "ctrl+s")  # meant 90,000
        error = form.query_one("#error-total", Static)
        assert await wait_for(pilot, lambda: "pages a day since 46,000" in str(error.render()))
        assert "If it is right, ctrl+s saves it." in str(error.render())
        await pilot.press("ctrl+s")  # sure, as the form says: it is saved as typed
        assert await wait_for(pilot, lambda: app.screen is not form)
        assert await wait_for(pilot, lambda: "900,000,000" in board_row(app, printer))

        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MachineScreen) and app.screen.data is not None)
        readings = app.screen.query_one("#readings", RecordTable)
        readings.focus()
        await pilot.press("home", "v")  # the newest reading first
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"typed 900,000,000 for 90,000", "enter")
        wrong = max(store.repo("meter_readings").list(), key=lambda r: r.total)
        assert await wait_for(pilot, lambda: store.repo("meter_readings").get(wrong.id).is_void)
        assert await wait_for(pilot, lambda: "void: typed 900,000,000 for 90,000 (tester)" in row_text(readings, wrong.id))

        await pilot.press("r")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press("tab", *"46400", "ctrl+s")  # no longer refused as "cannot go down"
        assert await wait_for(pilot, lambda: any(r.total == 46_400 for r in store.repo("meter_readings").list()))
    voided = store.repo("meter_readings").get(wrong.id)
    assert (voided.void_reason, voided.voided_by) == ("typed 900,000,000 for 90,000", "tester")


async def open_page(pilot, app, machine: Machine) -> MachineScreen:
    await open_board(pilot, app, machine)
    await pilot.press("enter")
    assert await wait_for(pilot, lambda: isinstance(app.screen, MachineScreen) and app.screen.data is not None)
    return app.screen


async def test_a_ticket_opened_by_mistake_is_voided_by_key_and_struck_through(make_app, store, printer):
    ticket = store.repo("tickets").add(Ticket(machine_id=printer.id, symptom=Symptom.NOISE, status=TicketStatus.VENDOR_CALLED))
    store.repo("machines").update(printer.id, lambda m: setattr(m, "status", MachineStatus.DOWN))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        page = await open_page(pilot, app, printer)
        tickets = page.query_one("#tickets", RecordTable)
        tickets.focus()
        await pilot.press("v")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("enter")  # no reason: said, and nothing voided
        assert "Say why the ticket is wrong." in " ".join(str(s.render()) for s in app.screen.query(Static))
        await pilot.press(*"wrong [b]printer[/b]", "enter")
        assert await wait_for(pilot, lambda: "void: wrong [b]printer[/b] (tester)" in row_text(tickets, ticket.id))
        assert await wait_for(pilot, lambda: " ok " in f" {page.query_one('#machine-title', Static).render()} ")
    assert store.repo("machines").get(printer.id).status == MachineStatus.OK


async def test_parts_awaited_and_come_and_a_fixed_ticket_is_closed_with_its_final_cost(make_app, store, printer):
    ticket = store.repo("tickets").add(Ticket(machine_id=printer.id, symptom=Symptom.NOISE, status=TicketStatus.VENDOR_CALLED))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        page = await open_page(pilot, app, printer)
        tickets = page.query_one("#tickets", RecordTable)
        tickets.focus()
        await pilot.press("p")
        assert await wait_for(pilot, lambda: "awaiting parts" in row_text(tickets, ticket.id))
        await pilot.press("C")  # not fixed yet: said
        assert await wait_for(pilot, lambda: not isinstance(app.screen, ModelForm))
        await pilot.press("p")
        assert await wait_for(pilot, lambda: "vendor called" in row_text(tickets, ticket.id))
        await pilot.press("x")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: " fixed " in f" {row_text(tickets, ticket.id)} ")
        await pilot.press("C")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press("ctrl+a", "ctrl+k", *"142.50", "tab", *"INV-2231", "ctrl+s")
        assert await wait_for(pilot, lambda: " closed " in f" {row_text(tickets, ticket.id)} ")
    closed = store.repo("tickets").get(ticket.id)
    assert (closed.status, closed.cost, closed.vendor_reference) == (TicketStatus.CLOSED, 142.5, "INV-2231")


async def test_a_retired_machine_leaves_the_board_and_comes_back_by_key(make_app, store, printer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("R")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"replaced by PR-09", "enter")
        assert await wait_for(pilot, lambda: board_row(app, printer) == "")
        line = app.screen.query_one("#machine-line", Static)
        assert await wait_for(pilot, lambda: "a shows the retired ones" in str(line.render()))
        await pilot.press("a")
        assert await wait_for(pilot, lambda: "retired" in board_row(app, printer))
        assert "Retired on" in str(line.render()) or "replaced by PR-09" in store.repo("machines").get(printer.id).retired_reason
        await pilot.press("R", "y")
        assert await wait_for(pilot, lambda: " ok " in f" {board_row(app, printer)} ")
    assert store.repo("machines").get(printer.id).status == MachineStatus.OK


async def test_retiring_a_machine_with_open_tickets_is_refused_naming_them(make_app, store, printer):
    from data.machines.actions import report_fault

    jam = report_fault(store, printer.id, Symptom.PAPER_JAM, detail="Tray 2 [bold]")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("R")
        refused = f"PR-07 HP LaserJet M507 has 1 open ticket (#{jam.id} paper jam — Tray 2 [bold])"
        assert await wait_for(pilot, lambda: any(n.message.startswith(refused) for n in app._notifications))
        assert not isinstance(app.screen, PromptModal), "not asked why, since it cannot be retired"
    assert store.repo("machines").get(printer.id).status != MachineStatus.RETIRED


async def test_maintenance_plans_are_added_done_and_removed_on_their_own_page(make_app, store, printer, clock):
    from screens.maintenance_plans import PlansScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_page(pilot, app, printer)
        await pilot.press("P")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PlansScreen) and app.screen.data is not None)
        plans = app.screen
        log = plans.query_one("#plan-log", Static)
        assert "n plans a task" in str(log.render())
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press(*"Clean [red]rollers", "ctrl+s")  # how often is missing
        assert await wait_for(pilot, lambda: "say how often" in " ".join(str(s.render()) for s in app.screen.query(".field-error")))
        await pilot.press("tab", *"90", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is plans and plans.data is not None and plans.data.dues)
        [plan] = store.repo("maintenance_plans").list()
        table = plans.query_one("#plans", RecordTable)
        assert row_text(table, plan.id) == f"Clean [red]rollers {clock.now.date() + timedelta(days=90):%d %b %Y} {clock.now.date():%d %b %Y} 90 days"

        clock.now += timedelta(days=3)
        await pilot.press("m")
        assert await wait_for(pilot, lambda: "done " in str(log.render()))
        assert f"Clean [red]rollers: done {clock.now.date():%d %b %Y} at 47,071 pages by tester" == str(log.render())
        await pilot.press("v")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"wrong plan", "enter")
        assert await wait_for(pilot, lambda: "(not done: wrong plan, tester)" in str(log.render()))
        assert store.repo("maintenance_plans").get(plan.id).last_done_on == clock.now.date() - timedelta(days=3)

        await pilot.press("d", "y")
        assert await wait_for(pilot, lambda: "removed" in row_text(table, plan.id))
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MachineScreen))
        assert await wait_for(pilot, lambda: "Service: no plan" in str(app.screen.query_one("#facts", Static).render()))
    removed = store.repo("maintenance_plans").get(plan.id)
    assert (removed.removed_by, [v.void_reason for v in removed.log], removed.task) == ("tester", ["wrong plan"], "Clean [red]rollers")


async def test_the_counter_read_for_the_vendor_asks_about_an_unlikely_jump_then_takes_it(make_app, store, printer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, printer)
        await pilot.press("f", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChecklistModal))
        await pilot.press("v")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        form = app.screen
        await pilot.press("ctrl+a", "ctrl+k", *"4600000", "ctrl+s")  # a zero too many
        error = form.query_one("#error-total", Static)
        assert await wait_for(pilot, lambda: "If it is right, ctrl+s saves it." in str(error.render()))
        assert store.repo("tickets").list()[0].status == TicketStatus.OPEN
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SheetModal))
    assert store.repo("tickets").list()[0].status == TicketStatus.VENDOR_CALLED
    assert max(r.total for r in store.repo("meter_readings").list()) == 4_600_000
