"""What may happen to a candidate and an interview, and how scores rank them: pure functions
of the records, the user and ``now``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from data.candidates.models import Candidate, Criterion, Interview, InterviewStatus, Position, PositionStatus, Stage, StageStep
from data.engine.clock import local, office_day
from data.engine.errors import FieldError, RuleError
from data.engine.states import Moves, words

FINAL = {Stage.HIRED, Stage.WITHDREW}
BOOKABLE = (Stage.SHORTLISTED, Stage.INTERVIEW)


def either(stages: Iterable[Stage]) -> str:
    words = [s.value for s in sorted(stages, key=list(Stage).index)]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def refusal(candidate: Candidate, to: Stage) -> str:
    name, stage = candidate.name, candidate.stage
    if to == stage:
        return f"{name} is already at the {stage.value} stage."
    if stage in FINAL:
        return f"{name} {'was hired' if stage == Stage.HIRED else 'withdrew'}; that is final."
    if to == Stage.HIRED:
        return f"{name} cannot be hired without an offer first (now at {stage.value})."
    return f"{name} cannot go from {stage.value} to {to.value}; the next stage can be {either(STAGE_MOVES.allowed[stage])}."


STAGE_MOVES = Moves({
    Stage.APPLIED: frozenset({Stage.SCREENING, Stage.SHORTLISTED, Stage.REJECTED, Stage.WITHDREW}),
    Stage.SCREENING: frozenset({Stage.SHORTLISTED, Stage.REJECTED, Stage.WITHDREW}),
    Stage.SHORTLISTED: frozenset({Stage.INTERVIEW, Stage.REJECTED, Stage.WITHDREW}),
    Stage.INTERVIEW: frozenset({Stage.OFFER, Stage.REJECTED, Stage.WITHDREW}),
    Stage.OFFER: frozenset({Stage.HIRED, Stage.REJECTED, Stage.WITHDREW}),
    Stage.HIRED: frozenset(),
    Stage.REJECTED: frozenset({Stage.SCREENING}),  # reconsidered: the CV is looked at again
    Stage.WITHDREW: frozenset(),
}, refusal, field="stage")


# The usual way through; a move past a step not taken is asked about first.
PIPELINE = (Stage.APPLIED, Stage.SCREENING, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED)


class SkipsSteps(RuleError):
    """A move past a step of the usual way: made only once someone is sure."""


def skipped_steps(candidate: Candidate, to: Stage, interviews: Iterable[Interview]) -> str:
    """A sentence when moving to ``to`` leaves out a step of the usual way, else ''."""
    if to == Stage.OFFER and not any(i.status == InterviewStatus.DONE for i in interviews):
        booked = [i for i in interviews if i.status == InterviewStatus.BOOKED]
        when = f" (one is booked {slot_words(min(booked, key=lambda i: i.start))})" if booked else ""
        return f"{candidate.name} has not been interviewed yet{when}."
    if candidate.stage in PIPELINE and to in PIPELINE:
        between = PIPELINE[PIPELINE.index(candidate.stage) + 1:PIPELINE.index(to)]
        if between:
            return f"{candidate.name} would skip {either(between)}."
    return ""


def check_place(position: Position, hired: int) -> None:
    """No hire beyond the places of an opening, and none on a closed one."""
    if position.status == PositionStatus.CLOSED:
        raise RuleError(f"{position.title} is closed; reopen it (p, then x) to hire for it.")
    if hired >= position.places:
        places = f"{position.places} place{'s' if position.places != 1 else ''}"
        raise RuleError(f"{position.title} has {places}, all filled; give it more places (p, then e) to hire again.")


def move_stage(candidate: Candidate, to: Stage, user: str, now: datetime, note: str = "") -> None:
    """Move the candidate to ``to`` and write the step into the history; a rejection needs a reason."""
    STAGE_MOVES.check(candidate, to)
    note = note.strip()
    if to == Stage.REJECTED and not note:
        raise FieldError("reject_reason", f"Say why {candidate.name} is rejected.")
    candidate.reject_reason = note if to == Stage.REJECTED else ""
    if to == Stage.OFFER:
        candidate.offer_terms = note
    candidate.stage = to
    candidate.history = [*candidate.history, StageStep(at=now, user=user, stage=to, note=note)]


def score(candidate: Candidate, reviewer: str, criterion: str, value: int) -> None:
    """The reviewer's score of one criterion; scoring again replaces their earlier score."""
    if not 1 <= value <= 5:
        raise FieldError("scores", "Scores go from 1 to 5.")
    mine = {**candidate.scores.get(reviewer, {}), criterion: value}
    candidate.scores = {**candidate.scores, reviewer: mine}


def renamed_criteria(before: list[Criterion], after: list[Criterion]) -> dict[str, str]:
    """Old name → new name of the criteria renamed in place; none when criteria were added or taken away."""
    if len(before) != len(after):
        return {}
    return {old.name: new.name for old, new in zip(before, after) if old.name != new.name}


def rename_scores(candidate: Candidate, renamed: dict[str, str]) -> None:
    candidate.scores = {reviewer: {renamed.get(name, name): value for name, value in given.items()}
                        for reviewer, given in candidate.scores.items()}


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


def slot_words(interview: Interview) -> str:
    return f"{local(interview.start):%a %d %b %H:%M}–{local(interview.end):%H:%M}"


def overlaps(a: Interview, b: Interview) -> bool:
    return a.start < b.end and b.start < a.end  # one ending as the other starts is fine


def find_clash(new: Interview, others: Iterable[Interview], names: dict[int, str],
               person: Callable[[str], str] = str.casefold) -> str | None:
    """A sentence naming the first clash with another booked interview — an interviewer, the
    candidate or the room — else None. ``person`` tells which stored names are one person."""
    mine = {person(n) for n in new.interviewers}
    room = new.place.casefold()
    for other in sorted(others, key=lambda i: i.start):
        itself = other is new or (other.id is not None and other.id == new.id)
        if itself or other.status != InterviewStatus.BOOKED or not overlaps(new, other):
            continue
        who = names.get(other.candidate_id, f"candidate #{other.candidate_id}")
        shared = [n for n in other.interviewers if person(n) in mine]
        if shared:
            verb = "is" if len(shared) == 1 else "are"
            return f"{' and '.join(shared)} {verb} already interviewing {who} {slot_words(other)}."
        if other.candidate_id == new.candidate_id:
            return f"{who} already has an interview {slot_words(other)} with {', '.join(other.interviewers)}."
        if room and other.place.casefold() == room:
            return f"{other.place} is taken: {who}'s interview is there {slot_words(other)}."
    return None


def check_booking(interview: Interview, candidate: Candidate, now: datetime) -> None:
    """A booking is for a shortlisted candidate (or one already interviewing) at a time to come."""
    if candidate.stage not in BOOKABLE:
        raise RuleError(f"{candidate.name} is at the {candidate.stage.value} stage; only a shortlisted candidate is interviewed.")
    if interview.start < now:
        raise FieldError("start", f"{local(interview.start):%a %d %b %H:%M} has passed; book a time still to come.")


def check_booked(interview: Interview) -> None:
    if interview.status != InterviewStatus.BOOKED:
        raise RuleError(f"This interview is already {words(interview.status)}; only a booked one can change.")


def record_feedback(interview: Interview, rating: int, feedback: str, now: datetime) -> None:
    """After the interview: its rating (1–5) and what the interviewers thought. It is then done."""
    if interview.status not in (InterviewStatus.BOOKED, InterviewStatus.DONE):
        raise RuleError(f"This interview is {words(interview.status)}; there is nothing to rate.")
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


def interviews_on(interviews: Iterable[Interview], day: date) -> list[Interview]:
    """The day's interviews that still take place or took place, by start time."""
    kept = (i for i in interviews if office_day(i.start) == day and i.status in (InterviewStatus.BOOKED, InterviewStatus.DONE))
    return sorted(kept, key=lambda i: i.start)


def offered_on(candidate: Candidate) -> datetime | None:
    steps = [s.at for s in candidate.history if s.stage == Stage.OFFER]
    return steps[-1] if steps else None
