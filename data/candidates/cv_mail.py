"""CVs that came by e-mail: the CV attachments of a fetched message as candidates on an
opening, the same way as CV files (data/candidates/cv_import.py).

The message's sender stands in for what the CV's text does not say: their name when no
name is found, their address when no e-mail is. The message keeps a step saying which
candidates it became, and is done when every CV in it was read.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from data.candidates.cv_files import MAX_FILE_BYTES, CvUnreadable
from data.candidates.cv_import import CvFile, CvOutcome, cv_of, find_opening, take_cv
from data.candidates.traces import mail_link
from data.engine.errors import DataError, RuleError
from data.engine.store import Store
from data.engine.text import visible
from data.mail import rules
from data.mail.attachments import open_attachments
from data.mail.models import Attachment, Mail

SOURCE = "e-mail"


def cvs_from_mail(store: Store, opening: str, collection: str, mail_id: int) -> list[CvOutcome]:
    """Every CV attached to message ``mail_id`` of ``collection`` as a candidate on the opening."""
    position = find_opening(store, opening)
    mail = store.repo(collection).get(mail_id)
    attached = mail.documents_received()
    if not attached:
        raise RuleError(f"Message #{mail.id} has no CV attached (PDF, DOCX, ODT or text).")
    outcomes = []
    for attachment in attached:
        try:
            cv = with_sender(read_attached(store, collection, mail, attachment), mail)
        except CvUnreadable as error:
            outcomes.append(CvOutcome(visible(attachment.name, one_line=True), problem=str(error)))
            continue
        outcomes.append(take_cv(store, position.id, cv, source=SOURCE, came_in=mail_link(collection, mail.id)))  # type: ignore[arg-type]
    record_on_mail(store, collection, mail, position.title, outcomes)
    return outcomes


def read_attached(store: Store, collection: str, mail: Mail, attachment: Attachment) -> CvFile:
    """An attachment kept with ``mail``, read as a CV through its folder held open."""
    name = visible(attachment.name, one_line=True)
    try:
        with open_attachments(store, collection, mail.mailbox) as folder:
            data = folder.read(attachment.file, MAX_FILE_BYTES)
    except (OSError, DataError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise CvUnreadable(f"{name}: cannot be read ({reason})") from error
    return cv_of(Path(attachment.name), data, name)


def with_sender(cv: CvFile, mail: Mail) -> CvFile:
    """The sender's name and address where the CV's text gives none."""
    name = "" if "@" in mail.sender or "<" in mail.sender else visible(mail.sender, one_line=True).strip()
    found = cv.found
    return replace(cv, found=replace(found, name=found.name or name[:200], email=found.email or mail.sender_address))


def record_on_mail(store: Store, collection: str, mail: Mail, title: str, outcomes: list[CvOutcome]) -> None:
    made = [f"#{o.candidate.id} {o.candidate.name}" for o in outcomes if o.candidate]
    note = f"CVs taken as candidates for {title}: {', '.join(made) or 'none'}"
    unread = [o.file for o in outcomes if not o.candidate]
    if unread:
        note += f"; not read: {', '.join(unread)}"
    note = note[:2000]  # what a step's note holds

    def change(record: Mail) -> None:
        if record.is_open and not unread:
            rules.mark_done(record, store.user, store.now(), note)
        else:
            rules.add_note(record, note, store.user, store.now())

    store.repo(collection).update(mail.id, change)
