"""What the staff section shows: the staff list and each one's file in date order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from data.engine.store import Store
from data.staff import rules
from data.staff.models import Employee, StaffEvent, WarningLevel
from data.staff.rules import TimelineEntry


def events_of(store: Store, employee_id: int) -> list[StaffEvent]:
    return sorted(store.repo("staff_events").find(employee_id=employee_id), key=lambda e: (e.on, e.id))


def employee_timeline(store: Store, employee_id: int, today: date) -> list[TimelineEntry]:
    return rules.timeline(store.repo("employees").get(employee_id), events_of(store, employee_id), today)


def suggested_warning_level(store: Store, employee_id: int, today: date) -> WarningLevel:
    return rules.next_warning_level(events_of(store, employee_id), today)


@dataclass(frozen=True)
class StaffView:
    employees: list[Employee]
    events: list[StaffEvent]
    today: date

    def events_of(self, employee_id: int) -> list[StaffEvent]:
        return [e for e in self.events if e.employee_id == employee_id]

    def employee(self, employee_id: int | None) -> Employee | None:
        return next((e for e in self.employees if e.id == employee_id), None)

    def shown(self, with_leavers: bool) -> list[Employee]:
        """Active staff by name; with ``with_leavers``, those who left after them."""
        active = rules.active_employees(self.employees)
        if not with_leavers:
            return active
        return active + sorted((e for e in self.employees if not e.is_active), key=lambda e: e.name.casefold())

    def timeline(self, employee: Employee) -> list[TimelineEntry]:
        return rules.timeline(employee, self.events_of(employee.id), self.today)

    @property
    def courses(self) -> list[str]:
        return sorted({e.course for e in self.events if e.course})


def staff_view(store: Store) -> StaffView:
    return StaffView(store.repo("employees").list(), store.repo("staff_events").list(), store.today())
