"""How the screens look at 80x24, compared with the accepted pictures in __snapshots__:
every section and tab, every form a key opens from a section, and the help screen.

Deterministic: a fixed clock, the demo office built from a fixed seed, no clock on screen.
Update after an intended change with `pytest tests/snapshots --snapshot-update`, and look
at the pictures before committing them.
"""

from __future__ import annotations

import pytest

from tests.conftest import NOW, Clock
from tui.app import BackOfficeApp
from tui.settings import Settings

NEXT_TAB = "right_square_bracket"

# view → the keys a person presses from the dashboard to reach it
SECTIONS = {
    "dashboard": [],
    "calls": ["1"],
    "mail": ["1", NEXT_TAB],
    "mail_reader": ["1", NEXT_TAB, "enter"],
    "faxes": ["1", NEXT_TAB, NEXT_TAB],
    "directory": ["1", NEXT_TAB, NEXT_TAB, NEXT_TAB],
    "stock": ["2"],
    "order_list": ["2", "l"],
    "orders": ["2", "O"],
    "machines": ["3"],
    "machine_page": ["3", "enter"],
    "candidates": ["4"],
    "staff": ["5"],
    "staff_file": ["5", "enter"],
}
FORMS = {
    "call_slip": ["c"],
    "new_call": ["1", "n"],
    "call_back": ["1", "b"],
    "new_fax": ["1", NEXT_TAB, NEXT_TAB, "n"],
    "new_contact": ["1", NEXT_TAB, NEXT_TAB, NEXT_TAB, "n"],
    "new_supply": ["2", "n"],
    "use_supply": ["2", "u"],
    "count_sheet": ["2", "C"],
    "new_machine": ["3", "n"],
    "meter_reading": ["3", "r"],
    "fault": ["3", "f"],
    "new_candidate": ["4", "n"],
    "new_employee": ["5", "n"],
    "training": ["5", "t"],
    "help": ["1", "question_mark"],
}


@pytest.fixture
def demo_app(tmp_path, monkeypatch):
    from textual import constants

    from data.demo import build_demo
    from data.engine.store import Store

    # The pictures are of a terminal of millions of colours, whatever TERM the tests run under
    # (without one, a terminal of sixteen colours is assumed, and drawn for: see tui/no_color.py).
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "truecolor")

    store = Store(tmp_path / "demo", user="reception", clock=Clock(NOW))
    build_demo(store, NOW)
    return BackOfficeApp(store, Settings(fax_command=""), demo=True)


async def settle(pilot) -> None:
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


def pressing(keys: list[str]):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False  # a blinking cursor would make the picture depend on the moment
        await settle(pilot)

    return run_before


VIEWS = SECTIONS | FORMS


@pytest.mark.parametrize("view", VIEWS)
def test_view_at_80x24(snap_compare, demo_app, view):
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=pressing(VIEWS[view]))
