"""Staff after hiring: employees, trainings, warnings (progressive discipline), termination.

Every record here lives in people.json, which only HR may read. Rules are pure functions
of the records and ``today``; the functions at the bottom run them on stored records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from data.engine.collections import Collection
from data.engine.errors import FieldError, RuleError
from data.phone import normalise_number
from data.engine.record import Lines, Record


def check_email(value: str) -> str:
    if value and ("@" not in value or value.startswith("@") or value.endswith("@") or " " in value):
        raise ValueError("an e-mail address looks like name@example.com")
    return value


class EmploymentStatus(StrEnum):
    ACTIVE = "active"
    LEFT = "left"


class Employee(Record):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")
    phone: str = Field(default="", max_length=40)
    role: str = Field(default="", max_length=200)
    department: str = Field(default="", max_length=200)
    start_date: date
    manager: str = Field(default="", max_length=200)
    status: EmploymentStatus = EmploymentStatus.ACTIVE
    left_on: date | None = Field(default=None, title="Left on")
    left_reason: Lines = Field(default="", max_length=2000, title="Reason for leaving")
    candidate_id: int | None = None

    form_fields = ("name", "email", "phone", "role", "department", "start_date", "manager")

    _phone = field_validator("phone", mode="before")(lambda cls, v: normalise_number(v or ""))
    _email = field_validator("email")(lambda cls, v: check_email(v))

    def label(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == EmploymentStatus.ACTIVE


def active_employees(employees: Iterable[Employee]) -> list[Employee]:
    return sorted((e for e in employees if e.is_active), key=lambda e: e.name.casefold())


class EventKind(StrEnum):
    TRAINING = "training"
    WARNING = "warning"
    TERMINATION = "termination"


class WarningLevel(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    FINAL = "final"


LEVELS = list(WarningLevel)

# How long a warning stays on file unless the person issuing it says otherwise.
WARNING_MONTHS = {WarningLevel.VERBAL: 6, WarningLevel.WRITTEN: 12, WarningLevel.FINAL: 12}


class StaffEvent(Record):
    """One line of an employee's file; which fields matter depends on ``kind``."""

    employee_id: int
    kind: EventKind
    on: date = Field(title="Date")
    course: str = Field(default="", max_length=200, validate_default=True)
    completed: bool = False
    valid_until: date | None = Field(default=None, title="Valid until")
    level: WarningLevel | None = Field(default=None, validate_default=True)
    reason: Lines = Field(default="", max_length=2000, validate_default=True)
    issued_by: str = Field(default="", max_length=200)
    expires_after_months: int | None = Field(default=None, ge=1, le=60, title="Expires after (months)")
    notes: Lines = Field(default="", max_length=5000)

    @field_validator("course")
    @classmethod
    def _course(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == EventKind.TRAINING and not value:
            raise ValueError("a training needs the name of its course")
        return value

    @field_validator("valid_until")
    @classmethod
    def _valid_until(cls, value: date | None, info: ValidationInfo) -> date | None:
        taken = info.data.get("on")
        if value is not None and taken is not None and value < taken:
            raise ValueError("a training cannot stop being valid before it took place")
        return value

    @field_validator("level")
    @classmethod
    def _level(cls, value: WarningLevel | None, info: ValidationInfo) -> WarningLevel | None:
        if info.data.get("kind") == EventKind.WARNING and value is None:
            raise ValueError("a warning needs its level: verbal, written or final")
        return value

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind in (EventKind.WARNING, EventKind.TERMINATION) and not value:
            raise ValueError(f"a {kind.value} needs its reason")
        return value


# -- rules ------------------------------------------------------------------------------


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


def leave(employee: Employee, on: date, reason: str) -> None:
    if not employee.is_active:
        raise RuleError(f"{left_words(employee)}; the employment has already ended.")
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


# -- on stored records -----------------------------------------------------------------


def check_employees_exist(repo, records: list[StaffEvent]) -> None:
    employees = {e.id for e in repo.store.repo("employees").list()}
    for event in records:
        if event.employee_id not in employees:
            raise FieldError("employee_id", f"Employee #{event.employee_id} does not exist.")


def events_of(store, employee_id: int) -> list[StaffEvent]:
    return sorted(store.repo("staff_events").find(employee_id=employee_id), key=lambda e: (e.on, e.id))


def employee_timeline(store, employee_id: int, today: date) -> list[TimelineEntry]:
    return timeline(store.repo("employees").get(employee_id), events_of(store, employee_id), today)


def suggested_warning_level(store, employee_id: int, today: date) -> WarningLevel:
    return next_warning_level(events_of(store, employee_id), today)


def terminate(store, employee_id: int, on: date, reason: str, notes: str = "") -> Employee:
    """The employee leaves the active list; their record and file stay."""
    with store.transaction("people"):
        employee = store.repo("employees").update(employee_id, lambda e: leave(e, on, reason))
        store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.TERMINATION, on=on, reason=reason.strip(), notes=notes, issued_by=store.user,
        ))
        return employee


def issue_warning(store, employee_id: int, level: WarningLevel, reason: str, on: date | None = None,
                  months: int | None = None, issued_by: str = "") -> StaffEvent:
    if not reason.strip():
        raise FieldError("reason", "Say what the warning is for.")
    with store.transaction("people"):
        check_still_employed(store.repo("employees").get(employee_id), "warning")
        return store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.WARNING, on=on or store.today(), level=level,
            reason=reason.strip(), issued_by=issued_by or store.user, expires_after_months=months or WARNING_MONTHS[level],
        ))


def add_training(store, employee_id: int, course: str, on: date, completed: bool = True,
                 valid_until: date | None = None, notes: str = "") -> StaffEvent:
    if not course.strip():
        raise FieldError("course", "Say which course it was.")
    with store.transaction("people"):
        check_still_employed(store.repo("employees").get(employee_id), "training")
        return store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.TRAINING, on=on, course=course.strip(), completed=completed,
            valid_until=valid_until, notes=notes, issued_by=store.user,
        ))


COLLECTIONS = [
    Collection("employees", Employee, "people", "employee", columns=("name", "role", "department", "start_date", "manager", "status")),
    Collection("staff_events", StaffEvent, "people", "staff event", columns=("employee_id", "kind", "on", "course", "level", "reason"),
               check=check_employees_exist),
]
