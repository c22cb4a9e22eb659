"""Attachments kept beside the data file their messages are in: ``attachments/BOX/`` in the
data folder for the office's mail, in ``hr/`` for HR's, as private as that data file.

A file is kept under a name of our own (the sender's name is only shown, so it cannot reach
outside the folder) and read back through the folder held open (``data.engine.files``): a
name read from a shared file never leads anywhere else.
"""

from __future__ import annotations

import errno
import os
import re
from email.message import EmailMessage
from pathlib import Path

from data.engine.files import Folder
from data.engine.store import Store
from data.mail.models import Attachment, Direction, Mail
from data.mail.parse import ATTACHMENT_LIMIT, Part

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


def read_attachment(folder: Folder, attachment: Attachment) -> bytes:
    return folder.read(attachment.file, ATTACHMENT_LIMIT)


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
        for attachment in mail.attachments:
            kind, *options = [part.strip() for part in (attachment.content_type or "application/octet-stream").split(";")]
            maintype, _, subtype = kind.partition("/")
            params = dict(option.partition("=")[::2] for option in options if "=" in option)
            message.add_attachment(read_attachment(folder, attachment), maintype=maintype, subtype=subtype,
                                   filename=attachment.name, params=params)
