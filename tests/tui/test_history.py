"""The archive search (shift+H) in a section, driven by the keys a person presses."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Static

from data.calls.models import CallStatus
from data.engine.archive import archive_old
from data.engine.clock import set_office_zone
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.widgets.history_screen import HistoryScreen


async def test_an_archived_call_shows_its_times_in_the_office_time_zone(make_app, store, clock):
    set_office_zone("America/New_York")  # 09:30 UTC on 10 March is 05:30 there (EDT)
    store.repo("calls").add({"caller": "Ann Archer", "message": "Old business", "status": CallStatus.DONE})
    archive_old(store, clock.now + timedelta(days=200), 180)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "H", *"Archer", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.results)
        detail = str(app.screen.query_one("#history-detail", Static).render())
        assert "created_at: Tue 10 Mar 2026 05:30" in detail
        assert "call logged" in detail and "09:30" not in detail
