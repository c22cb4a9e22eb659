"""CV files in, candidates out: one candidate per file on an opening, the file kept in the HR
folder as private as people.json, and nobody twice.

The same person is recognised by the same e-mail address or the same phone number on the
same opening: their new CV is attached to the candidate already there, whose stage, scores
and history stay. Someone who applies for two openings is two candidacies (each has its
own stage and scores), so on another opening they are a new candidate, and the report says
where else they applied.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from data.candidates.cv_files import SUFFIXES, CvText, CvUnreadable, cv_text, read_bounded
from data.candidates.cv_suggestions import Suggestions, suggest
from data.candidates.models import Candidate, Position, PositionStatus
from data.engine.errors import RuleError
from data.engine.store import Store
from data.engine.text import visible

CV_FOLDER = "cvs"  # beside people.json: in hr/, as closed as it


@dataclass(frozen=True)
class CvFile:
    """A CV file read: its bytes (to keep), its text and what the text suggests."""

    path: Path
    data: bytes
    text: CvText
    found: Suggestions
    name: str  # as it is shown: the file's name, or an attachment's as its sender named it


@dataclass(frozen=True)
class CvOutcome:
    file: str
    candidate: Candidate | None = None
    merged: str = ""  # why it is the same person: "same e-mail", "same phone"
    problem: str = ""  # why the file gave no candidate
    not_found: tuple[str, ...] = ()  # what the text did not give: "name", "e-mail", "phone"
    cut: bool = False
    elsewhere: list[str] = field(default_factory=list)  # "#4 on Driver": the same person on other openings

    def line(self) -> str:
        """'cv-07.pdf: Jane Doe, new' · 'cv-09.pdf: merged into #12 Jane Doe (same e-mail)'."""
        if self.candidate is None:
            return self.problem
        name, number = self.candidate.name, self.candidate.id
        said = f"{self.file}: merged into #{number} {name} ({self.merged})" if self.merged else f"{self.file}: {name}, new (#{number})"
        if self.not_found:
            found = "no " + ", no ".join(self.not_found) + " found"
            said += f"; {found}" + (" (named after the file)" if "name" in self.not_found else "")
        if self.cut:
            said += "; only the first 50,000 characters of its text were kept"
        if self.elsewhere:
            said += f"; also a candidate as {', '.join(self.elsewhere)}"
        return said


def open_cv(path: Path, name: str = "") -> CvFile:
    """Read a CV file; CvUnreadable says in a sentence why it could not be."""
    name = visible(name or path.name, one_line=True)
    return cv_of(path, read_bounded(path, name), name)


def cv_of(path: Path, data: bytes, name: str) -> CvFile:
    """A CV file's bytes read; ``name`` as it is shown."""
    text = cv_text(name, data)
    return CvFile(path, data, text, suggest(text.text), name)


def cv_files_in(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The files to import — a folder's CVs (not its subfolders) by name — and a sentence for
    each path that is not one."""
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            files += [p for p in inside if p.suffix.lower() in SUFFIXES]
            problems += [f"{p.name}: not a CV file this reads (PDF, DOCX, ODT or text); left out" for p in inside
                         if p.suffix.lower() not in SUFFIXES]
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    return files, problems


def find_opening(store: Store, wanted: str) -> Position:
    """An opening by its id or its title (an open one first); RuleError names the choices."""
    positions = store.repo("positions").list()
    wanted = wanted.strip().removeprefix("#")
    found = [p for p in positions if str(p.id) == wanted] or [p for p in positions if p.title.casefold() == wanted.casefold()]
    open_ones = [p for p in found if p.status == PositionStatus.OPEN]
    if len(open_ones) > 1:
        raise RuleError(f"Several open openings are called {wanted}: give the id ({', '.join(f'#{p.id}' for p in open_ones)}).")
    if not found:
        known = ", ".join(f"#{p.id} {p.title}" for p in positions) or "none yet"
        raise RuleError(f"There is no opening {wanted!r} (openings: {known}).")
    opening = (open_ones or found)[0]
    if opening.status != PositionStatus.OPEN:
        raise RuleError(f"{opening.title} (#{opening.id}) is closed: reopen it to take CVs.")
    return opening


def import_cvs(store: Store, opening: str, paths: Iterable[Path]) -> list[CvOutcome]:
    """Every CV file of ``paths`` (folders: the CVs in them) as a candidate on the opening."""
    position = find_opening(store, opening)
    files, problems = cv_files_in(paths)
    outcomes = [CvOutcome(p.partition(":")[0], problem=p) for p in problems]
    for path in files:
        try:
            cv = open_cv(path)
        except CvUnreadable as error:
            outcomes.append(CvOutcome(path.name, problem=str(error)))
            continue
        outcomes.append(take_cv(store, position.id, cv))  # type: ignore[arg-type]
    return outcomes


def take_cv(store: Store, position_id: int, cv: CvFile, confirmed: Candidate | None = None, source: str = "",
            came_in: str = "") -> CvOutcome:
    """The CV as a new candidate, or attached to the same person already on the opening.
    ``confirmed``: the name, e-mail and phone as the person corrected them; else as found.
    ``came_in``: the message it came in ("hr_mail:12"), which an erasure of them erases."""
    found = cv.found
    person = confirmed or Candidate(name=found.name or Path(cv.name).stem[:200] or "?", email=found.email, phone=found.phone,
                                    position_id=position_id, cv_text=cv.text.text, source=source)
    person = person.model_copy(update={"position_id": position_id, "cv_text": person.cv_text or cv.text.text,
                                       "mails": [*person.mails, came_in] if came_in else person.mails})
    kept = keep_cv_file(store, cv)
    try:
        with store.transaction("people"):
            twin, why = find_twin(store, person)
            replaced = twin.cv_path if twin else ""
            saved = attach(store, twin, person, kept) if twin else store.repo("candidates").add(person.model_copy(update={"cv_path": kept}))
            elsewhere = other_candidacies(store, saved)
    except BaseException:
        forget_cv_file(store, kept)
        raise
    if replaced and replaced != kept:
        forget_cv_file(store, replaced)
    not_found = tuple(found.missing()) if confirmed is None and not why else ()  # a merged one has them already
    return CvOutcome(cv.name, saved, merged=why, not_found=not_found, cut=cv.text.cut, elsewhere=elsewhere)


def add_or_merge(store: Store, candidate: Candidate) -> Candidate:
    """How `add` and `import` make a candidate: the same person on the same opening is not
    made twice; what the new row brings (a CV, a missing e-mail or phone) goes onto them."""
    with store.transaction("people"):
        twin, _ = find_twin(store, candidate)
        return attach(store, twin, candidate) if twin else store.repo("candidates").add(candidate)


def find_twin(store: Store, candidate: Candidate) -> tuple[Candidate | None, str]:
    """The candidate on the same opening with the same e-mail address or phone number."""
    email, phone = candidate.email.casefold(), candidate.phone
    for other in store.repo("candidates").find(position_id=candidate.position_id):
        if email and other.email.casefold() == email:
            return other, "same e-mail"
        if phone and other.phone == phone:
            return other, "same phone"
    return None, ""


def attach(store: Store, twin: Candidate, new: Candidate, cv_path: str = "") -> Candidate:
    def change(candidate: Candidate) -> None:
        candidate.email = candidate.email or new.email
        candidate.phone = candidate.phone or new.phone
        candidate.mails = [*candidate.mails, *(link for link in new.mails if link not in candidate.mails)]
        if new.cv_text:
            candidate.cv_text = new.cv_text
        if cv_path:
            candidate.cv_path = cv_path

    return store.repo("candidates").update(twin.id, change)


def other_candidacies(store: Store, candidate: Candidate) -> list[str]:
    titles = {p.id: p.title for p in store.repo("positions").list()}
    same = [c for c in store.repo("candidates").list() if c.id != candidate.id and c.position_id != candidate.position_id
            and ((candidate.email and c.email.casefold() == candidate.email.casefold()) or (candidate.phone and c.phone == candidate.phone))]
    return [f"#{c.id} on {titles.get(c.position_id, '?')}" for c in same]


# -- the kept file -----------------------------------------------------------------------------
def keep_cv_file(store: Store, cv: CvFile) -> str:
    """A copy in the HR folder under a name of our own (the sender's file name may say who it
    is), as private as people.json from its first byte; its path there, to store."""
    suffix = cv.path.suffix.lower() if cv.path.suffix.lower() in SUFFIXES else ""
    name = f"{secrets.token_hex(8)}{suffix}"
    with store.open_files("people", CV_FOLDER, writing=True) as cvs:
        cvs.write(name, cv.data)
    return f"{CV_FOLDER}/{name}"


def kept_name(cv_path: str) -> str | None:
    """The name in the CV folder that a candidate's ``cv_path`` gives, if it is one this
    program kept (a path typed by hand is never touched)."""
    name = cv_path.removeprefix(f"{CV_FOLDER}/")
    if not cv_path.startswith(f"{CV_FOLDER}/") or not name or "/" in name or name.startswith("."):
        return None
    return name


def forget_cv_file(store: Store, cv_path: str) -> None:
    name = kept_name(cv_path)
    if name is None:
        return
    with store.open_home("people", writing=True) as home:
        try:
            cvs = home.folder(CV_FOLDER)
        except FileNotFoundError:
            return
        with cvs:
            cvs.remove(name)
