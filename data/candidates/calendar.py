"""The week of interviews as the week view shows it: the working days, each with its
interviews by start time (the weekend only when something is booked on it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from data.candidates.models import Interview, InterviewStatus
from data.engine.clock import office_day
from data.engine.store import Store

WORKING_DAYS = 5
SHOWN = (InterviewStatus.BOOKED, InterviewStatus.DONE, InterviewStatus.NO_SHOW)  # a cancelled one frees its slot


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Slot:
    interview: Interview
    candidate: str
    position: str


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[tuple[date, list[Slot]]]
    now: datetime

    def slot(self, interview_id: object) -> Slot | None:
        return next((s for _, slots in self.days for s in slots if s.interview.id == interview_id), None)

    @property
    def count(self) -> int:
        return sum(len(slots) for _, slots in self.days)


def week_days(monday: date, interviews: list[Interview]) -> list[date]:
    busy = {office_day(i.start) for i in interviews}
    return [monday + timedelta(days=n) for n in range(7) if n < WORKING_DAYS or monday + timedelta(days=n) in busy]


def week(store: Store, monday: date) -> Week:
    """The interviews of the week starting ``monday`` (office days), cancelled ones left out."""
    candidates = store.repo("candidates").list()
    names = {c.id: c.name for c in candidates}
    titles = {p.id: p.title for p in store.repo("positions").list()}
    position_of = {c.id: titles.get(c.position_id, "") for c in candidates}
    end = monday + timedelta(days=7)
    found = [i for i in store.repo("interviews").list() if i.status in SHOWN and monday <= office_day(i.start) < end]
    slots = [Slot(i, names.get(i.candidate_id, f"candidate #{i.candidate_id}"), position_of.get(i.candidate_id, ""))
             for i in sorted(found, key=lambda i: i.start)]
    days = [(day, [s for s in slots if office_day(s.interview.start) == day]) for day in week_days(monday, found)]
    return Week(monday, days, store.now())
