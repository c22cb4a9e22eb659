"""Staff after hiring: trainings, warnings (progressive discipline), termination."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from data.collections import Collection
from data.errors import FieldError, RuleError
from data.phone import normalise_number
from data.record import Record


class Employee(Record):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")
    phone: str = Field(default="", max_length=40)
    role: str = Field(default="", max_length=200)
    department: str = Field(default="", max_length=200)
    start_date: date
    manager: str = Field(default="", max_length=200)
    active: bool = True
    left_on: date | None = None
    candidate_id: int | None = None

    form_fields = ("name", "email", "phone", "role", "department", "start_date", "manager")

    _phone = field_validator("phone", mode="before")(lambda cls, v: normalise_number(v or ""))

    def label(self) -> str:
        return self.name


class EventKind(StrEnum):
    TRAINING = "training"
    WARNING = "warning"
    TERMINATION = "termination"


class WarningLevel(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    FINAL = "final"


LEVELS = list(WarningLevel)


class StaffEvent(Record):
    employee_id: int
    kind: EventKind
    on: date = Field(title="Date")
    course: str = Field(default="", max_length=200)
    completed: bool = False
    valid_until: date | None = None
    level: WarningLevel | None = None
    reason: str = Field(default="", max_length=2000)
    issued_by: str = Field(default="", max_length=200)
    expires_after_months: int | None = Field(default=None, ge=1, le=60)
    notes: str = Field(default="", max_length=5000)

    @model_validator(mode="after")
    def _what_each_kind_needs(self) -> StaffEvent:
        if self.kind == EventKind.TRAINING and not self.course:
            raise ValueError("a training needs the course")
        if self.kind == EventKind.WARNING and (self.level is None or not self.reason):
            raise ValueError("a warning needs its level and reason")
        if self.kind == EventKind.TERMINATION and not self.reason:
            raise ValueError("a termination needs its reason")
        return self


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def warning_expires(event: StaffEvent) -> date | None:
    return add_months(event.on, event.expires_after_months) if event.expires_after_months else None


def is_active_warning(event: StaffEvent, today: date) -> bool:
    expires = warning_expires(event)
    return event.kind == EventKind.WARNING and event.on <= today and (expires is None or today < expires)


def next_warning_level(events: Iterable[StaffEvent], today: date) -> WarningLevel:
    """One step above the highest active warning; final stays final."""
    active = [LEVELS.index(e.level) for e in events if is_active_warning(e, today) and e.level]
    return LEVELS[min(max(active) + 1, len(LEVELS) - 1)] if active else WarningLevel.VERBAL


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str
    text: str
    mark: str  # "expired", "active", "" …


def timeline(employee: Employee, events: Iterable[StaffEvent], today: date) -> list[TimelineEntry]:
    entries = [TimelineEntry(employee.start_date, "hire", f"Started as {employee.role or 'staff'}", "")]
    for e in events:
        if e.kind == EventKind.TRAINING:
            expired = e.valid_until is not None and e.valid_until < today
            mark = "expired" if expired else ("" if e.completed else "not completed")
            until = f", valid until {e.valid_until:%d %b %Y}" if e.valid_until else ""
            entries.append(TimelineEntry(e.on, "training", f"Training: {e.course}{until}", mark))
        elif e.kind == EventKind.WARNING:
            expires = warning_expires(e)
            mark = "active" if is_active_warning(e, today) else "expired"
            until = f" (until {expires:%d %b %Y})" if expires else ""
            entries.append(TimelineEntry(e.on, "warning", f"{e.level.value.capitalize()} warning: {e.reason}{until}", mark))
        else:
            entries.append(TimelineEntry(e.on, "termination", f"Left: {e.reason}", ""))
    return sorted(entries, key=lambda t: t.on)


def terminate(store, employee_id: int, on: date, reason: str, notes: str = "") -> Employee:
    if not reason.strip():
        raise FieldError("reason", "Say why the employment ends.")
    with store.transaction("people"):
        employee = store.repo("employees").get(employee_id)
        if not employee.active:
            raise RuleError(f"{employee.name} already left on {employee.left_on:%d %b %Y}.")
        store.repo("staff_events").add(StaffEvent(employee_id=employee_id, kind=EventKind.TERMINATION, on=on, reason=reason, notes=notes, issued_by=store.user))

        def leave(e: Employee) -> None:
            e.active = False
            e.left_on = on

        return store.repo("employees").update(employee_id, leave)


def issue_warning(store, employee_id: int, on: date, level: WarningLevel, reason: str, months: int = 12) -> StaffEvent:
    if not reason.strip():
        raise FieldError("reason", "Say what the warning is for.")
    return store.repo("staff_events").add(StaffEvent(
        employee_id=employee_id, kind=EventKind.WARNING, on=on, level=level, reason=reason,
        issued_by=store.user, expires_after_months=months,
    ))


COLLECTIONS = [
    Collection("employees", Employee, "people", "employee", columns=("name", "role", "department", "start_date", "manager", "active")),
    Collection("staff_events", StaffEvent, "people", "staff event", columns=("employee_id", "kind", "on", "course", "level", "reason")),
]
