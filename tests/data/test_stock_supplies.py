"""Stock that knows its supplies: suppliers and their lead times, the machines a supply fits,
days of cover, and ordering for the lead time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from data.engine.errors import FieldError
from data.stock import actions, rules, views
from data.stock.models import MovementKind, StockMovement, Supplier
from tests.data.test_adding_by_rules import run  # noqa: F401  (fixture)
from tests.data.test_stock import make_item


def used_over_90_days(store, clock, item, total: int) -> None:
    """``total`` units used, a unit a day, ending yesterday."""
    for day in range(1, total + 1):
        actions.record_movement(store, StockMovement(item_id=item.id, kind=MovementKind.USED, quantity=1,
                                                     at=clock.now - timedelta(days=day)))


def test_a_supplier_name_is_its_own_in_any_case(store):
    store.repo("suppliers").add(Supplier(name="Nordic Paper AB", lead_days=10))
    with pytest.raises(FieldError, match="already a supplier named Nordic Paper AB"):
        store.repo("suppliers").add(Supplier(name="nordic paper ab"))


def test_an_item_without_its_own_lead_time_takes_its_suppliers(store):
    store.repo("suppliers").add(Supplier(name="Nordic Paper AB", lead_days=10))
    follows = make_item(store, "A4 paper", supplier="nordic paper ab")
    own = make_item(store, "A3 paper", supplier="Nordic Paper AB", lead_days=3)
    unknown = make_item(store, "Pens", supplier="Somebody Else")
    assert [views.item_history(store, i.id).lead_days for i in (follows, own, unknown)] == [10, 3, 7]


def test_an_item_stored_with_a_lead_time_loads_as_before(store):
    item = store.repo("supplies").add({"name": "Paper", "lead_days": 5})
    assert store.repo("supplies").get(item.id).lead_days == 5


def test_an_order_is_mailed_to_the_suppliers_own_address_before_the_directorys(store):
    store.repo("contacts").add({"name": "Nordic Paper AB", "kind": "outside", "email": "info@nordic.example"})
    assert views.supplier_address(store, "Nordic Paper AB") == "info@nordic.example"
    store.repo("suppliers").add(Supplier(name="Nordic Paper AB", email="orders@nordic.example"))
    assert views.supplier_address(store, "nordic paper ab") == "orders@nordic.example"


def test_days_of_cover_are_known_for_every_item_not_only_those_to_order(store, clock):
    plenty = make_item(store, "Pens", on_hand=75, reorder_point=1, target=80)
    used_over_90_days(store, clock, plenty, 45)  # half a pen a day; 30 left
    idle = make_item(store, "Staples", on_hand=5, reorder_point=1, target=6)
    view = views.stock_view(store)
    assert view.order_list == []
    assert (view.cover(store.repo("supplies").get(plenty.id)), view.cover(idle)) == (60, None)


def test_an_item_ordered_for_its_lead_time_orders_what_the_lead_time_uses_and_says_so(store, clock):
    store.repo("suppliers").add(Supplier(name="Paper Co", lead_days=14))
    toner = make_item(store, "Toner", on_hand=30, pack_size=4, reorder_point=5, target=10, order_for_lead_time=True)
    used_over_90_days(store, clock, toner, 30)  # 1/3 a day: 5 in 14 lead days
    actions.adjust_item(store, toner.id, 3, "found three")
    [line] = views.current_reorder_list(store, clock.now)
    assert line.explain() == ("target 10 − on hand 3 − on order 0 + 5 used in 14 lead days (0.33 a day)"
                              " = 12 → 3 packs of 4 = 12")


def test_an_item_ordered_for_its_lead_time_is_on_the_list_before_it_reaches_its_reorder_point(store, clock):
    paper = make_item(store, "Paper", on_hand=50, pack_size=1, reorder_point=5, target=10, lead_days=14)
    used_over_90_days(store, clock, paper, 45)  # half a ream a day: 7 in 14 days; 5 left
    actions.adjust_item(store, paper.id, 7, "found a box")  # 12 on hand
    assert views.current_reorder_list(store, clock.now) == []  # 12 is above the reorder point of 5
    actions.change_item(store, paper.id, order_for_lead_time=True)
    [line] = views.current_reorder_list(store, clock.now)  # 12 − 7 used before an order comes ≤ 5
    assert line.quantity == 10 - 12 + 7
    assert "+ 7 used in 14 lead days (0.50 a day)" in line.explain()


def test_the_order_list_still_counts_machines_reporting_low_beside_the_lead_time():
    arithmetic = rules.order_quantity(2, 1, 0, 1, ["CP-01 Cyan Toner at 6%"], rules.LeadTimeUse(7, 0.2))
    assert arithmetic.explain() == ("target 2 − on hand 1 − on order 0 + 1 soon needed (CP-01 Cyan Toner at 6%)"
                                    " + 2 used in 7 lead days (0.20 a day) = 4 → 4 packs of 1 = 4")


def copier_and_toner(store):
    store.repo("machines").add({"asset_tag": "CP-01", "serial": "S1", "make": "Canon", "model": "C3826i"})
    printer = store.repo("machines").add({"asset_tag": "PR-02", "serial": "S2", "make": "HP", "model": "LaserJet M404"})
    toner = make_item(store, "Canon C-EXV51 Cyan Toner", on_hand=3, fits=["CP-01"])
    return printer, toner


def test_a_supply_issued_to_a_machine_it_does_not_fit_is_asked_about_first(store):
    printer, toner = copier_and_toner(store)
    with pytest.raises(actions.UnlikelyMachine, match=r"^Canon C-EXV51 Cyan Toner fits CP-01, not PR-02 \(HP LaserJet M404\)\.$"):
        actions.issue(store, toner.id, 1, asset_tag="pr-02")
    assert store.repo("supplies").get(toner.id).on_hand == 3
    actions.issue(store, toner.id, 1, asset_tag="pr-02", sure=True)
    actions.issue(store, toner.id, 1, asset_tag="cp-01")  # the one it fits, in any case
    assert store.repo("supplies").get(toner.id).on_hand == 1
    unnamed = make_item(store, "Cleaning cloths", on_hand=3)  # names no machine: goes to any
    actions.use_item(store, unnamed.id, 1, machine_id=printer.id)


def test_add_refuses_a_supply_to_a_machine_it_does_not_fit_and_a_second_supplier_of_one_name(run):
    assert run("add", "machines", "asset_tag=CP-01", "serial=S1")[0] == 0
    assert run("add", "machines", "asset_tag=PR-02", "serial=S2", "make=HP")[0] == 0
    assert run("add", "supplies", "name=Toner", "on_hand=3", "fits=[\"CP-01\"]")[0] == 0
    status, _, err = run("add", "stock_movements", "item_id=1", "kind=used", "quantity=1", "at=2026-01-06", "machine_id=2")
    assert status == 2 and err == ["backoffice: arguments: field 'machine_id': Toner fits CP-01, not PR-02 (HP)."]
    assert run("add", "suppliers", "name=Paper Co", "email=orders@paper.example", "lead_days=10")[0] == 0
    status, _, err = run("add", "suppliers", "name=PAPER CO")
    assert status == 2 and err == ["backoffice: field 'name': There is already a supplier named Paper Co."]
