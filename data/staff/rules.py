"""What may happen in an employee's file, and how it reads: pure functions of the records
and ``today``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from data.engine.clock import local, office_day
from data.engine.errors import FieldError, RuleError
from data.engine.states import Moves
from data.staff.models import LEVELS, Correction, Employee, EmploymentStatus, EventKind, StaffEvent, WarningLevel


def is_employed(employee: Employee, today: date) -> bool:
    """Still working here: a leaving date still to come keeps the person on until that day,
    their last."""
    return employee.is_active or (employee.left_on is not None and employee.left_on >= today)


def leaving_soon(employee: Employee, today: date) -> bool:
    return not employee.is_active and employee.left_on is not None and employee.left_on >= today


def active_employees(employees: Iterable[Employee], today: date) -> list[Employee]:
    return sorted((e for e in employees if is_employed(e, today)), key=lambda e: e.name.casefold())


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


def counting(events: Iterable[StaffEvent]) -> list[StaffEvent]:
    """The events that count: a voided one stays in the file and out of every rule."""
    return [e for e in events if not e.is_void]


def is_active_warning(event: StaffEvent, today: date) -> bool:
    expires = warning_expires(event)
    return event.kind == EventKind.WARNING and not event.is_void and event.on <= today and (expires is None or today < expires)


def active_warnings(events: Iterable[StaffEvent], today: date) -> list[StaffEvent]:
    return sorted((e for e in events if is_active_warning(e, today)), key=lambda e: e.on)


def next_warning_level(events: Iterable[StaffEvent], today: date) -> WarningLevel:
    """One step above the highest active warning (verbal → written → final); final stays final."""
    active = [LEVELS.index(e.level) for e in active_warnings(events, today) if e.level]
    return LEVELS[min(max(active) + 1, len(LEVELS) - 1)] if active else WarningLevel.VERBAL


def training_expired(event: StaffEvent, today: date) -> bool:
    return event.kind == EventKind.TRAINING and event.valid_until is not None and event.valid_until < today


def course_key(event: StaffEvent) -> str:
    return event.course.strip().casefold()


def same_course(one: StaffEvent, other: StaffEvent) -> bool:
    return course_key(one) == course_key(other)


def training_order(event: StaffEvent) -> tuple[date, int]:
    return event.on, event.id or 0


def renewal_of(training: StaffEvent, events: Iterable[StaffEvent]) -> StaffEvent | None:
    """A later completed training in the same course, which takes this one's place."""
    later = [e for e in counting(events) if e.kind == EventKind.TRAINING and e.completed and e.id != training.id
             and same_course(e, training) and training_order(e) > training_order(training)]
    return min(later, key=training_order, default=None)


def current_trainings(events: Iterable[StaffEvent]) -> list[StaffEvent]:
    """Each course's latest training: the ones a renewal has not taken the place of.

    renewal_of for each would compare every training with every other, a long file's square.
    A training's renewal, if any, is among its course's two latest completed ones of different
    ids: the latest, or the next when the latest is the training itself."""
    trainings = [e for e in counting(events) if e.kind == EventKind.TRAINING]
    latest: dict[str, list[StaffEvent]] = {}
    for e in sorted((e for e in trainings if e.completed), key=training_order, reverse=True):
        found = latest.setdefault(course_key(e), [])
        if len(found) < 2 and all(f.id != e.id for f in found):
            found.append(e)

    def renewed(training: StaffEvent) -> bool:
        return any(e.id != training.id and training_order(e) > training_order(training) for e in latest.get(course_key(training), ()))

    return [e for e in trainings if not renewed(e)]


def expired_trainings(events: Iterable[StaffEvent], today: date) -> list[StaffEvent]:
    """Trainings out of date and not renewed since."""
    return [e for e in current_trainings(events) if training_expired(e, today)]


def expiring_trainings(events: Iterable[StaffEvent], today: date, days: int) -> list[StaffEvent]:
    """Current trainings whose validity ends within ``days`` (or has ended), soonest first."""
    soon = today + timedelta(days=days)
    found = [e for e in current_trainings(events) if e.valid_until is not None and e.valid_until <= soon]
    return sorted(found, key=lambda e: e.valid_until or today)


class TimelineKind(StrEnum):
    HIRE = "hire"
    TRAINING = "training"
    WARNING = "warning"
    TERMINATION = "termination"
    CORRECTION = "correction"


class Mark(StrEnum):
    NONE = ""
    ACTIVE = "active"
    EXPIRED = "expired"
    RENEWED = "renewed"
    NOT_COMPLETED = "not completed"
    VOID = "void"


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: TimelineKind
    text: str
    mark: Mark = Mark.NONE
    event_id: int | None = None  # None for the hire and corrections, which are the employee record itself
    notes: str = ""  # the event's notes, a correction's reason
    by: str = ""  # who issued or recorded it
    void: str = ""  # why, by whom and when a voided event was voided


def training_mark(event: StaffEvent, events: list[StaffEvent], today: date) -> Mark:
    if not event.completed:
        return Mark.NOT_COMPLETED
    if renewal_of(event, events) is not None:
        return Mark.RENEWED if training_expired(event, today) else Mark.NONE
    return Mark.EXPIRED if training_expired(event, today) else Mark.NONE


def entry_text(event: StaffEvent) -> str:
    if event.kind == EventKind.TRAINING:
        until = f", valid until {event.valid_until:%d %b %Y}" if event.valid_until else ""
        return f"Training: {event.course}{until}"
    if event.kind == EventKind.WARNING:
        expires = warning_expires(event)
        until = f" (until {expires:%d %b %Y})" if expires else ""
        return f"{event.level.value.capitalize() if event.level else 'A'} warning: {event.reason}{until}"
    return f"Left: {event.reason}"


def entry_mark(event: StaffEvent, events: list[StaffEvent], today: date) -> Mark:
    if event.is_void:
        return Mark.VOID
    if event.kind == EventKind.TRAINING:
        return training_mark(event, events, today)
    if event.kind == EventKind.WARNING:
        return Mark.ACTIVE if is_active_warning(event, today) else Mark.EXPIRED
    return Mark.NONE


def void_words(event: StaffEvent) -> str:
    if not event.is_void:
        return ""
    return f"void: {event.void_reason} ({event.voided_by}, {local(event.voided_at):%d %b %Y})"  # type: ignore[arg-type]


def timeline_entry(event: StaffEvent, today: date, events: list[StaffEvent] | None = None) -> TimelineEntry:
    kind = {EventKind.TRAINING: TimelineKind.TRAINING, EventKind.WARNING: TimelineKind.WARNING}.get(event.kind, TimelineKind.TERMINATION)
    return TimelineEntry(event.on, kind, entry_text(event), entry_mark(event, events or [event], today), event.id,
                         event.notes, event.issued_by, void_words(event))


def correction_entry(correction: Correction) -> TimelineEntry:
    text = "Details corrected: " + "; ".join(correction.changes)
    return TimelineEntry(office_day(correction.at), TimelineKind.CORRECTION, text, notes=correction.reason, by=correction.by)


def timeline(employee: Employee, events: Iterable[StaffEvent], today: date) -> list[TimelineEntry]:
    """The employee's file in date order: hire first, then trainings, warnings, corrections,
    termination; voided events stay in it, marked."""
    hire = TimelineEntry(employee.start_date, TimelineKind.HIRE, f"Started as {employee.role or 'staff'}")
    ordered = sorted(events, key=lambda e: (e.on, e.id or 0))
    entries = [timeline_entry(e, today, ordered) for e in ordered] + [correction_entry(c) for c in employee.corrections]
    # sorted() is stable: on the start date itself the hire stays first.
    return sorted([hire, *entries], key=lambda t: t.on)


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


def check_within_employment(employee: Employee, on: date, field: str = "on", what: str = "date") -> None:
    """Nothing in a file is dated before the start or after the end of the employment."""
    if on < employee.start_date:
        raise FieldError(field, f"The {what} {on:%d %b %Y} is before {employee.name} started, on {employee.start_date:%d %b %Y}.")
    if employee.left_on is not None and on > employee.left_on:
        raise FieldError(field, f"The {what} {on:%d %b %Y} is after {employee.name} left, on {employee.left_on:%d %b %Y}.")


def check_leaving_date(employee: Employee, on: date, events: Iterable[StaffEvent]) -> None:
    """No event that counts may come after the day the employment ends."""
    later = [e for e in counting(events) if e.on > on]
    if later:
        first = min(later, key=lambda e: e.on)
        raise FieldError("on", f"{employee.name}'s file has a {first.kind.value} on {first.on:%d %b %Y}, after "
                               f"{on:%d %b %Y}: the leaving date cannot be earlier than it.")


def check_start_and_end(employee: Employee, events: Iterable[StaffEvent]) -> None:
    """A start date moved, or a leaving date set: every event that counts must still fall
    between them; the first one that would not is named."""
    for event in sorted(counting(events), key=lambda e: e.on):
        if event.on < employee.start_date:
            raise FieldError("start_date", f"The {event.kind.value} of {event.on:%d %b %Y} in {employee.name}'s file is "
                                           f"before {employee.start_date:%d %b %Y}: the start date cannot be later than it.")
        if employee.left_on is not None and event.on > employee.left_on:
            raise FieldError("left_on", f"The {event.kind.value} of {event.on:%d %b %Y} in {employee.name}'s file is "
                                        f"after {employee.left_on:%d %b %Y}: the leaving date cannot be earlier than it.")


def come_back(employee: Employee) -> None:
    """A termination recorded by mistake is voided: the employment goes on."""
    employee.status = EmploymentStatus.ACTIVE
    employee.left_on = None
    employee.left_reason = ""
