"""One bad value never poisons a collection: numbers are finite and sane on the way in, and
a record that cannot be read (a hand edit, an older version) is set aside and named while
the rest of its collection keeps working."""

from __future__ import annotations

import orjson
import pytest

from data.engine.store import Store
from data.stock import actions
from tests.data.helpers import backoffice
from tests.tui.conftest import SIZE
from tui.app import BackOfficeApp
from tui.settings import Settings


@pytest.mark.parametrize("assignment", ["unit_cost=inf", "unit_cost=nan", "unit_cost=-inf", "unit_cost=1e400",
                                        "on_hand=99999999999999999999", "pack_size=1000000"])
def test_numbers_that_are_not_finite_or_not_sane_are_refused(tmp_path, assignment):
    added = backoffice(tmp_path, "add", "supplies", "name=Paper", assignment)
    assert added.returncode == 2
    assert f"field '{assignment.partition('=')[0]}'" in added.stderr
    assert "Traceback" not in added.stderr
    assert not (tmp_path / "stock.json").exists()


@pytest.fixture
def damaged_office(store: Store) -> Store:
    """Four supplies, three of them damaged by hand edits: an `inf` that JSON wrote as null,
    a word where a number belongs, and a document that is not a record at all."""
    for name in ("Paper", "Pens", "Toner"):
        actions.add_item(store, {"name": name, "on_hand": 5, "reorder_point": 6, "target": 10})
    path = store.file("stock")
    data = orjson.loads(path.read_bytes())
    data["supplies"]["2"]["unit_cost"] = None
    data["supplies"]["3"]["on_hand"] = "lots"
    data["supplies"]["9"] = 42
    path.write_bytes(orjson.dumps(data))
    return store


def test_the_rest_of_the_collection_lists_and_each_damaged_record_is_named(damaged_office):
    assert [item.name for item in damaged_office.repo("supplies").list()] == ["Paper"]
    assert sorted(damaged_office.damaged) == ["supplies #2", "supplies #3", "supplies #9"]
    assert damaged_office.damaged["supplies #2"] == "stock.json, supplies #2: field 'unit_cost': not a number"


def test_saving_next_to_a_damaged_record_leaves_it_exactly_as_it_was(damaged_office):
    before = orjson.loads(damaged_office.file("stock").read_bytes())["supplies"]
    actions.adjust_item(damaged_office, 1, 3, "found a box")
    after = orjson.loads(damaged_office.file("stock").read_bytes())["supplies"]
    assert {k: after[k] for k in ("2", "3", "9")} == {k: before[k] for k in ("2", "3", "9")}
    assert after["1"]["on_hand"] == 8


@pytest.mark.parametrize("command", [("list", "supplies"), ("reorder",), ("agenda",), ("export", "supplies")])
def test_the_command_line_works_around_damaged_records(damaged_office, command):
    done = backoffice(damaged_office.folder, *command)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Paper" in done.stdout


def test_list_names_what_it_left_out(damaged_office):
    listed = backoffice(damaged_office.folder, "list", "supplies")
    assert "backoffice: left out a damaged record, stock.json, supplies #9: it is not a record" in listed.stderr


def test_check_names_every_shape_the_readers_set_aside(damaged_office):
    checked = backoffice(damaged_office.folder, "check")
    assert checked.returncode == 1
    assert checked.stderr.splitlines() == [
        "backoffice: stock.json, supplies #2: field 'unit_cost': not a number",
        "backoffice: stock.json, supplies #3: field 'on_hand': not a whole number",
        "backoffice: stock.json, supplies #9: it is not a record (a JSON object with field names)",
    ]


async def test_the_stock_section_shows_the_rest_and_says_what_it_left_out(damaged_office):
    app = BackOfficeApp(damaged_office, Settings(fax_command=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("2")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        table = app.screen.query_one("#items")
        assert table.row_count == 1
        notices = [n.message for n in app._notifications]
        assert any(n.startswith("Left out a damaged record: stock.json, supplies #") and "and 2 more" in n for n in notices)
