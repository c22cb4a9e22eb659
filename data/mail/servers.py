"""The mail servers: IMAP to fetch and to file what was sent, SMTP to send.

The libraries are imported when mail is used, so an office without mail starts as before.
Every failure becomes a MailServerError that says which server and why, in words.

Each exchange with a server — connecting with TLS and logging in, then each command — has
a deadline for the whole of it (connections.py), so a server that crawls or stops answering
ends in a sentence saying what was being done. A password goes only over TLS, unless the
mailbox's settings say ``insecure = true``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

from data.engine.errors import DataError
from data.mail.mailboxes import Mailbox, Server

if TYPE_CHECKING:
    from data.mail.connections import Deadline

TIMEOUT = 60  # seconds for one exchange: connecting with TLS and logging in, or one command
SLOWEST_LINK = 256 * 1024  # bytes a second: an exchange that carries a message has time for it at this pace too
BATCH = 25  # messages fetched per round trip, at most
BATCH_BYTES = 20 * 1024 * 1024  # and at most this much held at once (a bigger message is fetched alone)
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


class Conversation:
    """One connection to one server: each exchange with its deadline, each failure a sentence."""

    def __init__(self, box: Mailbox, kind: str, where: Server) -> None:
        from data.mail.connections import Deadline

        self.box, self.kind, self.where = box, kind, where
        self.deadline: Deadline = Deadline("connecting", TIMEOUT)

    @contextmanager
    def exchange(self, doing: str, carrying: int = 0) -> Iterator[None]:
        """An exchange that must be over within TIMEOUT, and the time ``carrying`` bytes take
        on the slowest link an office is expected to have."""
        self.deadline.start(doing, TIMEOUT + carrying / SLOWEST_LINK)
        try:
            yield
        except DataError:
            raise
        except Exception as error:  # any library or socket error ends as one sentence
            raise self.trouble(self.gave_up() if self.deadline.passed else why(error)) from error

    def now(self, doing: str) -> None:
        """The same exchange goes on with its next step (TLS, then logging in)."""
        self.deadline.doing = doing

    def gave_up(self) -> str:
        return (f"gave up after {round(self.deadline.seconds, 1):g} s while {self.deadline.doing}: "
                "the server answers too slowly or not at all")

    def trouble(self, what: str) -> MailServerError:
        return MailServerError(f"mail {self.box.name}: {self.kind} {self.where.host}:{self.where.port}: {what}")

    def no_tls(self) -> MailServerError:
        """The server offers no TLS: the password stays here unless the settings say otherwise."""
        return self.trouble(
            "the server offers no TLS (STARTTLS), so the password was not sent; use a server or port with TLS, "
            f"or, to send it readable by anyone on the way, set insecure = true for mailbox {self.box.name} "
            "(BACKOFFICE_MAIL_INSECURE=1 for one set up in the environment)")


class ImapSession:
    """One connection to a mailbox's IMAP folder."""

    def __init__(self, box: Mailbox) -> None:
        if box.imap is None:
            raise MailServerError(f"mail {box.name}: no imap server is set up to fetch from")
        from data.mail.connections import TimedIMAPClient

        self.box, self.server = box, box.imap
        self.talk = Conversation(box, "imap", self.server)
        self.client = None
        try:
            with self.talk.exchange("connecting"):  # one deadline for connecting, TLS and logging in
                self.client = TimedIMAPClient(self.server, self.talk.deadline)
                self.talk.now("starting TLS")
                if not self.server.secure and b"STARTTLS" in self.client.capabilities():
                    self.client.starttls(self.talk.deadline.tls())
                elif not self.server.secure and not box.insecure:
                    raise self.talk.no_tls()
                self.talk.now("logging in")
                self.client.login(self.server.user, box.password())
        except BaseException:
            self.hang_up()
            raise

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is None:
            try:
                with self.talk.exchange("logging out"):
                    self.client.logout()
                return
            except MailServerError:
                pass  # the connection may already be gone; nothing of ours is lost
        self.hang_up()

    def hang_up(self) -> None:
        """Close the connection without a word: after a failure, or a server that went quiet."""
        try:
            if self.client is not None:
                self.client.shutdown()
        except Exception:
            pass

    def open_folder(self) -> int:
        """Select the folder (read-only unless messages are to be deleted); its UIDVALIDITY."""
        with self.talk.exchange(f"opening the folder {self.server.folder}"):
            selected = self.client.select_folder(self.server.folder, readonly=not self.box.delete_after_fetch)
            return int(selected[b"UIDVALIDITY"])

    def new_messages(self, after_uid: int, limit: int) -> Iterator[list[Incoming]]:
        """Messages with a UID above ``after_uid``, oldest first, at most ``limit``; read
        without marking them seen on the server. They come in groups of at most BATCH
        messages and BATCH_BYTES by the sizes the server reports (a bigger message alone),
        each fetched only when the one before was taken: the caller reads and stores a
        group, and lets go of its bytes, before the next is fetched."""
        with self.talk.exchange("looking for new mail"):
            uids = sorted(uid for uid in self.client.search(["UID", f"{after_uid + 1}:*"]) if uid > after_uid)[:limit]
        with self.talk.exchange(f"reading the sizes of {len(uids)} messages"):
            sizes = {uid: int(data.get(b"RFC822.SIZE", 0)) for uid, data in self.client.fetch(uids, ["RFC822.SIZE"]).items()} if uids else {}
        for group in groups(uids, sizes):
            yield self.fetched(group, sizes)

    def fetched(self, uids: list[int], sizes: dict[int, int]) -> list[Incoming]:
        wanted = [uid for uid in uids if sizes.get(uid, 0) <= MESSAGE_LIMIT]
        carrying = sum(sizes.get(uid, 0) for uid in wanted)
        with self.talk.exchange(f"fetching {len(wanted)} message(s) of {megabytes(carrying)}", carrying):
            bodies = self.client.fetch(wanted, ["BODY.PEEK[]"]) if wanted else {}
        return [Incoming(uid, sizes.get(uid, 0), bodies.pop(uid, {}).get(b"BODY[]")) for uid in uids]

    def delete(self, uids: list[int]) -> None:
        with self.talk.exchange(f"deleting {len(uids)} fetched message(s)"):
            self.client.delete_messages(uids)
            self.client.expunge()

    def file_as_sent(self, raw: bytes) -> bool:
        """Append a copy to the Sent folder when the server has one; False when it has none."""
        with self.talk.exchange("filing a copy in Sent", len(raw)):
            folder = self.client.find_special_folder(b"\\Sent")
            if folder is None:
                return False
            self.client.append(folder, raw, flags=[b"\\Seen"])
            return True


def groups(uids: list[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    """``uids`` in order, in groups of at most BATCH and, by their sizes, BATCH_BYTES — a
    bigger message alone; one too big to fetch weighs nothing, since it is not fetched."""
    group: list[int] = []
    held = 0
    for uid in uids:
        size = sizes.get(uid, 0) if sizes.get(uid, 0) <= MESSAGE_LIMIT else 0
        if group and (len(group) == BATCH or held + size > BATCH_BYTES):
            yield group
            group, held = [], 0
        group.append(uid)
        held += size
    if group:
        yield group


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size // 1024 + 1} KB"


def send(box: Mailbox, message: EmailMessage) -> None:
    """Hand ``message`` to the mailbox's SMTP server; MailServerError when it is not taken."""
    where = box.smtp
    if where is None:
        raise MailServerError(f"mail {box.name}: no smtp server is set up to send with")
    from data.mail.connections import TimedSMTP

    talk = Conversation(box, "smtp", where)
    size = len(message.as_bytes())
    connection = None
    try:
        with talk.exchange("connecting"):  # one deadline for connecting, TLS and logging in
            connection = TimedSMTP(where, talk.deadline)
            talk.now("greeting the server (EHLO)")
            connection.ehlo()
            if not where.secure and connection.has_extn("starttls"):
                talk.now("starting TLS")
                connection.starttls(context=talk.deadline.tls())
                connection.ehlo()
            elif not where.secure and where.user and not box.insecure:
                raise talk.no_tls()
            if where.user and connection.has_extn("auth"):
                talk.now("logging in")
                connection.login(where.user, box.password())
        with talk.exchange(f"handing over the message ({megabytes(size)})", size):
            refused = connection.send_message(message)
        with suppress(MailServerError), talk.exchange("saying goodbye"):
            connection.quit()  # the message was taken: a goodbye not answered changes nothing
    finally:
        if connection is not None:
            connection.close()
    if refused:
        raise MailServerError(f"mail {box.name}: the server refused {', '.join(sorted(refused))}")
