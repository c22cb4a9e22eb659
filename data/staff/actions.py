"""What HR does to an employee's file in the store: one transaction each, the store first, then
the employee's id, then what was typed; each returns what was saved."""

from __future__ import annotations

from datetime import date

from data.engine.errors import FieldError
from data.engine.repository import Repository
from data.engine.store import Store
from data.staff import rules
from data.staff.models import WARNING_MONTHS, Employee, EventKind, StaffEvent, WarningLevel


def check_employees_exist(repo: Repository, records: list[StaffEvent]) -> None:
    employees = {e.id for e in repo.store.repo("employees").list()}
    for event in records:
        if event.employee_id not in employees:
            raise FieldError("employee_id", f"Employee #{event.employee_id} does not exist.")


def add_event(store: Store, event: StaffEvent) -> StaffEvent:
    """An event from outside (add, import) under the rules of its key: only for someone still
    employed; a termination ends the employment, a warning expires as its level says."""
    with store.transaction("people"):
        employee = store.repo("employees").get(event.employee_id)
        rules.check_still_employed(employee, event.kind.value)
        if event.kind == EventKind.TERMINATION:
            store.repo("employees").update(employee.id, lambda e: rules.leave(e, event.on, event.reason))
        if event.kind == EventKind.WARNING and event.expires_after_months is None and event.level:
            event.expires_after_months = WARNING_MONTHS[event.level]
        event.issued_by = event.issued_by or store.user
        return store.repo("staff_events").add(event)


def terminate(store: Store, employee_id: int, on: date, reason: str, notes: str = "") -> Employee:
    """The employee leaves the active list; their record and file stay."""
    with store.transaction("people"):
        employee = store.repo("employees").update(employee_id, lambda e: rules.leave(e, on, reason))
        store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.TERMINATION, on=on, reason=reason.strip(), notes=notes, issued_by=store.user,
        ))
        return employee


def issue_warning(store: Store, employee_id: int, level: WarningLevel, reason: str, on: date | None = None,
                  months: int | None = None, issued_by: str = "") -> StaffEvent:
    if not reason.strip():
        raise FieldError("reason", "Say what the warning is for.")
    with store.transaction("people"):
        rules.check_still_employed(store.repo("employees").get(employee_id), "warning")
        return store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.WARNING, on=on or store.today(), level=level,
            reason=reason.strip(), issued_by=issued_by or store.user, expires_after_months=months or WARNING_MONTHS[level],
        ))


def add_training(store: Store, employee_id: int, course: str, on: date, completed: bool = True,
                 valid_until: date | None = None, notes: str = "") -> StaffEvent:
    if not course.strip():
        raise FieldError("course", "Say which course it was.")
    with store.transaction("people"):
        rules.check_still_employed(store.repo("employees").get(employee_id), "training")
        return store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.TRAINING, on=on, course=course.strip(), completed=completed,
            valid_until=valid_until, notes=notes, issued_by=store.user,
        ))
