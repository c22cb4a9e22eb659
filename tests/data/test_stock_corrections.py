"""A mistaken stock movement is reversed with a reason, never edited: the history keeps both,
what is on hand is put back, and use, cover and toner forecasts leave the mistake out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from data.engine.errors import FieldError, RuleError
from data.machines.views import machine_toner
from data.stock import actions, rules, views
from data.stock.models import MovementKind, Order, OrderLine, OrderStatus
from tests.data.test_adding_by_rules import run  # noqa: F401  (fixture)
from tests.data.test_stock import make_item, stock_file


def used(store, item, quantity, **to) -> int:
    """Issue ``quantity`` of ``item``; the id of the "used" movement."""
    actions.use_item(store, item.id, quantity, **({"person": "Ann"} | to))
    return max(m.id for m in store.repo("stock_movements").list())


def test_a_reversed_use_puts_the_stock_back_and_the_history_shows_both(store):
    paper = make_item(store, on_hand=12)
    wrong = used(store, paper, 10)
    actions.reverse_movement(store, wrong, "typed 10 for 1")
    assert store.repo("supplies").get(paper.id).on_hand == 12
    reversal, original, opening = views.item_movements(store, paper.id)
    assert (original.id, original.void_reason, original.voided_by, original.is_void) == (wrong, "typed 10 for 1", "tester", True)
    assert (reversal.kind, reversal.change, reversal.reverses, reversal.who) == (MovementKind.REVERSAL, +10, wrong, "tester")
    assert sum(m.change for m in (reversal, original, opening)) == 12  # on hand is still the sum of the movements


def test_a_reversed_use_is_left_out_of_the_use_a_day_and_the_days_of_cover(store, clock):
    paper = make_item(store, on_hand=100)
    used(store, paper, 9)
    actions.reverse_movement(store, used(store, paper, 90), "typed 90 for 9")
    movements = store.repo("stock_movements").list()
    assert rules.use_per_day(movements, clock.now) == {paper.id: 9 / 90}
    assert views.item_history(store, paper.id).per_day == 9 / 90


def test_a_toner_reversed_from_a_machine_no_longer_counts_as_fitted(store, clock):
    copier = store.repo("machines").add({"asset_tag": "CP-01", "serial": "S1", "kind": "copier"})
    toner = make_item(store, "Cyan toner", on_hand=4, category="toner", fits=["CP-01"])
    used(store, toner, 1, machine_id=copier.id, person="")
    clock.now += timedelta(days=30)
    wrong = used(store, toner, 1, machine_id=copier.id, person="")
    assert [f.cartridges for f in machine_toner(store, copier.id, store.today())] == [2]
    actions.reverse_movement(store, wrong, "went to CP-02")
    assert [f.cartridges for f in machine_toner(store, copier.id, store.today())] == [1]


def placed(store, item, quantity) -> Order:
    order = store.repo("orders").add(Order(supplier="Paper Co", lines=[OrderLine(item_id=item.id, name=item.name, quantity=quantity)]))
    return actions.place_order(store, order.id)


def test_a_reversed_delivery_is_still_to_come_on_its_order(store, clock):
    paper = make_item(store, on_hand=2)
    order = placed(store, paper, 10)
    actions.receive(store, order.id, {paper.id: 4})
    actions.receive(store, order.id, {paper.id: 6})
    assert store.repo("orders").get(order.id).status == OrderStatus.RECEIVED
    second = max(m.id for m in store.repo("stock_movements").list())
    actions.reverse_movement(store, second, "the second box was someone else's")
    order = store.repo("orders").get(order.id)
    assert (order.status, order.lines[0].received, order.lines[0].outstanding) == (OrderStatus.PARTLY_RECEIVED, 4, 6)
    assert store.repo("supplies").get(paper.id).on_hand == 6
    assert rules.on_order_by_item([order]) == {paper.id: 6}  # the order list counts it on order again
    first = second - 1
    actions.reverse_movement(store, first, "not ours either")
    assert store.repo("orders").get(order.id).status == OrderStatus.ORDERED


def test_a_reversal_that_would_leave_less_than_nothing_is_refused_naming_the_item(store):
    paper = make_item(store, on_hand=0)
    actions.adjust_item(store, paper.id, 5, "found a box")
    found = max(m.id for m in store.repo("stock_movements").list())
    used(store, paper, 4)
    before = stock_file(store)
    with pytest.raises(RuleError, match=r"would take A4 paper below zero: only 1 ream left\.$"):
        actions.reverse_movement(store, found, "no box after all")
    assert stock_file(store) == before


def test_a_movement_is_reversed_once_a_reversal_never_and_always_with_a_reason(store):
    paper = make_item(store, on_hand=5)
    wrong = used(store, paper, 2)
    with pytest.raises(FieldError, match="Say why"):
        actions.reverse_movement(store, wrong, "  ")
    actions.reverse_movement(store, wrong, "typo")
    before = stock_file(store)
    with pytest.raises(RuleError, match="already reversed by tester: typo"):
        actions.reverse_movement(store, wrong, "again")
    with pytest.raises(RuleError, match="itself a reversal"):
        actions.reverse_movement(store, wrong + 1, "undo the undo")
    assert stock_file(store) == before
    assert store.repo("supplies").get(paper.id).on_hand == 5


def test_a_movement_is_reversed_by_command_as_a_reading_is_voided(run):
    assert run("add", "supplies", "name=Toner", "on_hand=5")[0] == 0
    assert run("add", "stock_movements", "item_id=1", "kind=used", "quantity=4", "at=2026-01-06 10:00", "person=Ann")[0] == 0
    status, out, err = run("stock", "void-movement", "2", "--reason", "typed 4 for 1")
    assert (status, out, err) == (0, "movement #2 (used -4 on 06 Jan 2026) of Toner reversed: typed 4 for 1; 5 each on hand\n", [])
    status, _, err = run("stock", "void-movement", "2", "--reason", "again")
    voided_by = run.store().repo("stock_movements").get(2).voided_by
    assert status == 2 and err == [f"backoffice: Movement #2 (used -4 on 06 Jan 2026) was already reversed by {voided_by}: typed 4 for 1"]
    assert run("stock", "void-movement", "1")[:3:2] == (2, ["backoffice: field 'reason': Say why the movement is wrong."])
    assert run("stock", "void-movement", "--reason", "x")[:3:2] == (
        2, ["backoffice: stock void-movement: give the movement's id (backoffice list stock_movements)"])
    assert run.store().repo("supplies").get(1).on_hand == 5


def test_a_reversal_or_a_voided_movement_is_not_added_by_hand(run):
    assert run("add", "supplies", "name=Toner", "on_hand=5")[0] == 0
    status, _, err = run("add", "stock_movements", "item_id=1", "quantity=-2", "at=2026-01-06", "kind=reversal")
    assert status == 2 and err == ["backoffice: arguments: field 'kind': A movement is reversed with its key on the "
                                   "item's page, or `backoffice stock void-movement`."]
    status, _, err = run("add", "stock_movements", "item_id=1", "quantity=-2", "at=2026-01-06", "kind=adjusted", "void_reason=typo")
    assert status == 2 and "does not start with 'void_reason'" in err[0]
    assert run.store().repo("supplies").get(1).on_hand == 5
