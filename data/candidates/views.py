"""What the candidates section, the comparison and the dashboard show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from data.agenda import AgendaEntry, AgendaGroup
from data.candidates import rules
from data.candidates.models import Candidate, Criterion, Interview, InterviewStatus, Position, PositionStatus, Stage
from data.engine.clock import local, office_day
from data.engine.store import Store


@dataclass(frozen=True)
class ComparisonRow:
    criterion: str
    weight: float
    first: float | None
    second: float | None

    @property
    def leader(self) -> int | None:
        """0 when the first candidate is ahead, 1 for the second, None for a tie or a missing score."""
        if self.first is None or self.second is None or self.first == self.second:
            return None
        return 0 if self.first > self.second else 1


@dataclass(frozen=True)
class Comparison:
    first: Candidate
    second: Candidate
    rows: list[ComparisonRow]
    first_score: float | None
    second_score: float | None


def compare(first: Candidate, second: Candidate, criteria: Iterable[Criterion]) -> Comparison:
    """Two candidates side by side, criterion by criterion, with their weighted scores."""
    criteria = list(criteria)
    rows = [ComparisonRow(c.name, c.weight, rules.criterion_average(first, c.name), rules.criterion_average(second, c.name)) for c in criteria]
    return Comparison(first, second, rows, rules.weighted_score(first, criteria), rules.weighted_score(second, criteria))


def candidates_by_score(store: Store, position_id: int) -> list[tuple[Candidate, float | None]]:
    """The position's candidates with their weighted scores, best first: the triage list."""
    criteria = store.repo("positions").get(position_id).criteria
    found = rules.ranked(store.repo("candidates").find(position_id=position_id), criteria)
    return [(c, rules.weighted_score(c, criteria)) for c in found]


def candidate_names(store: Store) -> dict[int, str]:
    return {c.id: c.name for c in store.repo("candidates").list()}


def interviews_of(store: Store, candidate_id: int) -> list[Interview]:
    return sorted(store.repo("interviews").find(candidate_id=candidate_id), key=lambda i: i.start)


def agenda_groups(store: Store, now: datetime) -> list[AgendaGroup]:
    """Interviews today and offers waiting for an answer. Raises NoAccessError when
    people.json is closed to this user; the agenda then leaves HR out."""
    candidates = store.repo("candidates").list()
    names = {c.id: c.name for c in candidates}
    today = [i for i in rules.interviews_on(store.repo("interviews").list(), office_day(now)) if i.status == InterviewStatus.BOOKED]
    interview_entries = [
        AgendaEntry(f"{local(i.start):%H:%M} {names.get(i.candidate_id, '?')} with {', '.join(i.interviewers)}"
                    + (f" in {i.place}" if i.place else ""), "interviews", i.id)
        for i in today
    ]
    offers = sorted((c for c in candidates if c.stage == Stage.OFFER), key=lambda c: rules.offered_on(c) or now)
    offer_entries = [AgendaEntry(offer_words(c, now), "candidates", c.id) for c in offers]
    return [
        AgendaGroup("interviews_today", "Interviews today", "candidates", len(today), interview_entries),
        AgendaGroup("offers_waiting", "Offers waiting for an answer", "candidates", len(offers), offer_entries),
    ]


def offer_words(candidate: Candidate, now: datetime) -> str:
    made = rules.offered_on(candidate)
    if made is None:
        return candidate.name
    days = (office_day(now) - office_day(made)).days
    return f"{candidate.name} — offered {local(made):%d %b} ({days} day{'s' if days != 1 else ''} ago)"


@dataclass(frozen=True)
class CandidatesView:
    """The openings, their candidates and interviews, as the candidates section shows them."""

    positions: list[Position]
    candidates: list[Candidate]
    interviews: list[Interview]
    now: datetime
    user: str

    def position(self, position_id: int | None) -> Position | None:
        return next((p for p in self.positions if p.id == position_id), None)

    def candidate(self, candidate_id: int | None) -> Candidate | None:
        return next((c for c in self.candidates if c.id == candidate_id), None)

    def interviews_of(self, candidate: Candidate) -> list[Interview]:
        return sorted((i for i in self.interviews if i.candidate_id == candidate.id), key=lambda i: i.start)

    def applicants(self, position_id: int | None) -> list[Candidate]:
        return [c for c in self.candidates if c.position_id == position_id]

    @property
    def interviewers(self) -> list[str]:
        return sorted({n for i in self.interviews for n in i.interviewers})


def candidates_view(store: Store) -> CandidatesView:
    return CandidatesView(store.repo("positions").list(), store.repo("candidates").list(),
                          store.repo("interviews").list(), store.now(), store.user)


def position_order(positions: Iterable[Position]) -> list[Position]:
    """Open positions first, each group by title."""
    return sorted(positions, key=lambda p: (p.status != PositionStatus.OPEN, p.title.casefold(), p.id or 0))


def first_interview_to_rate(interviews: list[Interview], now: datetime) -> Interview | None:
    """The latest interview that has started and is still booked, else the latest done one."""
    started = [i for i in interviews if i.start <= now]
    for status in (InterviewStatus.BOOKED, InterviewStatus.DONE):
        found = [i for i in started if i.status == status]
        if found:
            return found[-1]
    return None


@dataclass(frozen=True)
class OpeningRow:
    position: Position
    open_candidates: int
    hired: int


def openings(store: Store) -> list[OpeningRow]:
    """Every opening, open ones first, with how many candidates are in play and how many were hired."""
    candidates = store.repo("candidates").list()
    return [
        OpeningRow(p, sum(1 for c in candidates if c.position_id == p.id and not c.is_closed),
                   sum(1 for c in candidates if c.position_id == p.id and c.stage == Stage.HIRED))
        for p in position_order(store.repo("positions").list())
    ]
