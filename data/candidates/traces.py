"""Where a candidate's personal data went besides their record, so that erasing them erases it:

- mail to and from them, HR's and the office's, with its attachments: the messages their CVs
  came in (``Candidate.mails``), every message from or to their address, and the invitations
  to their interviews (whose .ics is named after the interview);
- their kept CV file (``cv_path``), the invitations written for their interviews
  (``invitations/interview-ID-…``) and the letters written to them (``…-candidate-ID.txt``);
- the drafts of the person erasing on those messages (``remove_drafts``).

Each file kept for someone can be told from its name or from the record that names it, so a
file whose record is gone — a process killed between writing the file and saving the record,
or a file of an erased person — is found too: an orphan, which `backoffice check` lists and
`backoffice erase-expired` removes. A file younger than ``GRACE`` may belong to a save still
under way in another session, and is left for a later run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from datetime import UTC, datetime, timedelta
from email.utils import getaddresses

from data.candidates.cv_import import CV_FOLDER, kept_name
from data.candidates.invitations import FOLDER as INVITATIONS
from data.domains import HR_DOMAIN
from data.engine import backups
from data.engine.archive import FOLDER as ARCHIVE, open_archive, year_files
from data.engine.drafts import throw_away_on
from data.engine.errors import DataError
from data.engine.files import TEMP_NAME
from data.engine.storage import parse_file
from data.engine.store import Store
from data.mail.attachments import domain_of
from data.staff.letters import FOLDER as LETTERS, slug
from data.staff.templates import FOLDER as TEMPLATES

MAIL_COLLECTIONS = ("hr_mail", "mail")
GRACE = timedelta(hours=1)
LETTER_OWNER = re.compile(r"-candidate-(\d+)(?:-\d+)?\.txt$")
INVITATION = re.compile(r"interview-(\d+)-")


def mail_link(collection: str, mail_id: int) -> str:
    return f"{collection}:{mail_id}"


def linked_mails(links: Iterable[object]) -> set[tuple[str, int]]:
    found = set()
    for link in links:
        collection, _, number = str(link).partition(":")
        if collection in MAIL_COLLECTIONS and number.isdigit():
            found.add((collection, int(number)))
    return found


def stored(store: Store, collection: str) -> Iterator[tuple[int, dict]]:
    """(id, stored body) of every document of ``collection``, in the working file and the archive."""
    domain = domain_of(store, collection)
    for doc_id, body in (store.storage(domain).read() or {}).get(collection, {}).items():
        if doc_id.isdigit() and isinstance(body, dict):
            yield int(doc_id), body
    with open_archive(store, domain) as archive:
        for name in year_files(archive, domain):
            for doc_id, body in parse_file(archive, name).get(collection, {}).items():  # type: ignore[arg-type]
                if doc_id.isdigit() and isinstance(body, dict):
                    yield int(doc_id), body


def number_in(pattern: re.Pattern, name: str) -> int | None:
    found = pattern.search(name)
    return int(found.group(1)) if found else None


# -- one candidate's -----------------------------------------------------------------------------
@dataclass
class Traces:
    """What of a candidate lies outside their record."""

    mails: dict[str, dict[int, dict]] = field(default_factory=dict)  # collection → id → stored body
    cv: str = ""  # the kept CV's name in the CV folder
    interviews: set[int] = field(default_factory=set)
    linked: set[str] = field(default_factory=set)  # the messages the record names, whether still there or not
    name: str = ""  # as a letter written before letters named their record was named after them

    def mail_links(self) -> list[str]:
        found = {mail_link(collection, mail_id) for collection, mails in self.mails.items() for mail_id in mails}
        return sorted(found | self.linked)


def mail_is_theirs(body: dict, link: tuple[str, int], links: set[tuple[str, int]], address: str, interviews: set[int]) -> bool:
    if link in links:
        return True
    people = [str(who) for who in (body.get("sender_address", ""), *(body.get("to") or []), *(body.get("cc") or []))]
    if address and address in {found.casefold() for _, found in getaddresses(people)}:
        return True
    files = [str(a.get("file", "")) for a in body.get("attachments") or [] if isinstance(a, dict)]
    return any(number_in(INVITATION, name) in interviews for name in files)


def traces_of(store: Store, candidate_id: int, body: dict) -> Traces:
    """Everything of the stored candidate ``body`` kept outside their record."""
    links = linked_mails(body.get("mails") or [])
    found = Traces(cv=kept_name(body.get("cv_path") or "") or "", linked={mail_link(*link) for link in links},
                   name=slug(str(body.get("name") or "")))
    found.interviews = {i for i, interview in stored(store, "interviews") if interview.get("candidate_id") == candidate_id}
    address = str(body.get("email") or "").casefold()
    for collection in MAIL_COLLECTIONS:
        try:
            mails = dict(stored(store, collection))
        except DataError:
            continue  # no access to that mail: those who have it erase there
        found.mails[collection] = {i: mail for i, mail in mails.items()
                                   if mail_is_theirs(mail, (collection, i), links, address, found.interviews)}
        theirs = {str(mail.get("message_id") or "") for mail in found.mails[collection].values()} - {""}
        found.mails[collection] |= {i: mail for i, mail in mails.items() if theirs & set(mail.get("references") or [])}  # forwards
    return found


def attachment_files(mails: Iterable[dict]) -> dict[str, set[str]]:
    """Mailbox → the names of the attachments the stored messages name."""
    by_mailbox: dict[str, set[str]] = {}
    for body in mails:
        files = {str(a.get("file", "")) for a in body.get("attachments") or [] if isinstance(a, dict)}
        by_mailbox.setdefault(str(body.get("mailbox", "")), set()).update(f for f in files if f)
    return by_mailbox


def remove_mails(store: Store, collection: str, mails: dict[int, dict]) -> None:
    """The messages and their attachments: the files first, then the records (killed between,
    the records are still there for the next erasure to find)."""
    for mailbox, names in attachment_files(mails.values()).items():
        remove(store, domain_of(store, collection), f"attachments/{mailbox}", names)
    repo = store.repo(collection)
    with repo.transaction():
        for mail_id in mails:
            if repo.table.document(mail_id) is not None:
                repo.delete(mail_id)


def remove_drafts(store: Store, links: Iterable[str]) -> None:
    """The drafts of the one erasing on the candidate's messages (a reply half typed to her). A
    colleague's drafts folder is theirs alone: their drafts on her go at their next start, which
    finds the messages gone and offers the drafts only to be thrown away."""
    with suppress(OSError, DataError):  # a drafts folder refused is one no draft was written to
        throw_away_on(store, links)


def remove_files(store: Store, candidate_id: int, traces: Traces) -> None:
    """The candidate's CV file, the invitations to their interviews and the letters to them."""
    remove(store, HR_DOMAIN, CV_FOLDER, [traces.cv] if traces.cv else [])
    remove(store, HR_DOMAIN, INVITATIONS, [n for n in names_in(store, HR_DOMAIN, INVITATIONS)
                                           if number_in(INVITATION, n) in traces.interviews])
    remove(store, HR_DOMAIN, LETTERS, [n for n in names_in(store, HR_DOMAIN, LETTERS)
                                       if number_in(LETTER_OWNER, n) == candidate_id or written_before_owners(n, traces.name)])


def written_before_owners(name: str, about: str) -> bool:
    """An offer letter saved before letters named their record, to someone of this name."""
    return re.fullmatch(rf"\d{{4}}-\d{{2}}-\d{{2}}-offer-{re.escape(about)}(-\d+)?\.txt", name) is not None


def names_in(store: Store, domain: str, kind: str) -> list[str]:
    try:
        with store.open_files(domain, kind) as folder:
            return folder.names()
    except FileNotFoundError:
        return []


def remove(store: Store, domain: str, kind: str, names: Iterable[str]) -> int:
    """Remove ``names`` from the folder ``kind`` beside the domain's file (HR's checked first);
    how many were there."""
    names = list(names)
    if not names:
        return 0
    try:
        folder = store.open_files(domain, kind, writing=True, make=False)
    except FileNotFoundError:
        return 0
    removed = 0
    with folder:
        for name in names:
            try:
                removed += folder.remove(name)
            except DataError:
                continue  # not a name a file of ours has (a hand edit): nothing is removed by it
    return removed


# -- orphans ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Orphan:
    domain: str
    kind: str  # the folder beside the domain's file: "cvs", "attachments/office"
    name: str
    why: str

    def line(self, store: Store) -> str:
        return f"{store.home(self.domain) / self.kind / self.name}: {self.why}"


def orphans(store: Store, now: datetime) -> list[Orphan]:
    """Files kept for people whose record is gone or erased, of what this user may see."""
    found: list[Orphan] = []
    for find in [partial(hr_orphans, store, now), *(partial(attachment_orphans, store, now, c) for c in MAIL_COLLECTIONS)]:
        try:
            found += find()
        except DataError:
            continue  # no access: those who have it find them
    return found


def hr_orphans(store: Store, now: datetime) -> list[Orphan]:
    candidates = dict(stored(store, "candidates"))
    erased = {i for i, body in candidates.items() if body.get("erased_at")}
    cvs = {kept_name(body.get("cv_path") or "") for body in candidates.values()}
    interviews = {i: body.get("candidate_id") for i, body in stored(store, "interviews")}
    found = [Orphan(HR_DOMAIN, CV_FOLDER, name, "a CV file no candidate names")
             for name in old_files(store, HR_DOMAIN, CV_FOLDER, now) if name not in cvs]
    for name in names_in(store, HR_DOMAIN, INVITATIONS):
        interview = number_in(INVITATION, name)
        if interview is not None and (interview not in interviews or interviews[interview] in erased):
            found.append(Orphan(HR_DOMAIN, INVITATIONS, name, "an invitation to an interview gone or erased"))
    for name in names_in(store, HR_DOMAIN, LETTERS):
        owner = number_in(LETTER_OWNER, name)
        if owner is not None and (owner not in candidates or owner in erased):
            found.append(Orphan(HR_DOMAIN, LETTERS, name, "a letter to a candidate gone or erased"))
    for kind in (INVITATIONS, LETTERS, TEMPLATES, backups.FOLDER, ARCHIVE):
        found += [Orphan(HR_DOMAIN, kind, name, "a copy left by a save cut short")
                  for name in old_files(store, HR_DOMAIN, kind, now) if TEMP_NAME.fullmatch(name)]
    return found


def old_files(store: Store, domain: str, kind: str, now: datetime) -> list[str]:
    """The files in ``kind`` older than the grace: past any save still under way."""
    try:
        folder = store.open_files(domain, kind)
    except FileNotFoundError:
        return []
    with folder:
        return [name for name in folder.names()
                if (st := folder.lstat(name)) is not None and datetime.fromtimestamp(st.st_mtime, UTC) < now - GRACE]


def attachment_orphans(store: Store, now: datetime, collection: str) -> list[Orphan]:
    """Attachments no message names, of every collection kept in the same folder (in an office
    from before hr/, HR's mailboxes' attachments lie among the office's)."""
    domain = domain_of(store, collection)
    sharing = [c for c in MAIL_COLLECTIONS if store.home(domain_of(store, c)) == store.home(domain)]
    if sharing[0] != collection:
        return []  # found with the first of them
    named: dict[str, set[str]] = {}
    for each in sharing:
        for mailbox, files in attachment_files(body for _, body in stored(store, each)).items():
            named.setdefault(mailbox, set()).update(files)
    return [Orphan(domain, f"attachments/{mailbox}", name, "an attachment no message names")
            for mailbox in names_in(store, domain, "attachments")
            for name in old_files(store, domain, f"attachments/{mailbox}", now) if name not in named.get(mailbox, set())]


def remove_orphans(store: Store, found: list[Orphan]) -> int:
    """Remove the files found; how many were removed."""
    return sum(remove(store, orphan.domain, orphan.kind, [orphan.name]) for orphan in found)
