"""Calls & faxes by the keys a receptionist presses."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import TabbedContent

from data.calls.models import CallStatus, Priority
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.widgets.record_table import RecordTable


def queue_texts(app) -> list[str]:
    table = app.screen.query_one("#queue", RecordTable)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def open_the_one_call(pilot, app) -> None:
    """Calls, once its one call is in the queue, with the cursor on it."""
    await pilot.press("1")
    assert await wait_for(pilot, lambda: len(queue_texts(app)) == 1)
    app.screen.query_one("#queue").focus()


async def test_a_call_slip_from_the_stock_section_fills_in_a_known_caller(make_app, store):
    store.repo("calls").add({"caller": "Janet Moore", "company": "Moore Logistics", "number": "01632 960118"})
    store.repo("contacts").add({"name": "Harriet Cole", "extension": "201"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "c")
        slip = app.screen
        assert await wait_for(pilot, lambda: bool(getattr(slip, "known_calls", None)))
        await pilot.press(*"01632960118", "enter")
        assert slip.value_of("caller") == "Janet Moore"
        assert slip.value_of("company") == "Moore Logistics"
        await pilot.press(*"Har", "right", "enter")  # the directory completes the name
        await pilot.press(*"Invoice query", "ctrl+t", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not slip)
        assert app.current_mode == "stock"
    logged = store.repo("calls").list()[-1]
    assert (logged.caller, logged.company, logged.for_whom) == ("Janet Moore", "Moore Logistics", "Harriet Cole")
    assert logged.priority == Priority.URGENT and logged.message == "Invoice query"
    assert logged.history[0].action == "call logged"


async def test_pass_on_call_back_and_done_each_go_in_the_history(make_app, store, clock):
    call = store.repo("calls").add({"caller": "Alan Pryce", "message": "About the contract"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_the_one_call(pilot, app)
        await pilot.press("p", *"Sales", "enter")
        assert await wait_for(pilot, lambda: store.repo("calls").get(call.id).status == CallStatus.PASSED_ON)
        await pilot.press("b", *"+2h", "enter")
        assert await wait_for(pilot, lambda: store.repo("calls").get(call.id).status == CallStatus.CALLBACK)
        await pilot.press("d")
        assert await wait_for(pilot, lambda: store.repo("calls").get(call.id).status == CallStatus.DONE)
        assert await wait_for(pilot, lambda: queue_texts(app) == [])  # done calls leave the queue
    done = store.repo("calls").get(call.id)
    assert [step.action for step in done.history] == [
        "call logged",
        "passed on to Sales",
        f"callback at {clock.now + timedelta(hours=2):%a %d %b %H:%M}",
        "done",
    ]
    assert {step.user for step in done.history} == {"tester"}
    assert done.callback_due == clock.now + timedelta(hours=2)


async def test_a_callback_whose_time_has_passed_shows_overdue(make_app, store, clock):
    call = store.repo("calls").add({"caller": "Sam Turner"})
    store.repo("calls").update(call.id, lambda c: setattr(c, "status", CallStatus.CALLBACK) or setattr(c, "callback_due", clock.now + timedelta(minutes=30)))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: "call back" in " ".join(queue_texts(app)))
        assert "OVERDUE" not in " ".join(queue_texts(app))
        clock.now += timedelta(minutes=45)
        app.screen.reload()
        assert await wait_for(pilot, lambda: "OVERDUE 15m" in " ".join(queue_texts(app)))


async def test_an_illegal_move_is_refused_with_a_sentence(make_app, store):
    call = store.repo("calls").add({"caller": "Chris Doyle"})
    store.repo("calls").update(call.id, lambda c: setattr(c, "status", CallStatus.CALLBACK))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_the_one_call(pilot, app)
        await pilot.press("m")  # a message cannot be taken on a call waiting for a callback
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "ErrorModal")
        assert "can only be taken on a new or passed-on call" in str(app.screen.query_one("#dialog-message").render())
    assert store.repo("calls").get(call.id).status == CallStatus.CALLBACK


async def test_a_fax_whose_document_is_missing_is_refused_under_its_field(make_app, store, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket", "right_square_bracket")
        await pilot.pause()
        await pilot.press("n")
        form = app.screen
        form.widget_of("fax_number").focus()
        await pilot.press(*"0161 496 0733", "enter", *"Licensing", "enter", "enter", *str(tmp_path / "missing.pdf"), "ctrl+s")
        assert await wait_for(pilot, lambda: "-shown" in form.query_one("#error-document").classes)
        assert "There is no file" in str(form.query_one("#error-document").render())
        assert app.screen is form
    assert store.repo("faxes").count() == 0


async def test_a_caller_typed_as_markup_shows_literally(make_app, store, monkeypatch):
    from textual.app import App
    from textual.widgets import Static

    store.repo("calls").add({"caller": "[bold red]Mallory[/]", "message": "[link=x]click[/link]"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: len(queue_texts(app)) == 1)
        assert "[bold red]Mallory[/]" in queue_texts(app)[0]
        detail = str(app.screen.query_one("#call-detail", Static).render())
        assert "[bold red]Mallory[/]" in detail and "[link=x]click[/link]" in detail
        shown = []
        monkeypatch.setattr(App, "notify", lambda self, message, **options: shown.append((message, options)))
        app.screen.notify("Saved [bold red]Mallory[/]")
        assert [(message, options["markup"]) for message, options in shown] == [("Saved [bold red]Mallory[/]", False)]


async def test_the_slip_takes_a_callback_time_in_the_words_b_takes(make_app, store, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        slip = app.screen
        await pilot.press(*"0161 496 0732", "tab", *"Fatima Begum")
        slip.widget_of("callback_due").focus()
        await pilot.press(*"soonish", "ctrl+s")
        assert await wait_for(pilot, lambda: "-shown" in slip.query_one("#error-callback_due").classes)
        assert "not a time" in str(slip.query_one("#error-callback_due").render())
        await pilot.press("ctrl+u", *"2pm", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not slip)
    logged = store.repo("calls").list()[-1]
    assert logged.status == CallStatus.CALLBACK
    assert logged.callback_due == clock.now.replace(hour=14, minute=0, second=0)


async def test_a_callback_falling_due_is_said_once_wherever_one_is(make_app, store, clock):
    call = store.repo("calls").add({"caller": "Peter Walsh", "for_whom": "Dan Whitfield"})
    from data.calls import actions

    actions.schedule_callback(store, call.id, clock.now + timedelta(minutes=1))
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")
        app.say_callbacks_due()  # what the app does every minute
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not [n for n in notices(app) if n.startswith("Callback due")]
        clock.now += timedelta(minutes=2)
        app.say_callbacks_due()
        await app.workers.wait_for_complete()
        assert await wait_for(pilot, lambda: "Callback due now: Peter Walsh for Dan Whitfield" in notices(app))
        app.say_callbacks_due()  # once, not every minute after
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert notices(app).count("Callback due now: Peter Walsh for Dan Whitfield") == 1


def notices(app) -> list[str]:
    return [notice.message for notice in app._notifications]


async def test_passing_on_to_a_name_the_directory_does_not_know_asks_first(make_app, store):
    from tui.widgets.dialogs import ConfirmModal

    store.repo("contacts").add({"name": "Sales", "kind": "department"})
    call = store.repo("calls").add({"caller": "Alan Pryce"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_the_one_call(pilot, app)
        await pilot.press("p", *"Slaes", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Slaes is not in the directory" in str(app.screen.query_one("#dialog-message").render())
        await pilot.press("n")
        await pilot.pause()
        assert store.repo("calls").get(call.id).status == CallStatus.NEW
        await pilot.press("p", *"sales", "enter")  # known, whatever the case: no question
        assert await wait_for(pilot, lambda: store.repo("calls").get(call.id).status == CallStatus.PASSED_ON)


async def test_the_slip_opens_from_the_palette_over_a_half_filled_form_which_stays(make_app, store):
    from tests.tui.test_shell import palette_choice
    from tui.widgets.model_form import ModelForm

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "n")  # a new supply item, half typed
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        form = app.screen
        await pilot.press(*"Toner HP 89A")
        await pilot.press("ctrl+p", *"call slip")
        assert await wait_for(pilot, lambda: palette_choice(app).startswith("Call slip"))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm) and app.screen is not form
                              and "Call slip" in app.screen.form_title)
        await pilot.press(*"0161 496 0732", "tab", *"Fatima Begum", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is form)
        assert form.value_of("name") == "Toner HP 89A"
    assert store.repo("calls").list()[-1].caller == "Fatima Begum"


async def test_editing_a_sent_fax_with_enter_cannot_give_it_a_new_number(make_app, store, tmp_path):
    from data.calls.models import Fax, FaxStatus

    document = tmp_path / "quote.pdf"
    document.write_bytes(b"%PDF")
    fax = store.repo("faxes").add(Fax(fax_number="020 7946 0322", recipient="Alan Pryce", document=str(document),
                                      status=FaxStatus.SENT, tries=1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert await wait_for(pilot, lambda: app.screen.query_one("#fax-queue", RecordTable).row_count == 1)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: hasattr(app.screen, "widget_of"))
        form = app.screen
        form.widget_of("fax_number").focus()
        await pilot.press("ctrl+u", *"0113 496 0656", "ctrl+s")
        assert await wait_for(pilot, lambda: "never sent twice" in str(app.screen.query_one("#dialog-message").render()))
    stored = store.repo("faxes").get(fax.id)
    assert stored.fax_number == "+442079460322" and stored.rev == fax.rev


async def test_enter_on_a_name_takes_the_suggestion_shown(make_app, store):
    from data.calls.models import Contact

    store.repo("contacts").add(Contact(name="Priya Shah", extension="214"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert await wait_for(pilot, lambda: hasattr(app.screen, "widget_of"))
        slip = app.screen
        assert await wait_for(pilot, lambda: slip.widget_of("for_whom").suggester is not None)
        slip.widget_of("for_whom").focus()
        await pilot.press(*"pri")
        assert await wait_for(pilot, lambda: slip.widget_of("for_whom")._suggestion == "Priya Shah")
        await pilot.press("enter")
        assert slip.value_of("for_whom") == "Priya Shah"


async def test_the_counts_in_the_tab_titles_follow_the_for_whom_filter(make_app, store):
    for caller, whom in (("Alan Pryce", "Sales"), ("Bea Long", "Sales"), ("Cy Moss", "Ann Lee")):
        store.repo("calls").add({"caller": caller, "for_whom": whom})
    for subject, whom in (("Toner", "Dan Whitfield"), ("Invoice", "")):
        store.repo("mail").add({"mailbox": "office", "subject": subject, "assigned_to": whom,
                                "status": "assigned" if whom else "open"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        tabs = app.screen.query_one(TabbedContent)
        label = lambda tab: str(tabs.get_tab(tab).label)  # noqa: E731
        assert await wait_for(pilot, lambda: label("messages") == "Messages (3)" and label("mail") == "Mail (2)")
        app.screen.query_one("#queue").focus()
        await pilot.press("w", *"Sales", "enter")
        assert await wait_for(pilot, lambda: label("messages") == "Messages (2) for Sales")
        await pilot.press("right_square_bracket", "w", *"Dan Whitfield", "enter")
        assert await wait_for(pilot, lambda: label("mail") == "Mail (1) for Dan Whitfield")
        await pilot.press("w", "ctrl+u", "enter")
        assert await wait_for(pilot, lambda: label("mail") == "Mail (2)")


async def test_a_call_made_shows_whom_and_by_whom_literally(make_app, store):
    from textual.widgets import Static

    store.repo("calls").add({"caller": "[bold red]Mallory[/]", "direction": "outgoing", "handled_by": "[link=x]201[/link]",
                             "status": "done"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "a")
        assert await wait_for(pilot, lambda: len(queue_texts(app)) == 1)
        assert "→ [bold red]Mallory[/]" in queue_texts(app)[0]
        detail = str(app.screen.query_one("#call-detail", Static).render())
        assert "Called [bold red]Mallory[/]" in detail and "by [link=x]201[/link]" in detail
