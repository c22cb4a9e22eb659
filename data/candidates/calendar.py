"""The week of interviews as the week view shows it: the working days, each with its
interviews by start time (the weekend only when something is booked on it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from data.candidates.models import Candidate, Interview, InterviewStatus, Position, PositionStatus
from data.candidates.rules import BOOKABLE
from data.engine.clock import as_utc, office_day, office_zone
from data.engine.store import Store

WORKING_DAYS = 5
SHOWN = (InterviewStatus.BOOKED, InterviewStatus.DONE, InterviewStatus.NO_SHOW)  # a cancelled one frees its slot
FIRST_START = time(9, 0)  # where a day's first interview is suggested


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Slot:
    interview: Interview
    candidate: str
    position: str


@dataclass(frozen=True)
class Bookable:
    """A candidate an interview may be booked with."""

    candidate_id: int
    name: str
    label: str  # "Ann Lee — Bookkeeper, shortlisted"
    hiring_manager: str


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[tuple[date, list[Slot]]]
    now: datetime
    bookable: list[Bookable] = field(default_factory=list)

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
    positions = store.repo("positions").list()
    titles = {p.id: p.title for p in positions}
    position_of = {c.id: titles.get(c.position_id, "") for c in candidates}
    end = monday + timedelta(days=7)
    found = [i for i in store.repo("interviews").list() if i.status in SHOWN and monday <= office_day(i.start) < end]
    slots = [Slot(i, names.get(i.candidate_id, f"candidate #{i.candidate_id}"), position_of.get(i.candidate_id, ""))
             for i in sorted(found, key=lambda i: i.start)]
    days = [(day, [s for s in slots if office_day(s.interview.start) == day]) for day in week_days(monday, found)]
    return Week(monday, days, store.now(), bookable(candidates, positions))


def bookable(candidates: list[Candidate], positions: list[Position]) -> list[Bookable]:
    """The candidates an interview may be booked with: shortlisted (or interviewing already)
    on an open opening; by opening, then name."""
    open_ones = {p.id: p for p in positions if p.status == PositionStatus.OPEN}
    chosen = [c for c in candidates if c.position_id in open_ones and c.stage in BOOKABLE and not c.erased_at]
    chosen.sort(key=lambda c: (open_ones[c.position_id].title.casefold(), c.name.casefold()))
    return [Bookable(c.id, c.name, f"{c.name} — {open_ones[c.position_id].title}, {c.stage}", open_ones[c.position_id].hiring_manager)
            for c in chosen]


def suggested_start(data: Week, day: date, after: Slot | None = None) -> datetime:
    """Where a new interview goes on ``day``: after the one chosen, else after the day's last
    booked one, else at nine; never before the next quarter hour from now."""
    booked = [s.interview for d, slots in data.days if d == day for s in slots if s.interview.status == InterviewStatus.BOOKED]
    if after is not None:
        start = after.interview.end
    elif booked:
        start = max(i.end for i in booked)
    else:
        start = as_utc(datetime.combine(day, FIRST_START, tzinfo=office_zone()))
    soonest = as_utc(data.now).replace(second=0, microsecond=0) + timedelta(minutes=15 - data.now.minute % 15)
    return max(start, soonest)
