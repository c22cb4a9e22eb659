"""Suppliers, the machines a supply fits, and days of cover, by the keys a person presses."""

from __future__ import annotations

from datetime import timedelta

from data.engine.store import Store
from data.stock import actions
from data.stock.models import MovementKind, StockMovement, Supplier
from tests.conftest import NOW, Clock
from tests.hostile import SHOWN_PAYLOAD, poison_office
from tests.tui.conftest import SIZE
from tests.tui.test_hostile_text import Tour
from tests.tui.test_shell import wait_for
from tests.tui.test_stock import add_item, form_error, open_stock, rows
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.entry_form import EntryForm
from tui.widgets.model_form import ModelForm


async def test_a_supplier_is_added_and_edited_on_the_suppliers_tab(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "S", "n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press(*"Nordic Paper AB", "tab", *"orders@nordic.example", "tab", *"020 7946 0123", "tab",
                          "ctrl+u", *"99999999999999999999", "ctrl+s")
        assert await wait_for(pilot, lambda: "at most 365" in str(app.screen.query_one("#error-lead_days").render()))
        await pilot.press("ctrl+u", "1", "4", "ctrl+s")
        assert await wait_for(pilot, lambda: rows(app, "supplier-table") == [
            "Nordic Paper AB orders@nordic.example 020 7946 0123 14 "])
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press("tab", "tab", "tab", "ctrl+u", "9", "ctrl+s")
        assert await wait_for(pilot, lambda: "Nordic Paper AB orders@nordic.example 020 7946 0123 9 " in rows(app, "supplier-table"))
    [supplier] = store.repo("suppliers").list()
    assert (supplier.phone, supplier.lead_days) == ("+442079460123", 9)


async def test_a_supply_issued_to_a_machine_it_does_not_fit_is_asked_about_and_ctrl_s_again_issues_it(make_app, store):
    store.repo("machines").add({"asset_tag": "CP-01", "serial": "S1"})
    store.repo("machines").add({"asset_tag": "PR-02", "serial": "S2", "make": "HP", "model": "LaserJet M404"})
    toner = add_item(store, "Canon C-EXV51 Cyan Toner", 3, fits=["CP-01"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("u")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press("tab", "tab", "ctrl+u", *"PR-02", "ctrl+s")
        assert await wait_for(pilot, lambda: form_error(app, "machine_id") == (
            "Canon C-EXV51 Cyan Toner fits CP-01, not PR-02 (HP LaserJet M404). If it is right, ctrl+s issues it."))
        assert store.repo("supplies").get(toner.id).on_hand == 3
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, EntryForm))
    [issued] = [m for m in store.repo("stock_movements").list() if m.kind == MovementKind.USED]
    assert (issued.quantity, issued.machine_id) == (1, 2)


async def test_the_supplies_list_shows_each_items_days_of_cover(make_app, store, clock):
    pens = add_item(store, "Pens", 60, reorder_point=1, target=60)
    for day in range(1, 46):  # half a pen a day
        actions.record_movement(store, StockMovement(item_id=pens.id, kind=MovementKind.USED, quantity=1, at=clock.now - timedelta(days=day)))
    add_item(store, "Staples", 4)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        assert await wait_for(pilot, lambda: sorted(row.split()[:3] for row in rows(app, "items")) == [
            ["Pens", "15", "30"], ["Staples", "4", "no"]])
        assert "Cover" in app.export_screenshot()  # on the screen at 80 columns, not scrolled off


async def test_the_suppliers_tab_shows_stored_hostile_text_inert(tmp_path):
    store = Store(tmp_path / "office", user="reception", clock=Clock(NOW))
    store.repo("suppliers").add(Supplier(name="Paper Co", email="orders@paper.example", note="ring first"))
    tags = poison_office(store)
    app = BackOfficeApp(store, Settings(fax_command="", poll_minutes=0))
    async with app.run_test(size=SIZE) as pilot:
        tour = Tour(pilot, tags)
        await tour.see("supplies", "2")
        screen = await tour.see("the suppliers", "S")
        assert "suppliers.name" in tour.views["the suppliers"] and SHOWN_PAYLOAD in screen
        assert {"suppliers.name", "suppliers.note"} <= tags.seen_in(" ".join(rows(app, "supplier-table")))  # past the edge too
        await tour.see("a supplier's form", "enter")
        assert "suppliers.name" in tour.views["a supplier's form"]
