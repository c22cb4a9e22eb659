"""Attachments kept beside the data file their messages are in: ``attachments/BOX/`` in the
data folder for the office's mail, in ``hr/`` for HR's, as private as that data file.

A file is kept under a name of our own (the sender's name is only shown, so it cannot reach
outside the folder) and read back through the folder held open (``data.engine.files``): a
name read from a shared file never leads anywhere else.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import re
import secrets
import stat
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from pathlib import Path, PurePosixPath

from data.engine.errors import FieldError
from data.engine.files import Folder, UnsafeFileError, open_folder, refusal
from data.engine.privacy import HR_FOLDER
from data.engine.store import Store
from data.mail.models import Attachment, Direction, Mail
from data.mail.parse import Part, line

SEND_LIMIT = 20 * 2**20  # bytes of files one message may carry: servers refuse ~25 MB once encoded
FILES_LIMIT = 20  # files one message may carry

SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def domain_of(store: Store, collection: str) -> str:
    return store.repo(collection).collection.domain


def attachments_folder(store: Store, collection: str, mailbox: str) -> Path:
    """Where a mailbox's attachments are, to say so."""
    return store.home(domain_of(store, collection)) / "attachments" / mailbox


def open_attachments(store: Store, collection: str, mailbox: str, writing: bool = False) -> Folder:
    """The folder of a mailbox's attachments, held open (FileNotFoundError when there is none
    and not writing)."""
    return store.open_files(domain_of(store, collection), f"attachments/{mailbox}", writing)


def attachment_name(mail: Mail, number: int, sender_name: str) -> str:
    suffix = SAFE_SUFFIX.search(sender_name)
    return f"{mail.uidvalidity}-{mail.uid}-{number}{suffix.group().lower() if suffix else ''}"


def keep_attachment(store: Store, collection: str, mail: Mail, number: int, part: Part) -> Attachment:
    """Save an attachment that came with ``mail``; what the message records of it."""
    name = attachment_name(mail, number, part.name)
    with open_attachments(store, collection, mail.mailbox, writing=True) as folder:
        folder.write(name, part.data)
    return Attachment(name=part.name, file=name, size=len(part.data), content_type=part.content_type)


def keep_file(store: Store, collection: str, mailbox: str, name: str, payload: bytes) -> None:
    """A file of our own making (an invitation's .ics) kept to go out with a message."""
    with open_attachments(store, collection, mailbox, writing=True) as folder:
        folder.write(name, payload)


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size // 1024 + 1} KB"


def files_to_send(store: Store, paths: Sequence[Path], from_hr: bool = False) -> list[Part]:
    """The files a person chose to send, read whole; FieldError ("attachments") naming the
    first that is not there, cannot be read, is not a plain file, or would make the message
    carry more than SEND_LIMIT. A file in the data folder is read as any file there is (never
    through a link a colleague put there), and one of HR's only for a message HR sends."""
    if len(paths) > FILES_LIMIT:
        raise FieldError("attachments", f"{len(paths)} files were chosen; one message carries at most {FILES_LIMIT}: "
                                        "nothing was sent.")
    parts: list[Part] = []
    for path in paths:
        room = SEND_LIMIT - sum(len(part.data) for part in parts)
        name = line(Path(path).name, 255) or "attachment"
        parts.append(Part(name, guessed_type(name), chosen_file(store, Path(path), room, from_hr)))
    return parts


def chosen_file(store: Store, path: Path, room: int, from_hr: bool = False) -> bytes:
    """A file a person named, at most ``room`` bytes: outside the data folder a link they chose
    is followed (the path is theirs); inside it, nothing is followed (the folder is shared)."""
    shown = line(str(path), 300)
    inside = in_data_folder(store, path)
    if inside is None:
        return read_chosen(shown, lambda: os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK), room)
    if inside.parts[:1] == (HR_FOLDER,) and not from_hr:
        raise FieldError("attachments", f"{shown} is HR's: HR data goes out only from HR's mailbox, never from the "
                                        "office's; nothing was sent.")
    try:
        folder = open_folder(store.folder, inside.parent)
    except UnsafeFileError as error:
        raise FieldError("attachments", f"{error} Nothing was sent.") from None
    except OSError as error:
        raise FieldError("attachments", f"{shown} cannot be read ({error.strerror}): nothing was sent.") from None
    with folder:
        return read_chosen(shown, lambda: folder.open(inside.name), room, folder.path / inside.name)


def in_data_folder(store: Store, path: Path) -> PurePosixPath | None:
    """Where in the data folder ``path`` is — following the person's own links on the way to
    it, and none below it — or None when it is not in the data folder."""
    root = Path(os.path.realpath(store.folder))
    rest = list(reversed(Path(os.path.abspath(path)).parts[1:]))
    current, hops = Path("/"), 0
    while rest:
        if current == root or root in current.parents:
            return PurePosixPath(current.relative_to(root), *reversed(rest))
        part = rest.pop()
        if part == "..":
            current = current.parent
        elif os.path.islink(current / part) and hops < 40:
            hops += 1
            target = Path(os.readlink(current / part))
            current = Path("/") if target.is_absolute() else current
            rest.extend(reversed(target.parts[1:] if target.is_absolute() else target.parts))
        elif part not in ("", "."):
            current = current / part
    return PurePosixPath(current.relative_to(root)) if current == root or root in current.parents else None


def read_chosen(shown: str, opened: Callable[[], int], room: int, shared: Path | None = None) -> bytes:
    """The bytes of the plain file ``opened()`` opens, at most ``room`` of them; one in the
    ``shared`` data folder also not a second name of another file (a hard link)."""
    try:
        fd = opened()  # without blocking: a FIFO does not hang the open
    except FileNotFoundError:
        raise FieldError("attachments", f"{shown} is not there: nothing was sent.") from None
    except UnsafeFileError as error:
        raise FieldError("attachments", f"{error} Nothing was sent.") from None
    except OSError as error:
        raise FieldError("attachments", f"{shown} cannot be read ({error.strerror}): nothing was sent.") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FieldError("attachments", f"{shown} is not a file (a folder or a device): only files can be attached; "
                                            "nothing was sent.")
        if shared is not None and info.st_nlink != 1:
            raise FieldError("attachments", f"{refusal(shared, info)} Nothing was sent.")
        too_big = FieldError("attachments", f"{shown} is {megabytes(info.st_size)}: with it the message would carry more "
                                            f"than the {SEND_LIMIT // 2**20} MB one message may; nothing was sent.")
        if info.st_size > room:
            raise too_big
        os.set_blocking(fd, True)
        with open(os.dup(fd), "rb") as file:
            data = file.read(room + 1)
    except OSError as error:
        raise FieldError("attachments", f"{shown} cannot be read ({error.strerror}): nothing was sent.") from None
    finally:
        os.close(fd)
    if len(data) > room:  # it grew while being read
        raise too_big
    return data


def within_limit(parts: Sequence[Part]) -> None:
    """FieldError naming the file with which a message would carry more than SEND_LIMIT (a
    forward carries on what came, which may be more than a server takes back)."""
    total = 0
    for part in parts:
        total += len(part.data)
        if total > SEND_LIMIT:
            raise too_much(part.name, len(part.data))


def guessed_type(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def keep_outgoing(store: Store, collection: str, mailbox: str, parts: Sequence[Part]) -> list[Attachment]:
    """Keep the files an outgoing message carries, under names of our own, until it is sent
    (and after, as the record of what went)."""
    if not parts:
        return []
    token = secrets.token_hex(6)
    kept = []
    with open_attachments(store, collection, mailbox, writing=True) as folder:
        for number, part in enumerate(parts, 1):
            suffix = SAFE_SUFFIX.search(part.name)
            name = f"out-{token}-{number}{suffix.group().lower() if suffix else ''}"
            folder.write(name, part.data)
            kept.append(Attachment(name=part.name, file=name, size=len(part.data), content_type=part.content_type))
    return kept


def kept_parts(store: Store, collection: str, mail: Mail) -> list[Part]:
    """The attachments a stored message has, as they are kept (a forward carries them on):
    each read only while the message stays within SEND_LIMIT (its size as recorded, then as
    it is on disk), else FieldError naming the one that would take it over."""
    if not mail.attachments:
        return []
    parts: list[Part] = []
    with open_attachments(store, collection, mail.mailbox) as folder:
        for attachment in mail.attachments:
            room = SEND_LIMIT - sum(len(part.data) for part in parts)
            data = read_within(folder, attachment, room)
            parts.append(Part(attachment.name, attachment.content_type or guessed_type(attachment.name), data))
    return parts


def read_within(folder: Folder, attachment: Attachment, room: int) -> bytes:
    """A kept attachment, read only when it fits in ``room`` bytes."""
    if attachment.size > room:
        raise too_much(attachment.name, attachment.size)
    fd = folder.open(attachment.file)
    try:
        size = os.fstat(fd).st_size
        if size > room:
            raise too_much(attachment.name, size)
        with open(fd, "rb", closefd=False) as file:
            data = file.read(room + 1)
    finally:
        os.close(fd)
    if len(data) > room:  # it grew while being read
        raise too_much(attachment.name, len(data))
    return data


def too_much(name: str, size: int) -> FieldError:
    return FieldError("attachments", f"{line(name, 255)!r} ({megabytes(size)}) would make the message carry more than "
                                     f"the {SEND_LIMIT // 2**20} MB one message may; nothing was sent.")


def attach_kept_files(store: Store, collection: str, message: EmailMessage, mail: Mail) -> None:
    """An outgoing message's attachments (an invitation's .ics), from where they are kept."""
    if mail.direction != Direction.OUTGOING or not mail.attachments:
        return
    try:
        folder = open_attachments(store, collection, mail.mailbox)
    except FileNotFoundError as error:  # say which file is missing, not which folder
        missing = attachments_folder(store, collection, mail.mailbox) / mail.attachments[0].file
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(missing)) from error
    with folder:
        room = SEND_LIMIT
        for attachment in mail.attachments:
            data = read_within(folder, attachment, room)
            room -= len(data)
            kind, *options = [part.strip() for part in (attachment.content_type or "application/octet-stream").split(";")]
            maintype, _, subtype = kind.partition("/")
            params = dict(option.partition("=")[::2] for option in options if "=" in option)
            message.add_attachment(data, maintype=maintype, subtype=subtype,
                                   filename=attachment.name, params=params)
