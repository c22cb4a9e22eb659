"""A number past its bound is refused under its field with a sentence naming the bound, in
every form, and nothing is written: no 20-digit count, no 64-bit overflow at save time."""

from __future__ import annotations

from pydantic import ValidationError

from data.engine.collections import all_collections
from data.engine.record import LARGEST_NUMBER, STORED
from data.stock.models import SupplyItem
from screens.count_sheet import CountSheet
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tests.tui.test_stock import add_item, open_stock, text_of
from tui.widgets.model_form import ModelForm, saving_to

TWENTY_DIGITS = "9" * 20
NUMBER_FIELDS = {"pack_size": "100,000", "reorder_point": "1,000,000", "target": "1,000,000", "unit_cost": "1,000,000",
                 "lead_days": "365"}


def error_under(app, field: str) -> str:
    return text_of(app, f"#error-{field}")


async def test_twenty_digits_in_each_number_of_a_new_item_are_refused_naming_each_bound(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        app.screen.set_value("name", "Folders")
        for field in NUMBER_FIELDS:
            app.screen.set_value(field, TWENTY_DIGITS)
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: error_under(app, "pack_size") != "")
        assert {f: error_under(app, f) for f in NUMBER_FIELDS} == {
            f: f"Give a number of at most {bound}." for f, bound in NUMBER_FIELDS.items()}
    assert store.repo("supplies").list() == []


async def test_twenty_digits_typed_into_a_stored_records_number_without_a_bound_is_refused_not_saved(make_app, store):
    store.repo("machines").add({"asset_tag": "CP-01", "serial": "S1"})
    ticket = store.repo("tickets").add({"machine_id": 1, "symptom": "paper_jam"})
    before = store.file("machines").read_bytes()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        repo = store.repo("tickets")
        app.push_screen(ModelForm(type(ticket), title="Ticket", record=ticket, save=saving_to(repo)))
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press("ctrl+u", *TWENTY_DIGITS, "ctrl+s")  # the first field: the machine's id
        assert await wait_for(pilot, lambda: error_under(app, "machine_id") == f"Give a number of at most {LARGEST_NUMBER:,}.")
        assert app.screen.query_one("#field-machine_id").value == TWENTY_DIGITS  # what was typed stays
    assert store.file("machines").read_bytes() == before


async def test_twenty_digits_on_the_count_sheet_are_refused_naming_the_bound(make_app, store):
    paper = add_item(store, "Paper", 10)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("C")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CountSheet) and "Paper" in text_of(app, "#count-item"))
        await pilot.press(*TWENTY_DIGITS, "enter")
        assert await wait_for(pilot, lambda: text_of(app, "#count-error") == "Give a number of at most 1,000,000.")
    assert store.repo("supplies").get(paper.id).on_hand == 10


def refusal(model, name: str, value: int, context) -> list:
    """The errors validating ``value`` for one field of ``model`` gives that field."""
    try:
        model.__pydantic_validator__.validate_assignment(model.model_construct(), name, value, context=context)
    except ValidationError as error:
        return [e for e in error.errors() if e["loc"] == (name,)]
    return []


def test_every_whole_number_of_every_collection_is_bounded_as_typed_and_as_edited():
    took = [
        f"{collection.name}.{name} ({'edited' if context else 'typed'})"
        for collection in all_collections().values()
        for name, info in collection.model.model_fields.items() if info.annotation in (int, int | None) and name != "id"
        for context in (None, STORED) if not refusal(collection.model, name, 10**20, context)
    ]
    assert took == []
    assert refusal(SupplyItem, "on_hand", 10**20, STORED) and not refusal(SupplyItem, "on_hand", 12, STORED)
