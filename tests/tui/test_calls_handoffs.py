"""Calls handed on, by the keys a receptionist presses: passing on says when the person
cannot be told; `p` offers whom the call is for; `y` and the dashboard's "Yours" line list
what was passed on to you; unknown callers show their numbers; `/` and the palette find a
call by its message, its company and its number written any common way."""

from __future__ import annotations

import pytest

from data.calls import actions
from data.calls.models import Call, CallStatus, Fax
from tests.tui.conftest import SIZE
from tests.tui.test_calls import open_the_one_call, queue_texts
from tests.tui.test_shell import palette_choice, wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.dialogs import ChoiceModal
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable


def warnings(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def test_passing_a_call_on_to_someone_without_an_address_says_so_naming_them(store, mail_table, smtp):
    store.repo("contacts").add({"name": "Dan Whitfield"})  # no e-mail address
    store.repo("calls").add({"caller": "Raj Patel", "message": "VAT receipt"})
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_the_one_call(pilot, app)
        await pilot.press("p", *"Dan Whitfield", "enter")
        assert await wait_for(pilot, lambda: bool(warnings(app)), seconds=10)
    assert warnings(app) == ["Passed on to Dan Whitfield. Dan Whitfield has no e-mail address in the directory:"
                             " tell them another way."]
    assert store.repo("calls").get(1).status == CallStatus.PASSED_ON and smtp.messages == []


async def test_passing_a_call_on_with_no_mailbox_to_send_with_says_the_person_was_not_told(make_app, store):
    store.repo("contacts").add({"name": "Priya Shah", "email": "priya@office.example"})
    store.repo("calls").add({"caller": "Raj Patel"})
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_the_one_call(pilot, app)
        await pilot.press("p", *"Priya Shah", "enter")
        assert await wait_for(pilot, lambda: bool(warnings(app)))
    assert warnings(app)[0].startswith("Passed on to Priya Shah. Priya Shah was not told by e-mail: no mailbox")


async def test_p_offers_whom_the_call_is_for_and_enter_passes_it_on(make_app, store):
    store.repo("contacts").add({"name": "Dan Whitfield"})
    call = store.repo("calls").add({"caller": "Janet Moore", "for_whom": "Dan Whitfield"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_the_one_call(pilot, app)
        await pilot.press("p")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        assert app.screen.query_one("#prompt-input").value == "Dan Whitfield"
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: store.repo("calls").get(call.id).status == CallStatus.PASSED_ON)
    assert store.repo("calls").get(call.id).history[-1].action == "passed on to Dan Whitfield"


@pytest.mark.parametrize("company", ["Moore Logistics", ""])
async def test_the_common_path_logs_a_message_and_passes_it_on_in_nine_keys_besides_what_is_typed(make_app, store, company):
    """The caller wants someone who is out: take a message, pass it on. n, the number, enter
    (caller and company filled from it, enter goes on to "for whom"), Dan, enter (the name
    completed), the message, ctrl+s — the new call has the cursor — p, enter."""
    for n in range(12):  # a queue with calls before and after the new one
        store.repo("calls").add({"caller": f"Caller {n}", "priority": "urgent" if n < 6 else "low"})
    store.repo("calls").add({"caller": "Janet Moore", "company": company, "number": "01632 960118"})  # no company: none asked
    actions.mark_done(store, 13)
    store.repo("contacts").add({"name": "Dan Whitfield"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: len(queue_texts(app)) == 12)
        app.screen.query_one("#queue").focus()
        await pilot.press("n")
        slip = app.screen
        assert await wait_for(pilot, lambda: bool(getattr(slip, "known_calls", None)))
        await pilot.press(*"01632 960118", "enter", *"Dan", "enter", *"Please call back", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not slip and len(queue_texts(app)) == 13)
        await pilot.press("p")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: store.repo("calls").get(14).status == CallStatus.PASSED_ON)
    passed = store.repo("calls").get(14)
    assert (passed.caller, passed.company, passed.for_whom, passed.message) == ("Janet Moore", company, "Dan Whitfield", "Please call back")


async def test_y_on_any_tab_lists_what_was_passed_on_to_you_and_enter_opens_it(store, tmp_path):
    store.repo("contacts").add({"name": "Tess Ter"})  # the login "tester": her first name it is not, her whole name neither
    mine = actions.log_call(store, Call(caller="Raj Patel", message="VAT receipt"))
    actions.pass_on(store, mine.id, "Tess Ter")
    actions.log_call(store, Call(caller="Ann", for_whom="Grace"))
    document = tmp_path / "fax.pdf"
    document.write_bytes(b"%PDF-1.4")
    fax = store.repo("faxes").add(Fax(direction="incoming", status="received", sender="Acme [b]x[/b]", document=str(document)))
    actions.pass_on_fax(store, fax.id, "tester")
    app = BackOfficeApp(store, Settings(fax_command="", my_name="Tess Ter"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket", "right_square_bracket")  # the Faxes tab
        assert await wait_for(pilot, lambda: app.screen.current_tab() == "faxes" and app.screen.data is not None)
        await pilot.press("y")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        labels = [label for _, label in app.screen.choices]
        assert [choice for choice, _ in app.screen.choices] == [("calls", mine.id), ("faxes", fax.id)]
        assert "Call from Raj Patel: VAT receipt" in labels[0] and "Fax from Acme [b]x[/b], 1 page(s)" in labels[1]
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.screen.current_tab() == "messages")
        assert await wait_for(pilot, lambda: app.screen.query_one("#queue", RecordTable).selected_key == mine.id)


async def test_the_dashboard_says_yours_and_enter_on_it_lists_them(store):
    store.repo("contacts").add({"name": "Tess Ter", "email": "tester@office.example"})  # found by her mailbox name
    for caller in ("Raj Patel", "Sam Turner"):
        call = actions.log_call(store, Call(caller=caller))
        actions.pass_on(store, call.id, "Tess Ter")
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        def first_line() -> str:
            agenda = app.screen.query_one("#agenda")
            return str(agenda.get_option_at_index(0).prompt) if agenda.option_count else ""

        assert await wait_for(pilot, lambda: first_line().strip().startswith("Yours: 2"))
        app.screen.query_one("#agenda").highlighted = 0
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal), seconds=5)
        assert len(app.screen.choices) == 2 and app.screen.title_text == "Yours: 2 passed on to Tess Ter"


async def test_unknown_callers_show_their_numbers_and_a_ring_for_bob_is_for_bob(make_app, store):
    store.repo("contacts").add({"name": "Bob Hale", "email": "bob@office.example"})  # by his address, never his first name
    actions.ring(store, "07700 900123")
    actions.ring(store, "0800 FLOWERS [b]x[/b]", "bob")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: len(queue_texts(app)) == 2)
        rows = queue_texts(app)
        assert "07700 900123" in rows[0] and "0800 FLOWERS [b]x[/b]" in rows[1]  # a caller id with no number: as given
        app.screen.query_one("#queue").focus()
        await pilot.press("j")
        detail = str(app.screen.query_one("#call-detail").render())
        assert "for Bob Hale" in detail and "(nobody yet)" not in detail
        assert "Caller id as the phone system gave it: 0800 FLOWERS [b]x[/b]" in detail


async def test_slash_on_calls_finds_a_call_by_message_company_and_number_any_way_written(make_app, store):
    store.repo("calls").add({"caller": "Sam Turner", "company": "Turner Haulage", "number": "07700 900123",
                             "message": "wants the zeppelin brochure"})
    store.repo("calls").add({"caller": "Ann Other", "number": "0161 496 0000", "message": "about an invoice"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: len(queue_texts(app)) == 2)
        app.screen.query_one("#queue").focus()
        for typed in ("zeppelin", "haulage", "07700 900123", "+44 7700 900123", "07700900123"):
            await pilot.press("slash", *typed)
            assert await wait_for(pilot, lambda: len(queue_texts(app)) == 1), typed
            assert "Sam Turner" in queue_texts(app)[0]
            await pilot.press("escape")
            assert await wait_for(pilot, lambda: len(queue_texts(app)) == 2)


async def test_the_palette_finds_a_call_by_its_number_as_the_office_writes_it(make_app, store):
    target = store.repo("calls").add({"caller": "Sam Turner", "number": "+447700900123"})
    store.repo("calls").add({"caller": "Ann Other", "number": "0161 496 0000"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"07700 900123")
        assert await wait_for(pilot, lambda: "Sam Turner" in palette_choice(app), seconds=10)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.current_mode == "calls")
        assert await wait_for(pilot, lambda: app.screen.query_one("#queue", RecordTable).selected_key == target.id)


async def test_the_slip_of_a_ring_from_an_unknown_number_opens_on_the_caller(make_app, store):
    from screens.call_slip import open_ringing_slip

    ringing = actions.ring(store, "07700 900123")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_ringing_slip(app, ringing)
        assert await wait_for(pilot, lambda: bool(app.screen.query("#field-caller")))
        await pilot.press(*"Sam Turner", "ctrl+s")
        assert await wait_for(pilot, lambda: store.repo("calls").get(ringing.id).caller == "Sam Turner")


async def test_the_yours_list_and_a_caller_id_show_escape_sequences_and_markup_inert(make_app, store):
    import json

    from tests.hostile import PAYLOAD
    from tests.tui.test_hostile_text import CONTROL

    actions.ring(store, "anonymous", "tester")
    data = json.loads(store.file("calls").read_text())  # written past the model's gate, as a hand edit would
    data["calls"]["1"].update(caller_id=f"C{PAYLOAD}", company=f"Co{PAYLOAD}", message=f"M{PAYLOAD}")
    store.file("calls").write_text(json.dumps(data))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: len(queue_texts(app)) == 1)
        app.screen.query_one("#queue").focus()
        await pilot.pause()
        detail = app.export_screenshot()
        await pilot.press("y")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.pause()
        listed = app.export_screenshot()
    for screen in (detail, listed):
        assert not CONTROL.findall(screen)
    assert "C[b]" in detail and "M[b]" in detail  # the caller id and the message, markup and all
    assert "Call&#160;from&#160;C[b]" in listed and "(Co[b]" in listed  # the caller by the caller id, as given


async def test_a_note_begun_on_a_ring_from_an_unknown_number_is_kept_as_a_draft_naming_the_number(make_app, store):
    from data.engine.drafts import drafts_of

    actions.ring(store, "07700 900123")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_the_one_call(pilot, app)
        await pilot.press("t")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"Rang back, no answer")
        await pilot.press("ctrl+q")
    [draft] = drafts_of(store)
    assert draft.key.about == "a note on the call from 07700 900123"


async def test_an_address_taken_out_of_the_directory_while_passing_on_says_why_not_mailed(store, mail_table, smtp, monkeypatch):
    from data.mail import actions as mail_actions

    priya = store.repo("contacts").add({"name": "Priya Shah", "email": "priya@office.example"})
    store.repo("calls").add({"caller": "Raj Patel", "message": "VAT receipt"})
    telling = mail_actions.tell_by_mail

    def a_colleague_edits_the_directory_first(*args, **kwargs):
        store.repo("contacts").update(priya.id, lambda c: setattr(c, "email", ""))
        return telling(*args, **kwargs)

    monkeypatch.setattr(mail_actions, "tell_by_mail", a_colleague_edits_the_directory_first)
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_the_one_call(pilot, app)
        await pilot.press("p", *"Priya Shah", "enter")
        assert await wait_for(pilot, lambda: bool(warnings(app)), seconds=10)
    assert warnings(app) == ["Passed on to Priya Shah. Priya Shah has no e-mail address in the directory: tell them another way."]
    assert smtp.messages == []


async def test_yours_on_the_dashboard_opens_over_a_dialog_left_open_on_calls(store):
    from tui.widgets.help_screen import HelpScreen

    store.repo("contacts").add({"name": "Tess Ter", "email": "tester@office.example"})
    actions.pass_on(store, actions.log_call(store, Call(caller="Raj Patel")).id, "Tess Ter")
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "question_mark")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+p", *"Go to Dashboard")  # the palette reaches over the help; the 0 key does not
        assert await wait_for(pilot, lambda: palette_choice(app) == "Go to Dashboard")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: bool(app.screen.query("#agenda")) and app.screen.query_one("#agenda").option_count > 0)
        app.screen.query_one("#agenda").highlighted = 0
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal), seconds=5)  # over the help left open
        assert app.screen.title_text == "Yours: 1 passed on to Tess Ter"
