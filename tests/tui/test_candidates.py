"""Candidates by the keys an HR manager presses: triage, interviews, hire, and access."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from data.candidates.models import Criterion, Interview, Position, PositionStatus, Stage
from data.engine.store import Store
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.widgets.record_table import RecordTable

ROOT = Path(__file__).resolve().parents[2]
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def add_position(store, **fields) -> Position:
    criteria = [Criterion(name="Experience", weight=2), Criterion(name="Communication", weight=1)]
    return store.repo("positions").add(Position(**{"title": "Office Assistant", "department": "Management",
                                                   "hiring_manager": "Grace", "criteria": criteria, **fields}))


def add_candidate(store, position: Position, name: str, stage: Stage = Stage.APPLIED, **fields):
    return store.repo("candidates").add({"name": name, "position_id": position.id, "stage": stage, **fields})


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#candidate-list", RecordTable)
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


def names(app) -> list[str]:
    return [row[1] for row in rows(app)]


def mine(store, candidate_id: int) -> dict[str, int]:
    return store.repo("candidates").get(candidate_id).scores.get("tester", {})


async def test_triage_of_three_candidates_by_keys(make_app, store):
    position = add_position(store)
    alice, bob, carol = (add_candidate(store, position, n, cv_text=f"CV of {n}") for n in ("Alice Byrne", "Bob Carr", "Carol Dunn"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Alice Byrne", "Bob Carr", "Carol Dunn"])
        assert "CV of Alice Byrne" in str(app.screen.query_one("#cv").render())

        await pilot.press("tab", "5", "4")  # to the score bar: Experience 5, then on to Communication: 4
        assert await wait_for(pilot, lambda: mine(store, alice.id) == {"Experience": 5, "Communication": 4})
        await pilot.press("j")  # the next candidate, scored from the first criterion again
        assert "CV of Bob Carr" in str(app.screen.query_one("#cv").render())
        await pilot.press("2", "2")
        assert await wait_for(pilot, lambda: mine(store, bob.id) == {"Experience": 2, "Communication": 2})
        assert await wait_for(pilot, lambda: names(app)[1] == "Bob Carr")
        await pilot.press("j", "right", "5", "left", "4")  # criteria chosen with the arrows
        assert await wait_for(pilot, lambda: mine(store, carol.id) == {"Experience": 4, "Communication": 5})
        await pilot.press("escape")  # back to the list

        # Sorted by the weighted score: (5·2 + 4)/3, (4·2 + 5)/3, (2·2 + 2)/3.
        assert await wait_for(pilot, lambda: [r[:2] for r in rows(app)] == [["4.7", "Alice Byrne"], ["4.3", "Carol Dunn"], ["2.0", "Bob Carr"]])

        await pilot.press("g", "s")  # straight from applied: asked first
        assert await wait_for(pilot, lambda: "would skip screening" in str(app.screen.query_one("#dialog-message").render()))
        await pilot.press("y")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(alice.id).stage == Stage.SHORTLISTED)
        await pilot.press("j", "S")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(carol.id).stage == Stage.SCREENING)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(carol.id).stage == Stage.SHORTLISTED)
        await pilot.press("j", "r", "enter")  # no reason: refused in the prompt
        prompt = app.screen
        assert "reason is required" in str(prompt.query_one("#prompt-error").render())
        await pilot.press(*"Never worked in an office", "enter")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(bob.id).stage == Stage.REJECTED)
        assert await wait_for(pilot, lambda: names(app) == ["Alice Byrne", "Carol Dunn"])  # rejected ones leave the list
        await pilot.press("a")
        assert await wait_for(pilot, lambda: "Bob Carr" in names(app))

    shortlisted = store.repo("candidates").find(position_id=position.id, stage=Stage.SHORTLISTED)
    assert sorted(c.name for c in shortlisted) == ["Alice Byrne", "Carol Dunn"]
    rejected = store.repo("candidates").get(bob.id)
    assert rejected.reject_reason == "Never worked in an office"
    assert rejected.history[-1].user == "tester" and rejected.history[-1].note == "Never worked in an office"


async def test_a_score_that_re_ranks_the_list_waits_until_scoring_ends_so_j_reaches_the_next(make_app, store):
    position = add_position(store)
    ann, bob, carla = (add_candidate(store, position, n) for n in ("Ann Lee", "Bob Smith", "Carla Diaz"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Ann Lee", "Bob Smith", "Carla Diaz"])
        await pilot.press("tab", "1", "1", "j", "5", "5")  # Bob scores above Ann
        assert await wait_for(pilot, lambda: mine(store, bob.id) == {"Experience": 5, "Communication": 5})
        assert await wait_for(pilot, lambda: [r[:2] for r in rows(app)][:2] == [["1.0", "Ann Lee"], ["5.0", "Bob Smith"]])
        await pilot.press("j", "3")  # the one below Bob when scoring began: Carla, not Ann again
        assert await wait_for(pilot, lambda: mine(store, carla.id) == {"Experience": 3})
        assert mine(store, ann.id) == {"Experience": 1, "Communication": 1}
        await pilot.press("escape")  # scoring ends: ranked by the scores given
        assert await wait_for(pilot, lambda: names(app) == ["Bob Smith", "Carla Diaz", "Ann Lee"])


async def test_digits_score_in_the_score_bar_and_switch_sections_elsewhere(make_app, store):
    position = add_position(store)
    alice = add_candidate(store, position, "Alice Byrne")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Alice Byrne"])
        await pilot.press("tab", "3")
        assert await wait_for(pilot, lambda: mine(store, alice.id) == {"Experience": 3})
        assert "Communication ·" in str(app.screen.query_one("#criteria").render())
        await pilot.press("escape", "1")  # in the list the digits are section keys again
        assert await wait_for(pilot, lambda: app.current_mode == "calls")
    assert mine(store, alice.id) == {"Experience": 3}


async def test_two_candidates_side_by_side(make_app, store):
    position = add_position(store)
    alice = add_candidate(store, position, "Alice Byrne", scores={"grace": {"Experience": 5, "Communication": 2}})
    bob = add_candidate(store, position, "Bob Carr", scores={"grace": {"Experience": 3, "Communication": 4}})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Alice Byrne", "Bob Carr"])
        await pilot.press("m", "j", "v")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "ComparisonModal")
        table = app.screen.query_one("DataTable")
        lines = [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [str(c.label) for c in table.columns.values()][2:] == ["Alice Byrne", "Bob Carr"]
        assert lines == [["Experience", "×2", "5.0", "3.0"], ["Communication", "×1", "2.0", "4.0"],
                         ["Weighted score", "", "4.0", "3.3"]]
        await pilot.press("escape")
        assert app.screen.query_one("#candidate-list")
    stored = store.repo("candidates")
    assert (stored.get(alice.id).stage, stored.get(bob.id).stage) == (Stage.APPLIED, Stage.APPLIED)  # comparing moves nobody on


async def test_an_interview_that_clashes_is_refused_naming_the_clash(make_app, store, clock):
    position = add_position(store)
    other = add_candidate(store, position, "Alice Byrne", Stage.INTERVIEW)
    store.repo("interviews").add(Interview(candidate_id=other.id, start=clock.now.replace(hour=14, minute=0), minutes=45,
                                           interviewers=["Grace"], place="Room 1"))
    bob = add_candidate(store, position, "Bob Carr", Stage.SHORTLISTED)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Alice Byrne", "Bob Carr"])
        await pilot.press("j", "i")
        form = app.screen
        assert form.value_of("interviewers") == "tester, Grace"  # the hiring manager sits in
        await pilot.press(*"14:30", "ctrl+s")
        assert await wait_for(pilot, lambda: "-shown" in form.query_one("#error-start").classes)
        assert "Grace is already interviewing Alice Byrne Tue 10 Mar 14:00–14:45" in str(form.query_one("#error-start").render())
        await pilot.press(*["backspace"] * 5, *"14:45", "tab", "tab", "tab", *"Room 2", "ctrl+s")  # back to back is fine
        assert await wait_for(pilot, lambda: app.screen is not form)
    booked = store.repo("interviews").find(candidate_id=bob.id)
    assert [(i.start, i.minutes, i.interviewers, i.place) for i in booked] == [
        (clock.now.replace(hour=14, minute=45), 45, ["tester", "Grace"], "Room 2")]
    assert store.repo("candidates").get(bob.id).stage == Stage.INTERVIEW


async def test_hiring_creates_the_employee_with_the_candidates_data(make_app, store):
    position = add_position(store, title="Accounts Clerk", department="Accounts", hiring_manager="Tom Baines", places=1)
    dana = add_candidate(store, position, "Dana Ellis", Stage.OFFER, email="dana@example.com", phone="07700 900123")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Dana Ellis"])
        await pilot.press("h")
        form = app.screen
        assert form.value_of("role") == "Accounts Clerk" and form.value_of("manager") == "Tom Baines"
        await pilot.press(*"2026-04-01", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not form)
        assert await wait_for(pilot, lambda: "closed" in str(app.screen.query_one("#position-line").render()))
    [employee] = store.repo("employees").list()
    assert (employee.name, employee.email, employee.phone) == ("Dana Ellis", "dana@example.com", dana.phone)
    assert (employee.role, employee.department, employee.manager) == ("Accounts Clerk", "Accounts", "Tom Baines")
    assert employee.start_date == date(2026, 4, 1) and employee.candidate_id == dana.id
    assert store.repo("candidates").get(dana.id).stage == Stage.HIRED
    assert store.repo("positions").get(position.id).status == PositionStatus.CLOSED


async def test_the_last_place_filled_offers_to_reject_the_rest_and_cancels_their_interviews(make_app, store, clock):
    from data.candidates.models import Interview, InterviewStatus
    from tui.widgets.dialogs import ConfirmModal

    position = add_position(store, places=1)
    dana = add_candidate(store, position, "Dana Ellis", Stage.OFFER)
    eve = add_candidate(store, position, "Eve Ford", Stage.INTERVIEW)
    fay = add_candidate(store, position, "Fay Gill", Stage.SCREENING)
    gone = add_candidate(store, position, "Gus Hart", Stage.REJECTED, reject_reason="No licence")
    booked = store.repo("interviews").add(Interview(candidate_id=eve.id, start=clock.now + timedelta(days=2), interviewers=["Grace"]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: "Dana Ellis" in names(app))
        await pilot.press(*["k"] * 3, *["j"] * names(app).index("Dana Ellis"), "h", *"2026-04-01", "ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), seconds=10)
        assert app.screen.question == ('Office Assistant is filled. Reject the 2 still in the running — Eve Ford, Fay Gill — '
                                       'saying "The position was filled."? Their booked interviews are cancelled.')
        await pilot.press("y")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(fay.id).stage == Stage.REJECTED)
        assert await wait_for(pilot, lambda: any(n.message.startswith("Rejected 2; 1 interview(s) cancelled, invitation written to")
                                                 for n in app._notifications))
    assert store.repo("candidates").get(eve.id).reject_reason == "The position was filled."
    assert store.repo("interviews").get(booked.id).status == InterviewStatus.CANCELLED
    assert store.repo("candidates").get(gone.id).reject_reason == "No licence"  # told no before: left as it was
    assert store.repo("candidates").get(dana.id).stage == Stage.HIRED


async def test_hire_before_an_offer_is_refused_in_words(make_app, store):
    position = add_position(store)
    add_candidate(store, position, "Eve Finch", Stage.SHORTLISTED)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Eve Finch"])
        await pilot.press("h")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "ErrorModal")
        assert "cannot be hired without an offer" in str(app.screen.query_one("#dialog-message").render())
    assert store.repo("employees").count() == 0


async def test_brackets_choose_the_position(make_app, store):
    clerk = add_position(store, title="Accounts Clerk")
    assistant = add_position(store, title="Office Assistant")
    add_candidate(store, clerk, "Alice Byrne")
    add_candidate(store, assistant, "Bob Carr")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Alice Byrne"])
        await pilot.press("right_square_bracket")
        assert await wait_for(pilot, lambda: names(app) == ["Bob Carr"])
        assert "Office Assistant" in str(app.screen.query_one("#position-line").render())
        await pilot.press("left_square_bracket")
        assert await wait_for(pilot, lambda: names(app) == ["Alice Byrne"])


async def test_an_interview_today_opens_from_the_dashboard_on_its_candidate(make_app, store, clock):
    add_position(store, title="Accounts Clerk")
    assistant = add_position(store, title="Office Assistant")
    add_candidate(store, assistant, "Alice Byrne", Stage.INTERVIEW)
    bob = add_candidate(store, assistant, "Bob Carr", Stage.INTERVIEW)
    store.repo("interviews").add(Interview(candidate_id=bob.id, start=clock.now.replace(hour=14, minute=0), interviewers=["Grace"]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        agenda = app.screen.query_one("#agenda")
        assert await wait_for(pilot, lambda: any((o.id or "").startswith("interviews:") for o in agenda.options))
        for _ in range(len(agenda.options)):
            if agenda.highlighted_option is not None and (agenda.highlighted_option.id or "").startswith("interviews:"):
                break
            await pilot.press("j")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.current_mode == "candidates" and names(app) == ["Alice Byrne", "Bob Carr"])
        assert "Office Assistant" in str(app.screen.query_one("#position-line").render())
        assert await wait_for(pilot, lambda: app.screen.query_one("#candidate-list", RecordTable).selected_key == bob.id)
        assert "Interview Tue 10 Mar 14:00–14:45 with Grace" in str(app.screen.query_one("#cv").render())


# -- access: as a staff member outside HR -------------------------------------------------

PILOT_SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from data.engine.store import Store
    from tui.app import BackOfficeApp
    from tui.settings import Settings

    async def until(pilot, condition):
        for _ in range(100):
            if condition():
                return
            await pilot.pause(0.1)

    async def main():
        app = BackOfficeApp(Store(sys.argv[1], user="reception"), Settings(fax_command=""))
        async with app.run_test(size=(80, 24)) as pilot:
            for key, section in (("4", "CANDIDATES"), ("5", "STAFF")):
                await pilot.press(key)
                await until(pilot, lambda: app.screen.query(".no-access"))
                texts = [str(w.render()) for w in app.screen.query("Static") if w.display]
                print(section, [t for t in texts if t.strip()], len(app.screen.query("DataTable")))
            await pilot.press("1")
            await until(pilot, lambda: app.current_mode == "calls" and app.screen.query_one("#queue").row_count)
            table = app.screen.query_one("#queue")
            print("CALLS", [str(cell) for i in range(table.row_count) for cell in table.get_row_at(i)])

    asyncio.run(main())
""")


@pytest.fixture
def shared_folder():
    if os.getuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("needs setpriv to run the app as an unprivileged user")
    folder = Path(tempfile.mkdtemp(prefix="backoffice-hr-access-"))
    folder.chmod(0o777)  # like a shared office folder; pytest's tmp_path is private
    yield folder
    shutil.rmtree(folder)


def test_outside_hr_the_hr_sections_say_so_and_calls_still_work(shared_folder):
    store = Store(shared_folder, user="hr")
    store.repo("calls").add({"caller": "Janet Moore"})
    add_candidate(store, add_position(store), "Alice Byrne", cv_text="private CV")
    store.repo("employees").add({"name": "Alice Byrne", "start_date": "2026-01-05"})
    for path in shared_folder.iterdir():
        if path.is_file():
            path.chmod(0o666)
    store.file("people").chmod(0o600 if os.getuid() == 0 else 0o000)  # HR's file: closed to the others

    prefix = NOBODY if os.getuid() == 0 else []
    env = {**os.environ, "HOME": str(shared_folder), "XDG_CONFIG_HOME": str(shared_folder / "config")}
    run = subprocess.run([*prefix, sys.executable, "-c", PILOT_SCRIPT, str(shared_folder)],
                         cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(" ", 1) for line in run.stdout.splitlines() if line.split(" ", 1)[0] in ("CANDIDATES", "STAFF", "CALLS"))
    for section in ("CANDIDATES", "STAFF"):
        texts, tables = lines[section].rsplit(" ", 1)
        [sentence] = ast.literal_eval(texts)  # one sentence and nothing else
        assert "no access to people.json" in sentence and tables == "0"
    assert "Alice" not in run.stdout and "private CV" not in run.stdout
    assert "Janet Moore" in lines["CALLS"]


async def test_an_opening_is_made_with_weighted_criteria_triaged_and_closed_by_keys(make_app, store):
    from screens.openings import OpeningsScreen
    from tui.widgets.model_form import ModelForm

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        line = app.screen.query_one("#position-line")
        assert await wait_for(pilot, lambda: "p, then n adds one" in str(line.render()))
        await pilot.press("p")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OpeningsScreen))
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        form = app.screen
        await pilot.press(*"Office [b]Manager", "tab", *"Admin", "tab", "tab", "tab", *"Organisation x2, Bookkeeping x0, Tact", "ctrl+s")
        error = form.query_one("#error-criteria")
        assert await wait_for(pilot, lambda: "'Bookkeeping x0': a weight goes from above 0 to 100" in str(error.render()))
        form.widget_of("criteria").value = "Organisation x2, Bookkeeping, Tact ×0.5"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OpeningsScreen) and app.screen.rows)
        [position] = store.repo("positions").list()
        assert [(c.name, c.weight) for c in position.criteria] == [("Organisation", 2), ("Bookkeeping", 1), ("Tact", 0.5)]
        assert "criteria: Organisation ×2, Bookkeeping, Tact ×0.5" in str(app.screen.query_one("#opening-line").render())

        await pilot.press("x")
        assert await wait_for(pilot, lambda: store.repo("positions").get(position.id).status == PositionStatus.CLOSED)
        await pilot.press("x")
        assert await wait_for(pilot, lambda: store.repo("positions").get(position.id).status == PositionStatus.OPEN)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, OpeningsScreen))
        assert await wait_for(pilot, lambda: "Office [b]Manager" in str(app.screen.query_one("#position-line").render()))
        strip = str(app.screen.query_one("#criteria").render())
        assert "Organisation" in strip and "Tact" in strip


async def test_the_candidate_form_picks_the_opening_by_name(make_app, store):
    from tui.widgets.model_form import ModelForm

    first, second = add_position(store), add_position(store, title="Receptionist [i]")
    ann = add_candidate(store, first, "Ann Lee")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Ann Lee"])
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        chooser = app.screen.widget_of("position_id")
        assert [str(prompt) for prompt, _ in chooser._options if _ is not chooser.BLANK] == ["Office Assistant", "Receptionist [i]"]
        chooser.value = second.id
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(ann.id).position_id == second.id)


async def test_five_long_criteria_fit_the_score_bar_and_the_filter_keeps_both_panes(make_app, store):
    criteria = [Criterion(name=f"{word} and more words") for word in ("Bookkeeping", "Accuracy", "Software", "Languages", "Teamwork")]
    position = add_position(store, criteria=criteria)
    add_candidate(store, position, "Ann Lee", cv_text="CV of Ann")
    add_candidate(store, position, "Bob Ray")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Ann Lee", "Bob Ray"])
        await pilot.press("tab", "right", "right", "right", "right", "3")
        assert await wait_for(pilot, lambda: mine(store, 1) == {"Teamwork and more words": 3})
        assert "Teamw" in screen_text(app).splitlines()[-2], "the fifth criterion is on screen"

        await pilot.press("escape", "slash", *"ann")
        assert await wait_for(pilot, lambda: names(app) == ["Ann Lee"])
        cv = app.screen.query_one("#cv-pane")
        assert cv.region.width > 30 and cv.region.right <= SIZE[0], "the CV stays beside the list"
        assert "CV of Ann" in screen_text(app)


async def test_hire_is_listed_in_help_under_h(make_app, store):
    from tui.widgets.help_screen import HelpScreen

    add_candidate(store, add_position(store), "Ann Lee")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Ann Lee"])
        await pilot.press("question_mark")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one("DataTable")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["h", "Hire", "candidates.hire"] in rows


def screen_text(app) -> str:
    from tests.tui.test_conventions import screen_lines

    return "\n".join(screen_lines(app))


async def test_an_offer_before_any_interview_is_asked_about_and_its_terms_shown(make_app, store, clock):
    from datetime import timedelta

    position = add_position(store)
    ann = add_candidate(store, position, "Ann Lee", Stage.INTERVIEW)
    store.repo("interviews").add(Interview(candidate_id=ann.id, start=clock.now + timedelta(days=2), interviewers=["Grace"]))
    bob = add_candidate(store, position, "Bob Ray", Stage.REJECTED, reject_reason="no licence")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: names(app) == ["Ann Lee"])
        await pilot.press("o")
        assert await wait_for(pilot, lambda: "has not been interviewed yet (one is booked"
                              in str(app.screen.query_one("#dialog-message").render()))
        await pilot.press("y")
        await pilot.press(*"24,000 [b]a year[/b]", "enter")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(ann.id).stage == Stage.OFFER)
        assert await wait_for(pilot, lambda: "Offer: 24,000 [b]a year[/b]" in screen_text(app))

        await pilot.press("a")
        assert await wait_for(pilot, lambda: "Bob Ray" in names(app))
        table = app.screen.query_one("#candidate-list", RecordTable)
        table.select_key(bob.id)
        await pilot.press("R")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(bob.id).stage == Stage.SCREENING)
        await pilot.press("w", *"took another job", "enter")
        assert await wait_for(pilot, lambda: store.repo("candidates").get(bob.id).stage == Stage.WITHDREW)
    assert store.repo("candidates").get(ann.id).offer_terms == "24,000 [b]a year[/b]"
