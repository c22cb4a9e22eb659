"""Letters from the office's templates: filled from the record, every unfillable field named,
kept as private as people.json, printed through CUPS's lp, and written by `backoffice letter`."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest

from data.candidates.models import Candidate, Position, Stage, StageStep
from data.engine.errors import RuleError
from data.staff import actions
from data.staff.letters import event_letter, fill, letter_of, save_letter
from data.staff.models import Employee, WarningLevel
from data.staff.printer import PrintError, print_file
from data.staff.templates import Template, default_text, save_template, template_file
from tests.conftest import NOW
from tests.data.helpers import backoffice
from tests.hostile import SHOWN_PAYLOAD, poison_office
from tests.tui.test_hostile_text import CONTROL

START = date(2024, 5, 1)
OFFICE = "Harbour Supplies Ltd"


@pytest.fixture
def priya(store):
    return actions.add_employee(store, Employee(name="Priya Shah", role="Accounts Clerk", department="Accounts",
                                                manager="Tom Baines", start_date=START))


def test_a_warning_letter_is_filled_from_the_warning_and_the_employee(store, priya):
    warning = actions.issue_warning(store, priya.id, WarningLevel.WRITTEN, "Late five times in March", on=date(2026, 3, 9),
                                    issued_by="Tom Baines")
    letter = event_letter(store, warning.id, OFFICE)
    assert letter.problems == []
    assert letter.text.startswith("Harbour Supplies Ltd\n\n10 March 2026\n\nDear Priya Shah,\n")
    assert "written warning given to you on 9 March 2026 by Tom Baines, for" in letter.text
    assert "Late five times in March" in letter.text and "until 9 March 2027" in letter.text
    assert letter.title == "Warning letter to Priya Shah"


def test_a_field_the_template_names_but_no_letter_knows_is_named_not_a_crash():
    text = "Dear {name},\n{salary} and {name.__class__} and {0} and {} and { lone brace } {{kept}} }"
    letter = fill(Template.OFFER, text, {"name": "Ann"}, "Ann")
    assert letter.text == "Dear Ann,\n{salary} and {name.__class__} and {0} and {} and { lone brace } {kept} }"
    [unknown] = letter.problems
    assert unknown.startswith("The template offer-letter.txt has {salary}, {name.__class__}, {0}, {}, { lone brace }, "
                              "which no letter fills; the fields are {name}, {position},")


def test_a_known_field_with_nothing_to_fill_it_is_named_with_why(store, priya):
    ended = actions.terminate(store, priya.id, date(2026, 3, 31), "Resigned")
    [event] = store.repo("staff_events").find(employee_id=ended.id)
    letter = event_letter(store, event.id, office="")
    assert letter.problems == ["Nothing fills {office} in the termination letter to Priya Shah: "
                               "set office = \"Your office's name\" in the settings file."]
    assert letter.text.startswith("{office}\n")


def test_letters_are_for_warnings_and_terminations_that_count(store, priya):
    training = actions.add_training(store, priya.id, "First aid", date(2026, 3, 1))
    with pytest.raises(RuleError, match="is a training"):
        event_letter(store, training.id, OFFICE)
    warning = actions.issue_warning(store, priya.id, WarningLevel.VERBAL, "Late")
    actions.void_event(store, warning.id, "wrong person")
    with pytest.raises(RuleError, match="was voided"):
        event_letter(store, warning.id, OFFICE)


def test_an_offer_letter_carries_the_offers_terms(store):
    position = store.repo("positions").add(Position(title="Office Assistant", department="Management", hiring_manager="Harriet Cole"))
    step = StageStep(at=NOW, user="tester", stage=Stage.OFFER, note="£24,000 a year, 37.5 hours, starting 1 April")
    candidate = store.repo("candidates").add(Candidate(name="Ann Lee", position_id=position.id, stage=Stage.OFFER, history=[step]))
    letter = letter_of(store, "offer", candidate.id, OFFICE)
    assert letter.problems == []
    assert "position of Office Assistant in our Management team, reporting to Harriet Cole." in letter.text
    assert "£24,000 a year, 37.5 hours, starting 1 April" in letter.text
    applied = store.repo("candidates").add(Candidate(name="Bob", position_id=position.id))
    with pytest.raises(RuleError, match="Bob has no offer"):
        letter_of(store, "offer", applied.id, OFFICE)


def test_the_office_edits_its_copy_of_a_template(store, priya):
    warning = actions.issue_warning(store, priya.id, WarningLevel.VERBAL, "Late")
    assert not template_file(store, Template.WARNING).exists()
    event_letter(store, warning.id, OFFICE)
    assert template_file(store, Template.WARNING).read_text() == default_text(Template.WARNING)  # copied on first use
    save_template(store, Template.WARNING, "To {name}: {level}. {office}")
    assert event_letter(store, warning.id, OFFICE).text == "To Priya Shah: verbal. Harbour Supplies Ltd\n"


def test_a_letter_is_kept_beside_people_json_as_private_and_never_over_another(store, priya):
    group = os.getgid() if os.getuid() != 0 else 100
    people = store.file("people")
    os.chown(people, -1, group)
    people.chmod(0o640)
    warning = actions.issue_warning(store, priya.id, WarningLevel.VERBAL, "Late")
    letter = event_letter(store, warning.id, OFFICE)
    first, second = save_letter(store, letter), save_letter(store, letter)
    assert (first.name, second.name) == ("2026-03-10-warning-priya-shah-employee-1.txt", "2026-03-10-warning-priya-shah-employee-1-2.txt")
    assert first.parent == people.parent / "letters"
    for path in (first, first.parent, template_file(store, Template.WARNING)):
        st = os.stat(path)
        if path.is_dir():  # made like hr/ itself
            assert (stat.S_IMODE(st.st_mode), st.st_gid) == (stat.S_IMODE(people.parent.stat().st_mode), people.parent.stat().st_gid)
        else:
            assert (path.name, stat.S_IMODE(st.st_mode), st.st_gid) == (path.name, 0o640, group)


def test_escape_sequences_stored_in_a_record_reach_the_letter_as_symbols(store, priya):
    warning = actions.issue_warning(store, priya.id, WarningLevel.VERBAL, "Late")
    poison_office(store)  # a hand edit put escape sequences and markup in every text
    saved = save_letter(store, event_letter(store, warning.id, OFFICE)).read_text()
    assert SHOWN_PAYLOAD in saved and not CONTROL.search(saved.replace("\n", ""))


@pytest.fixture
def fake_lp(tmp_path, monkeypatch):
    """A printer command that keeps what it was given, as CUPS's lp would take it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    printed = tmp_path / "printed"
    lp = bin_dir / "lp"
    lp.write_text(f"#!/bin/sh\ncp \"$1\" {printed}\necho 'request id is office-7 (1 file(s))'\n")
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    return printed


def test_a_letter_is_printed_through_lp(store, priya, fake_lp):
    warning = actions.issue_warning(store, priya.id, WarningLevel.VERBAL, "Late")
    path = save_letter(store, event_letter(store, warning.id, OFFICE))
    assert print_file(path) == "request id is office-7 (1 file(s))"
    assert fake_lp.read_text() == path.read_text()


def test_without_cups_printing_says_so_and_where_the_letter_is(store, priya, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "no-printer-here"))
    with pytest.raises(PrintError) as refused:
        print_file(tmp_path / "letter.txt")
    assert str(refused.value) == (f"This machine cannot print: the lp command of CUPS is not installed. "
                                  f"The letter is saved at {tmp_path / 'letter.txt'}.")


# -- the command ---------------------------------------------------------------------------------


def test_the_letter_command_writes_the_letter_and_says_where(store, priya, fake_lp):
    warning = actions.issue_warning(store, priya.id, WarningLevel.FINAL, "Gross misconduct")
    (store.folder.parent / "config" / "backoffice").mkdir(parents=True)
    (store.folder.parent / "config" / "backoffice" / "settings.toml").write_text(f'office = "{OFFICE}"\n')
    done = backoffice(store.folder, "letter", "warning", str(warning.id), "--print")
    letters = store.home("people") / "letters"
    [written] = list(letters.iterdir())
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (f"Warning letter to Priya Shah saved to {written}\nsent to the printer: request id is office-7 (1 file(s))\n")
    assert "Gross misconduct" in written.read_text() and fake_lp.read_text() == written.read_text()


def test_the_letter_command_writes_nothing_while_a_field_is_unfilled_or_the_id_is_wrong(store, priya):
    warning = actions.issue_warning(store, priya.id, WarningLevel.FINAL, "Gross misconduct")
    done = backoffice(store.folder, "letter", "warning", str(warning.id))  # no office name in the settings
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "backoffice: Nothing fills {office} in the warning letter to Priya Shah: set office = \"Your office's name\" in the settings file.",
        "backoffice: nothing was written",
    ]
    wrong = backoffice(store.folder, "letter", "termination", str(warning.id))
    assert (wrong.returncode, wrong.stderr) == (2, f"backoffice: Staff event #{warning.id} is a warning, not a termination.\n")
    assert not (store.home("people") / "letters").exists()
