"""Staff rules: warnings that expire, progressive discipline, the timeline, termination."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from data.engine.errors import FieldError, RuleError
from data.staff.actions import add_training, issue_warning, terminate
from data.staff.models import Employee, EmploymentStatus, EventKind, StaffEvent, WarningLevel
from data.staff.rules import (
    Mark,
    TimelineKind,
    active_employees,
    add_months,
    is_active_warning,
    next_warning_level,
    timeline,
)
from data.staff.views import employee_timeline, staff_view, suggested_warning_level

START = date(2024, 5, 1)


@pytest.fixture
def sofia(store):
    return store.repo("employees").add(Employee(name="Sofia Rossi", role="Warehouse Operative", start_date=START))


def warning(level: WarningLevel, on: date, months: int | None = 6) -> StaffEvent:
    return StaffEvent(employee_id=1, kind=EventKind.WARNING, on=on, level=level, reason="Late", expires_after_months=months)


# -- warnings ---------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_a_warning_is_active_until_it_expires_after_its_months():
    verbal = warning(WarningLevel.VERBAL, date(2026, 1, 15), months=6)
    assert not is_active_warning(verbal, date(2026, 1, 14))
    assert is_active_warning(verbal, date(2026, 1, 15))
    assert is_active_warning(verbal, date(2026, 7, 14))
    assert not is_active_warning(verbal, date(2026, 7, 15))


def test_a_warning_without_expiry_stays_active():
    assert is_active_warning(warning(WarningLevel.FINAL, date(2020, 1, 1), months=None), date(2030, 1, 1))


@pytest.mark.parametrize(
    ("levels", "suggested"),
    [
        ([], WarningLevel.VERBAL),
        ([WarningLevel.VERBAL], WarningLevel.WRITTEN),
        ([WarningLevel.VERBAL, WarningLevel.WRITTEN], WarningLevel.FINAL),
        ([WarningLevel.WRITTEN], WarningLevel.FINAL),
        ([WarningLevel.FINAL], WarningLevel.FINAL),
    ],
)
def test_the_next_warning_is_one_level_above_the_highest_active_one(levels, suggested):
    today = date(2026, 3, 10)
    events = [warning(level, today - timedelta(days=10)) for level in levels]
    assert next_warning_level(events, today) == suggested


def test_expired_warnings_do_not_count_towards_the_next_level():
    today = date(2026, 3, 10)
    expired_final = warning(WarningLevel.FINAL, date(2024, 1, 1), months=12)
    active_verbal = warning(WarningLevel.VERBAL, date(2026, 2, 1))
    assert next_warning_level([expired_final], today) == WarningLevel.VERBAL
    assert next_warning_level([expired_final, active_verbal], today) == WarningLevel.WRITTEN


def test_the_suggestion_steps_back_down_as_the_clock_passes_the_expiry(store, sofia, clock):
    clock.now = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    issue_warning(store, sofia.id, WarningLevel.VERBAL, "Late three times in two weeks")
    issue_warning(store, sofia.id, WarningLevel.WRITTEN, "Late again", months=3)
    assert suggested_warning_level(store, sofia.id, clock.now.date()) == WarningLevel.FINAL
    clock.now = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)  # the written one (3 months) has expired, the verbal (6) has not
    assert suggested_warning_level(store, sofia.id, clock.now.date()) == WarningLevel.WRITTEN
    clock.now = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)
    assert suggested_warning_level(store, sofia.id, clock.now.date()) == WarningLevel.VERBAL


def test_issuing_a_warning_takes_todays_date_the_user_and_the_levels_usual_months(store, sofia, clock):
    verbal = issue_warning(store, sofia.id, WarningLevel.VERBAL, "  Late  ")
    written = issue_warning(store, sofia.id, WarningLevel.WRITTEN, "Late again", issued_by="Dan Whitfield")
    assert (verbal.on, verbal.issued_by, verbal.reason, verbal.expires_after_months) == (clock.now.date(), "tester", "Late", 6)
    assert (written.issued_by, written.expires_after_months) == ("Dan Whitfield", 12)


def test_a_warning_needs_a_reason(store, sofia):
    with pytest.raises(FieldError) as refused:
        issue_warning(store, sofia.id, WarningLevel.VERBAL, " ")
    assert refused.value.field == "reason"
    assert store.repo("staff_events").count() == 0


def test_each_kind_of_event_names_the_field_it_misses():
    with pytest.raises(ValidationError) as training:
        StaffEvent(employee_id=1, kind=EventKind.TRAINING, on=START)
    assert training.value.errors()[0]["loc"] == ("course",)
    with pytest.raises(ValidationError) as warned:
        StaffEvent(employee_id=1, kind=EventKind.WARNING, on=START, reason="Late")
    assert warned.value.errors()[0]["loc"] == ("level",)
    with pytest.raises(ValidationError) as ended:
        StaffEvent(employee_id=1, kind=EventKind.TERMINATION, on=START)
    assert ended.value.errors()[0]["loc"] == ("reason",)


def test_an_event_for_an_employee_that_does_not_exist_is_refused(store, sofia):
    with pytest.raises(FieldError, match=f"Employee #{sofia.id + 1} does not exist"):
        store.repo("staff_events").add(warning(WarningLevel.VERBAL, START).model_copy(update={"employee_id": sofia.id + 1}))
    assert store.repo("staff_events").count() == 0


# -- timeline ---------------------------------------------------------------------------


def test_the_timeline_is_in_date_order_and_marks_expired_trainings_and_active_warnings(store, sofia, clock):
    today = date(2026, 3, 10)
    add_training(store, sofia.id, "Manual handling", date(2026, 1, 5), valid_until=date(2029, 1, 5))
    add_training(store, sofia.id, "Fire safety", date(2024, 6, 1), valid_until=date(2025, 6, 1))
    issue_warning(store, sofia.id, WarningLevel.VERBAL, "Late", on=date(2026, 2, 1))
    issue_warning(store, sofia.id, WarningLevel.VERBAL, "Phone at the till", on=date(2024, 9, 1))
    add_training(store, sofia.id, "Forklift", date(2026, 3, 1), completed=False)

    entries = employee_timeline(store, sofia.id, today)
    assert [(e.on, e.kind, e.mark) for e in entries] == [
        (START, TimelineKind.HIRE, Mark.NONE),
        (date(2024, 6, 1), TimelineKind.TRAINING, Mark.EXPIRED),
        (date(2024, 9, 1), TimelineKind.WARNING, Mark.EXPIRED),
        (date(2026, 1, 5), TimelineKind.TRAINING, Mark.NONE),
        (date(2026, 2, 1), TimelineKind.WARNING, Mark.ACTIVE),
        (date(2026, 3, 1), TimelineKind.TRAINING, Mark.NOT_COMPLETED),
    ]
    assert entries[0].text == "Started as Warehouse Operative"
    assert entries[4].text == "Verbal warning: Late (until 01 Aug 2026)"


def test_the_hire_comes_first_when_something_happens_on_the_start_date():
    employee = Employee(id=1, name="Ann", start_date=START)
    induction = StaffEvent(id=9, employee_id=1, kind=EventKind.TRAINING, on=START, course="Induction", completed=True)
    assert [e.kind for e in timeline(employee, [induction], START)] == [TimelineKind.HIRE, TimelineKind.TRAINING]


# -- termination -------------------------------------------------------------------------


def test_termination_ends_the_employment_but_keeps_the_record(store, sofia):
    ann = store.repo("employees").add(Employee(name="Ann Murphy", start_date=START))
    terminate(store, sofia.id, date(2026, 3, 31), "Resigned: moving away", notes="Keys returned")

    left = store.repo("employees").get(sofia.id)
    assert (left.status, left.left_on, left.left_reason) == (EmploymentStatus.LEFT, date(2026, 3, 31), "Resigned: moving away")
    assert [e.name for e in active_employees(store.repo("employees").list(), date(2026, 4, 1))] == [ann.name]
    last = employee_timeline(store, sofia.id, date(2026, 4, 1))[-1]
    assert (last.kind, last.on, last.text) == (TimelineKind.TERMINATION, date(2026, 3, 31), "Left: Resigned: moving away")


def test_a_leaving_date_to_come_keeps_the_employee_on_the_list_until_that_day(store, clock, sofia):
    terminate(store, sofia.id, date(2026, 12, 31), "Resigned: moving away")
    employees = store.repo("employees").list()
    assert [e.name for e in active_employees(employees, store.today())] == [sofia.name]
    assert staff_view(store).shown(with_leavers=False)[0].name == sofia.name
    assert [e.name for e in active_employees(employees, date(2026, 12, 31))] == [sofia.name], "the last day is a working day"
    clock.now = clock.now.replace(year=2027, month=1, day=1)
    assert staff_view(store).shown(with_leavers=False) == []
    assert [e.name for e in staff_view(store).shown(with_leavers=True)] == [sofia.name]


def test_termination_needs_a_reason_and_a_date_after_the_start(store, sofia):
    with pytest.raises(FieldError) as no_reason:
        terminate(store, sofia.id, date(2026, 3, 31), "")
    assert no_reason.value.field == "reason"
    with pytest.raises(FieldError) as too_early:
        terminate(store, sofia.id, START - timedelta(days=1), "Gross misconduct")
    assert too_early.value.field == "on"
    assert store.repo("employees").get(sofia.id).status == EmploymentStatus.ACTIVE
    assert store.repo("staff_events").count() == 0


def test_a_leaver_cannot_be_terminated_warned_or_trained_again(store, sofia):
    terminate(store, sofia.id, date(2026, 3, 31), "Resigned")
    with pytest.raises(RuleError, match="Sofia Rossi left on 31 Mar 2026"):
        terminate(store, sofia.id, date(2026, 4, 30), "Resigned")
    with pytest.raises(RuleError, match="no warning can be added"):
        issue_warning(store, sofia.id, WarningLevel.VERBAL, "Late")
    with pytest.raises(RuleError, match="no training can be added"):
        add_training(store, sofia.id, "First aid", date(2026, 4, 2))
    assert store.repo("staff_events").count() == 1
