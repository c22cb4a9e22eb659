"""Rejected and withdrawn candidates' personal data is erased once the retention period is
over, and anyone's on request.

Erased: the name, e-mail, phone, the CV's text and its kept file, the reason for rejection,
the notes of each stage step and the interviewers' written feedback. Kept, for statistics:
the opening, the source, each stage reached and when, the scores' numbers and the
interviews' times and ratings. The audit line says "erase" and names the fields, never
their values (no audit line ever holds a value).

The same is done to the candidate's copies in the archive and in the daily backups, so
that a backup put back does not bring the person back.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import suppress
from datetime import datetime

from data.candidates import rules
from data.candidates.cv_import import forget_cv_file
from data.candidates.models import Candidate, Interview, InterviewStatus, Stage
from data.engine import backups
from data.engine.archive import FOLDER as ARCHIVE, open_archive, read_marker, year_files
from data.engine.archive_index import index_name
from data.engine.clock import as_utc, office_day
from data.engine.errors import DataError, RuleError, saving
from data.engine.files import Folder
from data.engine.record import STORED
from data.engine.storage import parse_file
from data.engine.store import Store
from data.engine.tables import encode, with_documents

ENDED = (Stage.REJECTED, Stage.WITHDREW)
PERSONAL = {"email": "", "phone": "", "cv_text": "", "cv_path": "", "reject_reason": ""}
DEFAULT_MONTHS = 6
MARKER = "last-erasure"  # in HR's archive folder: the day of the last run


def months_later(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def ended_at(body: dict) -> datetime | None:
    """When a stored candidate was rejected or withdrew: its last step to that stage."""
    steps = [s.get("at") for s in body.get("history") or [] if isinstance(s, dict) and s.get("stage") == body.get("stage")]
    stamp = (steps or [body.get("updated_at")])[-1]
    try:
        return as_utc(datetime.fromisoformat(stamp)) if isinstance(stamp, str) else None
    except ValueError:
        return None


def erasure_due(body: dict, now: datetime, months: int) -> bool:
    if body.get("stage") not in ENDED or body.get("erased_at"):
        return False
    ended = ended_at(body)
    return ended is not None and months_later(ended, months) <= now


def erased_name(doc_id: int | str) -> str:
    return f"Erased #{doc_id}"


def erased_body(doc_id: int | str, body: dict, now: datetime) -> dict:
    """A stored candidate without its personal data: what statistics need and nothing more."""
    history = [{**step, "note": ""} for step in body.get("history") or [] if isinstance(step, dict)]
    return {**body, **PERSONAL, "name": erased_name(doc_id), "history": history,
            "erased_at": body.get("erased_at") or now.isoformat()}


# -- in people.json ----------------------------------------------------------------------------
def erase_candidate(store: Store, candidate_id: int) -> Candidate:
    """Erase one candidate's personal data now, on their request. Someone still in the running
    withdraws first, and their booked interviews are cancelled."""
    with store.transaction("people"):
        if store.repo("candidates").table.document(candidate_id) is None:
            return erase_archived(store, candidate_id)
        candidate = store.repo("candidates").get(candidate_id)
        if candidate.erased_at is not None:
            raise RuleError(f"{candidate.name}: the personal data was erased on {office_day(candidate.erased_at):%d %b %Y}.")
        if not candidate.is_closed:
            store.repo("candidates").update(candidate_id, lambda c: rules.move_stage(c, Stage.WITHDREW, store.user, store.now()))
        erased = erase_in_file(store, candidate_id)
    forget_cv_file(store, candidate.cv_path)
    scrub_copies(store, {})
    return erased


def archived(store: Store) -> Iterator[tuple[Folder, str]]:
    """HR's archive folder and the name of each of its year files."""
    with open_archive(store, "people") as archive:
        for name in year_files(archive, "people"):
            yield archive, name  # type: ignore[misc]


def erase_archived(store: Store, candidate_id: int) -> Candidate:
    """A candidate no longer in the working file: erased in the archive (and the backups)."""
    for archive, name in archived(store):
        body = parse_file(archive, name).get("candidates", {}).get(str(candidate_id))
        if body is not None and not body.get("erased_at"):
            forget_cv_file(store, body.get("cv_path") or "")
            scrub_copies(store, {str(candidate_id): store.now().isoformat()})
            erased = Candidate.model_validate(erased_body(candidate_id, body, store.now()), context=STORED)
            erased.id = candidate_id
            return erased
    return store.repo("candidates").get(candidate_id)  # says it does not exist, or was erased


def erase_in_file(store: Store, candidate_id: int) -> Candidate:
    """Under the transaction: the candidate, and the feedback on their interviews (a booked
    one is cancelled: it would keep the interviewers' time)."""
    now = store.now()

    def erase(candidate: Candidate) -> Candidate:
        erased = Candidate.model_validate(erased_body(candidate.id, candidate.body(), now), context=STORED)  # type: ignore[arg-type]
        erased.id = candidate.id
        return erased

    def forget(interview: Interview) -> None:
        if interview.status == InterviewStatus.BOOKED:
            rules.cancel_interview(interview)
        interview.feedback = ""

    for interview in store.repo("interviews").find(candidate_id=candidate_id):
        store.repo("interviews").update(interview.id, forget, action="erase")  # type: ignore[arg-type]
    return store.repo("candidates").update(candidate_id, erase, action="erase")


def erase_expired(store: Store, now: datetime, months: int = DEFAULT_MONTHS) -> list[int]:
    """Erase every rejected or withdrawn candidate whose retention period is over, in the
    working file, the archive and the backups; the ids erased. NoAccessError outside HR."""
    with store.transaction("people"):
        due = [c for c in store.repo("candidates").list() if erasure_due(c.body(), now, months)]
        for candidate in due:
            erase_in_file(store, candidate.id)  # type: ignore[arg-type]
    for candidate in due:
        forget_cv_file(store, candidate.cv_path)
    archived = due_in_archive(store, now, months)
    scrub_copies(store, archived)
    return sorted([c.id for c in due] + [int(i) for i in archived])  # type: ignore[misc]


def erase_once_a_day(store: Store, now: datetime, months: int) -> list[int] | None:
    """What the app's daily housekeeping runs: at most once a day, by whoever of HR comes first;
    None when it already ran today or this user may not see HR records."""
    try:
        today = office_day(now).isoformat()
        with open_archive(store, "people") as archive:
            if read_marker(archive, MARKER) == today:
                return None
        erased = erase_expired(store, now, months)
        with saving(f"{ARCHIVE}/{MARKER}"), open_archive(store, "people", writing=True) as archive:
            archive.write(MARKER, today.encode())  # type: ignore[union-attr]
        return erased
    except (DataError, PermissionError):
        return None  # the HR section says why to those outside HR


# -- the archive and the backups ---------------------------------------------------------------
def due_in_archive(store: Store, now: datetime, months: int) -> dict[str, str]:
    """doc id → now, of the archived candidates whose retention period is over; their kept CV
    files are removed here, their records by ``scrub_copies``."""
    due = {}
    for archive, name in archived(store):
        for doc_id, body in parse_file(archive, name).get("candidates", {}).items():
            if erasure_due(body, now, months):
                due[doc_id] = now.isoformat()
                forget_cv_file(store, body.get("cv_path") or "")
    return due


def erased_ids(store: Store) -> dict[str, str]:
    """doc id → when, of every candidate erased in the working file or the archive."""
    found = {str(c.id): c.erased_at.isoformat() for c in store.repo("candidates").list() if c.erased_at}
    for archive, name in archived(store):
        for doc_id, body in parse_file(archive, name).get("candidates", {}).items():
            if body.get("erased_at"):
                found.setdefault(doc_id, body["erased_at"])
    return found


def scrub_copies(store: Store, also: dict[str, str]) -> None:
    """Erase the erased candidates (and ``also``) from every archive file and backup copy (a
    backup is taken before the first save of a day: the erasure's own save made one that still
    holds them), under the lock the archive run and the backups are written under."""
    with store.transaction("people"):
        erased = {**erased_ids(store), **also}
        if not erased:
            return
        with store.open_home("people", writing=True) as home:
            for folder_name in (ARCHIVE, backups.FOLDER):
                try:
                    folder = home.folder(folder_name)
                except FileNotFoundError:
                    continue
                with folder:
                    for name in sorted(folder.names()):
                        if name.startswith("people") and name.endswith(".json"):
                            scrub(folder, name, erased)
                    if folder_name == ARCHIVE:
                        folder.remove(index_name("people"))  # derived: made again
        forget_invitations(store, set(erased))


def forget_invitations(store: Store, candidate_ids: set[str]) -> None:
    """The invitations written for their interviews name them: deleted."""
    from data.candidates.invitations import FOLDER

    interviews = [*store.repo("interviews").list(), *(i for archive, name in archived(store)
                                                     for i in archived_interviews(archive, name))]
    prefixes = tuple(f"interview-{i.id}-" for i in interviews if str(i.candidate_id) in candidate_ids)
    if not prefixes:
        return
    with store.open_home("people", writing=True) as home:
        try:
            folder = home.folder(FOLDER)
        except FileNotFoundError:
            return
        with folder:
            for name in folder.names():
                if name.startswith(prefixes):
                    folder.remove(name)


def archived_interviews(archive: Folder, name: str) -> list[Interview]:
    found = []
    for doc_id, body in parse_file(archive, name).get("interviews", {}).items():
        if doc_id.isdigit() and isinstance(body, dict):
            with suppress(ValueError):
                interview = Interview.model_validate(body, context=STORED)
                interview.id = int(doc_id)
                found.append(interview)
    return found


def scrub(folder: Folder, name: str, erased: dict[str, str]) -> None:
    """Rewrite one stored file without the erased candidates' personal data, if it holds any."""
    tables: dict = dict(parse_file(folder, name))
    candidates, interviews = tables.get("candidates", {}), tables.get("interviews", {})
    people = {doc_id: erased_body(doc_id, body, datetime.fromisoformat(erased[doc_id])) for doc_id, body in candidates.items()
              if doc_id in erased and (not body.get("erased_at") or any(body.get(k) for k in PERSONAL))}
    said = {doc_id: {**body, "feedback": ""} for doc_id, body in interviews.items()
            if str(body.get("candidate_id")) in erased and body.get("feedback")}
    if not people and not said:
        return
    tables["candidates"] = with_documents(candidates, people)
    if said:
        tables["interviews"] = with_documents(interviews, said)
    with saving(f"{folder.path.name}/{name}"):
        folder.write(name, encode(tables)[0])
