"""What the mail tab, the dashboard and the agenda show of the office's mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from data.agenda import AgendaEntry, AgendaGroup
from data.engine.clock import EARLIEST
from data.engine.errors import NoAccessError
from data.engine.store import Store
from data.when import span_said

if TYPE_CHECKING:
    from data.mail.models import Mail

COLLECTIONS = ("mail", "hr_mail")
# Statuses by their values: the dashboard of an office without mail never builds the mail models.
INCOMING, OUTGOING = "incoming", "outgoing"
QUEUED, SENT, FAILED = "queued", "sent", "failed"
NOT_YET_SENT = frozenset({QUEUED, "sending", FAILED})


@dataclass(frozen=True)
class MailView:
    mails: list[tuple[str, Mail]]  # (collection, message), from every mailbox this user may read
    now: datetime

    def queue(self, for_whom: str = "", with_done: bool = False) -> list[tuple[str, Mail]]:
        """Conversations with the newest activity first, each message under the one before it;
        a conversation is shown whole when any of its messages is still open (or for ``for_whom``)."""
        wanted = {m.thread for _, m in self.mails if (with_done or m.is_open or waiting_to_send(m)) and is_for(m, for_whom)}
        threads: dict[str, list[tuple[str, Mail]]] = {}
        for pair in sorted((p for p in self.mails if p[1].thread in wanted), key=lambda p: arrived(p[1])):
            threads.setdefault(pair[1].thread, []).append(pair)
        ordered = sorted(threads.values(), key=lambda t: arrived(t[-1][1]), reverse=True)
        return [pair for thread in ordered for pair in thread]

    def thread_of(self, mail: Mail) -> list[Mail]:
        return sorted((m for _, m in self.mails if m.thread == mail.thread), key=arrived)

    def find(self, collection: str, mail_id: int | None) -> Mail | None:
        return next((m for c, m in self.mails if c == collection and m.id == mail_id), None)

    def waiting_count(self, for_whom: str = "") -> int:
        return sum(1 for _, m in self.mails if m.is_open and m.direction == INCOMING and is_for(m, for_whom))

    @property
    def names(self) -> list[str]:
        return sorted({m.assigned_to for _, m in self.mails if m.assigned_to}, key=str.casefold)


def arrived(mail: Mail) -> datetime:
    return mail.created_at or mail.sent_at or EARLIEST


def is_for(mail: Mail, who: str) -> bool:
    who = who.strip().casefold()
    return not who or mail.assigned_to.casefold() == who


def recipients(mail: Mail) -> str:
    """Whom a message that came in was to and copied to ("" for one the office sent: its
    heading says)."""
    if mail.direction == OUTGOING:
        return ""
    said = [f"To: {', '.join(mail.to)}" if mail.to else "", f"Cc: {', '.join(mail.cc)}" if mail.cc else ""]
    return "   ".join(part for part in said if part)


def waiting_to_send(mail: Mail) -> bool:
    return mail.send_status in NOT_YET_SENT


def readable_mail(store: Store) -> Iterable[tuple[str, Mail]]:
    for collection in COLLECTIONS:
        try:
            yield from ((collection, mail) for mail in store.repo(collection).list())
        except NoAccessError:
            continue  # the HR mailbox is for HR alone


def mail_view(store: Store) -> MailView:
    return MailView(list(readable_mail(store)), store.now())


def agenda_groups(store: Store, now: datetime) -> list[AgendaGroup]:
    mails = list(readable_mail(store))
    if not mails:
        return []  # an office without mail: no line for it
    waiting = sorted(((c, m) for c, m in mails if m.is_open and m.direction == INCOMING), key=lambda p: arrived(p[1]))
    failed = [(c, m) for c, m in mails if m.send_status == FAILED]
    oldest = f" (oldest {span_said(arrived(waiting[0][1]), now)})" if waiting else ""

    def entry(collection: str, mail: Mail) -> AgendaEntry:
        who = f" for {mail.assigned_to}" if mail.assigned_to else ""
        return AgendaEntry(f"{mail.sender or mail.sender_address}{who}: {mail.subject or '(no subject)'} — "
                           f"{span_said(arrived(mail), now)}", collection, mail.id, mail.unread)

    groups = [AgendaGroup("mail_waiting", f"Mail waiting{oldest}", "calls", len(waiting), [entry(c, m) for c, m in waiting])]
    if failed:
        groups.append(AgendaGroup("mail_failed", "Mail that could not be sent", "calls", len(failed),
                                  [AgendaEntry(f"to {', '.join(m.to[:2])}: {m.subject} — {m.send_error}", c, m.id, True)
                                   for c, m in failed]))
    return groups
