"""Rejected and withdrawn candidates' personal data is erased once the retention period is
over, and anyone's on request: from their record and from every place it went
(``traces.py``) — the mail to and from them with its attachments, the invitations to their
interviews, their CV file and the letters to them.

Erased from the record: the name, e-mail, phone, the CV's text and its kept file, the reason
for rejection, the offer's terms, the notes of each stage step and the interviewers' written
feedback. Kept, for statistics: the opening, the source, each stage reached and when, the
scores' numbers and the interviews' times and ratings, and the numbers of the messages
removed with them (no text), so that their copies can be found again. The audit line says
"erase" and names the fields, never their values (no audit line ever holds a value).

The same is done to their copies in the archive and in every backup copy (the daily copies
of the last 14 days and the copies taken before a schema change), so that a backup put back
does not bring the person back.

A kill at any moment leaves nothing that a later erasure does not find: the messages and
files go first and the record last (until then it still leads to them), and the copies are
scrubbed again by every later erasure, from the erased records. A file that a killed save
left with no record naming it is an orphan: `backoffice check` lists it and
`backoffice erase-expired` removes it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from data.candidates import rules
from data.candidates.models import Candidate, Interview, InterviewStatus, Stage
from data.candidates.traces import (
    linked_mails,
    orphans,
    remove_drafts,
    remove_files,
    remove_mails,
    remove_orphans,
    stored,
    traces_of,
)
from data.engine import backups
from data.engine.archive import FOLDER as ARCHIVE, open_archive, read_marker, year_files
from data.engine.archive_index import index_name, private_cache
from data.engine.clock import as_utc, office_day
from data.engine.errors import DataError, RuleError, saving
from data.engine.files import Folder
from data.engine.record import STORED
from data.engine.storage import parse_file
from data.engine.store import Store
from data.engine.tables import LazyTable, encode, raw_items, with_documents

ENDED = (Stage.REJECTED, Stage.WITHDREW)
PERSONAL = {"email": "", "phone": "", "cv_text": "", "cv_path": "", "reject_reason": "", "offer_terms": ""}
DEFAULT_MONTHS = 6
MARKER = "last-erasure"  # in HR's archive folder: the day of the last run


@dataclass(frozen=True)
class Erased:
    """What a run of erasures did: the candidates erased, and the files left behind it removed."""

    ids: list[int]
    leftovers: int


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


def erased_body(doc_id: int | str, body: dict, now: datetime, mails: Iterable[str] = ()) -> dict:
    """A stored candidate without its personal data: what statistics need and nothing more,
    and the messages removed with them (``mails``)."""
    history = [{**step, "note": ""} for step in body.get("history") or [] if isinstance(step, dict)]
    links = sorted({*(body.get("mails") if isinstance(body.get("mails"), list) else []), *mails})
    return {**body, **PERSONAL, "name": erased_name(doc_id), "history": history, "mails": links,
            "erased_at": body.get("erased_at") or now.isoformat()}


# -- erasing one ---------------------------------------------------------------------------------
def stored_candidate(store: Store, candidate_id: int) -> dict | None:
    """The stored body of a candidate, in the working file or else the archive."""
    return next((body for i, body in stored(store, "candidates") if i == candidate_id), None)


def erase_candidate(store: Store, candidate_id: int) -> Candidate:
    """Erase one candidate's personal data now, on their request. Someone still in the running
    withdraws first, and their booked interviews are cancelled. Asked again of someone erased
    (an erasure killed half-way), the copies are scrubbed again before it says so."""
    body = stored_candidate(store, candidate_id)
    if body is None:
        return store.repo("candidates").get(candidate_id)  # says it does not exist
    if body.get("erased_at"):
        scrub_copies(store)
        raise RuleError(f"{erased_name(candidate_id)}: the personal data was erased on "
                        f"{office_day(as_utc(datetime.fromisoformat(body['erased_at']))):%d %b %Y}.")
    if in_working_file(store, candidate_id):
        candidate = store.repo("candidates").get(candidate_id)
        if not candidate.is_closed:
            store.repo("candidates").update(candidate_id, lambda c: rules.move_stage(c, Stage.WITHDREW, store.user, store.now()))
    erased = erase_person(store, candidate_id, body)
    scrub_copies(store)
    return erased


def in_working_file(store: Store, candidate_id: int) -> bool:
    return store.repo("candidates").table.document(candidate_id) is not None


def erase_person(store: Store, candidate_id: int, body: dict) -> Candidate:
    """Erase a candidate everywhere but the copies: their messages and files first, their
    record last (see the module docstring); the erased candidate."""
    found = traces_of(store, candidate_id, body)
    links = found.mail_links()
    remember_mails(store, candidate_id, links)
    remove_drafts(store, links)
    for collection, mails in found.mails.items():
        remove_mails(store, collection, mails)
    with store.transaction("people"):
        remove_files(store, candidate_id, found)
        forget_interviews(store, candidate_id)
        if in_working_file(store, candidate_id):
            return erase_in_file(store, candidate_id, links)
        erased = {str(candidate_id): (store.now().isoformat(), links)}
        with open_archive(store, "people", writing=True) as archive:  # only in the archive: erased there
            for name in year_files(archive, "people"):
                scrub(archive, name, erased, set())  # type: ignore[arg-type]
    record = Candidate.model_validate(erased_body(candidate_id, body, store.now(), links), context=STORED)
    record.id = candidate_id
    return record


def remember_mails(store: Store, candidate_id: int, links: list[str]) -> None:
    """Name on the candidate, before they are removed, the messages an erasure removes: killed
    after, the next erasure still knows which of their copies to scrub."""
    with store.transaction("people"):
        if in_working_file(store, candidate_id):
            if set(links) - set(store.repo("candidates").get(candidate_id).mails):
                store.repo("candidates").update(candidate_id, lambda c: setattr(c, "mails", sorted({*c.mails, *links})))
            return
        with open_archive(store, "people", writing=True) as archive:
            for name in year_files(archive, "people"):
                tables = dict(parse_file(archive, name))  # type: ignore[arg-type]
                body = tables.get("candidates", {}).get(str(candidate_id))
                if body is not None and set(links) - set(body.get("mails") or []):
                    tables["candidates"] = with_documents(tables["candidates"], {str(candidate_id): {**body, "mails": links}})
                    archive.write(name, encode(tables)[0])  # type: ignore[union-attr]


def forget_interviews(store: Store, candidate_id: int) -> None:
    """Under the transaction: the feedback on their interviews in the working file (a booked
    one is cancelled: it would keep the interviewers' time), wherever their own record is."""

    def forget(interview: Interview) -> None:
        if interview.status == InterviewStatus.BOOKED:
            rules.cancel_interview(interview)
        interview.feedback = ""

    for interview in store.repo("interviews").find(candidate_id=candidate_id):
        if interview.feedback or interview.status == InterviewStatus.BOOKED:
            store.repo("interviews").update(interview.id, forget, action="erase")  # type: ignore[arg-type]


def erase_in_file(store: Store, candidate_id: int, mails: list[str]) -> Candidate:
    """Under the transaction: the candidate's record in the working file."""
    now = store.now()

    def erase(candidate: Candidate) -> Candidate:
        erased = Candidate.model_validate(erased_body(candidate.id, candidate.body(), now, mails), context=STORED)  # type: ignore[arg-type]
        erased.id = candidate.id
        return erased

    return store.repo("candidates").update(candidate_id, erase, action="erase")


def erase_expired(store: Store, now: datetime, months: int = DEFAULT_MONTHS) -> Erased:
    """Erase every rejected or withdrawn candidate whose retention period is over, everywhere,
    and remove the files left with no record naming them. NoAccessError outside HR."""
    due: dict[int, dict] = {}
    for candidate_id, body in stored(store, "candidates"):  # the working file's first
        if candidate_id not in due and erasure_due(body, now, months):
            due[candidate_id] = body
    for candidate_id, body in due.items():
        erase_person(store, candidate_id, body)
    scrub_copies(store)
    return Erased(sorted(due), remove_orphans(store, orphans(store, now)))


def erase_once_a_day(store: Store, now: datetime, months: int) -> list[int] | None:
    """What the app's daily housekeeping runs: at most once a day, by whoever of HR comes first;
    None when it already ran today or this user may not see HR records."""
    try:
        today = office_day(now).isoformat()
        with open_archive(store, "people") as archive:
            if read_marker(archive, MARKER) == today:
                return None
        erased = erase_expired(store, now, months).ids
        with saving(f"{ARCHIVE}/{MARKER}"), open_archive(store, "people", writing=True) as archive:
            archive.write(MARKER, today.encode())  # type: ignore[union-attr]
        return erased
    except (DataError, PermissionError):
        return None  # the HR section says why to those outside HR


# -- the archive and the backups ---------------------------------------------------------------
def erased_ids(store: Store) -> dict[str, tuple[str, list[str]]]:
    """doc id → (when, the messages removed with them), of every candidate erased, in the
    working file or the archive."""
    found: dict[str, tuple[str, list[str]]] = {}
    for candidate_id, body in stored(store, "candidates"):
        if body.get("erased_at"):
            found.setdefault(str(candidate_id), (body["erased_at"], list(body.get("mails") or [])))
    return found


def scrub_copies(store: Store) -> None:
    """Erase the erased candidates and their messages from every archive file and backup copy
    (a backup is taken before the first save of a day: the erasure's own save made one that
    still holds them), under the lock the archive run and the backups are written under."""
    erased = erased_ids(store)
    if not erased:
        return
    messages = linked_mails(link for _, links in erased.values() for link in links)
    with store.transaction("people"), store.open_home("people", writing=True) as home:
        scrub_folder(home, "people", erased, {i for collection, i in messages if collection == "hr_mail"})
        with open_or_none(home, ARCHIVE) as archive:
            if archive is not None:  # the search index is derived: made again
                for name in (index_name("people"), f"{index_name('people')}-journal"):
                    archive.remove(name)
    office = {i for collection, i in messages if collection == "mail"}
    if office:
        with store.transaction("mail"), store.open_home("mail", writing=True) as home:
            scrub_folder(home, "mail", {}, office)
        # this person's own index of the office's mail; a colleague's forgets them at their next
        # search, which indexes the scrubbed year files again
        for name in (index_name("mail"), f"{index_name('mail')}-journal"):
            (private_cache(store) / name).unlink(missing_ok=True)


def scrub_folder(home: Folder, domain: str, erased: dict[str, tuple[str, list[str]]], messages: set[int]) -> None:
    for kind in (ARCHIVE, backups.FOLDER):
        with open_or_none(home, kind) as folder:
            if folder is None:
                continue
            for name in sorted(folder.names()):
                if name.startswith(domain) and name.endswith(".json"):
                    scrub(folder, name, erased, messages)


@contextmanager
def open_or_none(home: Folder, kind: str) -> Iterator[Folder | None]:
    """A folder of ``home`` held open, or None where there is none."""
    try:
        folder = home.folder(kind)
    except FileNotFoundError:
        yield None
        return
    with folder:
        yield folder


def without(table, ids: set[str]) -> LazyTable:
    return LazyTable({key: raw for key, raw in raw_items(table) if key not in ids})


def scrub(folder: Folder, name: str, erased: dict[str, tuple[str, list[str]]], messages: set[int]) -> None:
    """Rewrite one stored file without the erased candidates' personal data and without the
    messages removed with them, if it holds any."""
    tables: dict = dict(parse_file(folder, name))
    candidates, interviews = tables.get("candidates", {}), tables.get("interviews", {})
    people = {doc_id: erased_body(doc_id, body, datetime.fromisoformat(erased[doc_id][0]), erased[doc_id][1])
              for doc_id, body in candidates.items()
              if doc_id in erased and (not body.get("erased_at") or any(body.get(k) for k in PERSONAL))}
    said = {doc_id: {**body, "feedback": ""} for doc_id, body in interviews.items()
            if str(body.get("candidate_id")) in erased and body.get("feedback")}
    mail_table = "hr_mail" if "hr_mail" in tables else "mail"
    gone = {doc_id for doc_id in tables.get(mail_table, {}) if doc_id.isdigit() and int(doc_id) in messages}
    if not people and not said and not gone:
        return
    if people:
        tables["candidates"] = with_documents(candidates, people)
    if said:
        tables["interviews"] = with_documents(interviews, said)
    if gone:
        tables[mail_table] = without(tables[mail_table], gone)
    with saving(f"{folder.path.name}/{name}"):
        folder.write(name, encode(tables)[0])
