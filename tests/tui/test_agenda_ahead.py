"""The dashboard's first agenda, read by a child process while the app starts."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

from data.agenda import build_agenda
from data.calls.models import CallStatus
from tests.conftest import NOW
from tests.tui.conftest import SIZE
from tests.tui.test_conventions import screen_lines
from tests.tui.test_shell import wait_for
from tui.agenda_ahead import AgendaAhead
from tui.app import BackOfficeApp
from tui.settings import Settings

MARKUP = "[b]Caller[/b]"


def read_through(ahead: AgendaAhead) -> None:
    """Wait until the child has read the agenda and sent it (it is left for groups() to reap)."""
    os.waitid(os.P_PID, ahead.pid, os.WEXITED | os.WNOWAIT)


def overdue_callbacks(app) -> int | None:
    line = next((line for line in screen_lines(app) if "Callbacks overdue" in line), None)
    return int(line.split()[0]) if line else None


def add_overdue_callbacks(store, count: int, caller: str = "Caller") -> None:
    for n in range(count):
        store.repo("calls").add({"caller": f"{caller} {n}", "status": CallStatus.CALLBACK,
                                 "callback_due": NOW - timedelta(hours=n + 1)})


def test_the_agenda_read_ahead_is_the_agenda_the_app_reads(demo_store):
    add_overdue_callbacks(demo_store, 3, caller=MARKUP)
    ahead = AgendaAhead(lambda: demo_store)
    assert ahead.groups() == build_agenda(demo_store)
    assert any(MARKUP in entry.text for group in build_agenda(demo_store) for entry in group.entries)


async def test_the_dashboard_shows_the_agenda_read_ahead_then_what_changed_since(demo_store):
    before = next(g.count for g in build_agenda(demo_store) if g.key == "callbacks_overdue")
    ahead = AgendaAhead(lambda: demo_store)
    read_through(ahead)
    add_overdue_callbacks(demo_store, 4)  # after the child read the files, before the app opens
    app = BackOfficeApp(demo_store, Settings(fax_command=""), agenda_ahead=ahead)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: overdue_callbacks(app) == before + 4)  # no key pressed
        assert app.agenda_ahead is None  # taken, and the child reaped:
        try:
            os.waitpid(ahead.pid, os.WNOHANG)
            raise AssertionError("the child was not reaped")
        except ChildProcessError:
            pass


async def test_a_child_that_sends_nothing_leaves_the_dashboard_to_read_the_agenda(demo_store):
    add_overdue_callbacks(demo_store, 2)
    ahead = AgendaAhead(lambda: demo_store)
    os.kill(ahead.pid, signal.SIGKILL)
    app = BackOfficeApp(demo_store, Settings(fax_command=""), agenda_ahead=ahead)
    async with app.run_test(size=SIZE) as pilot:
        expected = next(g.count for g in build_agenda(demo_store) if g.key == "callbacks_overdue")
        assert await wait_for(pilot, lambda: overdue_callbacks(app) == expected)
        assert app.agenda_ahead is None
