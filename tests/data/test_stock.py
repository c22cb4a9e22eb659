"""Supply items and movements: on hand changes only through movements, bad input is refused."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from data.agenda import TOP
from data.demo import build_demo
from data.engine.errors import ConflictError, FieldError
from data.stock import actions, rules, views
from data.stock.models import MovementKind, OrderStatus, SupplyItem

ROOT = Path(__file__).resolve().parents[2]


def make_item(store, name="A4 paper", on_hand=0, **values) -> SupplyItem:
    """An item with an opening stock; shared by the stock test modules."""
    fields = {"unit": "ream", "pack_size": 5, "reorder_point": 10, "target": 20, "supplier": "Paper Co", **values}
    return actions.add_item(store, {"name": name, "on_hand": on_hand, **fields})


def stock_file(store) -> bytes:
    return store.file("stock").read_bytes()


def test_a_new_items_opening_stock_is_a_movement_so_it_has_a_history(store):
    item = make_item(store, on_hand=12)
    assert store.repo("supplies").get(item.id).on_hand == 12
    [opening] = views.item_movements(store, item.id)
    assert (opening.kind, opening.quantity, opening.who) == (MovementKind.ADJUSTED, 12, "tester")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"pack_size": 0}, "pack_size"),
        ({"reorder_point": 10, "target": 5}, "target"),
        ({"reorder_point": -1}, "reorder_point"),
        ({"on_hand": -3}, "on_hand"),
    ],
)
def test_a_new_item_with_bad_numbers_is_refused_under_its_field(store, values, field):
    make_item(store, "Pens")
    before = stock_file(store)
    with pytest.raises(FieldError) as refused:
        make_item(store, "Staples", **values)
    assert refused.value.field == field
    assert stock_file(store) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"pack_size": 0}, "pack_size"), ({"target": 9}, "target"), ({"reorder_point": 21}, "target"), ({"on_hand": 50}, "on_hand")],
)
def test_editing_an_item_into_bad_numbers_is_refused_with_nothing_changed(store, changes, field):
    item = make_item(store, on_hand=4)
    before = stock_file(store)
    with pytest.raises(FieldError) as refused:
        actions.change_item(store, item.id, **changes)
    assert refused.value.field == field
    assert stock_file(store) == before


def test_the_target_error_names_the_reorder_point(store):
    with pytest.raises(FieldError, match=r"below the reorder point \(10\)"):
        make_item(store, target=5)


def test_saving_an_edited_item_keeps_the_on_hand_of_movements_made_meanwhile(store):
    item = make_item(store, on_hand=10)
    opened = store.repo("supplies").get(item.id)
    actions.use_item(store, item.id, 3, person="Tom")
    opened.location = "Shelf 2"
    with pytest.raises(ConflictError):
        actions.save_item(store, opened)
    saved = actions.save_item(store, opened, force=True)
    assert (saved.location, saved.on_hand) == ("Shelf 2", 7)
    assert store.repo("supplies").get(item.id).on_hand == 7


def test_using_items_lowers_on_hand_and_records_who_took_them(store, clock):
    item = make_item(store, on_hand=10)
    after = actions.use_item(store, item.id, "3", person="Lucy Fernandes", note="training room")
    assert after.on_hand == 7
    used = views.item_movements(store, item.id)[0]
    assert (used.kind, used.quantity, used.person, used.who, used.at) == (MovementKind.USED, 3, "Lucy Fernandes", "tester", clock.now)


def test_toner_issued_to_a_machine_carries_its_id(store):
    machine = store.repo("machines").add({"asset_tag": "PR-02", "kind": "printer", "make": "HP", "model": "M507", "serial": "PHB1"})
    toner = make_item(store, "Toner HP 89A", on_hand=3, category="toner", pack_size=1, reorder_point=1, target=3, fits=["PR-02"])
    actions.use_item(store, toner.id, 1, machine_id=machine.id)
    issued = store.repo("stock_movements").find(kind=MovementKind.USED, machine_id=machine.id)
    assert [m.item_id for m in issued] == [toner.id]


@pytest.mark.parametrize(
    ("quantity", "extra", "field"),
    [
        (11, {"person": "Tom"}, "quantity"),  # more than on hand
        (0, {"person": "Tom"}, "quantity"),
        (-2, {"person": "Tom"}, "quantity"),
        (1.5, {"person": "Tom"}, "quantity"),
        ("two", {"person": "Tom"}, "quantity"),
        (1, {}, "person"),  # to nobody
        (1, {"machine_id": 99}, "machine_id"),  # to a machine that does not exist
    ],
)
def test_bad_use_is_refused_under_its_field_with_nothing_changed(store, quantity, extra, field):
    item = make_item(store, on_hand=10)
    before = stock_file(store)
    with pytest.raises(FieldError) as refused:
        actions.use_item(store, item.id, quantity, **extra)
    assert refused.value.field == field
    assert stock_file(store) == before


def test_an_adjustment_needs_a_reason_and_cannot_take_stock_below_zero(store):
    item = make_item(store, on_hand=2)
    with pytest.raises(FieldError) as no_reason:
        actions.adjust_item(store, item.id, -1, " ")
    with pytest.raises(FieldError) as too_many:
        actions.adjust_item(store, item.id, -3, "dropped in the rain")
    assert (no_reason.value.field, too_many.value.field) == ("note", "quantity")
    assert actions.adjust_item(store, item.id, -2, "dropped in the rain").on_hand == 0


def test_level_history_rebuilds_on_hand_after_each_movement(store, clock):
    item = make_item(store, on_hand=10)
    clock.now += timedelta(days=1)
    actions.use_item(store, item.id, 4, person="Tom")
    clock.now += timedelta(days=1)
    actions.adjust_item(store, item.id, 5, "box found")
    item = store.repo("supplies").get(item.id)
    history = rules.level_history(item, store.repo("stock_movements").list())
    assert [level for _, level in history] == [10, 6, 11]
    assert history[-1][0] == clock.now


def test_daily_levels_carry_the_last_level_of_each_day_for_a_sparkline(store, clock):
    start = clock.now
    item = make_item(store, on_hand=10)
    clock.now = start + timedelta(days=2)
    actions.use_item(store, item.id, 4, person="Tom")
    actions.use_item(store, item.id, 1, person="Tom")
    clock.now = start + timedelta(days=3)
    item = store.repo("supplies").get(item.id)
    levels = rules.daily_levels(item, store.repo("stock_movements").list(), clock.now.date(), days=5)
    assert levels == [0, 10, 10, 5, 5]


def test_the_agenda_counts_items_at_or_below_reorder_point_emptiest_first(store):
    make_item(store, "Plenty", on_hand=15)
    make_item(store, "At the point", on_hand=10)
    make_item(store, "Empty", on_hand=0)
    for n in range(TOP):
        make_item(store, f"Low {n}", on_hand=5)
    [group] = views.agenda_groups(store, store.now())
    assert group.count == TOP + 2
    assert len(group.entries) == TOP
    assert group.entries[0].text.startswith("Empty") and group.entries[0].urgent
    assert "Plenty" not in " ".join(e.text for e in group.entries)


def test_the_demo_office_has_low_items_an_open_order_and_toner_used_by_machines(store):
    build_demo(store)
    items = views.items_by_id(store)
    movements = store.repo("stock_movements").list()
    assert len(items) >= 40
    assert any(rules.needs_reorder(i) for i in items.values())
    for item in items.values():  # every figure is explained by its movements, counted up from nothing
        assert sum(m.change for m in movements if m.item_id == item.id) == item.on_hand, item.name
        assert min([level for _, level in rules.level_history(item, movements)] or [0]) >= 0, item.name
    [open_order] = [o for o in store.repo("orders").list() if o.status == OrderStatus.PARTLY_RECEIVED]
    received = sum(m.quantity for m in movements if m.order_id == open_order.id)
    assert received == sum(line.received for line in open_order.lines) > 0
    tags = {m.id: m.asset_tag for m in store.repo("machines").list()}
    for movement in movements:
        if movement.machine_id is not None:
            assert tags[movement.machine_id] in items[movement.item_id].fits


def backoffice(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data", str(folder), *args], cwd=ROOT, capture_output=True, text=True
    )


def test_backoffice_reorder_prints_the_order_list_with_its_arithmetic(store):
    make_item(store, "A4 paper", on_hand=3)
    make_item(store, "Pens", on_hand=50)
    result = backoffice(store.folder, "reorder")
    assert result.returncode == 0, result.stderr
    assert "A4 paper (Paper Co): order 20 ream — target 20 − on hand 3 − on order 0 = 17 → 4 packs of 5 = 20" in result.stdout
    assert "Pens" not in result.stdout


def test_backoffice_reorder_says_so_when_nothing_is_low(store):
    make_item(store, "Pens", on_hand=50)
    result = backoffice(store.folder, "reorder")
    assert (result.returncode, result.stdout) == (0, "Nothing is at or below its reorder point.\n")
