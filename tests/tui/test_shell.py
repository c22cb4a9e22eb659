"""The application shell, driven by the keys a person presses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.widgets import Input

from tests.tui.conftest import SIZE
from tui.sections import SECTIONS
from tui.widgets.dialogs import ConfirmModal
from tui.widgets.help_screen import HelpScreen
from tui.widgets.model_form import ModelForm
from tui.widgets.record_table import RecordTable
from tui.widgets.section_trouble import SectionTrouble

ROOT = Path(__file__).resolve().parents[2]


async def wait_for(pilot, condition, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


def palette_choice(app) -> str:
    """The hit the command palette has highlighted, as it reads: what enter would run ("" if none)."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette):
        return ""
    hits = app.screen.query_one(CommandList)
    if hits.highlighted is None:
        return ""
    return str(hits.get_option_at_index(hits.highlighted).prompt).split("\n")[0]


async def test_each_section_key_shows_its_section(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for section in reversed(SECTIONS):
            await pilot.press(section.key)
            await pilot.pause()
            assert app.current_mode == section.name
            assert type(app.screen) is type(section.make_screen())


async def test_help_lists_the_app_keys_and_the_sections_own(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        section_descriptions = {
            b.description for b in app.screen.active_bindings.values() for b in [b.binding] if b.description
        }
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("DataTable")
        shown_what = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert section_descriptions <= shown_what
        assert "Help" in shown_what and "Calls & faxes" in shown_what
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_section_keys_typed_into_a_field_stay_text(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ModelForm)
        form.widget_of("caller").focus()
        await pilot.press("2", "3", "q", "c", "question_mark", "0")
        await pilot.pause()
        assert app.screen is form
        assert app.current_mode == "calls"
        assert form.value_of("caller") == "23qc?0"


async def test_a_wrong_value_shows_under_its_field_and_keeps_what_was_typed(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        form.widget_of("number").focus()
        await pilot.press(*"0123", "tab")  # to caller, left empty
        await pilot.press("tab", *"Acme")  # company
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = form.query_one("#error-caller")
        assert "-shown" in error.classes and str(error.render()).strip()
        assert form.value_of("number") == "0123"
        assert form.value_of("company") == "Acme"
        assert store.repo("calls").count() == 0


async def test_escape_on_a_changed_form_asks_first(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        form.widget_of("caller").focus()
        await pilot.press(*"Ann", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and form.value_of("caller") == "Ann"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, (ModelForm, ConfirmModal))


async def test_escape_on_an_untouched_form_just_closes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (ModelForm, ConfirmModal))


async def test_shift_h_searches_history_in_every_section(make_app, store):
    from tui.widgets.prompt import PromptModal

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for section in SECTIONS[1:]:
            await pilot.press(section.key)
            assert await wait_for(pilot, lambda: app.current_mode == section.name)
            await pilot.press("H")
            assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal)), section.name
            assert "history" in app.screen.title_text.casefold()
            await pilot.press("escape")
            assert await wait_for(pilot, lambda: not isinstance(app.screen, PromptModal))


async def test_escape_on_a_one_line_prompt_asks_only_when_something_was_typed(make_app):
    from tui.widgets.prompt import PromptModal

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "H")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"toner", "escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        assert app.screen.query_one(Input).value == "toner"
        await pilot.press("escape", "y")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, (PromptModal, ConfirmModal)))
        await pilot.press("H")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, (PromptModal, ConfirmModal)))


async def test_a_call_saved_by_another_process_appears_without_a_key_press(make_app, store):
    store.repo("calls").add({"caller": "Ann Early"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:

        def row_shown(caller: str) -> bool:
            table = app.screen.query_one(RecordTable)
            return any(caller in str(cell) for i in range(table.row_count) for cell in table.get_row_at(i))

        await pilot.press("1")
        assert await wait_for(pilot, lambda: row_shown("Ann Early"))  # the list is on screen before the colleague saves
        subprocess.run(
            [sys.executable, "-m", "tui.cli", "--data", str(store.folder), "add", "calls",
             "caller=Colleague Call", "number=0207 946 0000"],
            cwd=ROOT, check=True, capture_output=True,
        )
        assert await wait_for(pilot, lambda: row_shown("Colleague Call"), seconds=10)


async def test_palette_finds_a_record_by_a_word_of_its_text_and_opens_it(make_app, store):
    store.repo("calls").add({"caller": "Ann Other", "message": "about the quarterly invoice"})
    target = store.repo("calls").add({"caller": "Bert Brown", "message": "wants the zeppelin brochure"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"zeppelin")
        assert await wait_for(pilot, lambda: "Bert Brown" in palette_choice(app), seconds=10)  # found by a word of the message
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.current_mode == "calls")

        def selected() -> bool:
            tables = app.screen.query(RecordTable)
            return any(t.selected_key == target.id for t in tables)

        assert await wait_for(pilot, selected)


async def test_the_palette_lists_the_sections_while_the_records_are_still_being_indexed(make_app, store, monkeypatch):
    import threading

    from tui import commands

    store.repo("calls").add({"caller": "Bert Brown", "message": "wants the zeppelin brochure"})
    indexed = threading.Event()
    slow_index = commands.record_index

    def index_held_up(store):
        indexed.wait(10)
        return slow_index(store)

    monkeypatch.setattr(commands, "record_index", index_held_up)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert await wait_for(pilot, lambda: palette_choice(app) != "")  # the first choice, with no record indexed
        await pilot.press(*"zeppelin")
        await pilot.pause(0.3)
        assert "Bert Brown" not in palette_choice(app)
        indexed.set()
        assert await wait_for(pilot, lambda: "Bert Brown" in palette_choice(app), seconds=10)  # the search waited for it


async def test_a_done_call_found_in_the_palette_opens_with_the_done_calls_read_in(make_app, store):
    from data.calls.models import CallStatus

    store.repo("calls").add({"caller": "Ann Other", "message": "still waiting"})
    done = store.repo("calls").add({"caller": "Bert Brown", "message": "wants the zeppelin brochure"})
    store.repo("calls").update(done.id, lambda c: setattr(c, "status", CallStatus.DONE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        queue = app.screen.query_one("#queue", RecordTable)
        assert await wait_for(pilot, lambda: queue.row_count == 1)  # open calls only: the done one is not even read
        await pilot.press("ctrl+p", *"zeppelin")
        assert await wait_for(pilot, lambda: "Bert Brown" in palette_choice(app), seconds=10)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: queue.row_count == 2 and queue.selected_key == done.id)


async def test_a_shows_the_last_done_calls_and_the_palette_brings_in_an_older_one(make_app, store, monkeypatch):
    from data.calls import views
    from data.calls.models import CallStatus

    monkeypatch.setattr(views, "DONE_SHOWN", 2)
    done = [store.repo("calls").add({"caller": f"Done {n}", "message": f"about the zeppelin {n}"}) for n in range(4)]
    for call in done:
        store.repo("calls").update(call.id, lambda c: setattr(c, "status", CallStatus.DONE))
    store.repo("calls").add({"caller": "Open One"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        queue = app.screen.query_one("#queue", RecordTable)
        assert await wait_for(pilot, lambda: queue.row_count == 1)
        await pilot.press("a")
        assert await wait_for(pilot, lambda: queue.row_count == 3)  # the open one and the last two done
        assert {app.screen.data.call(k).caller for k in queue.visible_keys} == {"Open One", "Done 2", "Done 3"}
        await pilot.press("ctrl+p", *"zeppelin 0")
        assert await wait_for(pilot, lambda: "Done 0" in palette_choice(app), seconds=10)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: queue.row_count == 4 and queue.selected_key == done[0].id)


async def test_filter_narrows_the_list_as_you_type(make_app, store):
    store.repo("calls").add_many([{"caller": "Ann Able"}, {"caller": "Bob Baker"}, {"caller": "Ann Cole"}])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        table = app.screen.query_one(RecordTable)
        assert await wait_for(pilot, lambda: table.row_count == 3)
        table.focus()
        await pilot.press("slash", *"ann")
        await pilot.pause()
        assert table.row_count == 2
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 3 and app.focused is table


async def test_an_unreadable_data_file_is_said_in_place_of_its_section_not_a_traceback(make_app, store):
    store.repo("calls").add({"caller": "Ann"})
    store.repo("calls").add({"caller": "Bob"})  # the second save of the day leaves a backup
    store.file("calls").write_bytes(b'{"calls": {"1": {"caller": "An')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.screen.query(SectionTrouble))
        message = str(app.screen.query_one(SectionTrouble).render())
        assert "calls.json" in message and "backups" in message
        await pilot.press("2")  # the other sections work
        assert await wait_for(pilot, lambda: app.current_mode == "stock")


async def test_a_keymap_from_the_settings_remaps_a_section_key(store, monkeypatch):
    from tui.app import BackOfficeApp
    from tui.settings import load_settings

    monkeypatch.setenv("BACKOFFICE_KEYMAP", '{"section.stock": "f3"}')
    app = BackOfficeApp(store, load_settings())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert app.current_mode == "stock"


async def test_palette_opens_a_demo_record_found_by_words_of_its_message(demo_store):
    from tui.app import BackOfficeApp
    from tui.settings import Settings

    target = next(c for c in demo_store.repo("calls").list() if "loading bay" in c.message and c.is_open)
    app = BackOfficeApp(demo_store, Settings(fax_command=""), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"loading bay")
        assert await wait_for(pilot, lambda: target.caller in palette_choice(app), seconds=10)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.current_mode == "calls")
        assert await wait_for(pilot, lambda: app.screen.query_one("#queue", RecordTable).selected_key == target.id)


async def test_palette_runs_an_action_of_the_section_on_screen(make_app, store):
    from tui.widgets.prompt import PromptModal

    store.repo("calls").add({"caller": "Ann"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.screen.query_one("#queue", RecordTable).row_count == 1)  # a call to pass on
        await pilot.press("ctrl+p", *"pass on")
        assert await wait_for(pilot, lambda: palette_choice(app) == "Pass on", seconds=10)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))


async def test_overwrite_with_mine_keeps_what_a_colleague_changed_in_other_fields(make_app, store, clock):
    from data.engine.store import Store
    from tui.widgets.dialogs import ConflictModal

    contact = store.repo("contacts").add({"name": "Harriet Cole", "department": "Sales"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert await wait_for(pilot, lambda: app.screen.query_one("#contacts").row_count == 1)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        form = app.screen
        form.widget_of("department").focus()
        await pilot.press("end", *" and Marketing")
        colleague = Store(store.folder, user="bob", clock=clock).repo("contacts")
        colleague.save(colleague.get(contact.id).model_copy(update={"name": "Harriet Cole-Price"}))
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConflictModal))
        await pilot.press("o")
        assert await wait_for(pilot, lambda: app.screen is not form and not isinstance(app.screen, ConflictModal))
    stored = store.repo("contacts").get(contact.id)
    assert (stored.name, stored.department) == ("Harriet Cole-Price", "Sales and Marketing")


async def test_saving_an_untouched_form_changes_nothing_and_gives_nobody_a_conflict(make_app, store):
    contact = store.repo("contacts").add({"name": "Harriet Cole"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert await wait_for(pilot, lambda: app.screen.query_one("#contacts").row_count == 1)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, ModelForm))
    assert store.repo("contacts").get(contact.id).rev == 1
