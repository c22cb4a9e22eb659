"""The mail servers: IMAP to fetch and to file what was sent, SMTP to send.

The libraries are imported when mail is used, so an office without mail starts as before.
Every failure becomes a MailServerError that says which server and why, in words.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from data.engine.errors import DataError
from data.mail.mailboxes import Mailbox, Server

TIMEOUT = 30  # seconds for any one exchange with a server
BATCH = 25  # messages fetched per round trip
MESSAGE_LIMIT = 50 * 1024 * 1024  # a bigger message is noted, not downloaded


class MailServerError(DataError):
    """A server could not be reached, refused the login, or failed an exchange."""


@dataclass
class Incoming:
    uid: int
    size: int
    raw: bytes | None  # None when the message is too big to fetch


def why(error: BaseException) -> str:
    """A library's or a socket's error in words, with what the server said."""
    if isinstance(error, socket.gaierror):
        return "the host name is not known"
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"no answer within {TIMEOUT} s"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    refused = getattr(error, "recipients", None)  # smtplib: every recipient refused
    if isinstance(refused, dict):
        return "; ".join(f"the server refused {address}: {code} {said(answer)}" for address, (code, answer) in refused.items())
    if hasattr(error, "smtp_code"):
        return f"the server answered {error.smtp_code} {said(getattr(error, 'smtp_error', b''))}"
    return said(error.args[0] if error.args else "") or type(error).__name__


def said(answer: object) -> str:
    """What a server said, as text: bytes decoded, and imaplib's b'…' wrapping taken off."""
    text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
    return text[2:-1] if text.startswith(("b'", 'b"')) and text[-1:] in "'\"" else text


@contextmanager
def server_trouble(box: Mailbox, kind: str, where: Server) -> Iterator[None]:
    try:
        yield
    except MailServerError:
        raise
    except Exception as error:  # any library or socket error ends as one sentence
        raise MailServerError(f"mail {box.name}: {kind} {where.host}:{where.port}: {why(error)}") from error


class ImapSession:
    """One connection to a mailbox's IMAP folder."""

    def __init__(self, box: Mailbox) -> None:
        if box.imap is None:
            raise MailServerError(f"mail {box.name}: no imap server is set up to fetch from")
        self.box, self.server = box, box.imap
        from imapclient import IMAPClient

        with server_trouble(box, "imap", self.server):
            self.client = IMAPClient(self.server.host, self.server.port, ssl=self.server.secure,
                                     ssl_context=ssl.create_default_context(), timeout=TIMEOUT)
            if not self.server.secure and b"STARTTLS" in self.client.capabilities():
                self.client.starttls(ssl.create_default_context())
            self.client.login(self.server.user, box.password())

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.client.logout()
        except Exception:
            pass  # the connection may already be gone; nothing of ours is lost

    def open_folder(self) -> int:
        """Select the folder (read-only unless messages are to be deleted); its UIDVALIDITY."""
        with server_trouble(self.box, "imap", self.server):
            selected = self.client.select_folder(self.server.folder, readonly=not self.box.delete_after_fetch)
            return int(selected[b"UIDVALIDITY"])

    def new_messages(self, after_uid: int, limit: int) -> Iterator[Incoming]:
        """Messages with a UID above ``after_uid``, oldest first, at most ``limit``; read
        without marking them seen on the server."""
        with server_trouble(self.box, "imap", self.server):
            uids = sorted(uid for uid in self.client.search(["UID", f"{after_uid + 1}:*"]) if uid > after_uid)[:limit]
            for start in range(0, len(uids), BATCH):
                batch = uids[start:start + BATCH]
                sizes = {uid: int(data.get(b"RFC822.SIZE", 0)) for uid, data in self.client.fetch(batch, ["RFC822.SIZE"]).items()}
                wanted = [uid for uid in batch if sizes.get(uid, 0) <= MESSAGE_LIMIT]
                bodies = self.client.fetch(wanted, ["BODY.PEEK[]"]) if wanted else {}
                for uid in batch:
                    raw = bodies.get(uid, {}).get(b"BODY[]")
                    yield Incoming(uid, sizes.get(uid, 0), bytes(raw) if raw is not None else None)

    def delete(self, uids: list[int]) -> None:
        with server_trouble(self.box, "imap", self.server):
            self.client.delete_messages(uids)
            self.client.expunge()

    def file_as_sent(self, raw: bytes) -> bool:
        """Append a copy to the Sent folder when the server has one; False when it has none."""
        with server_trouble(self.box, "imap", self.server):
            folder = self.client.find_special_folder(b"\\Sent")
            if folder is None:
                return False
            self.client.append(folder, raw, flags=[b"\\Seen"])
            return True


def send(box: Mailbox, message: EmailMessage) -> None:
    """Hand ``message`` to the mailbox's SMTP server; MailServerError when it is not taken."""
    where = box.smtp
    if where is None:
        raise MailServerError(f"mail {box.name}: no smtp server is set up to send with")
    import smtplib

    with server_trouble(box, "smtp", where):
        if where.secure:
            connection = smtplib.SMTP_SSL(where.host, where.port, timeout=TIMEOUT, context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(where.host, where.port, timeout=TIMEOUT)
        with connection:
            connection.ehlo()
            if not where.secure and connection.has_extn("starttls"):
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if where.user and connection.has_extn("auth"):
                connection.login(where.user, box.password())
            refused = connection.send_message(message)
        if refused:
            raise MailServerError(f"mail {box.name}: the server refused {', '.join(sorted(refused))}")
