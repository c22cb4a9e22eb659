"""What the staff section shows: the staff list and each one's file in date order; and what
needs HR today — probations ending, trainings running out — for the dashboard and `agenda`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timedelta

from data.agenda import TOP, AgendaEntry, AgendaGroup
from data.engine.clock import office_day
from data.engine.store import Store
from data.staff import rules
from data.staff.models import Employee, StaffEvent, WarningLevel
from data.staff.rules import TimelineEntry

PROBATION_AHEAD = 30  # days before a probation ends that it is on the agenda
PROBATION_AFTER = 14  # days after, in case it was missed
TRAINING_AHEAD = 30  # days before a training runs out that it is on the agenda


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

    @cached_property
    def _files(self) -> dict[int, list[StaffEvent]]:
        return files_of(self.events)

    def events_of(self, employee_id: int) -> list[StaffEvent]:
        return list(self._files.get(employee_id, ()))

    def employee(self, employee_id: int | None) -> Employee | None:
        return next((e for e in self.employees if e.id == employee_id), None)

    def shown(self, with_leavers: bool) -> list[Employee]:
        """Active staff by name; with ``with_leavers``, those who left after them."""
        active = rules.active_employees(self.employees, self.today)
        if not with_leavers:
            return active
        left = (e for e in self.employees if not rules.is_employed(e, self.today))
        return active + sorted(left, key=lambda e: e.name.casefold())

    def timeline(self, employee: Employee) -> list[TimelineEntry]:
        return rules.timeline(employee, self.events_of(employee.id), self.today)

    @property
    def courses(self) -> list[str]:
        return sorted({e.course for e in self.events if e.course})


def files_of(events: list[StaffEvent]) -> dict[int, list[StaffEvent]]:
    """Each employee's events, in the order given: one pass, not one per employee."""
    files: dict[int, list[StaffEvent]] = defaultdict(list)
    for event in events:
        files[event.employee_id].append(event)
    return files


def staff_view(store: Store) -> StaffView:
    return StaffView(store.repo("employees").list(), store.repo("staff_events").list(), store.today())


def ending_probations(employees: list[Employee], today: date) -> list[Employee]:
    first, last = today - timedelta(days=PROBATION_AFTER), today + timedelta(days=PROBATION_AHEAD)
    ending = [e for e in rules.active_employees(employees, today) if e.probation_until and first <= e.probation_until <= last]
    return sorted(ending, key=lambda e: e.probation_until or today)


def probation_words(employee: Employee, today: date) -> str:
    ends = employee.probation_until or today
    days = (ends - today).days
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}" if days > 0 else f"{-days} day{'s' if days != -1 else ''} ago"
    return f"{employee.name} ({employee.role or 'staff'}) — probation ends {ends:%d %b}, {when}"


def training_words(employee: Employee, training: StaffEvent, today: date) -> str:
    until = training.valid_until or today
    verb = "ran out" if until < today else "runs out"
    return f"{employee.name} — {training.course} {verb} {until:%d %b %Y}"


def agenda_groups(store: Store, now: datetime) -> list[AgendaGroup]:
    """Probations ending and trainings running out, for active staff. Raises NoAccessError
    when people.json is closed to this user; the agenda then leaves HR out."""
    today = office_day(now)
    employees = store.repo("employees").list()
    events = store.repo("staff_events").list()
    ending = ending_probations(employees, today)
    files = files_of(events)
    trainings = [(e, t) for e in rules.active_employees(employees, today)
                 for t in rules.expiring_trainings(files[e.id], today, TRAINING_AHEAD)]
    trainings.sort(key=lambda pair: pair[1].valid_until or today)
    return [
        AgendaGroup("probation_ending", "Probation ending", "staff", len(ending), [
            AgendaEntry(probation_words(e, today), "employees", e.id, urgent=(e.probation_until or today) <= today + timedelta(days=7))
            for e in ending[:TOP]
        ]),
        AgendaGroup("trainings_expiring", "Trainings expired or expiring", "staff", len(trainings), [
            AgendaEntry(training_words(e, t, today), "staff_events", t.id, urgent=(t.valid_until or today) < today)  # type: ignore[arg-type]
            for e, t in trainings[:TOP]
        ]),
    ]
