"""What may happen in an employee's file, and how it reads: pure functions of the records
and ``today``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from data.engine.errors import FieldError, RuleError
from data.engine.states import Moves
from data.staff.models import LEVELS, Employee, EmploymentStatus, EventKind, StaffEvent, WarningLevel


def active_employees(employees: Iterable[Employee]) -> list[Employee]:
    return sorted((e for e in employees if e.is_active), key=lambda e: e.name.casefold())


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def warning_expires(event: StaffEvent) -> date | None:
    """The first day the warning no longer counts; None when it never expires."""
    return add_months(event.on, event.expires_after_months) if event.expires_after_months else None


def is_active_warning(event: StaffEvent, today: date) -> bool:
    expires = warning_expires(event)
    return event.kind == EventKind.WARNING and event.on <= today and (expires is None or today < expires)


def active_warnings(events: Iterable[StaffEvent], today: date) -> list[StaffEvent]:
    return sorted((e for e in events if is_active_warning(e, today)), key=lambda e: e.on)


def next_warning_level(events: Iterable[StaffEvent], today: date) -> WarningLevel:
    """One step above the highest active warning (verbal → written → final); final stays final."""
    active = [LEVELS.index(e.level) for e in active_warnings(events, today) if e.level]
    return LEVELS[min(max(active) + 1, len(LEVELS) - 1)] if active else WarningLevel.VERBAL


def training_expired(event: StaffEvent, today: date) -> bool:
    return event.kind == EventKind.TRAINING and event.valid_until is not None and event.valid_until < today


class TimelineKind(StrEnum):
    HIRE = "hire"
    TRAINING = "training"
    WARNING = "warning"
    TERMINATION = "termination"


class Mark(StrEnum):
    NONE = ""
    ACTIVE = "active"
    EXPIRED = "expired"
    NOT_COMPLETED = "not completed"


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: TimelineKind
    text: str
    mark: Mark = Mark.NONE
    event_id: int | None = None  # None for the hire, which is the employee record itself


def timeline_entry(event: StaffEvent, today: date) -> TimelineEntry:
    if event.kind == EventKind.TRAINING:
        until = f", valid until {event.valid_until:%d %b %Y}" if event.valid_until else ""
        if training_expired(event, today):
            mark = Mark.EXPIRED
        else:
            mark = Mark.NONE if event.completed else Mark.NOT_COMPLETED
        return TimelineEntry(event.on, TimelineKind.TRAINING, f"Training: {event.course}{until}", mark, event.id)
    if event.kind == EventKind.WARNING:
        expires = warning_expires(event)
        until = f" (until {expires:%d %b %Y})" if expires else ""
        mark = Mark.ACTIVE if is_active_warning(event, today) else Mark.EXPIRED
        text = f"{event.level.value.capitalize()} warning: {event.reason}{until}"  # type: ignore[union-attr]
        return TimelineEntry(event.on, TimelineKind.WARNING, text, mark, event.id)
    return TimelineEntry(event.on, TimelineKind.TERMINATION, f"Left: {event.reason}", Mark.NONE, event.id)


def timeline(employee: Employee, events: Iterable[StaffEvent], today: date) -> list[TimelineEntry]:
    """The employee's file in date order: hire first, then trainings, warnings, termination."""
    hire = TimelineEntry(employee.start_date, TimelineKind.HIRE, f"Started as {employee.role or 'staff'}")
    ordered = sorted(events, key=lambda e: (e.on, e.id or 0))
    # sorted() is stable: on the start date itself the hire stays first.
    return sorted([hire, *(timeline_entry(e, today) for e in ordered)], key=lambda t: t.on)


def left_words(employee: Employee) -> str:
    return f"{employee.name} left on {employee.left_on:%d %b %Y}" if employee.left_on else f"{employee.name} has left"


EMPLOYMENT_MOVES = Moves({
    EmploymentStatus.ACTIVE: frozenset({EmploymentStatus.LEFT}),
    EmploymentStatus.LEFT: frozenset(),
}, lambda employee, to: f"{left_words(employee)}; the employment has already ended.")


def leave(employee: Employee, on: date, reason: str) -> None:
    EMPLOYMENT_MOVES.check(employee, EmploymentStatus.LEFT)
    if not reason.strip():
        raise FieldError("reason", "Say why the employment ends.")
    if on < employee.start_date:
        raise FieldError("on", f"{employee.name} started on {employee.start_date:%d %b %Y}; the leaving date cannot be earlier.")
    employee.status = EmploymentStatus.LEFT
    employee.left_on = on
    employee.left_reason = reason.strip()


def check_still_employed(employee: Employee, what: str) -> None:
    if not employee.is_active:
        raise RuleError(f"{left_words(employee)}; no {what} can be added.")
