"""The order list and its arithmetic, draft orders, deliveries and what counts as on order."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from data.engine.errors import FieldError, RuleError
from data.stock import actions, rules, views
from data.stock.models import MovementKind, Order, OrderStatus, StockMovement, received_field
from tests.data.test_stock import make_item, stock_file

# -- the order quantity rule -------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "on_hand", "on_order", "pack", "shortfall", "packs", "quantity"),
    [
        (20, 0, 0, 5, 20, 4, 20),  # exact pack multiple
        (20, 3, 0, 5, 17, 4, 20),  # partial pack rounds up
        (20, 3, 10, 5, 7, 2, 10),  # something already on order
        (20, 25, 0, 5, 0, 0, 0),  # on hand above target
        (20, 2, 30, 5, 0, 0, 0),  # on order already covers it
        (10, 10, 0, 5, 0, 0, 0),  # target equal to reorder point, at the point
        (10, 7, 0, 5, 3, 1, 5),  # target equal to reorder point, below it
        (20, 3, 0, 1, 17, 17, 17),  # pack size 1
    ],
)
def test_order_quantity_is_target_minus_on_hand_minus_on_order_in_whole_packs(target, on_hand, on_order, pack, shortfall, packs, quantity):
    sum_ = rules.order_quantity(target, on_hand, on_order, pack)
    assert (sum_.shortfall, sum_.packs, sum_.quantity) == (shortfall, packs, quantity)


def test_the_arithmetic_explains_itself():
    assert rules.order_quantity(20, 3, 0, 5).explain() == "target 20 − on hand 3 − on order 0 = 17 → 4 packs of 5 = 20"
    assert rules.order_quantity(4, 3, 0, 1).explain() == "target 4 − on hand 3 − on order 0 = 1 → 1 pack of 1 = 1"


def test_a_pack_size_of_zero_is_refused_under_pack_size():
    with pytest.raises(FieldError) as refused:
        rules.order_quantity(20, 3, 0, 0)
    assert refused.value.field == "pack_size"


# -- the order list ----------------------------------------------------------------------


def test_the_order_list_holds_items_at_or_below_the_reorder_point(store):
    make_item(store, "Below", on_hand=3)
    make_item(store, "At", on_hand=10)
    make_item(store, "Above", on_hand=11)
    names = [line.item.name for line in views.current_reorder_list(store, store.now())]
    assert names == ["At", "Below"]


def test_days_of_cover_use_the_average_of_the_last_90_days(store, clock):
    start = clock.now
    item = make_item(store, on_hand=100, reorder_point=20, target=100)
    clock.now = start - timedelta(days=120)  # too old to count
    actions.record_movement(store, StockMovement(item_id=item.id, kind=MovementKind.USED, quantity=50, at=clock.now, who="t"))
    clock.now = start
    actions.use_item(store, item.id, 32, person="Tom")
    idle = make_item(store, "Idle", on_hand=1)
    clock.now = start + timedelta(days=1)
    lines = {line.item.id: line for line in views.current_reorder_list(store, clock.now)}
    assert lines[item.id].per_day == pytest.approx(32 / 90)
    assert lines[item.id].days_of_cover == pytest.approx(18 / (32 / 90))
    assert lines[idle.id].days_of_cover is None
    assert lines[idle.id].cover_text() == "no use in 90 days"


def test_draft_orders_are_made_per_supplier_and_then_count_as_on_order(store):
    paper = make_item(store, "A4 paper", on_hand=3)
    envelopes = make_item(store, "Envelopes", on_hand=0, pack_size=1, reorder_point=2, target=6)
    toner = make_item(store, "Toner", on_hand=0, pack_size=1, reorder_point=1, target=2, supplier="Toner Ltd")
    orders = actions.draft_orders(store, store.now())
    assert sorted((o.supplier, [(line.name, line.quantity) for line in o.lines]) for o in orders) == [
        ("Paper Co", [("A4 paper", 20), ("Envelopes", 6)]),
        ("Toner Ltd", [("Toner", 2)]),
    ]
    assert all(o.status == OrderStatus.DRAFT for o in orders)
    again = {line.item.id: line for line in views.current_reorder_list(store, store.now())}
    assert [again[i].arithmetic.on_order for i in (paper.id, envelopes.id, toner.id)] == [20, 6, 2]
    assert all(line.quantity == 0 for line in again.values())
    assert actions.draft_orders(store, store.now()) == []  # a second press orders nothing twice


def test_draft_orders_can_be_made_for_chosen_items_only(store):
    make_item(store, "A4 paper", on_hand=3)
    pens = make_item(store, "Pens", on_hand=0)
    [order] = actions.draft_orders(store, store.now(), item_ids=[pens.id])
    assert [line.item_id for line in order.lines] == [pens.id]


def test_a_cancelled_order_no_longer_counts_as_on_order(store):
    paper = make_item(store, on_hand=3)
    [order] = actions.draft_orders(store, store.now())
    actions.cancel_order(store, order.id)
    [line] = views.current_reorder_list(store, store.now())
    assert (line.item.id, line.arithmetic.on_order, line.quantity) == (paper.id, 0, 20)


def test_a_draft_line_can_be_changed_or_taken_off_but_not_once_ordered(store):
    paper = make_item(store, "A4 paper", on_hand=3)
    pens = make_item(store, "Pens", on_hand=0)
    [order] = actions.draft_orders(store, store.now())
    order = actions.change_order_line(store, order.id, paper.id, 25)
    order = actions.change_order_line(store, order.id, pens.id, 0)
    assert [(line.item_id, line.quantity) for line in order.lines] == [(paper.id, 25)]
    actions.place_order(store, order.id)
    with pytest.raises(RuleError, match="only a draft can be changed"):
        actions.change_order_line(store, order.id, paper.id, 30)


def test_placing_an_order_stamps_its_date_and_only_a_draft_can_be_placed(store, clock):
    make_item(store, on_hand=3)
    [order] = actions.draft_orders(store, store.now())
    placed = actions.place_order(store, order.id)
    assert (placed.status, placed.ordered_on) == (OrderStatus.ORDERED, clock.now)
    with pytest.raises(RuleError, match="is ordered; it cannot become ordered"):
        actions.place_order(store, order.id)


# -- deliveries --------------------------------------------------------------------------


def placed_order(store, quantity_by_name: dict[str, int]):
    """A placed order from one supplier: item name → quantity, none of them on hand."""
    items = {name: make_item(store, name, on_hand=0, pack_size=1, reorder_point=5, target=quantity) for name, quantity in quantity_by_name.items()}
    [order] = actions.draft_orders(store, store.now())
    return actions.place_order(store, order.id), items


def test_a_partial_delivery_leaves_the_order_partly_received_and_the_rest_on_order(store):
    order, items = placed_order(store, {"A4 paper": 40, "A3 paper": 10})
    paper, a3 = items["A4 paper"], items["A3 paper"]
    order = actions.receive(store, order.id, {paper.id: 15})
    assert order.status == OrderStatus.PARTLY_RECEIVED
    assert order.received_on is None
    assert store.repo("supplies").get(paper.id).on_hand == 15
    [received] = [m for m in views.item_movements(store, paper.id) if m.kind == MovementKind.RECEIVED]
    assert (received.quantity, received.order_id) == (15, order.id)
    assert rules.on_order_by_item(store.repo("orders").list()) == {paper.id: 25, a3.id: 10}


def test_the_rest_of_a_delivery_completes_the_order(store, clock):
    order, items = placed_order(store, {"A4 paper": 40, "A3 paper": 10})
    paper, a3 = items["A4 paper"], items["A3 paper"]
    actions.receive(store, order.id, {paper.id: 15})
    clock.now += timedelta(days=2)
    order = actions.receive(store, order.id, {paper.id: "25", a3.id: 10})
    assert (order.status, order.received_on) == (OrderStatus.RECEIVED, clock.now)
    assert [store.repo("supplies").get(i).on_hand for i in (paper.id, a3.id)] == [40, 10]
    assert rules.on_order_by_item(store.repo("orders").list()) == {}
    with pytest.raises(RuleError, match="is received"):
        actions.receive(store, order.id, {paper.id: 1})


@pytest.mark.parametrize(
    "quantities",
    [
        {"A4 paper": 41},  # more than was ordered on that line
        {"A4 paper": 5, "A3 paper": 11},  # one good line, one over
        {"A4 paper": -1},
        {"A4 paper": 2.5},
        {"A4 paper": 0},  # nothing at all
    ],
)
def test_a_bad_delivery_is_refused_under_its_line_with_nothing_changed(store, quantities):
    order, items = placed_order(store, {"A4 paper": 40, "A3 paper": 10})
    bad = list(quantities)[-1]  # the line the refusal is about
    before = stock_file(store)
    with pytest.raises(FieldError) as refused:
        actions.receive(store, order.id, {items[name].id: value for name, value in quantities.items()})
    assert refused.value.field == received_field(items[bad].id)
    assert stock_file(store) == before


def test_receiving_an_item_that_is_not_on_the_order_is_refused(store):
    order, _ = placed_order(store, {"A4 paper": 40})
    stranger = make_item(store, "Stapler", on_hand=1)
    with pytest.raises(FieldError, match="not on order"):
        actions.receive(store, order.id, {stranger.id: 1})


def test_a_draft_cannot_be_received_against(store):
    make_item(store, on_hand=3)
    [order] = actions.draft_orders(store, store.now())
    with pytest.raises(RuleError, match="placed order"):
        actions.receive(store, order.id, {order.lines[0].item_id: 5})


def test_an_order_cannot_name_an_item_on_two_lines():
    with pytest.raises(ValueError, match="two lines"):
        Order(supplier="Paper Co", lines=[{"item_id": 1, "quantity": 5}, {"item_id": 1, "quantity": 5}])


# -- export ------------------------------------------------------------------------------


def test_an_order_exports_as_csv_with_packs_and_costs(store):
    make_item(store, "A4 paper", on_hand=3, sku="PAP-A4", unit_cost=4.2)
    [order] = actions.draft_orders(store, store.now())
    rows = list(csv.DictReader(io.StringIO(views.order_csv(order, views.items_by_id(store)))))
    assert rows == [{
        "sku": "PAP-A4", "item": "A4 paper", "quantity": "20", "unit": "ream", "pack_size": "5", "packs": "4",
        "unit_cost": "4.20", "line_total": "84.00",
    }]


def test_an_order_exports_as_an_email_ready_to_send(store, clock):
    make_item(store, "A4 paper", on_hand=3, sku="PAP-A4", unit_cost=4.2)
    [order] = actions.draft_orders(store, store.now())
    order = actions.place_order(store, order.id)
    text = views.order_email(order, views.items_by_id(store), "Ann Lee")
    assert text.startswith(f"Subject: Order {order.id} of {clock.now:%d %B %Y}\n")
    assert "Dear Paper Co," in text
    assert "  - 20 ream (4 × 5)  A4 paper [PAP-A4]\n" in text
    assert "84.00" in text
    assert text.rstrip().endswith("Ann Lee")
