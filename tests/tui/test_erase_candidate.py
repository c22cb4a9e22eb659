"""A candidate's request to be forgotten, by the keys: E names them and asks first."""

from __future__ import annotations

from datetime import timedelta

from data.candidates.models import Position, Stage
from tests.tui.conftest import SIZE
from tests.tui.test_candidates import names
from tests.tui.test_shell import wait_for
from tui.widgets.dialogs import ConfirmModal


async def test_e_asks_naming_the_candidate_and_erases_their_personal_data(make_app, store):
    opening = store.repo("positions").add(Position(title="Driver"))
    store.repo("candidates").add_many([
        {"name": "Ann Keep", "position_id": opening.id},
        {"name": "Zed Forget", "email": "zed@example.com", "position_id": opening.id, "cv_text": "Zed's whole life"},
    ])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Ann Keep", "Zed Forget"])
        await pilot.press("j", "E")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Erase Zed Forget's personal data" in str(app.screen.query_one("#dialog-message").render())
        await pilot.press("n")  # not this time: nothing changes
        assert store.repo("candidates").get(2).name == "Zed Forget"

        await pilot.press("E", "y")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(2).name == "Erased #2")
        zed = store.repo("candidates").get(2)
        assert (zed.email, zed.cv_text, zed.stage) == ("", "", Stage.WITHDREW)
        await pilot.press("a")  # withdrawn: shown with the closed ones
        assert await wait_for(pilot, lambda: names(app) == ["Ann Keep", "Erased #2"])
        await pilot.press("j")
        assert await wait_for(pilot, lambda: "Personal data erased" in str(app.screen.query_one("#cv").render()))


async def test_the_app_erases_what_is_past_retention_in_its_daily_housekeeping(make_app, store, clock, monkeypatch):
    import tui.app
    from data.candidates.actions import reject

    monkeypatch.setattr(tui.app, "ARCHIVE_DELAY", 0.01)  # at once, rather than ten seconds after start
    opening = store.repo("positions").add(Position(title="Driver"))
    store.repo("candidates").add({"name": "Old Reject", "email": "old@example.com", "position_id": opening.id})
    reject(store, 1, "no licence")
    clock.now += timedelta(days=200)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: store.repo("candidates").get(1).name == "Erased #1")
        assert store.repo("candidates").get(1).reject_reason == ""
