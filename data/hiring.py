"""Hiring: positions, candidates and their stages, scores, interviews without clashes, hire.

Every record here lives in people.json, which only HR may read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from data.agenda import AgendaEntry, AgendaGroup
from data.collections import Collection
from data.errors import FieldError, RuleError
from data.phone import normalise_number
from data.record import Record


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)


class Position(Record):
    title: str = Field(min_length=1, max_length=200)
    department: str = Field(default="", max_length=200)
    hiring_manager: str = Field(default="", max_length=200)
    is_open: bool = Field(default=True, title="Open")
    places: int = Field(default=1, ge=1)
    criteria: list[Criterion] = Field(default_factory=list)

    form_fields = ("title", "department", "hiring_manager", "places", "is_open")

    def label(self) -> str:
        return self.title


class Stage(StrEnum):
    APPLIED = "applied"
    SCREENING = "screening"
    SHORTLISTED = "shortlisted"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDREW = "withdrew"


STAGE_MOVES: dict[Stage, set[Stage]] = {
    Stage.APPLIED: {Stage.SCREENING, Stage.SHORTLISTED, Stage.REJECTED, Stage.WITHDREW},
    Stage.SCREENING: {Stage.SHORTLISTED, Stage.REJECTED, Stage.WITHDREW},
    Stage.SHORTLISTED: {Stage.INTERVIEW, Stage.REJECTED, Stage.WITHDREW},
    Stage.INTERVIEW: {Stage.OFFER, Stage.REJECTED, Stage.WITHDREW},
    Stage.OFFER: {Stage.HIRED, Stage.REJECTED, Stage.WITHDREW},
    Stage.HIRED: set(),
    Stage.REJECTED: {Stage.SCREENING},
    Stage.WITHDREW: set(),
}


class StageStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: datetime
    user: str
    stage: Stage
    note: str = ""


class Candidate(Record):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")
    phone: str = Field(default="", max_length=40)
    position_id: int = Field(title="Position")
    source: str = Field(default="", max_length=100)
    cv_text: str = Field(default="", max_length=50_000, title="CV")
    cv_path: str = Field(default="", max_length=1000, title="CV file")
    stage: Stage = Stage.APPLIED
    reject_reason: str = Field(default="", max_length=1000)
    scores: dict[str, dict[str, int]] = Field(default_factory=dict)  # reviewer → criterion → 1..5
    history: list[StageStep] = Field(default_factory=list)

    form_fields = ("name", "email", "phone", "position_id", "source", "cv_text", "cv_path")

    _phone = field_validator("phone", mode="before")(lambda cls, v: normalise_number(v or ""))

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and ("@" not in value or value.startswith("@") or value.endswith("@")):
            raise ValueError("an e-mail address looks like name@example.com")
        return value

    @field_validator("scores")
    @classmethod
    def _scores(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for by_reviewer in value.values():
            if any(not 1 <= s <= 5 for s in by_reviewer.values()):
                raise ValueError("scores go from 1 to 5")
        return value

    def label(self) -> str:
        return self.name


def move_stage(candidate: Candidate, to: Stage, user: str, now: datetime, note: str = "") -> None:
    if to not in STAGE_MOVES[candidate.stage]:
        allowed = ", ".join(s.value for s in STAGE_MOVES[candidate.stage]) or "nothing: this is final"
        raise RuleError(f"{candidate.name} cannot go from {candidate.stage.value} to {to.value} (next can be: {allowed}).")
    if to == Stage.REJECTED:
        if not note.strip():
            raise FieldError("reject_reason", "Say why the candidate is rejected.")
        candidate.reject_reason = note.strip()
    candidate.stage = to
    candidate.history = [*candidate.history, StageStep(at=now, user=user, stage=to, note=note.strip())]


def score(candidate: Candidate, reviewer: str, criterion: str, value: int) -> None:
    if not 1 <= value <= 5:
        raise FieldError("scores", "Scores go from 1 to 5.")
    mine = {**candidate.scores.get(reviewer, {}), criterion: value}
    candidate.scores = {**candidate.scores, reviewer: mine}


def criterion_average(candidate: Candidate, criterion: str) -> float | None:
    given = [by[criterion] for by in candidate.scores.values() if criterion in by]
    return sum(given) / len(given) if given else None


def weighted_score(candidate: Candidate, criteria: Iterable[Criterion]) -> float | None:
    """Each criterion averaged over the reviewers who scored it, weighted; None when unscored."""
    total = weights = 0.0
    for criterion in criteria:
        average = criterion_average(candidate, criterion.name)
        if average is not None:
            total += average * criterion.weight
            weights += criterion.weight
    return None if weights == 0 else total / weights


def compare(a: Candidate, b: Candidate, criteria: Iterable[Criterion]) -> list[tuple[str, float | None, float | None]]:
    return [(c.name, criterion_average(a, c.name), criterion_average(b, c.name)) for c in criteria]


# -- interviews --------------------------------------------------------------------------


class InterviewStatus(StrEnum):
    BOOKED = "booked"
    DONE = "done"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Interview(Record):
    candidate_id: int
    start: datetime
    minutes: int = Field(default=45, ge=5, le=480, title="Duration (minutes)")
    interviewers: list[str] = Field(min_length=1)
    place: str = Field(default="", max_length=200)
    status: InterviewStatus = InterviewStatus.BOOKED
    rating: int | None = Field(default=None, ge=1, le=5)
    feedback: str = Field(default="", max_length=5000)

    form_fields = ("start", "minutes", "interviewers", "place")

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


def find_clash(new: Interview, booked: Iterable[Interview], names: dict[int, str]) -> str | None:
    """A sentence naming the first clash with another booked interview, else None."""
    for other in booked:
        if other.id == new.id or other.status != InterviewStatus.BOOKED:
            continue
        if not (new.start < other.end and other.start < new.end):
            continue  # back-to-back is fine
        when = f"{other.start:%a %d %b %H:%M}–{other.end:%H:%M}"
        shared = sorted(set(new.interviewers) & set(other.interviewers))
        if shared:
            return f"{', '.join(shared)} already interview {names.get(other.candidate_id, 'someone')} {when}."
        if other.candidate_id == new.candidate_id:
            return f"{names.get(new.candidate_id, 'The candidate')} already has an interview {when}."
    return None


def book_interview(store, interview: Interview) -> Interview:
    with store.transaction("people"):
        candidates = {c.id: c.name for c in store.repo("candidates").list()}
        clash = find_clash(interview, store.repo("interviews").list(), candidates)
        if clash:
            raise FieldError("start", clash)
        saved = store.repo("interviews").add(interview)
        candidate = store.repo("candidates").get(interview.candidate_id)
        if candidate.stage == Stage.SHORTLISTED:
            store.repo("candidates").update(candidate.id, lambda c: move_stage(c, Stage.INTERVIEW, store.user, store.now()))
        return saved


def interviews_on(interviews: Iterable[Interview], day: datetime) -> list[Interview]:
    return sorted((i for i in interviews if i.start.date() == day.date() and i.status == InterviewStatus.BOOKED), key=lambda i: i.start)


# -- hire ---------------------------------------------------------------------------------


def hire(store, candidate_id: int, start_date, role: str = "", manager: str = ""):
    """The candidate becomes an employee without retyping; the position closes when full."""
    from data.staff import Employee

    with store.transaction("people"):
        candidates = store.repo("candidates")
        candidate = candidates.update(candidate_id, lambda c: move_stage(c, Stage.HIRED, store.user, store.now()))
        position = store.repo("positions").get(candidate.position_id)
        employee = store.repo("employees").add(Employee(
            name=candidate.name, email=candidate.email, phone=candidate.phone, role=role or position.title,
            department=position.department, start_date=start_date, manager=manager or position.hiring_manager,
            candidate_id=candidate.id,
        ))
        hired = sum(1 for c in candidates.find(position_id=position.id) if c.stage == Stage.HIRED)
        if hired >= position.places and position.is_open:
            store.repo("positions").update(position.id, lambda p: setattr(p, "is_open", False))
        return employee


def agenda_groups(store, now: datetime) -> list[AgendaGroup]:
    names = {c.id: c.name for c in store.repo("candidates").list()}
    today = interviews_on(store.repo("interviews").list(), now)
    entries = [AgendaEntry(f"{i.start:%H:%M} {names.get(i.candidate_id, '?')} with {', '.join(i.interviewers)}", "interviews", i.id) for i in today]
    return [AgendaGroup("interviews_today", "Interviews today", "candidates", len(today), entries)]


COLLECTIONS = [
    Collection("positions", Position, "people", "position", columns=("title", "department", "hiring_manager", "is_open", "places")),
    Collection("candidates", Candidate, "people", "candidate", columns=("name", "position_id", "stage", "source", "email", "phone"),
               is_closed=lambda c: c.stage in (Stage.HIRED, Stage.REJECTED, Stage.WITHDREW)),
    Collection("interviews", Interview, "people", "interview", columns=("candidate_id", "start", "minutes", "interviewers", "status"),
               is_closed=lambda i: i.status != InterviewStatus.BOOKED),
]
