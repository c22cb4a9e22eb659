"""Interview invitations: an iCalendar file (RFC 5545, with the iTIP methods of RFC 5546) and a
short text, written to ``hr/invitations/`` as private as people.json, and mailed to the
candidate and to the interviewers who have an address once a mailbox can send.

A moved interview is the same UID with SEQUENCE one up; a cancelled one METHOD:CANCEL.
Everything in an invitation comes from stored records, which a hand edit can fill with
anything: each value is made one line of plain text before icalendar sees it (a name with
CR LF in it can add no line to the file and no header to the mail), and icalendar escapes
the rest. The library is imported when an invitation is made, not before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from email.utils import parseaddr
from typing import TYPE_CHECKING

from data.candidates.models import Candidate, Interview, InterviewStatus
from data.engine.clock import local, office_zone
from data.engine.errors import NoAccessError
from data.engine.store import Store
from data.engine.text import visible

if TYPE_CHECKING:  # the mail code loads when an invitation is mailed
    from data.mail.mailboxes import Mailbox
    from data.mail.models import Mail

FOLDER = "invitations"
PRODUCT = "-//backoffice//interviews//EN"


def line(text: str) -> str:
    """One line of plain text: no control character, no line break survives."""
    return " ".join(visible(text, one_line=True).split())


@dataclass(frozen=True)
class Invitation:
    interview: Interview
    candidate: Candidate
    position: str
    attendees: list[tuple[str, str]]  # (name, address): the candidate and interviewers who have one

    @property
    def cancelled(self) -> bool:
        return self.interview.status == InterviewStatus.CANCELLED

    @property
    def method(self) -> str:
        return "CANCEL" if self.cancelled else "REQUEST"

    @property
    def uid(self) -> str:
        created = self.interview.created_at
        return f"interview-{self.interview.id}-{created:%Y%m%dT%H%M%S}@backoffice" if created else f"interview-{self.interview.id}@backoffice"

    @property
    def what(self) -> str:
        return line(f"Interview: {self.candidate.name}" + (f", {self.position}" if self.position else ""))

    @property
    def subject(self) -> str:
        said = "Cancelled: " if self.cancelled else "Moved: " if self.interview.sequence else ""
        return f"{said}{self.what} — {local(self.interview.start):%a %d %b %H:%M}"

    def text(self) -> str:
        interview = self.interview
        news = "This interview is cancelled.\n\n" if self.cancelled else "The interview has moved.\n\n" if interview.sequence else ""
        return (f"{news}{self.what}\n"
                f"When:  {local(interview.start):%a %d %b %Y, %H:%M}–{local(interview.end):%H:%M} ({office_zone()})\n"
                f"Where: {line(interview.place) or 'to be told'}\n"
                f"With:  {line(', '.join(interview.interviewers))}\n")

    def ics(self, organizer: tuple[str, str] | None = None, now: datetime | None = None) -> bytes:
        from icalendar import Calendar, Event

        interview = self.interview
        event = Event()
        event.add("uid", self.uid)
        event.add("sequence", interview.sequence)
        event.add("dtstamp", now or interview.updated_at or interview.start)
        event.add("dtstart", interview.start)
        event.add("dtend", interview.end)
        event.add("summary", self.what)
        event.add("description", self.text())
        if interview.place:
            event.add("location", line(interview.place))
        event.add("status", "CANCELLED" if self.cancelled else "CONFIRMED")
        if organizer:
            event.add("organizer", address(*organizer))
        for name, mail in self.attendees:
            attendee = address(name, mail)
            attendee.params["role"] = "REQ-PARTICIPANT"
            event.add("attendee", attendee)
        calendar = Calendar()
        calendar.add("prodid", PRODUCT)
        calendar.add("version", "2.0")
        calendar.add("method", self.method)
        calendar.add_component(event)
        return calendar.to_ical()

    @property
    def file_name(self) -> str:
        return f"interview-{self.interview.id}-{self.interview.sequence}"


def address(name: str, mail: str):
    from icalendar import vCalAddress

    found = vCalAddress(f"mailto:{mail}")
    found.params["cn"] = line(name).replace('"', "'")  # a quote would end the parameter
    return found


def invitation_of(store: Store, interview: Interview) -> Invitation:
    candidate = store.repo("candidates").get(interview.candidate_id)
    positions = {p.id: p.title for p in store.repo("positions").list()}
    emails = {e.name: e.email for e in store.repo("employees").list() if e.is_active and e.email}
    attendees = [(candidate.name, candidate.email)] if candidate.email else []
    attendees += [(name, emails[name]) for name in interview.interviewers if name in emails]
    return Invitation(interview, candidate, positions.get(candidate.position_id, ""), attendees)


def invitations_folder(store: Store) -> Path:
    return store.home("people") / FOLDER


def write_invitation(store: Store, interview: Interview) -> Path:
    """The invitation as it now stands, .ics and .txt, as private as people.json; the .ics's path."""
    invitation = invitation_of(store, interview)
    with store.open_files("people", FOLDER, writing=True) as folder:
        folder.write(f"{invitation.file_name}.txt", invitation.text().encode())
        folder.write(f"{invitation.file_name}.ics", invitation.ics(now=store.now()))
    return invitations_folder(store) / f"{invitation.file_name}.ics"


def invitation_sender(boxes: list[Mailbox]) -> Mailbox | None:
    """HR's own mailbox when it can send, else the first that can."""
    senders = [box for box in boxes if box.smtp is not None]
    return next((box for box in senders if box.hr), None) or next(iter(senders), None)


def mail_due_invitations(store: Store, boxes: list[Mailbox]) -> list[Mail]:
    """Mail every invitation (or its update) still due, and say what became of each. It is
    kept with HR's mail, whichever mailbox sends it; one the server did not take stays there
    to send again. An interview already begun is not mailed about any more."""
    from data.mail.actions import send_mail

    box = invitation_sender(boxes)
    if box is None:
        return []
    try:
        queued = queue_due_invitations(store, box)
    except NoAccessError:
        return []  # not HR: HR's own sessions mail them
    return [send_mail(store, "hr_mail", mail.id, box) for mail in queued]


def queue_due_invitations(store: Store, box: Mailbox) -> list[Mail]:
    interviews, mails = store.repo("interviews"), store.repo("hr_mail")
    queued = []
    with store.transaction("people"):
        for interview in interviews.find(invitation_due=True):
            invitation = invitation_of(store, interview)
            if interview.start > store.now() and invitation.attendees:
                queued.append(mails.add(invitation_mail(store, box, invitation)))
            interviews.update(interview.id, lambda i: setattr(i, "invitation_due", False))
    return queued


def invitation_mail(store: Store, box: Mailbox, invitation: Invitation) -> Mail:
    from data.mail.attachments import keep_file
    from data.mail.models import Attachment
    from data.mail.rules import checked_addresses, outgoing

    to = checked_addresses([mail for _, mail in invitation.attendees])
    mail = outgoing(box.name, to, invitation.subject, invitation.text(), store.user, store.now())
    payload = invitation.ics(organizer=(parseaddr(box.sender)[0] or box.address, box.address), now=store.now())
    name = f"{invitation.file_name}.ics"
    keep_file(store, "hr_mail", box.name, name, payload)
    mail.attachments = [Attachment(name="invitation.ics", file=name, size=len(payload),
                                   content_type=f"text/calendar; method={invitation.method}")]
    return mail
