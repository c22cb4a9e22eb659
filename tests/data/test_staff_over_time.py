"""An employee's file over the years: renewals, dates within the employment, corrections with
their reasons, probation and trainings on the agenda, the onboarding checklist."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from data.agenda import agenda_text, build_agenda
from data.candidates import actions as hiring
from data.candidates.models import Candidate, Position, Stage
from data.engine import audit
from data.engine.errors import ConflictError, FieldError, RuleError
from data.staff import actions
from data.staff.models import Employee, EmploymentStatus, EventKind, StaffEvent, WarningLevel
from data.staff.rules import Mark, TimelineKind, current_trainings, expired_trainings, next_warning_level, renewal_of
from data.staff.templates import Template, save_template
from data.staff.views import employee_timeline, events_of
from tests.conftest import NOW

START = date(2024, 5, 1)
TODAY = date(2026, 3, 10)  # the clock's day


@pytest.fixture
def sofia(store):
    return actions.add_employee(store, Employee(name="Sofia Rossi", role="Warehouse Operative", start_date=START))


def marks(store, employee_id):
    return [(e.kind, e.mark) for e in employee_timeline(store, employee_id, TODAY)]


# -- renewals ---------------------------------------------------------------------------------


def test_a_renewed_training_no_longer_counts_as_expired(store, sofia):
    old = actions.add_training(store, sofia.id, "Fire safety", date(2024, 6, 1), valid_until=date(2025, 6, 1))
    assert expired_trainings(events_of(store, sofia.id), TODAY) == [old]
    actions.add_training(store, sofia.id, "fire safety ", date(2026, 3, 1), valid_until=date(2027, 3, 1))
    assert expired_trainings(events_of(store, sofia.id), TODAY) == []
    assert marks(store, sofia.id)[1:] == [(TimelineKind.TRAINING, Mark.RENEWED), (TimelineKind.TRAINING, Mark.NONE)]


def test_a_training_not_completed_does_not_renew_the_expired_one(store, sofia):
    actions.add_training(store, sofia.id, "Fire safety", date(2024, 6, 1), valid_until=date(2025, 6, 1))
    actions.add_training(store, sofia.id, "Fire safety", date(2026, 3, 20), completed=False)
    assert [e.course for e in expired_trainings(events_of(store, sofia.id), TODAY)] == ["Fire safety"]


def test_the_current_trainings_are_those_no_renewal_took_the_place_of_in_any_file():
    """current_trainings takes one pass; renewal_of states the rule, one training at a time."""
    shuffled = random.Random(18)
    for _ in range(300):
        events = []
        for number in range(shuffled.randint(0, 9)):
            event = StaffEvent(employee_id=1, kind=EventKind.TRAINING, course=shuffled.choice(["Fire", "fire ", "Forklift"]),
                               on=date(2024, 1, shuffled.randint(1, 3)), completed=shuffled.random() < 0.7)
            event.id = shuffled.choice([None, number + 1, 1])  # unsaved ones, and ids shared by mistake
            if shuffled.random() < 0.15:
                event.void_reason, event.voided_by, event.voided_at = "typed twice", "hr", NOW
            events.append(event)
        by_the_rule = [e for e in events if not e.is_void and renewal_of(e, events) is None]
        assert current_trainings(events) == by_the_rule


# -- dates within the employment ----------------------------------------------------------------


def test_nothing_is_dated_before_the_start_date_and_the_refusal_names_the_field_and_dates(store, sofia):
    with pytest.raises(FieldError) as warned:
        actions.issue_warning(store, sofia.id, WarningLevel.VERBAL, "Late", on=date(2024, 4, 2))
    assert warned.value.field == "on"
    assert str(warned.value) == "The date 02 Apr 2024 is before Sofia Rossi started, on 01 May 2024."
    with pytest.raises(FieldError, match="before Sofia Rossi started"):
        actions.add_training(store, sofia.id, "Forklift", date(2023, 1, 1))
    early = StaffEvent(employee_id=sofia.id, kind=EventKind.WARNING, on=date(2024, 1, 1), level=WarningLevel.VERBAL, reason="Late")
    with pytest.raises(FieldError, match="before Sofia Rossi started"):
        actions.add_event(store, early)  # as `add` and `import` do
    assert store.repo("staff_events").count() == 0


def test_the_employment_cannot_end_before_what_its_file_already_holds(store, sofia):
    actions.issue_warning(store, sofia.id, WarningLevel.VERBAL, "Late", on=date(2026, 3, 1))
    with pytest.raises(FieldError) as ended:
        actions.terminate(store, sofia.id, date(2026, 2, 1), "Resigned")
    assert (ended.value.field, str(ended.value)) == ("on", "Sofia Rossi's file has a warning on 01 Mar 2026, after "
                                                           "01 Feb 2026: the leaving date cannot be earlier than it.")
    assert store.repo("employees").get(sofia.id).is_active


# -- corrections ---------------------------------------------------------------------------------


def test_a_wrong_warning_is_voided_with_who_when_and_why_and_counts_no_more(store, sofia):
    verbal = actions.issue_warning(store, sofia.id, WarningLevel.VERBAL, "Late", on=date(2026, 3, 1))
    assert next_warning_level(events_of(store, sofia.id), TODAY) == WarningLevel.WRITTEN
    with pytest.raises(FieldError):
        actions.void_event(store, verbal.id, "  ")
    voided = actions.void_event(store, verbal.id, "It was Sara, not Sofia")
    assert (voided.void_reason, voided.voided_by, voided.voided_at.date()) == ("It was Sara, not Sofia", "tester", TODAY)
    assert next_warning_level(events_of(store, sofia.id), TODAY) == WarningLevel.VERBAL
    [entry] = [e for e in employee_timeline(store, sofia.id, TODAY) if e.kind == TimelineKind.WARNING]
    assert (entry.mark, entry.void) == (Mark.VOID, "void: It was Sara, not Sofia (tester, 10 Mar 2026)")
    with pytest.raises(RuleError, match="already voided by tester"):
        actions.void_event(store, verbal.id, "again")


def test_a_termination_recorded_by_mistake_is_voided_and_the_employee_is_back(store, sofia):
    actions.terminate(store, sofia.id, date(2026, 3, 31), "Resigned")
    [ended] = store.repo("staff_events").find(kind=EventKind.TERMINATION)
    actions.void_event(store, ended.id, "She withdrew her resignation")
    back = store.repo("employees").get(sofia.id)
    assert (back.status, back.left_on, back.left_reason) == (EmploymentStatus.ACTIVE, None, "")
    actions.add_training(store, sofia.id, "First aid", TODAY)  # her file goes on


def test_a_correction_voids_the_wrong_entry_and_adds_the_right_one(store, sofia):
    wrong = actions.add_training(store, sofia.id, "First aid", date(2026, 3, 1), valid_until=date(2026, 3, 2))
    right = wrong.model_copy(update={"valid_until": date(2029, 3, 1)})
    with pytest.raises(FieldError, match="before Sofia Rossi started"):
        actions.correct_event(store, wrong.id, right.model_copy(update={"on": date(2020, 1, 1)}), "typo in the year")
    assert not store.repo("staff_events").get(wrong.id).is_void  # refused: nothing changed
    added = actions.correct_event(store, wrong.id, right, "valid three years, not one day")
    assert store.repo("staff_events").get(wrong.id).void_reason == "corrected: valid three years, not one day"
    assert (added.id != wrong.id, added.valid_until, added.course) == (True, date(2029, 3, 1), "First aid")


def test_the_employees_details_are_corrected_with_the_reason_kept_and_audited(store, sofia):
    edited = sofia.model_copy(update={"role": "Warehouse Supervisor"})
    with pytest.raises(FieldError):
        actions.correct_employee(store, edited, ["role"], "")
    saved = actions.correct_employee(store, edited, ["role"], "Promoted in January; never recorded")
    [correction] = saved.corrections
    assert (correction.by, correction.reason, correction.changes) == (
        "tester", "Promoted in January; never recorded", ["role: Warehouse Operative → Warehouse Supervisor"])
    last = employee_timeline(store, sofia.id, TODAY)[-1]
    assert (last.kind, last.on, last.text, last.notes) == (TimelineKind.CORRECTION, TODAY,
                                                           "Details corrected: role: Warehouse Operative → Warehouse Supervisor",
                                                           "Promoted in January; never recorded")
    logged = audit.read(store.audit_file("people"))[-1]
    assert (logged["id"], logged["action"], sorted(logged["changed"])) == (sofia.id, "save", ["corrections", "role"])
    with pytest.raises(ConflictError):  # a colleague's save meanwhile is not overwritten silently
        actions.correct_employee(store, edited.model_copy(update={"department": "Stores"}), ["department"], "renamed")


def test_a_start_date_cannot_move_past_what_the_file_holds(store, sofia):
    actions.add_training(store, sofia.id, "Induction", START)
    later = sofia.model_copy(update={"start_date": START + timedelta(days=1)})
    with pytest.raises(FieldError) as refused:
        actions.correct_employee(store, later, ["start_date"], "typed the wrong day")
    assert refused.value.field == "start_date"
    assert "The training of 01 May 2024" in str(refused.value)


# -- onboarding and probation ------------------------------------------------------------------


def test_a_new_employee_gets_the_offices_checklist_and_six_months_probation(store, sofia):
    assert sofia.probation_until == date(2024, 11, 1)
    assert sofia.onboarding[0].text == "Contract signed and filed" and len(sofia.open_onboarding) == len(sofia.onboarding)
    save_template(store, Template.ONBOARDING, "# ours\nLocker key\n\n  Uniform  \n")
    tom = actions.add_employee(store, Employee(name="Tom", start_date=TODAY, probation_until=date(2026, 6, 10)))
    assert ([i.text for i in tom.onboarding], tom.probation_until) == (["Locker key", "Uniform"], date(2026, 6, 10))
    assert [i.text for i in store.repo("employees").get(sofia.id).onboarding][0] == "Contract signed and filed"  # hers stays


def test_hiring_a_candidate_copies_the_checklist_too(store):
    position = store.repo("positions").add(Position(title="Driver"))
    store.repo("candidates").add(Candidate(name="Ann", position_id=position.id, stage=Stage.OFFER))
    employee = hiring.hire(store, 1, TODAY)
    assert employee.onboarding and employee.probation_until == date(2026, 9, 10)


def test_ticking_an_item_says_who_and_when_and_can_be_undone(store, sofia):
    ticked = actions.tick(store, sofia.id, 1)
    assert (ticked.onboarding[1].done_on, ticked.onboarding[1].done_by) == (TODAY, "tester")
    assert len(ticked.open_onboarding) == len(ticked.onboarding) - 1
    assert actions.tick(store, sofia.id, 1, done=False).onboarding[1].done_on is None
    with pytest.raises(RuleError, match="no item 99"):
        actions.tick(store, sofia.id, 98)


def test_probations_ending_and_trainings_running_out_are_on_the_agenda(store, clock):
    actions.add_employee(store, Employee(name="Nina", role="Clerk", start_date=date(2025, 9, 20)))  # ends 20 Mar
    actions.add_employee(store, Employee(name="Old Hand", start_date=date(2020, 1, 1)))
    owen = actions.add_employee(store, Employee(name="Owen", start_date=date(2020, 1, 1)))
    actions.add_training(store, owen.id, "Fire safety", date(2024, 1, 1), valid_until=date(2026, 3, 1))
    actions.add_training(store, owen.id, "First aid", date(2024, 1, 1), valid_until=date(2026, 4, 1))
    actions.add_training(store, owen.id, "GDPR", date(2024, 1, 1), valid_until=date(2027, 1, 1))
    groups = {g.key: g for g in build_agenda(store)}
    probation, trainings = groups["probation_ending"], groups["trainings_expiring"]
    assert [(e.text, e.urgent) for e in probation.entries] == [("Nina (Clerk) — probation ends 20 Mar, in 10 days", False)]
    assert [(e.text, e.urgent) for e in trainings.entries] == [
        ("Owen — Fire safety ran out 01 Mar 2026", True), ("Owen — First aid runs out 01 Apr 2026", False)]
    actions.add_training(store, owen.id, "Fire safety", date(2026, 3, 9), valid_until=date(2029, 3, 9))  # renewed
    text = agenda_text(store)
    assert "Trainings expired or expiring: 1\n  - Owen — First aid runs out 01 Apr 2026" in text
    assert "Probation ending: 1\n  - Nina" in text
