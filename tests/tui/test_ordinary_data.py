"""Ordinary data never stops the app: every combination of real records is drawn, and a
section that cannot be drawn says so in its place while the others go on working."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from data.calls.models import CallStatus
from data.machines.models import Machine, MachineKind, MachineStatus, MaintenancePlan, MeterReading, SupplyLevel
from screens.base import SectionScreen
from tests.hostile import SHOWN_PAYLOAD, poison_office
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.sections import SECTIONS
from tui.widgets.record_table import RecordTable
from tui.widgets.section_trouble import SectionTrouble


@pytest.fixture
def private_log(tmp_path):
    """Where a section that cannot be drawn writes what went wrong (the tests' own state folder)."""
    return tmp_path / "xdg-state" / "backoffice" / "log" / "errors.log"


@pytest.fixture
def colliding_office(store, clock):
    """One copier with two low toners (as a poll stores them), down and with two services due;
    a printer with one low toner; two callbacks due at the same minute from two callers of one name."""
    copier, printer = store.repo("machines").add_many([
        Machine(asset_tag="CP-01", kind=MachineKind.COPIER, make="Canon", model="iR C3226", serial="C1",
                location="Hall", status=MachineStatus.DOWN),
        Machine(asset_tag="PR-02", kind=MachineKind.PRINTER, make="HP", model="M507", serial="P2", location="Accounts"),
    ])
    store.repo("supply_levels").add_many([
        SupplyLevel(machine_id=copier.id, at=clock.now, description="Canon C-EXV51 Cyan Toner", percent=5),
        SupplyLevel(machine_id=copier.id, at=clock.now, description="Canon C-EXV51 Magenta Toner", percent=4),
        SupplyLevel(machine_id=printer.id, at=clock.now, description="Black Cartridge HP 89A", percent=3),
    ])
    long_ago = clock.now.date() - timedelta(days=400)
    store.repo("maintenance_plans").add_many([
        MaintenancePlan(machine_id=copier.id, task="Clean the feed rollers", every_days=90, last_done_on=long_ago),
        MaintenancePlan(machine_id=copier.id, task="Replace the waste toner box", every_days=180, last_done_on=long_ago),
    ])
    due = clock.now.replace(hour=14, minute=0)
    for _ in range(2):
        call = store.repo("calls").add({"caller": "Ann Able", "company": "Able & Co"})
        store.repo("calls").update(call.id, lambda c: setattr(c, "status", CallStatus.CALLBACK) or setattr(c, "callback_due", due))
    return copier, printer


def agenda_lines(app) -> list[str]:
    return [str(option.prompt) for option in app.screen.query_one("#agenda").options]


async def highlight(pilot, app, line: str) -> None:
    """Move the dashboard's cursor with j, as a person does, to the line that reads ``line``."""
    agenda = app.screen.query_one("#agenda")
    for _ in range(agenda.option_count):
        if agenda.highlighted is not None and str(agenda.options[agenda.highlighted].prompt) == line:
            return
        await pilot.press("j")
    raise AssertionError(f"no line {line!r} on the dashboard")


def board_choice(app) -> int | None:
    return app.screen.query_one("#board", RecordTable).selected_key if app.current_mode == "machines" else None


async def test_two_low_toners_on_one_copier_both_show_and_enter_opens_each_machine(make_app, colliding_office):
    copier, printer = colliding_office
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:  # at 80x24 the dashboard gives each group fewer lines than three toners
        assert await wait_for(pilot, lambda: any("Magenta" in line for line in agenda_lines(app)))
        lines = agenda_lines(app)
        toners = [line for line in lines if "Toner: " in line or "89A" in line]
        assert [t.split("—")[1].strip() for t in toners] == ["Canon C-EXV51 Cyan Toner: 5%", "Canon C-EXV51 Magenta Toner: 4%",
                                                            "Black Cartridge HP 89A: 3%"]
        assert len([line for line in lines if "CP-01" in line and ("Clean" in line or "waste" in line)]) == 2
        assert len([line for line in lines if "Ann Able — due Tue 14:00" in line]) == 2
        for line, machine in zip(toners, (copier, copier, printer)):
            await highlight(pilot, app, line)
            await pilot.press("enter")
            assert await wait_for(pilot, lambda: board_choice(app) == machine.id)
            await pilot.press("0")
            assert await wait_for(pilot, lambda: app.current_mode == "dashboard")
        assert not app.screen.query(SectionTrouble)


def name_the_magenta_toner_apart(store) -> None:
    """The poisoned office gives both toners one name, which makes them one supply: the magenta
    one's name gets a word of its own, past the model's gate as the rest."""
    machines = orjson.loads(store.file("machines").read_bytes())
    machines["supply_levels"]["2"]["description"] += " Magenta"
    store.file("machines").write_bytes(orjson.dumps(machines))


async def test_hostile_text_in_colliding_records_is_drawn_as_written(make_app, store, colliding_office):
    poison_office(store)
    name_the_magenta_toner_apart(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: len([line for line in agenda_lines(app) if SHOWN_PAYLOAD in line]) >= 5)
        copier_toners = [line for line in agenda_lines(app) if line.endswith(("5%", "4%"))]
        assert len(copier_toners) == 2 and all(line.count(SHOWN_PAYLOAD) >= 2 for line in copier_toners)
        assert not any("\x1b" in line for line in agenda_lines(app))
        await highlight(pilot, app, copier_toners[1])
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: board_choice(app) == colliding_office[0].id)


def trouble_said(app) -> str:
    said = app.screen.query(SectionTrouble)
    return str(said.first().render()) if said else ""


async def test_a_section_that_cannot_be_drawn_says_so_in_its_place_and_the_other_sections_work(
        make_app, store, colliding_office, monkeypatch, private_log):
    """A fault of ours that some data brings out, with that data's words in it."""
    import screens.machines

    poison_office(store)

    def board_row_that_fails(row):
        raise ValueError(f"cannot draw {row.machine.model}")

    board_row = screens.machines.board_row
    monkeypatch.setattr(screens.machines, "board_row", board_row_that_fails)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert await wait_for(pilot, lambda: "Machines cannot be shown" in trouble_said(app))
        said = trouble_said(app)
        assert "failed while drawing what it read (ValueError: cannot draw T" in said and SHOWN_PAYLOAD in said
        assert "\x1b" not in said and f"The details are in {private_log}, for a report." in said
        assert not app.screen.query_one("#board").display
        await pilot.press("n", "r", "f")  # the section's own keys rest: nothing out of sight is acted on
        assert isinstance(app.screen, SectionScreen) and app.current_mode == "machines"
        for section in SECTIONS:
            if section.name != "machines":
                await pilot.press(section.key)
                assert await wait_for(pilot, lambda: app.current_mode == section.name and not trouble_said(app))
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.screen.query_one("#queue", RecordTable).row_count == 2)  # Calls works
        await pilot.press("3")
        assert await wait_for(pilot, lambda: "Machines cannot be shown" in trouble_said(app))
        monkeypatch.setattr(screens.machines, "board_row", board_row)  # the fault mended, the next look draws the section
        app.screen.reload()
        assert await wait_for(pilot, lambda: app.screen.query_one("#board", RecordTable).row_count == 2)
        assert app.screen.query_one("#board").display and not trouble_said(app)
    logged = private_log.read_text()
    assert logged.count("--- ") == 1 and "Machines" in logged and "board_row_that_fails" in logged
    assert "builtins.ValueError" in logged  # where and what, for a report
    assert "pwned" not in logged and SHOWN_PAYLOAD not in logged  # never the data's words: HR's may be among them


async def test_a_machine_page_that_cannot_be_drawn_goes_back_to_the_board_with_escape(
        make_app, store, clock, colliding_office, monkeypatch):
    import screens.machines

    def reading_row_that_fails(reading):
        raise KeyError(reading.id)

    monkeypatch.setattr(screens.machines, "reading_row", reading_row_that_fails)
    copier = colliding_office[0]
    store.repo("meter_readings").add(MeterReading(machine_id=copier.id, taken_on=clock.now.date(), total=12_000))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert await wait_for(pilot, lambda: app.screen.query_one("#board", RecordTable).row_count == 2)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "Machines cannot be shown" in trouble_said(app))
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: app.screen.query("#board") and app.screen.query_one("#board").display)


async def test_a_dashboard_that_cannot_be_drawn_leaves_the_app_running(make_app, colliding_office, monkeypatch):
    import screens.dashboard

    def entry_line_that_fails(text, urgent):
        raise RuntimeError("the agenda is out of order")

    monkeypatch.setattr(screens.dashboard, "entry_line", entry_line_that_fails)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: "Dashboard cannot be shown" in trouble_said(app))
        assert "RuntimeError: the agenda is out of order" in trouble_said(app)
        await pilot.resize_terminal(100, 30)  # drawn again for the new size: the sentence stays, in place
        await pilot.pause(0.3)
        assert "Dashboard cannot be shown" in trouble_said(app) and not app.screen.query_one("#agenda").display
        await pilot.press("3")
        assert await wait_for(pilot, lambda: app.current_mode == "machines")
        assert await wait_for(pilot, lambda: app.screen.query_one("#board", RecordTable).row_count == 2)


async def test_a_section_whose_file_cannot_be_read_says_so_in_its_place_and_mends_with_it(make_app, store, colliding_office):
    good = store.file("machines").read_bytes()
    store.file("machines").write_bytes(good[: len(good) // 2])  # a hand edit cut short
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert await wait_for(pilot, lambda: "Machines cannot be shown: " in trouble_said(app))
        assert "machines.json" in trouble_said(app) and "The other sections work" in trouble_said(app)
        for key in "012453":
            await pilot.press(key)
            assert await wait_for(pilot, lambda: app.current_mode == SECTIONS[int(key)].name)
        assert "machines.json" in trouble_said(app)
        store.file("machines").write_bytes(good)  # mended: the section follows the file
        assert await wait_for(pilot, lambda: app.screen.query_one("#board", RecordTable).row_count == 2)
        assert not trouble_said(app)
