"""What HR does to openings, candidates and interviews in the store: one transaction each,
the store first, then the record's id (or the new record), then what was typed; each
returns what was saved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from data.candidates import interviews, panel, rules, views
from data.candidates.models import Candidate, Interview, InterviewStatus, Position, PositionStatus, Stage
from data.engine.errors import FieldError
from data.engine.repository import Repository
from data.engine.store import Store
from data.engine.text import visible
from data.staff.actions import add_employee
from data.staff.models import Employee


def move(store: Store, candidate_id: int, to: Stage, note: str = "") -> Candidate:
    with store.transaction("people"):
        moved = store.repo("candidates").update(candidate_id, lambda c: rules.move_stage(c, to, store.user, store.now(), note))
        return interviews.cancel_when_leaving(store, moved)


def move_on(store: Store, candidate_id: int, to: Stage, note: str = "", sure: bool = False) -> Candidate:
    """A move along the usual way; one that skips a step raises SkipsSteps unless ``sure``."""
    with store.transaction("people"):
        candidate = store.repo("candidates").get(candidate_id)
        rules.STAGE_MOVES.check(candidate, to)
        skipped = rules.skipped_steps(candidate, to, store.repo("interviews").find(candidate_id=candidate_id))
        if skipped and not sure:
            raise rules.SkipsSteps(skipped)
        return move(store, candidate_id, to, note)


def screen(store: Store, candidate_id: int) -> Candidate:
    return move_on(store, candidate_id, Stage.SCREENING)


def shortlist(store: Store, candidate_id: int, note: str = "", sure: bool = False) -> Candidate:
    return move_on(store, candidate_id, Stage.SHORTLISTED, note, sure)


def reject(store: Store, candidate_id: int, reason: str) -> Candidate:
    return move(store, candidate_id, Stage.REJECTED, reason)


POSITION_FILLED = "The position was filled."


def still_open_if_filled(store: Store, position_id: int) -> list[Candidate]:
    """The candidates still in the running on an opening that is closed: to be told no."""
    if store.repo("positions").get(position_id).status != PositionStatus.CLOSED:
        return []
    return [c for c in store.repo("candidates").find(position_id=position_id) if not c.is_closed]


def reject_the_rest(store: Store, position_id: int, reason: str = POSITION_FILLED) -> tuple[list[Candidate], int]:
    """Everyone still in the running on a filled opening, rejected with the reason — their
    booked interviews cancelled, as any rejection does; and how many were. All or nothing."""
    with store.transaction("people"):
        rest = still_open_if_filled(store, position_id)
        booked = sum(len(store.repo("interviews").find(candidate_id=c.id, status=InterviewStatus.BOOKED)) for c in rest)
        return [reject(store, c.id, reason) for c in rest], booked


def withdraw(store: Store, candidate_id: int, note: str = "") -> Candidate:
    return move(store, candidate_id, Stage.WITHDREW, note)


def reconsider(store: Store, candidate_id: int, note: str = "") -> Candidate:
    """A rejected candidate's CV is looked at again: back to screening."""
    return move(store, candidate_id, Stage.SCREENING, note or "reconsidered")


def make_offer(store: Store, candidate_id: int, terms: str = "", sure: bool = False) -> Candidate:
    """The offer, its terms kept with the candidate; before any interview only when ``sure``."""
    return move_on(store, candidate_id, Stage.OFFER, terms, sure)


def set_score(store: Store, candidate_id: int, criterion: str, value: int) -> Candidate:
    """Score one criterion of the candidate's position as the current user."""

    def change(candidate: Candidate) -> None:
        position = store.repo("positions").get(candidate.position_id)
        names = [c.name for c in position.criteria]
        if criterion not in names:
            known = ", ".join(names) or "none yet"
            raise FieldError("scores", f"'{criterion}' is not a criterion of {position.title} (criteria: {known}).")
        rules.score(candidate, store.user, criterion, value)

    return store.repo("candidates").update(candidate_id, change)


def save_opening(store: Store, position: Position, fields: Iterable[str], force: bool = False) -> Position:
    """Save an edited opening; a criterion renamed in place (same place in the list, as
    many criteria as before) takes its scores with it."""
    with store.transaction("people"):
        before = store.repo("positions").get(position.id)
        saved = store.repo("positions").save(position, force=force, fields=fields)
        renamed = rules.renamed_criteria(before.criteria, saved.criteria)
        if renamed:
            for candidate in store.repo("candidates").find(position_id=position.id):
                store.repo("candidates").update(candidate.id, lambda c: rules.rename_scores(c, renamed))
        return saved


def close_or_reopen(store: Store, position_id: int) -> Position:
    """An opening is closed (no more hiring) or opened again."""
    def toggle(position: Position) -> None:
        position.status = PositionStatus.OPEN if position.status == PositionStatus.CLOSED else PositionStatus.CLOSED

    return store.repo("positions").update(position_id, toggle)


def check_interviews(repo: Repository, records: list[Interview]) -> None:
    """Run under the lock on every write of interviews, from a screen, a script or an import:
    each candidate named anew exists (an interview of a candidate since archived may still be
    written: an erasure clears its feedback), and no booked interview clashes with another."""
    names = views.candidate_names(repo.store)
    person = panel.same_person(interviews.current_staff(repo.store))
    writing = {r.id for r in records if r.id is not None}
    stored = repo.list()
    booked = [i for i in stored if i.id not in writing]
    candidates_before = {i.id: i.candidate_id for i in stored if i.id in writing}
    for interview in records:
        if interview.candidate_id not in names and candidates_before.get(interview.id) != interview.candidate_id:
            raise FieldError("candidate_id", f"Candidate #{interview.candidate_id} does not exist.")
        clash = rules.find_clash(interview, booked, names, person) if interview.status == InterviewStatus.BOOKED else None
        if clash:
            raise FieldError("start", clash)
        booked.append(interview)


def check_positions_exist(repo: Repository, records: list[Candidate]) -> None:
    positions = {p.id for p in repo.store.repo("positions").list()}
    for candidate in records:
        if candidate.position_id not in positions:
            raise FieldError("position_id", f"{candidate.name}: position #{candidate.position_id} does not exist.")


def book_interview(store: Store, interview: Interview) -> Interview:
    """Book the slot unless it clashes, with interviewers from the staff and a room of the
    office's; a shortlisted candidate moves to the interview stage; the invitation is written."""
    with store.transaction("people"):
        candidate = store.repo("candidates").get(interview.candidate_id)
        interviews.settle_panel_and_room(store, interview)
        rules.check_booking(interview, candidate, store.now())
        saved = store.repo("interviews").add(interview)  # check_interviews refuses a clash
        if candidate.stage == Stage.SHORTLISTED:
            move(store, candidate.id, Stage.INTERVIEW, f"interview {rules.slot_words(saved)}")
        return interviews.invite(store, saved)


def reschedule(store: Store, interview_id: int, start: datetime, minutes: int | None = None) -> Interview:
    """Move a booked interview to another slot, with the same checks as a new booking."""
    return interviews.move(store, interview_id, start, minutes)


def give_feedback(store: Store, interview_id: int, rating: int, feedback: str) -> Interview:
    return store.repo("interviews").update(interview_id, lambda i: rules.record_feedback(i, rating, feedback, store.now()))


def hire(store: Store, candidate_id: int, start_date: date, role: str = "", manager: str = "") -> Employee:
    """The candidate with an offer becomes an employee without retyping; the position
    closes when its last place is filled. One transaction: all of it or nothing."""
    with store.transaction("people"):
        candidate = store.repo("candidates").get(candidate_id)
        position = store.repo("positions").get(candidate.position_id)
        rules.STAGE_MOVES.check(candidate, Stage.HIRED)
        rules.check_place(position, len(store.repo("candidates").find(position_id=position.id, stage=Stage.HIRED)))
        candidate = move(store, candidate_id, Stage.HIRED, f"starts {start_date:%d %b %Y}")
        def plain(text: str) -> str:  # stored text is taken as it is; a new record's must be plain
            return visible(text, one_line=True)

        employee = add_employee(store, Employee(
            name=plain(candidate.name), email=candidate.email, phone=candidate.phone, role=role or plain(position.title),
            department=plain(position.department), start_date=start_date, manager=manager or plain(position.hiring_manager),
            candidate_id=candidate.id,
        ))
        hired = store.repo("candidates").find(position_id=position.id, stage=Stage.HIRED)
        if len(hired) >= position.places and position.status == PositionStatus.OPEN:
            store.repo("positions").update(position.id, lambda p: setattr(p, "status", PositionStatus.CLOSED))
        return employee
