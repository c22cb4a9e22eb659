"""Hiring: positions, candidates and their stages, scores, interviews without clashes, hire.

Every record here lives in people.json, which only HR may read. Rules are pure functions
of the records, the user and ``now``; the functions after each part run them on stored
records, one transaction each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import Field, field_validator

from data.agenda import AgendaEntry, AgendaGroup
from data.engine.clock import Moment, local, office_day
from data.engine.collections import Collection
from data.engine.errors import FieldError, RuleError
from data.phone import normalise_number
from data.engine.record import Lines, Model, Record
from data.staff import Employee, check_email

# -- positions ---------------------------------------------------------------------------


class Criterion(Model):
    name: str = Field(min_length=1, max_length=100)
    weight: float = Field(default=1.0, gt=0, le=100)


class PositionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Position(Record):
    title: str = Field(min_length=1, max_length=200)
    department: str = Field(default="", max_length=200)
    hiring_manager: str = Field(default="", max_length=200)
    status: PositionStatus = PositionStatus.OPEN
    places: int = Field(default=1, ge=1, le=100)
    criteria: list[Criterion] = Field(default_factory=list)

    form_fields = ("title", "department", "hiring_manager", "places", "status")

    @field_validator("criteria")
    @classmethod
    def _distinct_criteria(cls, value: list[Criterion]) -> list[Criterion]:
        names = [c.name.casefold() for c in value]
        if len(names) != len(set(names)):
            raise ValueError("each criterion needs its own name")
        return value

    def label(self) -> str:
        return self.title


# -- candidates and their stages ---------------------------------------------------------


class Stage(StrEnum):
    APPLIED = "applied"
    SCREENING = "screening"
    SHORTLISTED = "shortlisted"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDREW = "withdrew"


FINAL = {Stage.HIRED, Stage.WITHDREW}
STAGE_MOVES: dict[Stage, tuple[Stage, ...]] = {
    Stage.APPLIED: (Stage.SCREENING, Stage.SHORTLISTED, Stage.REJECTED, Stage.WITHDREW),
    Stage.SCREENING: (Stage.SHORTLISTED, Stage.REJECTED, Stage.WITHDREW),
    Stage.SHORTLISTED: (Stage.INTERVIEW, Stage.REJECTED, Stage.WITHDREW),
    Stage.INTERVIEW: (Stage.OFFER, Stage.REJECTED, Stage.WITHDREW),
    Stage.OFFER: (Stage.HIRED, Stage.REJECTED, Stage.WITHDREW),
    Stage.HIRED: (),
    Stage.REJECTED: (Stage.SCREENING,),  # reconsidered: the CV is looked at again
    Stage.WITHDREW: (),
}


class StageStep(Model):
    at: Moment
    user: str
    stage: Stage
    note: Lines = Field(default="", max_length=5000)


class Candidate(Record):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")
    phone: str = Field(default="", max_length=40)
    position_id: int = Field(title="Position")
    source: str = Field(default="", max_length=100)
    cv_text: Lines = Field(default="", max_length=50_000, title="CV")
    cv_path: str = Field(default="", max_length=1000, title="CV file")
    stage: Stage = Stage.APPLIED
    reject_reason: Lines = Field(default="", max_length=1000, title="Reason for rejection")
    scores: dict[str, dict[str, int]] = Field(default_factory=dict)  # reviewer → criterion → 1..5
    history: list[StageStep] = Field(default_factory=list)

    form_fields = ("name", "email", "phone", "position_id", "source", "cv_text", "cv_path")

    _phone = field_validator("phone", mode="before")(lambda cls, v: normalise_number(v or ""))
    _email = field_validator("email")(lambda cls, v: check_email(v))

    @field_validator("scores")
    @classmethod
    def _scores(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for by_reviewer in value.values():
            if any(not 1 <= s <= 5 for s in by_reviewer.values()):
                raise ValueError("scores go from 1 to 5")
        return value

    def label(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in (Stage.HIRED, Stage.REJECTED, Stage.WITHDREW)


def either(stages: Iterable[Stage]) -> str:
    words = [s.value for s in stages]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def refusal(candidate: Candidate, to: Stage) -> str:
    name, stage = candidate.name, candidate.stage
    if to == stage:
        return f"{name} is already at the {stage.value} stage."
    if stage in FINAL:
        return f"{name} {'was hired' if stage == Stage.HIRED else 'withdrew'}; that is final."
    if to == Stage.HIRED:
        return f"{name} cannot be hired without an offer first (now at {stage.value})."
    return f"{name} cannot go from {stage.value} to {to.value}; the next stage can be {either(STAGE_MOVES[stage])}."


def move_stage(candidate: Candidate, to: Stage, user: str, now: datetime, note: str = "") -> None:
    """Move the candidate to ``to`` and write the step into the history; a rejection needs a reason."""
    if to not in STAGE_MOVES[candidate.stage]:
        raise RuleError(refusal(candidate, to))
    note = note.strip()
    if to == Stage.REJECTED and not note:
        raise FieldError("reject_reason", f"Say why {candidate.name} is rejected.")
    candidate.reject_reason = note if to == Stage.REJECTED else ""
    candidate.stage = to
    candidate.history = [*candidate.history, StageStep(at=now, user=user, stage=to, note=note)]


def score(candidate: Candidate, reviewer: str, criterion: str, value: int) -> None:
    """The reviewer's score of one criterion; scoring again replaces their earlier score."""
    if not 1 <= value <= 5:
        raise FieldError("scores", "Scores go from 1 to 5.")
    mine = {**candidate.scores.get(reviewer, {}), criterion: value}
    candidate.scores = {**candidate.scores, reviewer: mine}


def criterion_average(candidate: Candidate, criterion: str) -> float | None:
    """The average over the reviewers who scored this criterion; None when nobody did."""
    given = [by[criterion] for by in candidate.scores.values() if criterion in by]
    return sum(given) / len(given) if given else None


def weighted_score(candidate: Candidate, criteria: Iterable[Criterion]) -> float | None:
    """Each criterion averaged over the reviewers who scored it, then weighted by the criterion's
    weight; unscored criteria count for nothing. None when no criterion is scored."""
    total = weights = 0.0
    for criterion in criteria:
        average = criterion_average(candidate, criterion.name)
        if average is not None:
            total += average * criterion.weight
            weights += criterion.weight
    return None if weights == 0 else total / weights


def ranked(candidates: Iterable[Candidate], criteria: Iterable[Criterion]) -> list[Candidate]:
    """Best weighted score first; candidates nobody has scored yet come last, by name."""
    criteria = list(criteria)

    def key(candidate: Candidate) -> tuple[bool, float, str]:
        value = weighted_score(candidate, criteria)
        return value is None, -(value or 0.0), candidate.name.casefold()

    return sorted(candidates, key=key)


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
    rows = [ComparisonRow(c.name, c.weight, criterion_average(first, c.name), criterion_average(second, c.name)) for c in criteria]
    return Comparison(first, second, rows, weighted_score(first, criteria), weighted_score(second, criteria))


def move(store, candidate_id: int, to: Stage, note: str = "") -> Candidate:
    return store.repo("candidates").update(candidate_id, lambda c: move_stage(c, to, store.user, store.now(), note))


def shortlist(store, candidate_id: int, note: str = "") -> Candidate:
    return move(store, candidate_id, Stage.SHORTLISTED, note)


def reject(store, candidate_id: int, reason: str) -> Candidate:
    return move(store, candidate_id, Stage.REJECTED, reason)


def make_offer(store, candidate_id: int, note: str = "") -> Candidate:
    return move(store, candidate_id, Stage.OFFER, note)


def set_score(store, candidate_id: int, criterion: str, value: int) -> Candidate:
    """Score one criterion of the candidate's position as the current user."""

    def change(candidate: Candidate) -> None:
        position = store.repo("positions").get(candidate.position_id)
        names = [c.name for c in position.criteria]
        if criterion not in names:
            known = ", ".join(names) or "none yet"
            raise FieldError("scores", f"'{criterion}' is not a criterion of {position.title} (criteria: {known}).")
        score(candidate, store.user, criterion, value)

    return store.repo("candidates").update(candidate_id, change)


def candidates_by_score(store, position_id: int) -> list[tuple[Candidate, float | None]]:
    """The position's candidates with their weighted scores, best first: the triage list."""
    criteria = store.repo("positions").get(position_id).criteria
    found = ranked(store.repo("candidates").find(position_id=position_id), criteria)
    return [(c, weighted_score(c, criteria)) for c in found]


# -- interviews ----------------------------------------------------------------------------


class InterviewStatus(StrEnum):
    BOOKED = "booked"
    DONE = "done"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


BOOKABLE = (Stage.SHORTLISTED, Stage.INTERVIEW)


class Interview(Record):
    candidate_id: int = Field(title="Candidate")
    start: Moment
    minutes: int = Field(default=45, ge=5, le=480, title="Duration (minutes)")
    interviewers: list[str] = Field(default_factory=list, validate_default=True)
    place: str = Field(default="", max_length=200)
    status: InterviewStatus = InterviewStatus.BOOKED
    rating: int | None = Field(default=None, ge=1, le=5)
    feedback: Lines = Field(default="", max_length=5000)

    form_fields = ("candidate_id", "start", "minutes", "interviewers", "place")

    @field_validator("interviewers")
    @classmethod
    def _interviewers(cls, value: list[str]) -> list[str]:
        names: list[str] = []
        for name in (v.strip() for v in value):
            if name and name.casefold() not in (n.casefold() for n in names):
                names.append(name)
        if not names:
            raise ValueError("name at least one interviewer")
        return names

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def label(self) -> str:
        return f"#{self.id} {local(self.start):%a %d %b %H:%M}"


def slot_words(interview: Interview) -> str:
    return f"{local(interview.start):%a %d %b %H:%M}–{local(interview.end):%H:%M}"


def overlaps(a: Interview, b: Interview) -> bool:
    return a.start < b.end and b.start < a.end  # one ending as the other starts is fine


def find_clash(new: Interview, others: Iterable[Interview], names: dict[int, str]) -> str | None:
    """A sentence naming the first clash with another booked interview, else None."""
    mine = {n.casefold() for n in new.interviewers}
    for other in sorted(others, key=lambda i: i.start):
        itself = other is new or (other.id is not None and other.id == new.id)
        if itself or other.status != InterviewStatus.BOOKED or not overlaps(new, other):
            continue
        who = names.get(other.candidate_id, f"candidate #{other.candidate_id}")
        shared = [n for n in other.interviewers if n.casefold() in mine]
        if shared:
            verb = "is" if len(shared) == 1 else "are"
            return f"{' and '.join(shared)} {verb} already interviewing {who} {slot_words(other)}."
        if other.candidate_id == new.candidate_id:
            return f"{who} already has an interview {slot_words(other)} with {', '.join(other.interviewers)}."
    return None


def check_booking(interview: Interview, candidate: Candidate, now: datetime) -> None:
    """A booking is for a shortlisted candidate (or one already interviewing) at a time to come."""
    if candidate.stage not in BOOKABLE:
        raise RuleError(f"{candidate.name} is at the {candidate.stage.value} stage; only a shortlisted candidate is interviewed.")
    if interview.start < now:
        raise FieldError("start", f"{local(interview.start):%a %d %b %H:%M} has passed; book a time still to come.")


def check_interviews(repo, records: list[Interview]) -> None:
    """Run under the lock on every write of interviews, from a screen, a script or an import:
    each candidate exists, and no booked interview clashes with another."""
    names = candidate_names(repo.store)
    writing = {r.id for r in records if r.id is not None}
    booked = [i for i in repo.list() if i.id not in writing]
    for interview in records:
        if interview.candidate_id not in names:
            raise FieldError("candidate_id", f"Candidate #{interview.candidate_id} does not exist.")
        clash = find_clash(interview, booked, names) if interview.status == InterviewStatus.BOOKED else None
        if clash:
            raise FieldError("start", clash)
        booked.append(interview)


def check_positions_exist(repo, records: list[Candidate]) -> None:
    positions = {p.id for p in repo.store.repo("positions").list()}
    for candidate in records:
        if candidate.position_id not in positions:
            raise FieldError("position_id", f"{candidate.name}: position #{candidate.position_id} does not exist.")


def candidate_names(store) -> dict[int, str]:
    return {c.id: c.name for c in store.repo("candidates").list()}


def book_interview(store, interview: Interview) -> Interview:
    """Book the slot unless it clashes; a shortlisted candidate moves to the interview stage."""
    with store.transaction("people"):
        candidate = store.repo("candidates").get(interview.candidate_id)
        check_booking(interview, candidate, store.now())
        saved = store.repo("interviews").add(interview)  # check_interviews refuses a clash
        if candidate.stage == Stage.SHORTLISTED:
            move(store, candidate.id, Stage.INTERVIEW, f"interview {slot_words(saved)}")
        return saved


def reschedule(store, interview_id: int, start: datetime, minutes: int | None = None) -> Interview:
    """Move a booked interview to another slot, with the same checks as a new booking."""

    def change(interview: Interview) -> None:
        check_booked(interview)
        interview.start = start
        interview.minutes = minutes or interview.minutes
        check_booking(interview, store.repo("candidates").get(interview.candidate_id), store.now())

    return store.repo("interviews").update(interview_id, change)  # check_interviews refuses a clash


def status_words(interview: Interview) -> str:
    return interview.status.value.replace("_", " ")


def check_booked(interview: Interview) -> None:
    if interview.status != InterviewStatus.BOOKED:
        raise RuleError(f"This interview is already {status_words(interview)}; only a booked one can change.")


def record_feedback(interview: Interview, rating: int, feedback: str, now: datetime) -> None:
    """After the interview: its rating (1–5) and what the interviewers thought. It is then done."""
    if interview.status not in (InterviewStatus.BOOKED, InterviewStatus.DONE):
        raise RuleError(f"This interview is {status_words(interview)}; there is nothing to rate.")
    if now < interview.start:
        raise RuleError(f"Feedback comes after the interview, which starts {local(interview.start):%a %d %b %H:%M}.")
    if not 1 <= rating <= 5:
        raise FieldError("rating", "A rating goes from 1 to 5.")
    interview.rating = rating
    interview.feedback = feedback.strip()
    interview.status = InterviewStatus.DONE


def cancel_interview(interview: Interview) -> None:
    check_booked(interview)
    interview.status = InterviewStatus.CANCELLED


def mark_no_show(interview: Interview, now: datetime) -> None:
    check_booked(interview)
    if now < interview.start:
        raise RuleError(f"The interview starts {local(interview.start):%a %d %b %H:%M}; nobody can miss it yet.")
    interview.status = InterviewStatus.NO_SHOW


def give_feedback(store, interview_id: int, rating: int, feedback: str) -> Interview:
    return store.repo("interviews").update(interview_id, lambda i: record_feedback(i, rating, feedback, store.now()))


def interviews_on(interviews: Iterable[Interview], day: date) -> list[Interview]:
    """The day's interviews that still take place or took place, by start time."""
    kept = (i for i in interviews if office_day(i.start) == day and i.status in (InterviewStatus.BOOKED, InterviewStatus.DONE))
    return sorted(kept, key=lambda i: i.start)


def interviews_of(store, candidate_id: int) -> list[Interview]:
    return sorted(store.repo("interviews").find(candidate_id=candidate_id), key=lambda i: i.start)


# -- offer and hire --------------------------------------------------------------------------


def hire(store, candidate_id: int, start_date: date, role: str = "", manager: str = "") -> Employee:
    """The candidate with an offer becomes an employee without retyping; the position
    closes when its last place is filled. One transaction: all of it or nothing."""
    with store.transaction("people"):
        candidate = move(store, candidate_id, Stage.HIRED, f"starts {start_date:%d %b %Y}")
        position = store.repo("positions").get(candidate.position_id)
        employee = store.repo("employees").add(Employee(
            name=candidate.name, email=candidate.email, phone=candidate.phone, role=role or position.title,
            department=position.department, start_date=start_date, manager=manager or position.hiring_manager,
            candidate_id=candidate.id,
        ))
        hired = store.repo("candidates").find(position_id=position.id, stage=Stage.HIRED)
        if len(hired) >= position.places and position.status == PositionStatus.OPEN:
            store.repo("positions").update(position.id, lambda p: setattr(p, "status", PositionStatus.CLOSED))
        return employee


def offered_on(candidate: Candidate) -> datetime | None:
    steps = [s.at for s in candidate.history if s.stage == Stage.OFFER]
    return steps[-1] if steps else None


def agenda_groups(store, now: datetime) -> list[AgendaGroup]:
    """Interviews today and offers waiting for an answer. Raises NoAccessError when
    people.json is closed to this user; the agenda then leaves HR out."""
    candidates = store.repo("candidates").list()
    names = {c.id: c.name for c in candidates}
    today = [i for i in interviews_on(store.repo("interviews").list(), office_day(now)) if i.status == InterviewStatus.BOOKED]
    interview_entries = [
        AgendaEntry(f"{local(i.start):%H:%M} {names.get(i.candidate_id, '?')} with {', '.join(i.interviewers)}"
                    + (f" in {i.place}" if i.place else ""), "interviews", i.id)
        for i in today
    ]
    offers = sorted((c for c in candidates if c.stage == Stage.OFFER), key=lambda c: offered_on(c) or now)
    offer_entries = [AgendaEntry(offer_words(c, now), "candidates", c.id) for c in offers]
    return [
        AgendaGroup("interviews_today", "Interviews today", "candidates", len(today), interview_entries),
        AgendaGroup("offers_waiting", "Offers waiting for an answer", "candidates", len(offers), offer_entries),
    ]


def offer_words(candidate: Candidate, now: datetime) -> str:
    made = offered_on(candidate)
    if made is None:
        return candidate.name
    days = (office_day(now) - office_day(made)).days
    return f"{candidate.name} — offered {local(made):%d %b} ({days} day{'s' if days != 1 else ''} ago)"


COLLECTIONS = [
    Collection("positions", Position, "people", "position", columns=("title", "department", "hiring_manager", "status", "places")),
    Collection("candidates", Candidate, "people", "candidate", columns=("name", "position_id", "stage", "source", "email", "phone"),
               is_closed=lambda c: c.is_closed, check=check_positions_exist),
    Collection("interviews", Interview, "people", "interview", columns=("candidate_id", "start", "minutes", "interviewers", "status"),
               is_closed=lambda i: i.status != InterviewStatus.BOOKED, check=check_interviews),
]
