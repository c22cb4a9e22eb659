"""Stock by the keys a person presses: counting, deliveries, issuing, the order list, orders."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Sparkline, Static

from data.stock.actions import record_movement
from data.stock.models import MovementKind, Order, OrderLine, OrderStatus, StockMovement
from data.stock.rules import on_order_by_item
from screens.count_sheet import CountSheet
from screens.stock import ItemDetail
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.widgets.dialogs import ErrorModal
from tui.widgets.entry_form import EntryForm
from tui.widgets.model_form import ModelForm
from tui.widgets.record_table import RecordTable


def add_item(store, name: str, on_hand: int, **fields):
    item = store.repo("supplies").add({"name": name, **fields})
    if on_hand:
        record_movement(store, StockMovement(item_id=item.id, kind=MovementKind.RECEIVED, quantity=on_hand, at=store.now()))
    return store.repo("supplies").get(item.id)


def counted_movements(store) -> dict[int, int]:
    return {m.item_id: m.quantity for m in store.repo("stock_movements").list() if m.kind == MovementKind.COUNTED}


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def form_error(app, field: str) -> str:
    """The refusal shown under a line of the entry form ("" while hidden)."""
    error = app.screen.error_of(field)
    return str(error.render()) if "-shown" in error.classes else ""


def rows(app, table_id: str) -> list[str]:
    table = app.screen.query_one(f"#{table_id}", RecordTable)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def open_stock(pilot, app, table_id: str = "items") -> None:
    await pilot.press("2")
    assert await wait_for(pilot, lambda: bool(rows(app, table_id)))


async def test_a_count_sheet_books_the_differences_and_resumes_where_it_was_left(make_app, store):
    shelf_a = add_item(store, "Staples", 10, location="A shelf")
    shelf_c = add_item(store, "Toner", 3, location="C shelf")
    shelf_b = add_item(store, "Pens", 9, location="B shelf")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("C")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CountSheet) and "Staples" in text_of(app, "#count-item"))
        assert "item 1 of 3" in text_of(app, "#count-progress")
        await pilot.press("1", "0", "enter")  # as the book says: no adjustment
        assert await wait_for(pilot, lambda: "Pens" in text_of(app, "#count-item"))
        await pilot.press("7", "enter")  # two pens missing
        assert await wait_for(pilot, lambda: "Toner" in text_of(app, "#count-item"))
        await pilot.press("escape")  # leave half-way
        assert await wait_for(pilot, lambda: not isinstance(app.screen, CountSheet))
        assert counted_movements(store) == {shelf_b.id: -2}

    async with make_app().run_test(size=SIZE) as pilot:  # another day, another session
        app = pilot.app
        await open_stock(pilot, app)
        await pilot.press("C")  # coming back resumes at the toner
        assert await wait_for(pilot, lambda: isinstance(app.screen, CountSheet) and "Toner" in text_of(app, "#count-item"))
        assert "item 3 of 3" in text_of(app, "#count-progress")
        await pilot.press("5", "enter")
        assert await wait_for(pilot, lambda: "Count finished" in text_of(app, "#count-progress"))
        summary = text_of(app, "#count-summary")
        assert "Pens" in summary and "-2" in summary and "Toner" in summary and "+2" in summary
        assert "Staples" not in summary
    assert counted_movements(store) == {shelf_b.id: -2, shelf_c.id: 2}
    levels = {i.id: i.on_hand for i in store.repo("supplies").list()}
    assert levels == {shelf_a.id: 10, shelf_b.id: 7, shelf_c.id: 5}
    assert all(m.who == "tester" for m in store.repo("stock_movements").list() if m.kind == MovementKind.COUNTED)


async def test_a_negative_or_fractional_count_is_refused_and_changes_nothing(make_app, store):
    item = add_item(store, "Paper", 12, location="Store room")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("C")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CountSheet) and "Paper" in text_of(app, "#count-item"))
        await pilot.press("-", "3", "enter")
        assert await wait_for(pilot, lambda: "cannot be negative" in text_of(app, "#count-error"))
        await pilot.press("ctrl+u", "2", ".", "5", "enter")
        assert await wait_for(pilot, lambda: "whole number" in text_of(app, "#count-error"))
        assert "Paper" in text_of(app, "#count-item")  # still on the same item
    assert store.repo("supplies").get(item.id).on_hand == 12
    assert counted_movements(store) == {}
    assert store.repo("count_sessions").list()[0].counted == {}


async def test_going_back_puts_a_mistyped_count_right_and_a_count_can_end_early(make_app, store):
    paper = add_item(store, "Paper", 12, location="A shelf")
    pens = add_item(store, "Pens", 5, location="B shelf")
    toner = add_item(store, "Toner", 2, location="C shelf")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("C")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CountSheet) and "Paper" in text_of(app, "#count-item"))
        await pilot.press("1", "1", "2", "enter")  # meant 12
        assert await wait_for(pilot, lambda: "Pens" in text_of(app, "#count-item"))
        await pilot.press("up")
        assert "Paper" in text_of(app, "#count-item") and "counted 112 before" in text_of(app, "#count-progress")
        await pilot.press("1", "2", "enter")
        assert await wait_for(pilot, lambda: "Pens" in text_of(app, "#count-item"))  # back where it was
        await pilot.press("4", "enter")
        assert await wait_for(pilot, lambda: "Toner" in text_of(app, "#count-item"))
        await pilot.press("ctrl+f", "y")
        assert await wait_for(pilot, lambda: "Count finished: 2 of 3" in text_of(app, "#count-progress"))
        summary = text_of(app, "#count-summary")
        assert "Pens" in summary and "-1" in summary and "Paper" not in summary
    levels = {i.id: i.on_hand for i in store.repo("supplies").list()}
    assert levels == {paper.id: 12, pens.id: 4, toner.id: 2}
    assert store.repo("count_sessions").list()[0].finished


def placed_order(store, *lines: tuple[int, str, int]) -> Order:
    order = Order(supplier="OfficeDirect", status=OrderStatus.ORDERED, ordered_on=store.now(),
                  lines=[OrderLine(item_id=i, name=n, quantity=q) for i, n, q in lines])
    return store.repo("orders").add(order)


async def test_receiving_part_of_an_order_by_keys_leaves_it_partly_received(make_app, store):
    paper = add_item(store, "Paper", 2)
    pens = add_item(store, "Pens", 1)
    order = placed_order(store, (paper.id, "Paper", 10), (pens.id, "Pens", 4))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("O")
        assert await wait_for(pilot, lambda: bool(rows(app, "order-table")))
        await pilot.press("r")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        assert app.screen.values() == {f"received.{paper.id}": "10", f"received.{pens.id}": "4"}  # all that is to come
        await pilot.press("ctrl+u", "6", "enter", "ctrl+u", "0", "enter")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, EntryForm))
        assert await wait_for(pilot, lambda: "partly received" in " ".join(rows(app, "order-table")))
    received = store.repo("orders").get(order.id)
    assert received.status == OrderStatus.PARTLY_RECEIVED
    assert [line.received for line in received.lines] == [6, 0]
    assert store.repo("supplies").get(paper.id).on_hand == 8
    assert store.repo("supplies").get(pens.id).on_hand == 1
    assert on_order_by_item(store.repo("orders").list()) == {paper.id: 4, pens.id: 4}


async def test_receiving_more_than_was_ordered_is_refused_under_its_line(make_app, store):
    paper = add_item(store, "Paper", 2)
    pens = add_item(store, "Pens", 1)
    order = placed_order(store, (paper.id, "Paper", 10), (pens.id, "Pens", 4))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("O", "r")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press("tab", "ctrl+u", "9", "ctrl+s")
        assert await wait_for(pilot, lambda: "more than was ordered" in form_error(app, f"received.{pens.id}"))
        assert form_error(app, f"received.{paper.id}") == ""
    assert store.repo("orders").get(order.id).status == OrderStatus.ORDERED
    assert store.repo("supplies").get(paper.id).on_hand == 2
    assert [m.kind for m in store.repo("stock_movements").list()] == [MovementKind.RECEIVED] * 2  # the opening stock only


async def test_issuing_to_a_machine_by_asset_tag_and_a_bad_quantity_refused(make_app, store):
    printer = store.repo("machines").add({"asset_tag": "PR-01", "serial": "X1"})
    toner = add_item(store, "Toner HP 89A", 3, fits=["PR-01"], reorder_point=2, target=4)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("u")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        assert app.screen.values()["machine_id"] == "PR-01"  # the machine it fits is offered
        await pilot.press("ctrl+u", "1", ".", "5", "ctrl+s")
        assert await wait_for(pilot, lambda: "whole number" in form_error(app, "quantity"))
        await pilot.press("ctrl+u", "9", "ctrl+s")
        assert await wait_for(pilot, lambda: "Only 3" in form_error(app, "quantity"))
        assert store.repo("supplies").get(toner.id).on_hand == 3
        await pilot.press("ctrl+u", "1", "ctrl+s")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, EntryForm))
        assert await wait_for(pilot, lambda: "2 LOW" in " ".join(rows(app, "items")))  # the list shows what is left, down to its reorder point
    assert store.repo("supplies").get(toner.id).on_hand == 2
    used = [m for m in store.repo("stock_movements").list() if m.kind == MovementKind.USED]
    assert [(m.quantity, m.machine_id) for m in used] == [(1, printer.id)]


async def test_an_unknown_asset_tag_is_refused_under_the_machine(make_app, store):
    toner = add_item(store, "Toner", 3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("u")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press("tab", "tab", *"ZZ-9", "ctrl+s")
        assert await wait_for(pilot, lambda: "ZZ-9" in form_error(app, "machine_id"))
    assert store.repo("supplies").get(toner.id).on_hand == 3


async def test_an_adjustment_needs_a_reason_and_moves_the_stock(make_app, store):
    item = add_item(store, "Mugs", 6)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("a")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press("-", "2", "ctrl+s")
        assert await wait_for(pilot, lambda: "why" in form_error(app, "note"))
        await pilot.press(*"two broke", "enter")  # the refused line has the cursor
        assert await wait_for(pilot, lambda: not isinstance(app.screen, EntryForm))
    assert store.repo("supplies").get(item.id).on_hand == 4
    adjusted = [m for m in store.repo("stock_movements").list() if m.kind == MovementKind.ADJUSTED]
    assert [(m.quantity, m.note) for m in adjusted] == [(-2, "two broke")]


async def test_a_new_item_with_pack_size_zero_or_target_below_reorder_point_is_refused(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        form = app.screen
        form.set_value("name", "Folders")
        form.set_value("pack_size", "0")
        form.set_value("reorder_point", "10")
        form.set_value("target", "5")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: "1" in text_of(app, "#error-pack_size"))
        assert "reorder point" in text_of(app, "#error-target")
        assert app.screen is form
    assert store.repo("supplies").list() == []


async def test_low_items_stand_out_and_come_first(make_app, store):
    add_item(store, "Binders", 30, reorder_point=5, target=40)
    add_item(store, "Toner", 1, reorder_point=2, target=4)
    add_item(store, "Wipes", 0, reorder_point=1, target=3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        shown = rows(app, "items")
        assert [row.split()[0] for row in shown] == ["Toner", "Wipes", "Binders"]
        assert "1 LOW" in shown[0] and "0 OUT" in shown[1] and "LOW" not in shown[2]


async def test_the_order_list_shows_its_arithmetic_and_drafts_one_order_per_supplier(make_app, store, clock):
    toner = add_item(store, "Toner", 4, reorder_point=4, target=6, supplier="HP Store")
    paper = add_item(store, "Paper", 3, reorder_point=5, target=20, pack_size=5, supplier="Nordic Paper")
    for day in range(1, 4):  # 3 reams used in the last 90 days
        record_movement(store, StockMovement(item_id=paper.id, kind=MovementKind.USED, quantity=1, at=clock.now - timedelta(days=day)))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("l")
        assert await wait_for(pilot, lambda: len(rows(app, "reorder")) == 2)
        paper_row = next(row for row in rows(app, "reorder") if row.startswith("Paper"))
        assert "20−0−0=20 → 4×5" in paper_row and "0 d" in paper_row  # nothing left, so no cover
        app.screen.query_one("#reorder", RecordTable).select_key(toner.id)
        assert await wait_for(pilot, lambda: "target 6 − on hand 4 − on order 0 = 2" in text_of(app, "#reorder-detail"))
        await pilot.press("d", "y")
        assert await wait_for(pilot, lambda: len(store.repo("orders").list()) == 2)
        assert await wait_for(pilot, lambda: all(" 0 " in row for row in rows(app, "reorder")))
    orders = {o.supplier: [(line.item_id, line.quantity) for line in o.lines] for o in store.repo("orders").list()}
    assert orders == {"HP Store": [(toner.id, 2)], "Nordic Paper": [(paper.id, 20)]}


async def test_place_an_order_and_export_it_as_csv_and_email_text(make_app, store):
    paper = add_item(store, "Paper", 0, sku="PAP-A4", unit="ream")
    order = store.repo("orders").add(Order(supplier="Nordic Paper", lines=[OrderLine(item_id=paper.id, name="Paper", quantity=15)]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("O", "r")  # a draft is not received against
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ErrorModal))
        assert "placed order" in text_of(app, "#dialog-message")
        await pilot.press("escape", "escape", "p")
        assert await wait_for(pilot, lambda: store.repo("orders").get(order.id).status == OrderStatus.ORDERED)
        await pilot.press("x")
        csv_file = store.output_folder("exports") / f"order-{order.id}-nordic-paper.csv"
        assert await wait_for(pilot, csv_file.exists)
        await pilot.press("m")
        assert await wait_for(pilot, lambda: app.screen.query("#text-body"))
        email = app.screen.query_one("#text-body").text
        assert "Dear Nordic Paper" in email and "15 ream" in email and "Paper [PAP-A4]" in email
        assert str(store.output_folder("exports")) in text_of(app, ".intro")
    assert csv_file.read_text().splitlines()[1].startswith("PAP-A4,Paper,15,ream")
    assert store.output_folder("exports") == store.folder / "exports"


async def test_enter_opens_the_item_detail_with_its_history_and_level_over_time(make_app, store, clock):
    item = add_item(store, "Paper", 10)
    clock.now += timedelta(days=1)
    record_movement(store, StockMovement(item_id=item.id, kind=MovementKind.USED, quantity=4, at=clock.now, person="Ann"))
    clock.now += timedelta(days=1)
    record_movement(store, StockMovement(item_id=item.id, kind=MovementKind.RECEIVED, quantity=5, at=clock.now))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ItemDetail))
        levels = list(app.screen.query_one(Sparkline).data)  # one a day, the last 90 days
        assert len(levels) == 90 and levels[-3:] == [10, 6, 11] and set(levels[:-3]) == {0}
        history = rows(app, "movements")
        assert history[0].split()[2:4] == ["received", "+5"]
        assert "-4" in history[1] and "Ann" in history[1]
        assert "On hand 11" in text_of(app, "#item-fields")
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, ItemDetail))


async def test_a_draft_order_s_quantities_are_changed_by_keys_before_it_is_placed(make_app, store):
    paper = add_item(store, "Paper", 0)
    pens = add_item(store, "Pens", 0)
    order = store.repo("orders").add(Order(supplier="OfficeDirect", lines=[
        OrderLine(item_id=paper.id, name="Paper", quantity=15), OrderLine(item_id=pens.id, name="Pens", quantity=4)]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("O", "E")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press("ctrl+u", "2", "0", "enter", "ctrl+u", "-", "1", "enter")
        assert await wait_for(pilot, lambda: "negative" in form_error(app, f"line.{pens.id}"))
        assert [line.quantity for line in store.repo("orders").get(order.id).lines] == [15, 4]
        await pilot.press("ctrl+u", "0", "enter")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, EntryForm))
    changed = store.repo("orders").get(order.id)
    assert [(line.item_id, line.quantity) for line in changed.lines] == [(paper.id, 20)]
    assert changed.status == OrderStatus.DRAFT


async def test_opening_a_supply_item_or_an_order_from_elsewhere_puts_the_cursor_on_it(make_app, store):
    items = [add_item(store, f"Item {n}", n) for n in range(1, 6)]
    order = placed_order(store, (items[0].id, "Item 1", 3))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.go_to_record("supplies", items[3].id)
        assert await wait_for(pilot, lambda: app.screen.query("#items") and app.screen.query_one("#items").selected_key == items[3].id)
        assert app.current_mode == "stock"
        app.go_to_record("orders", order.id)
        assert await wait_for(pilot, lambda: app.screen.query_one("#order-table").selected_key == order.id)
        assert app.screen.current_tab() == "orders"


async def test_escape_on_a_form_with_typed_text_asks_before_throwing_it_away(make_app, store):
    from tui.widgets.dialogs import ConfirmModal

    mugs = add_item(store, "Mugs", 6)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("u")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press("tab", *"Ann", "escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")  # back to the form, nothing lost
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        assert app.screen.values()["person"] == "Ann"
        await pilot.press("escape", "y")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, (EntryForm, ConfirmModal)))
        await pilot.press("u")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press("escape")  # nothing typed: closes at once
        assert await wait_for(pilot, lambda: not isinstance(app.screen, (EntryForm, ConfirmModal)))
    assert store.repo("supplies").get(mugs.id).on_hand == 6
