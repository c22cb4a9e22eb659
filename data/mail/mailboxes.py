"""The office's mailboxes, from the ``[mail]`` table of the settings.

    [mail]                      # the office's mailbox
    imap = "imaps://office@mail.example.com/INBOX"   # or imap:// (STARTTLS when offered)
    smtp = "smtps://office@mail.example.com"          # or smtp:// (STARTTLS when offered)
    from = "Front desk <office@example.com>"
    password_file = "~/.config/backoffice/mail-password"   # else $BACKOFFICE_MAIL_PASSWORD
    delete_after_fetch = false  # the default: nothing is removed from the server
    insecure = false            # true: the password may go to a server that offers no TLS
    signature = '''Front desk
    Example Ltd · 020 7946 0000'''   # put under what the office writes from this mailbox
    replies = ["Thank you, we have received it.", "…"]   # saved replies, put in by ctrl+r

    [mail.jobs]                 # more mailboxes, each a table of the same keys
    imap = "imaps://jobs@mail.example.com/INBOX"
    hr = true                   # what it brings in is HR data

A password file must be readable by its owner alone: a wider one is refused, with why.
A password goes only over TLS (imaps, smtps, or STARTTLS on imap:// and smtp://) unless the
mailbox says ``insecure = true``; such a mailbox is warned about whenever it is used.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from data.engine.errors import DataError
from data.engine.text import control_problem, normalise_line_ends

DEFAULT_MAILBOX = "office"
KEYS = ("imap", "smtp", "from", "password_file", "hr", "delete_after_fetch", "insecure", "signature", "replies")
SIGNATURE_LIMIT = 2000  # characters of a signature, and of a saved reply
REPLIES_LIMIT = 20  # saved replies of a mailbox
PORTS = {"imap": 143, "imaps": 993, "smtp": 25, "smtps": 465}


class MailSettingsError(DataError):
    """A mailbox setting that cannot be used; the message names the mailbox and the key."""


@dataclass(frozen=True)
class Server:
    secure: bool  # TLS from the first byte (imaps, smtps); else STARTTLS when offered
    host: str
    port: int
    user: str
    folder: str = "INBOX"


@dataclass(frozen=True)
class Mailbox:
    name: str
    imap: Server | None
    smtp: Server | None
    sender: str  # the From of what the office sends
    password_file: Path | None = None
    hr: bool = False
    delete_after_fetch: bool = False
    insecure: bool = False  # the settings allow a password to go without TLS
    signature: str = ""  # put under what is written from it
    replies: tuple[str, ...] = ()  # saved texts a reply can start from

    @property
    def in_the_clear(self) -> bool:
        """Its settings allow its password to go without TLS, to a server they do not say
        speaks TLS from the first byte."""
        servers = [server for server in (self.imap, self.smtp) if server is not None]
        return self.insecure and any(not server.secure for server in servers)

    @property
    def collection(self) -> str:
        return "hr_mail" if self.hr else "mail"

    @property
    def cursors(self) -> str:
        return "hr_mail_cursors" if self.hr else "mail_cursors"

    @property
    def address(self) -> str:
        return parseaddr(self.sender)[1]

    def password(self) -> str:
        if self.password_file is None:
            password = os.environ.get("BACKOFFICE_MAIL_PASSWORD")
            if password is None:
                raise MailSettingsError(f"mail {self.name}: no password: set password_file or BACKOFFICE_MAIL_PASSWORD")
            return password
        return read_password_file(self.name, self.password_file)


def read_password_file(mailbox: str, path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise MailSettingsError(f"mail {mailbox}: password_file {path} cannot be read ({error.strerror})") from None
    with open(fd, encoding="utf-8") as file:
        info = os.fstat(file.fileno())
        if info.st_uid != os.getuid():
            raise MailSettingsError(f"mail {mailbox}: password_file {path} belongs to someone else; it must be yours")
        if info.st_mode & 0o077:
            raise MailSettingsError(
                f"mail {mailbox}: password_file {path} can be read by others (mode {stat.S_IMODE(info.st_mode):04o}); "
                f"make it yours alone with: chmod 600 {path}")
        return file.read().strip("\r\n")


def server(mailbox: str, key: str, url: object) -> Server | None:
    if url in (None, ""):
        return None
    parts = urlsplit(str(url))
    schemes = (key, key + "s")
    if parts.scheme not in schemes or not parts.hostname:
        raise MailSettingsError(f"mail {mailbox}: {key} must look like {key}s://user@host or {key}://user@host, not {url!r}")
    try:
        port = parts.port or PORTS[parts.scheme]
    except ValueError:
        raise MailSettingsError(f"mail {mailbox}: {key} has a port that is not a number: {url!r}") from None
    folder = unquote(parts.path.strip("/")) or "INBOX"
    return Server(parts.scheme.endswith("s"), parts.hostname, port, unquote(parts.username or ""), folder)


def flag(mailbox: str, key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).strip().lower() in ("", "0", "false", "no", "off"):
        return False
    raise MailSettingsError(f"mail {mailbox}: {key} must be true or false, not {value!r}")


def mailbox(name: str, values: dict) -> Mailbox:
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise MailSettingsError(f"mail {name}: unknown key {', '.join(unknown)} (known: {', '.join(KEYS)})")
    imap, smtp = server(name, "imap", values.get("imap")), server(name, "smtp", values.get("smtp"))
    sender = str(values.get("from") or "")
    if not sender.isprintable():  # no line break of any kind, nor a control character: it is a header
        raise MailSettingsError(f"mail {name}: from must be one line of text, not {sender!r}")
    if smtp and "@" not in parseaddr(sender)[1]:
        raise MailSettingsError(f"mail {name}: from must be an address to send from, e.g. \"Front desk <office@example.com>\"")
    password_file = values.get("password_file")
    return Mailbox(name, imap, smtp, sender, Path(str(password_file)).expanduser() if password_file else None,
                   flag(name, "hr", values.get("hr", False)), flag(name, "delete_after_fetch", values.get("delete_after_fetch", False)),
                   flag(name, "insecure", values.get("insecure", False)),
                   text_setting(name, "signature", values.get("signature", "")), saved_replies(name, values.get("replies", [])))


def text_setting(mailbox: str, key: str, value: object) -> str:
    """A text of the settings that goes into messages: lines of plain text, bounded."""
    if not isinstance(value, str):
        raise MailSettingsError(f"mail {mailbox}: {key} must be text in quotes, not {value!r}")
    text = normalise_line_ends(value).strip("\n")
    problem = control_problem(text, multiline=True)
    if problem:
        raise MailSettingsError(f"mail {mailbox}: {key} {problem}")
    if len(text) > SIGNATURE_LIMIT:
        raise MailSettingsError(f"mail {mailbox}: {key} is {len(text):,} characters; at most {SIGNATURE_LIMIT:,} are sent")
    return text


def saved_replies(mailbox: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise MailSettingsError(f"mail {mailbox}: replies must be a list of texts, like [\"Thank you.\", \"…\"]")
    if len(value) > REPLIES_LIMIT:
        raise MailSettingsError(f"mail {mailbox}: replies has {len(value)} texts; at most {REPLIES_LIMIT} are kept")
    return tuple(text_setting(mailbox, f"replies {number}", text) for number, text in enumerate(value, 1))


def mailboxes(table: dict) -> list[Mailbox]:
    """Every mailbox of a ``[mail]`` table: its own keys are the office's, each sub-table another."""
    own = {key: value for key, value in table.items() if not isinstance(value, dict)}
    found = [mailbox(DEFAULT_MAILBOX, own)] if own else []
    found += [mailbox(name, values) for name, values in table.items() if isinstance(values, dict)]
    return found


def in_the_clear_warning(boxes: list[Mailbox]) -> str:
    """One line naming the mailboxes whose passwords the settings let go without TLS; "" when none."""
    names = [box.name for box in boxes if box.in_the_clear]
    if not names:
        return ""
    return (f"mail {', '.join(names)}: insecure = true: the password may be sent to the server without TLS, "
            "readable by anyone on the way")


def sender_for(boxes: list[Mailbox], mailbox: str = "") -> Mailbox | None:
    """The mailbox to send with: the one named, when it can send; else the first that can
    send and is not HR's; None when none can."""
    senders = [box for box in boxes if box.smtp is not None]
    return next((box for box in senders if box.name == mailbox), None) or next((box for box in senders if not box.hr), None)


def hr_sender(boxes: Sequence[Mailbox], mailbox: str) -> Mailbox | None:
    """HR's mailbox ``mailbox`` when it can send: HR's mail goes out from no other."""
    return next((box for box in boxes if box.name == mailbox and box.hr and box.smtp is not None), None)


def hr_cannot_send(mailbox: str) -> str:
    return (f"HR's mailbox cannot send: {mailbox!r} has no SMTP server in the settings, and HR's mail goes "
            "out from no other mailbox")


def mailbox_named(table: dict, name: str | None) -> Mailbox:
    boxes = mailboxes(table)
    if not boxes:
        raise MailSettingsError("no mailbox is set up: add a [mail] table to the settings (see the README)")
    if name is None:
        return boxes[0]
    for box in boxes:
        if box.name == name:
            return box
    raise MailSettingsError(f"no mailbox named {name!r} (set up: {', '.join(b.name for b in boxes)})")
