"""The count sheet: counted quantities become movements, a half-done count resumes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from data.engine.errors import FieldError, RuleError
from data.engine.store import Store
from data.stock import actions, rules, views
from data.stock.models import MovementKind, StockMovement
from tests.data.test_stock import make_item, stock_file


@pytest.fixture
def shelves(store):
    """Three items entered out of location order, with book figures 10, 4 and 7."""
    return [
        make_item(store, "Staples", on_hand=10, location="Shelf 2"),
        make_item(store, "Envelopes", on_hand=4, location="Shelf 1"),
        make_item(store, "A4 paper", on_hand=7, location="Shelf 1"),
    ]


def on_hand(store, item) -> int:
    return store.repo("supplies").get(item.id).on_hand


def test_the_sheet_walks_the_items_in_location_order(store, shelves):
    session = actions.start_count(store)
    rows = rules.count_rows(session, views.items_by_id(store))
    assert [(row.item.name, row.book, row.counted) for row in rows] == [
        ("A4 paper", 7, None), ("Envelopes", 4, None), ("Staples", 10, None),
    ]


def test_a_count_over_several_items_adjusts_only_the_differences(store, shelves, clock):
    staples, envelopes, paper = shelves
    session = actions.start_count(store)
    for item, counted in ((paper, 5), (envelopes, 4), (staples, "12")):
        session = actions.record_count(store, session.id, item.id, counted)
    assert [on_hand(store, i) for i in shelves] == [12, 4, 5]
    counted = store.repo("stock_movements").find(kind=MovementKind.COUNTED)
    assert sorted((m.item_id, m.quantity, m.who, m.at) for m in counted) == sorted([
        (paper.id, -2, "tester", clock.now), (staples.id, 2, "tester", clock.now),
    ])
    assert session.finished and session.finished_at == clock.now
    summary = rules.count_summary(session, views.items_by_id(store))
    assert [row.explain() for row in summary] == [
        "A4 paper: book 7, counted 5, difference -2 ream",
        "Staples: book 10, counted 12, difference +2 ream",
    ]


def test_a_count_left_half_way_resumes_where_it_stopped_for_anyone(store, shelves, clock):
    staples, envelopes, paper = shelves
    session = actions.start_count(store)
    actions.record_count(store, session.id, paper.id, 6)
    # Later, another member of staff opens the stock section in their own session.
    clock.now += timedelta(hours=3)
    colleague = Store(store.folder, user="grace", clock=clock)
    resumed = actions.start_count(colleague)
    assert resumed.id == session.id
    assert resumed.progress() == (1, 3)
    assert resumed.next_item_id() == envelopes.id
    for item, counted in ((envelopes, 3), (staples, 10)):
        resumed = actions.record_count(colleague, resumed.id, item.id, counted)
    assert [on_hand(store, i) for i in shelves] == [10, 3, 6]
    assert [m.who for m in views.item_movements(store, envelopes.id) if m.kind == MovementKind.COUNTED] == ["grace"]
    assert [row.item.name for row in rules.count_summary(resumed, views.items_by_id(store))] == ["A4 paper", "Envelopes"]
    assert actions.start_count(store).id != session.id  # that count is done; a new one begins


def test_counting_an_item_again_corrects_against_the_same_book_figure(store, shelves):
    paper = shelves[2]
    session = actions.start_count(store)
    actions.record_count(store, session.id, paper.id, 70)  # a slip of the finger
    session = actions.record_count(store, session.id, paper.id, 6)
    assert on_hand(store, paper) == 6
    [row] = rules.count_summary(session, views.items_by_id(store))
    assert (row.book, row.counted, row.difference) == (7, 6, -1)


def test_a_recount_corrects_the_first_count_and_keeps_a_delivery_booked_in_between(store, shelves):
    paper = shelves[2]
    session = actions.start_count(store)
    actions.record_count(store, session.id, paper.id, 4)
    actions.record_movement(store, StockMovement(item_id=paper.id, kind=MovementKind.RECEIVED, quantity=10, at=store.now(), who="ann"))
    actions.record_count(store, session.id, paper.id, 3)  # the first count was one too many
    assert on_hand(store, paper) == 13
    notes = [m.note for m in views.item_movements(store, paper.id) if m.kind == MovementKind.COUNTED]
    assert notes == [f"count #{session.id}: counted 3, not 4", f"count #{session.id}: book 7, counted 4"]


@pytest.mark.parametrize("counted", [-1, "-1", 2.5, "2.5", "seven", "--3", "²", "", None, True])
def test_a_bad_count_is_refused_under_counted_with_nothing_changed(store, shelves, counted):
    session = actions.start_count(store)
    before = stock_file(store)
    with pytest.raises(FieldError) as refused:
        actions.record_count(store, session.id, shelves[0].id, counted)
    assert refused.value.field == "counted"
    assert stock_file(store) == before


def test_a_count_of_zero_empties_the_shelf(store, shelves):
    session = actions.start_count(store)
    actions.record_count(store, session.id, shelves[0].id, 0)
    assert on_hand(store, shelves[0]) == 0


def test_a_count_finished_early_keeps_the_rest_at_their_book_figure(store, shelves):
    staples, _, paper = shelves
    session = actions.start_count(store)
    actions.record_count(store, session.id, paper.id, 9)
    session = actions.finish_count(store, session.id)
    assert session.finished
    rows = rules.count_rows(session, views.items_by_id(store))
    assert [row.explain() for row in rows if row.counted is None] == [
        "Envelopes: not counted (book 4)", "Staples: not counted (book 10)",
    ]
    assert on_hand(store, staples) == 10
    with pytest.raises(RuleError, match="is finished"):
        actions.record_count(store, session.id, staples.id, 1)


def test_an_item_added_after_the_count_began_is_not_on_its_sheet(store, shelves):
    session = actions.start_count(store)
    newcomer = make_item(store, "Scissors", on_hand=2)
    with pytest.raises(RuleError, match="not on count"):
        actions.record_count(store, session.id, newcomer.id, 2)
