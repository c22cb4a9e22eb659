"""What HR does to an employee's file in the store: one transaction each, the store first, then
the employee's id, then what was typed; each returns what was saved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from data.engine.errors import FieldError, RuleError
from data.engine.repository import Repository
from data.engine.store import Store
from data.engine.text import visible
from data.staff import rules
from data.staff.models import WARNING_MONTHS, ChecklistItem, Correction, Employee, EventKind, StaffEvent, WarningLevel
from data.staff.templates import Template, checklist_items, read_template

PROBATION_MONTHS = 6  # a new employee's probation unless their record says otherwise


def check_employees_exist(repo: Repository, records: list[StaffEvent]) -> None:
    employees = {e.id for e in repo.store.repo("employees").list()}
    for event in records:
        if event.employee_id not in employees:
            raise FieldError("employee_id", f"Employee #{event.employee_id} does not exist.")


def events_of(store: Store, employee_id: int) -> list[StaffEvent]:
    return store.repo("staff_events").find(employee_id=employee_id)


def add_employee(store: Store, employee: Employee) -> Employee:
    """A new employee, hired here or not: six months' probation unless given, and the office's
    onboarding checklist copied onto their record."""
    with store.transaction("people"):
        if employee.probation_until is None:
            employee.probation_until = rules.add_months(employee.start_date, PROBATION_MONTHS)
        if not employee.onboarding:
            items = checklist_items(read_template(store, Template.ONBOARDING))
            employee.onboarding = [ChecklistItem(text=visible(item, one_line=True)[:200]) for item in items]
        return store.repo("employees").add(employee)


def tick(store: Store, employee_id: int, index: int, done: bool = True) -> Employee:
    """An onboarding item done today (by this user), or not done after all."""

    def change(employee: Employee) -> None:
        if not 0 <= index < len(employee.onboarding):
            raise RuleError(f"{employee.name}'s checklist has no item {index + 1}; it may have been changed meanwhile.")
        item = employee.onboarding[index]
        update = {"done_on": store.today(), "done_by": store.user} if done else {"done_on": None, "done_by": ""}
        employee.onboarding = [*employee.onboarding[:index], item.model_copy(update=update), *employee.onboarding[index + 1:]]

    return store.repo("employees").update(employee_id, change)


def add_event(store: Store, event: StaffEvent) -> StaffEvent:
    """An event from outside (add, import) under the rules of its key: only for someone still
    employed, dated within the employment; a termination ends the employment, a warning
    expires as its level says."""
    with store.transaction("people"):
        employee = store.repo("employees").get(event.employee_id)
        rules.check_still_employed(employee, event.kind.value)
        rules.check_within_employment(employee, event.on)
        if event.kind == EventKind.TERMINATION:
            rules.check_leaving_date(employee, event.on, events_of(store, employee.id))
            store.repo("employees").update(employee.id, lambda e: rules.leave(e, event.on, event.reason))
        if event.kind == EventKind.WARNING and event.expires_after_months is None and event.level:
            event.expires_after_months = WARNING_MONTHS[event.level]
        event.issued_by = event.issued_by or store.user
        return store.repo("staff_events").add(event)


def terminate(store: Store, employee_id: int, on: date, reason: str, notes: str = "") -> Employee:
    """The employee leaves the active list; their record and file stay."""
    with store.transaction("people"):
        rules.check_leaving_date(store.repo("employees").get(employee_id), on, events_of(store, employee_id))
        employee = store.repo("employees").update(employee_id, lambda e: rules.leave(e, on, reason))
        store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.TERMINATION, on=on, reason=reason.strip(), notes=notes, issued_by=store.user,
        ))
        return employee


def issue_warning(store: Store, employee_id: int, level: WarningLevel, reason: str, on: date | None = None,
                  months: int | None = None, issued_by: str = "", notes: str = "") -> StaffEvent:
    if not reason.strip():
        raise FieldError("reason", "Say what the warning is for.")
    with store.transaction("people"):
        employee = store.repo("employees").get(employee_id)
        rules.check_still_employed(employee, "warning")
        rules.check_within_employment(employee, on or store.today())
        return store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.WARNING, on=on or store.today(), level=level,
            reason=reason.strip(), issued_by=issued_by or store.user, expires_after_months=months or WARNING_MONTHS[level],
            notes=notes,
        ))


def add_training(store: Store, employee_id: int, course: str, on: date, completed: bool = True,
                 valid_until: date | None = None, notes: str = "") -> StaffEvent:
    if not course.strip():
        raise FieldError("course", "Say which course it was.")
    with store.transaction("people"):
        employee = store.repo("employees").get(employee_id)
        rules.check_still_employed(employee, "training")
        rules.check_within_employment(employee, on)
        return store.repo("staff_events").add(StaffEvent(
            employee_id=employee_id, kind=EventKind.TRAINING, on=on, course=course.strip(), completed=completed,
            valid_until=valid_until, notes=notes, issued_by=store.user,
        ))


# -- corrections -----------------------------------------------------------------------------


def needs_reason(reason: str, what: str) -> str:
    if not reason.strip():
        raise FieldError("reason", f"Say why the {what} is wrong.")
    return reason.strip()


def void_event(store: Store, event_id: int, reason: str) -> StaffEvent:
    """An event recorded wrongly is voided with the reason, who and when: it stays in the file,
    struck through, and out of every rule. A voided termination brings the employee back."""
    reason = needs_reason(reason, "entry")
    with store.transaction("people"):
        event = store.repo("staff_events").get(event_id)
        if event.is_void:
            raise RuleError(f"The {event.kind.value} of {event.on:%d %b %Y} was already voided by {event.voided_by}: {event.void_reason}")
        if event.kind == EventKind.TERMINATION:
            store.repo("employees").update(event.employee_id, rules.come_back)
        return store.repo("staff_events").update(event_id, lambda e: voided(e, store, reason))


def voided(event: StaffEvent, store: Store, reason: str) -> None:
    event.void_reason, event.voided_by, event.voided_at = reason, store.user, store.now()


def correct_event(store: Store, event_id: int, corrected: StaffEvent, reason: str) -> StaffEvent:
    """The event as it should have been recorded: the wrong one is voided with the reason, the
    right one added in its place, checked as a new one would be — in one transaction."""
    reason = needs_reason(reason, "entry")
    with store.transaction("people"):
        wrong = store.repo("staff_events").get(event_id)
        if wrong.kind == EventKind.TERMINATION:
            raise RuleError("A termination is corrected by voiding it (the employee comes back) and ending the employment again.")
        void_event(store, event_id, f"corrected: {reason}")
        employee = store.repo("employees").get(wrong.employee_id)
        rules.check_within_employment(employee, corrected.on)
        right = corrected.model_copy(update={"employee_id": wrong.employee_id, "kind": wrong.kind, "issued_by": corrected.issued_by or store.user})
        right.id = None
        return store.repo("staff_events").add(right)


def changes_between(before: Employee, after: Employee, fields: Iterable[str]) -> list[str]:
    said = []
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            said.append(f"{name.replace('_', ' ')}: {old or '(none)'} → {new or '(none)'}")
    return said


def correct_employee(store: Store, edited: Employee, fields: Iterable[str], reason: str, force: bool = False) -> Employee:
    """The employee's own details put right, with the reason kept on the record (who, when,
    what from what) and the dates still holding every event of their file."""
    reason = needs_reason(reason, "record")
    fields = [f for f in fields if f in Employee.form_fields]
    with store.transaction("people"):
        current = store.repo("employees").get(edited.id)  # type: ignore[arg-type]
        after = current.model_copy(update={name: getattr(edited, name) for name in fields})
        rules.check_start_and_end(after, events_of(store, current.id))  # type: ignore[arg-type]
        changes = changes_between(current, after, fields)
        if not changes:
            return current
        correction = Correction(at=store.now(), by=store.user, reason=reason, changes=changes)
        record = edited.model_copy(update={"corrections": [*current.corrections, correction]})
        return store.repo("employees").save(record, force=force, fields=[*fields, "corrections"])
