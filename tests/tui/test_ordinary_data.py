"""Ordinary data never stops the app: every combination of real records is drawn."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from data.calls.models import CallStatus
from data.machines.models import Machine, MachineKind, MachineStatus, MaintenancePlan, SupplyLevel
from tests.hostile import SHOWN_PAYLOAD, poison_office
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.widgets.record_table import RecordTable


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
    async with app.run_test(size=SIZE) as pilot:
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
