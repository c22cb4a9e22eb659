"""Putting stock right by the keys: a mistaken movement reversed from the item's page."""

from __future__ import annotations

from rich.text import Text

from data.engine.store import Store
from data.stock import actions
from data.stock.models import MovementKind
from screens.stock import ItemDetail
from tests.conftest import NOW, Clock
from tests.hostile import SHOWN_PAYLOAD, poison_office
from tests.tui.conftest import SIZE
from tests.tui.test_hostile_text import CONTROL, Tour
from tests.tui.test_shell import wait_for
from tests.tui.test_stock import add_item, open_stock, rows, text_of
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable


def struck(app, row: int) -> bool:
    """Whether the movement's cells on that row of the history are struck through."""
    cell = app.screen.query_one("#movements", RecordTable).get_row_at(row)[1]
    return isinstance(cell, Text) and "strike" in str(cell.style)


async def test_v_reverses_a_movement_with_its_reason_and_the_history_shows_both(make_app, store):
    paper = add_item(store, "Paper", 12)
    actions.use_item(store, paper.id, 10, person="Ann")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ItemDetail))
        await pilot.press("v")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("enter")  # no reason: asked again
        assert await wait_for(pilot, lambda: "Say why" in text_of(app, "#prompt-error"))
        await pilot.press(*"typed 10 for 1", "enter")
        assert await wait_for(pilot, lambda: len(rows(app, "movements")) == 3)
        reversal, original, _ = rows(app, "movements")
        assert "reversal +10 12 tester reverses #2 — typed 10 for 1" in reversal
        assert "used -10" in original and "reversed: typed 10 for 1 (tester)" in original and struck(app, 1)
        assert not struck(app, 0)
        assert await wait_for(pilot, lambda: "On hand 12" in text_of(app, "#item-fields"))
        await pilot.press("v")  # the reversal itself is not reversed
        assert await wait_for(pilot, lambda: any("not reversed" in n.message for n in app._notifications))
        assert not isinstance(app.screen, PromptModal)
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: "Paper 12" in " ".join(rows(app, "items")))
    kinds = [(m.kind, m.is_void) for m in store.repo("stock_movements").list()]
    assert kinds == [(MovementKind.RECEIVED, False), (MovementKind.USED, True), (MovementKind.REVERSAL, False)]


async def test_a_reversal_that_would_leave_less_than_nothing_is_refused_with_a_sentence(make_app, store):
    paper = add_item(store, "Paper", 5)
    actions.use_item(store, paper.id, 4, person="Ann")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ItemDetail))
        await pilot.press("j", "v", *"never came", "enter")  # the delivery of 5
        assert await wait_for(pilot, lambda: app.screen.query("#dialog-message"))
        assert "would take Paper below zero: only 1 each left." in text_of(app, "#dialog-message")
    assert store.repo("supplies").get(paper.id).on_hand == 1


async def test_a_reversed_movement_shows_stored_hostile_text_inert(tmp_path):
    store = Store(tmp_path / "office", user="reception", clock=Clock(NOW))
    item = actions.add_item(store, {"name": "Paper", "on_hand": 5})
    actions.use_item(store, item.id, 2, person="Ann", note="for the post room")
    actions.reverse_movement(store, 2, "typed 2 for 1")
    tags = poison_office(store)
    app = BackOfficeApp(store, Settings(fax_command="", poll_minutes=0))
    async with app.run_test(size=SIZE) as pilot:
        tour = Tour(pilot, tags)
        await tour.see("supplies", "2")
        await tour.see("the item's history", "enter")  # nothing reaches the terminal
        for _ in range(6):  # and the columns past the screen's edge hold the same
            await tour.see("the item's history, further right", "right")
        history = rows(app, "movements")
        wanted = {"stock_movements.void_reason", "stock_movements.voided_by", "stock_movements.note", "stock_movements.who"}
        assert wanted <= tags.seen_in(" ".join(history))
        assert not CONTROL.search(" ".join(history)) and SHOWN_PAYLOAD in history[1]
