"""How the screens look at 80x24, compared with the accepted pictures in __snapshots__.

Deterministic: a fixed clock, the demo office built from a fixed seed, no clock on screen.
Update after an intended change with `pytest tests/snapshots --snapshot-update`, and look
at the pictures before committing them.
"""

from __future__ import annotations

import pytest

from tests.conftest import NOW, Clock
from tui.app import BackOfficeApp
from tui.settings import Settings


@pytest.fixture
def demo_app(tmp_path):
    from data.demo import build_demo
    from data.engine.store import Store

    store = Store(tmp_path / "demo", user="reception", clock=Clock(NOW))
    build_demo(store, NOW)
    return BackOfficeApp(store, Settings(fax_command=""), demo=True)


async def settle(pilot) -> None:
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


def test_dashboard(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=settle)


def test_help_screen(snap_compare, demo_app):
    async def open_help(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.2)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_help)
