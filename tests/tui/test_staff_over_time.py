"""Staff over time by the keys HR presses: voiding and correcting with a reason, the entry's
notes under the timeline, the onboarding checklist, letters to read before they are saved."""

from __future__ import annotations

from datetime import date, timedelta

from data.candidates.models import Candidate, Position, Stage, StageStep
from data.staff import actions
from data.staff.models import ChecklistItem, Employee, WarningLevel
from screens.letters import LetterModal, TemplateEditor
from screens.onboarding import ChecklistModal
from tests.conftest import NOW
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tests.tui.test_staff import TODAY, listed, table_rows
from tui.settings import Settings
from tui.widgets.dialogs import ConfirmModal
from tui.widgets.fields import PlainTextArea
from tui.widgets.prompt import PromptModal


ONBOARDED = [ChecklistItem(text="Contract signed", done_on=date(2025, 1, 6), done_by="hr")]  # nothing left to do


def hire(store, name="Owen Price", **fields):
    return actions.add_employee(store, Employee(name=name, role="Sales Executive", department="Sales",
                                                start_date=date(2025, 1, 6), **fields))


def detail(app) -> str:
    return str(app.screen.query_one("#entry-detail").render())


async def open_timeline_at(pilot, app, text: str) -> None:
    await pilot.press("5")
    assert await wait_for(pilot, lambda: listed(app) != [])
    await pilot.press("enter")
    for _ in range(10):
        if text in detail(app):
            return
        await pilot.press("j")
    raise AssertionError(f"no timeline entry with {text!r}: {table_rows(app, 'timeline')}")


async def test_a_wrong_warning_is_voided_by_key_and_shown_struck_through_with_why(make_app, store):
    owen = hire(store)
    actions.issue_warning(store, owen.id, WarningLevel.VERBAL, "Late", on=TODAY - timedelta(days=5),
                          notes="Third time this month; his train was cancelled once.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline_at(pilot, app, "Verbal warning")
        assert "Third time this month; his train was cancelled once." in detail(app)  # the notes are shown
        await pilot.press("v")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("enter")  # no reason: said, and nothing happens
        assert "Say why" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press(*"It was Oscar, not Owen", "enter")
        assert await wait_for(pilot, lambda: table_rows(app, "timeline")[1][1] == "void")
        assert detail(app).startswith("void: It was Oscar, not Owen (tester, 10 Mar 2026)\nVerbal warning: Late")
        assert await wait_for(pilot, lambda: table_rows(app, "employees")[0][3] == "8 onboarding to do")  # no warning any more
    [warning] = store.repo("staff_events").list()
    assert (warning.void_reason, warning.voided_by) == ("It was Oscar, not Owen", "tester")


async def test_a_training_is_corrected_by_key_and_a_renewal_clears_the_expiry(make_app, store):
    owen = hire(store, onboarding=ONBOARDED)
    actions.add_training(store, owen.id, "Fire safety", date(2025, 2, 1), valid_until=date(2026, 2, 1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline_at(pilot, app, "Fire safety")
        assert table_rows(app, "employees")[0][3] == "1 training expired"
        await pilot.press("e")
        form = app.screen
        assert form.value_of("course") == "Fire safety"
        form.widget_of("on").focus()
        await pilot.press(*["backspace"] * 10, *"2020-01-01", "ctrl+s")
        await pilot.press(*"typed the year wrong", "enter")  # the rules refuse it once the reason is given
        assert await wait_for(pilot, lambda: "before Owen Price started" in str(app.screen.query_one("#dialog-message").render()))
        await pilot.press("escape")
        assert store.repo("staff_events").find(course="Fire safety")[0].is_void is False
        await pilot.press("t", *"Fire safety", "tab", *["backspace"] * 10, *"2026-03-09", "tab", "tab", *"2029-03-09", "ctrl+s")
        assert await wait_for(pilot, lambda: table_rows(app, "employees")[0][3] == "")
        assert [row[1] for row in table_rows(app, "timeline")] == ["", "renewed", ""]


async def test_the_employees_details_are_corrected_with_a_reason(make_app, store):
    hire(store, onboarding=ONBOARDED)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert await wait_for(pilot, lambda: listed(app) == ["Owen Price"])
        await pilot.press("e", "tab", "tab", "tab", *["backspace"] * 15, *"Sales Lead", "ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"Promoted in February", "enter")
        assert await wait_for(pilot, lambda: any("Details corrected: role: Sales Executive → Sales Lead" in r[2]
                                                  for r in table_rows(app, "timeline")))
    [correction] = store.repo("employees").get(1).corrections
    assert (correction.reason, correction.by, store.repo("employees").get(1).role) == ("Promoted in February", "tester", "Sales Lead")


async def test_the_onboarding_checklist_is_ticked_by_key(make_app, store):
    hire(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert await wait_for(pilot, lambda: listed(app) == ["Owen Price"])
        assert table_rows(app, "employees")[0][3] == "8 onboarding to do"
        await pilot.press("O")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChecklistModal))
        await pilot.press("j", "space")
        assert await wait_for(pilot, lambda: "7 of 8 still to do" in str(app.screen.query_one("#checklist-summary").render()))
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: table_rows(app, "employees")[0][3] == "7 onboarding to do")
    item = store.repo("employees").get(1).onboarding[1]
    assert (item.text, item.done_on, item.done_by) == ("Bank details and tax form received", TODAY, "tester")


async def test_a_warning_letter_is_read_then_saved_and_printing_says_cups_is_missing(store, tmp_path, monkeypatch):
    from tui.app import BackOfficeApp

    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    owen = hire(store, onboarding=ONBOARDED)
    actions.issue_warning(store, owen.id, WarningLevel.WRITTEN, "Shouted at a customer")
    app = BackOfficeApp(store, Settings(fax_command="", office="Harbour Supplies Ltd"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_timeline_at(pilot, app, "Written warning")
        await pilot.press("L")
        assert await wait_for(pilot, lambda: isinstance(app.screen, LetterModal) and app.screen.letter is not None)
        body = app.screen.query_one("#letter-body", PlainTextArea).text
        assert body.startswith("Harbour Supplies Ltd\n") and "Shouted at a customer" in body
        assert not (store.home("people") / "letters").exists()  # nothing saved until asked
        await pilot.press("p")
        assert await wait_for(pilot, lambda: any("lp command of CUPS is not installed" in n.message for n in app._notifications))
        await pilot.press("s")
        letters = store.home("people") / "letters"
        assert await wait_for(pilot, lambda: letters.exists() and len(list(letters.iterdir())) == 1)
        assert next(letters.iterdir()).read_text() == body
        await pilot.press("e")  # the office's template, edited in place
        assert await wait_for(pilot, lambda: isinstance(app.screen, TemplateEditor) and app.screen.original is not None)
        app.screen.query_one("#template-body", PlainTextArea).load_text("Dear {name}, see {salary}.")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, LetterModal)
                              and app.screen.query_one("#letter-body", PlainTextArea).text == "Dear Owen Price, see {salary}.\n")
        assert "{salary}, which no letter fills" in str(app.screen.query_one("#letter-problems").render())


async def test_the_offer_letter_of_a_candidate_carries_the_terms(make_app, store):
    position = store.repo("positions").add(Position(title="Office Assistant", department="Management"))
    step = StageStep(at=NOW, user="tester", stage=Stage.OFFER, note="£24,000, starting 1 April")
    store.repo("candidates").add(Candidate(name="Ann Lee", position_id=position.id, stage=Stage.OFFER, history=[step]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: app.screen.query("#candidate-list") and app.screen.selected_candidate() is not None)
        await pilot.press("L")
        assert await wait_for(pilot, lambda: isinstance(app.screen, LetterModal) and app.screen.letter is not None)
        assert "The terms of the offer: £24,000, starting 1 April" in app.screen.query_one("#letter-body", PlainTextArea).text
        assert "{office}" in str(app.screen.query_one("#letter-problems").render())  # no office name set: said
        letters = store.home("people") / "letters"
        await pilot.press("s")  # a letter with a gap is saved only once the person says so
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert app.screen.question.startswith("The letter still has gaps: Nothing fills {office} in the offer letter to Ann Lee")
        await pilot.press("n")
        await pilot.pause(0.3)
        assert not letters.exists()
        await pilot.press("s", "y")
        assert await wait_for(pilot, lambda: letters.exists() and len(list(letters.iterdir())) == 1)


async def test_a_warning_dated_before_the_start_is_refused_under_its_field(make_app, store):
    hire(store, onboarding=ONBOARDED)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert await wait_for(pilot, lambda: listed(app) == ["Owen Price"])
        await pilot.press("w", *"Late", "tab", "tab", *["backspace"] * 10, *"2024-12-01", "ctrl+s")
        form = app.screen
        assert await wait_for(pilot, lambda: "The date 01 Dec 2024 is before Owen Price started, on 06 Jan 2025."
                              in str(form.query_one("#error-on").render()))
    assert store.repo("staff_events").count() == 0
