"""What may happen to a message: pure functions of the record, the user and ``now``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from data.addresses import check_email
from data.engine.clock import local
from data.engine.errors import FieldError, RuleError
from data.engine.states import Moves
from data.engine.steps import add_note, add_step  # noqa: F401  (add_note: the rule for notes, shared)
from data.mail.models import Direction, Mail, MailStatus, SendStatus
from data.mail.parse import one_line

if TYPE_CHECKING:
    from data.mail.mailboxes import Mailbox

TRAILING_ADDRESS = re.compile(r"<([^<>]*)>\s*$")
OPEN_MAIL = frozenset({MailStatus.OPEN, MailStatus.ASSIGNED, MailStatus.WAITING})
SENDING_STUCK = timedelta(minutes=10)


def mail_refusal(mail: Mail, to: MailStatus) -> str:
    if to == MailStatus.OPEN:
        return "Only a message that is done can be reopened; this one is still open."
    return "This message is already done; reopen it first."


MAIL_MOVES = Moves({
    MailStatus.OPEN: OPEN_MAIL | {MailStatus.DONE},
    MailStatus.ASSIGNED: OPEN_MAIL | {MailStatus.DONE},
    MailStatus.WAITING: OPEN_MAIL | {MailStatus.DONE},
    MailStatus.DONE: frozenset({MailStatus.OPEN}),
}, mail_refusal)


def pass_on(mail: Mail, to: str, user: str, now: datetime, note: str = "") -> None:
    to = to.strip()
    if not to:
        raise FieldError("assigned_to", "Say whom to pass the message on to.")
    MAIL_MOVES.move(mail, MailStatus.ASSIGNED)
    mail.assigned_to = to
    add_step(mail, user, now, f"passed on to {to}", note)


def mark_done(mail: Mail, user: str, now: datetime, note: str = "") -> None:
    MAIL_MOVES.move(mail, MailStatus.DONE)
    mail.unread = False
    add_step(mail, user, now, "done", note)


def reopen(mail: Mail, user: str, now: datetime, note: str = "") -> None:
    MAIL_MOVES.move(mail, MailStatus.OPEN)
    add_step(mail, user, now, "reopened", note)


def mark_read(mail: Mail) -> None:
    mail.unread = False


# -- composing ---------------------------------------------------------------------------

def subject_with(prefix: str, subject: str) -> str:
    bare = subject.strip()
    return bare if bare.lower().startswith(prefix.lower()) else f"{prefix} {bare}".strip()


def quoted(mail: Mail) -> str:
    when = f"On {local(mail.sent_at):%a %d %b %Y %H:%M}, " if mail.sent_at else ""
    lines = "\n".join("> " + line for line in mail.text.splitlines())
    return f"{when}{mail.sender or mail.sender_address} wrote:\n{lines}"


def reply_to(original: Mail, text: str, mailbox: str, user: str, now: datetime,
             to: list[str] | None = None, cc: Sequence[str] = (), signature: str = "") -> Mail:
    """A reply to ``original``, threaded by In-Reply-To and References, queued to be sent: to
    its sender unless ``to`` says otherwise."""
    if original.direction != Direction.INCOMING or not original.sender_address:
        raise RuleError("Only a message that came in with a sender's address can be answered.")
    if not text.strip():
        raise FieldError("text", "The reply is empty.")
    references = [*original.references, original.message_id] if original.message_id else list(original.references)
    reply = outgoing(mailbox, [original.sender_address] if to is None else to, subject_with("Re:", original.subject),
                     f"{signed(text, signature)}\n\n{quoted(original)}", user, now, cc)
    reply.in_reply_to, reply.references = original.message_id, references[-100:]
    return reply


def reply_all_cc(original: Mail, own: Iterable[str]) -> list[str]:
    """Who else a reply to all goes to: the addresses of everyone the message was to or copied
    to, but the sender (it goes to them) and the office's own addresses."""
    left_out = {address.lower() for address in own if address} | {original.sender_address.lower()}
    others: list[str] = []
    for typed in [*original.to, *original.cc]:
        address = address_of(typed)
        if address and address.lower() not in left_out:
            others.append(address)
            left_out.add(address.lower())
    return others


def reply_all_copies(original: Mail, boxes: Iterable[Mailbox]) -> list[str]:
    """Whom a reply to all is copied to: everyone else the message was to or copied to, but
    the sender and the office's own mailboxes."""
    return reply_all_cc(original, [box.address for box in boxes])


def typed_addresses(typed: str, field: str = "to") -> list[str]:
    """The addresses typed on a To or Cc line, separated by commas or semicolons (one inside
    a quoted name, as in "Moore, Janet" <janet@example.com>, is the name's); FieldError naming
    the first one that cannot be read as one address."""
    found = []
    for piece in line_pieces(typed):
        pairs = getaddresses([piece])
        if len(pairs) != 1 or "@" not in pairs[0][1]:
            raise FieldError(field, f"Not an e-mail address: {piece!r}")
        found.append(formataddr(pairs[0]) if pairs[0][0] else pairs[0][1])
    return found


def line_pieces(typed: str) -> list[str]:
    """What is between the commas and semicolons of a line, but those in quotes or <>."""
    pieces, current, quoted, bracketed = [], [], False, False
    escaped = False
    for char in typed:
        if char in ",;" and not quoted and not bracketed:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char in "<>" and not quoted:
            bracketed = char == "<"
    pieces.append("".join(current))
    return [piece.strip() for piece in pieces if piece.strip()]


def typed_paths(typed: str) -> list[Path]:
    """The files named on an attachments line, separated by semicolons."""
    return [Path(part.strip()).expanduser() for part in typed.split(";") if part.strip()]


def address_of(stored: str) -> str:
    """The address of a "Name <address>" kept from a header — the name may hold what a
    parser of addresses stumbles on ("[b]" from a stranger)."""
    address = parseaddr(stored)[1]
    if not address:
        found = TRAILING_ADDRESS.search(stored)
        address = found.group(1).strip() if found else ""
    return address


def forward(original: Mail, to: list[str], text: str, mailbox: str, user: str, now: datetime,
            cc: Sequence[str] = (), signature: str = "") -> Mail:
    if not [typed for typed in to if typed.strip()]:
        raise FieldError("to", "Say whom to forward the message to.")
    header = f"---------- Forwarded message ----------\nFrom: {original.sender} <{original.sender_address}>\nSubject: {original.subject}"
    if original.to:
        header += f"\nTo: {', '.join(original.to)}"
    if original.cc:
        header += f"\nCc: {', '.join(original.cc)}"
    forwarded = outgoing(mailbox, to, subject_with("Fwd:", original.subject),
                         f"{signed(text, signature)}\n\n{header}\n\n{original.text}".lstrip(), user, now, cc)
    # Its references name the original: it shows in the original's conversation, and an erasure
    # that takes the original finds this copy of it too.
    forwarded.references = ([*original.references, original.message_id] if original.message_id else list(original.references))[-100:]
    return forwarded


def signed(text: str, signature: str) -> str:
    """The text with the mailbox's signature under it, after the usual "-- " line."""
    text = text.strip()
    return f"{text}\n\n-- \n{signature.strip()}".lstrip() if signature.strip() else text


def outgoing(mailbox: str, to: list[str], subject: str, text: str, user: str, now: datetime,
             cc: Sequence[str] = ()) -> Mail:
    addresses = checked_addresses(to)
    copies = checked_addresses(cc, "cc") if [typed for typed in cc if typed.strip()] else []
    mail = Mail(mailbox=mailbox, direction=Direction.OUTGOING, to=addresses, cc=copies, subject=one_line(subject).strip(),
                text=text, status=MailStatus.DONE, unread=False, send_status=SendStatus.QUEUED)
    add_step(mail, user, now, f"to send to {', '.join(addresses + copies)}")
    return mail


def checked_addresses(to: Sequence[str], field: str = "to") -> list[str]:
    """The addresses of what was typed ("Ann <ann@example.com>" or the bare address); the
    first that cannot be one is named as it was typed."""
    if not [typed for typed in to if typed.strip()]:
        raise FieldError(field, "Say whom to send it to.")
    found = []
    for typed in to:
        address = parseaddr(typed)[1]
        try:
            check_email(address if address == typed.strip() or "<" in typed else typed.strip())
            if not address or not address.isprintable() or " " in address:  # a line break of any kind would end the header
                raise ValueError(address)
        except ValueError:
            raise FieldError(field, f"Not an e-mail address: {typed.strip()!r}") from None
        found.append(address)
    return found


def as_email(mail: Mail, sender: str, now: datetime) -> EmailMessage:
    """The message to hand to the SMTP server. Every header is one line, whatever a record
    stored before holds (a stranger's U+2028 in the subject replied to)."""
    headers = {"From": sender, "To": ", ".join(mail.to), "Cc": ", ".join(mail.cc), "Subject": mail.subject,
               "Date": format_datetime(mail.sent_at or now), "Message-ID": mail.message_id,
               "In-Reply-To": mail.in_reply_to, "References": " ".join(mail.references)}
    message = EmailMessage()
    for name, value in headers.items():
        if value or name not in ("Cc", "In-Reply-To", "References"):
            message[name] = one_line(value)
    message.set_content(mail.text)
    return message


def start_sending(mail: Mail, sender_address: str) -> None:
    """Claim the message for sending (under the lock: one sender only) and give it the
    Message-ID it will be known by, so replies to it thread."""
    if mail.send_status not in (SendStatus.QUEUED, SendStatus.FAILED):
        raise RuleError("This message is not waiting to be sent.")
    mail.send_status = SendStatus.SENDING
    mail.send_tries += 1
    if not mail.message_id:
        mail.message_id = make_msgid(domain=sender_address.rpartition("@")[2] or None)


def sending_succeeded(mail: Mail, user: str, now: datetime, filed: bool) -> None:
    mail.send_status, mail.send_error, mail.sent_at = SendStatus.SENT, "", now
    add_step(mail, user, now, "sent" + ("" if filed else " (no copy was kept in the server's Sent folder)"))


def sending_failed(mail: Mail, problem: str, user: str, now: datetime) -> None:
    mail.send_status, mail.send_error = SendStatus.FAILED, problem[:2000]
    add_step(mail, user, now, "sending failed", problem[:2000])


def retry(mail: Mail, now: datetime) -> None:
    """Queue again a message that failed — or one claimed for sending so long ago that the
    session sending it must have stopped (a server answers within a minute or gives up)."""
    stuck = mail.send_status == SendStatus.SENDING and mail.updated_at is not None and now - mail.updated_at > SENDING_STUCK
    if mail.send_status != SendStatus.FAILED and not stuck:
        raise RuleError("Only a message that failed to send can be tried again.")
    mail.send_status = SendStatus.QUEUED


def is_due(mail: Mail) -> bool:
    return mail.send_status == SendStatus.QUEUED
