"""Drafts: what a person is typing in a form, kept on disk so that nothing typed is lost.

A form with free text (a call slip, a reply, a note) keeps a draft while it is open; the
next session of the same person offers it back. A draft is that person's alone: it lives
in ``drafts/<login>/``, a folder private to them (0700), each draft a file only they can
read (0600), made and replaced through the open folder (``data.engine.files``) so that no
colleague's link is followed. A draft of HR's (a reply from HR's mailbox) is HR data: it
lives in ``hr/drafts/<login>/``, made only once ``hr/`` passed the check every HR write
passes. A draft is thrown away when its form is saved or the person throws it away.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import stat
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

import orjson

from data.domains import HR_DOMAIN
from data.engine.clock import as_utc
from data.engine.errors import DataError, NoAccessError, NotFoundError
from data.engine.files import TEMP_NAME, Access, Folder, UnsafeFileError, open_folder
from data.engine.privacy import HrFolderError
from data.engine.store import Store

DRAFTS = "drafts"
PRIVATE_FOLDER = Access(0o700)
PRIVATE_FILE = Access(0o600)
MAX_DRAFT_BYTES = 1 << 20  # a draft is what one person typed in one form
MAX_DRAFTS = 200  # read at start; more is not a person's typing
KIND = re.compile(r"[a-z][a-z0-9-]{0,30}")
VALUE_TYPES = (str, bool, int, type(None))  # what a field holds: text, a checkbox, a choice (ids are numbers)


@dataclass(frozen=True)
class DraftKey:
    """What a form is for: its ``kind`` ("mail-reply"), the record or occasion it is on
    (``ref``, "mail:12"), what the offer calls it (``about``, "a reply to Alice"), and whether
    it is HR's."""

    kind: str
    ref: str
    about: str
    hr: bool = False

    def __post_init__(self) -> None:
        if not KIND.fullmatch(self.kind):
            raise ValueError(f"{self.kind!r} is not a kind of draft")

    @property
    def file_name(self) -> str:
        return f"{self.kind}.{hashlib.sha256(self.ref.encode()).hexdigest()[:16]}.json"

    def on_record(self) -> tuple[str, int] | None:
        """(collection, id) of the record the draft is on, when ``ref`` names one."""
        collection, _, number = self.ref.partition(":")
        return (collection, int(number)) if collection and number.isdigit() and len(number) < 16 else None


@dataclass(frozen=True)
class Draft:
    key: DraftKey
    values: dict[str, str | bool | int | None] = field(default_factory=dict)
    saved_at: datetime | None = None
    session: str = ""  # the session that wrote it (see ``this_session``)

    @property
    def still_open(self) -> bool:
        """Whether the session that wrote it is still running — another session of the same
        person, over another SSH link — with the form open: not a draft to offer here."""
        host, _, rest = self.session.partition(":")
        pid, _, started = rest.partition(":")
        if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
            return False
        return started_at(int(pid)) == started

    @property
    def text(self) -> str:
        """What was typed, the fields' text one after another, for the offer to quote."""
        return "\n".join(v for v in self.values.values() if isinstance(v, str) and v.strip())


def this_session() -> str:
    """host:pid:start of this process, so that a draft's session can be told alive or gone."""
    return f"{socket.gethostname()}:{os.getpid()}:{started_at(os.getpid())}"


def started_at(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot), or "" when it is not running: a
    pid used again by another process does not pass for the one that wrote a draft."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            return stat_file.read().rpartition(b")")[2].split()[19].decode()
    except (OSError, IndexError):
        return ""


def new_ref() -> str:
    """A ref for a form that is on no record yet (a new message): its draft is its own."""
    return os.urandom(8).hex()


def keep(store: Store, key: DraftKey, values: dict) -> None:
    """Write the draft of ``key`` (replacing the one before)."""
    payload = orjson.dumps({"kind": key.kind, "ref": key.ref, "about": key.about, "hr": key.hr,
                            "values": {k: v for k, v in values.items() if isinstance(v, VALUE_TYPES)},
                            "saved_at": store.now().isoformat(), "session": this_session()})
    with own_folder(store, key.hr, make=True) as folder:
        folder.write(key.file_name, payload, PRIVATE_FILE)


def throw_away(store: Store, key: DraftKey) -> bool:
    """Remove the draft of ``key``; False when there was none."""
    try:
        with own_folder(store, key.hr, make=False) as folder:
            return folder.remove(key.file_name)
    except (FileNotFoundError, NoAccessError):
        return False


def draft_of(store: Store, key: DraftKey) -> Draft | None:
    """The draft of ``key`` this user left, or None."""
    try:
        with own_folder(store, key.hr, make=False) as folder:
            return parse(folder.read(key.file_name, MAX_DRAFT_BYTES), key.hr, key.file_name)
    except (OSError, ValueError, NoAccessError, HrFolderError):
        return None


def drafts_of(store: Store) -> list[Draft]:
    """The drafts this user left, oldest first; HR's too when this user may read hr/. A draft
    whose form is still open in another running session is not among them. Temp files of a
    write cut short are removed; a file that is no draft is left alone."""
    found: list[Draft] = []
    for hr, folder in own_folders(store):
        with folder:
            found += [d for d in read_all(folder, hr) if d is not None and not d.still_open]
    return sorted(found, key=lambda d: d.saved_at.timestamp() if d.saved_at else 0.0)


def own_folders(store: Store) -> Iterator[tuple[bool, Folder]]:
    """(hr, folder) of each of this user's drafts folders there is, held open."""
    hr_apart = store.home(HR_DOMAIN) != store.folder  # an office from before hr/ keeps no HR draft
    for hr in (False, True) if hr_apart else (False,):
        try:
            folder = own_folder(store, hr, make=False)
        except (FileNotFoundError, NoAccessError, PermissionError, HrFolderError):
            continue  # none yet; or hr/, which is not this user's to read, or is refused for HR's writes
        yield hr, folder


def throw_away_on(store: Store, refs: Iterable[str]) -> int:
    """Remove this user's drafts, HR's too, on any of ``refs`` ("hr_mail:3": the messages of a
    person erased, say), whatever session wrote them; how many went."""
    wanted, removed = set(refs), 0
    for hr, folder in own_folders(store):
        with folder:
            for draft in read_all(folder, hr):
                if draft is not None and draft.key.ref in wanted:
                    removed += folder.remove(draft.key.file_name)
    return removed


def on_nothing_now(store: Store, draft: Draft) -> bool:
    """Whether the record the draft is on is gone (erased, deleted, archived): nothing to
    continue it on. A record this user may not read now is not taken for gone."""
    on = draft.key.on_record()
    if on is None:
        return False
    try:
        store.repo(on[0]).get(on[1])
    except NotFoundError:
        return True
    except (DataError, OSError):
        return False
    return False


def read_all(folder: Folder, hr: bool) -> list[Draft | None]:
    names = sorted(folder.names())[: MAX_DRAFTS * 2]
    drafts = []
    for name in names:
        if TEMP_NAME.fullmatch(name):
            folder.remove(name)  # left by a session killed while writing: the draft before it stands
        elif name.endswith(".json") and len(drafts) < MAX_DRAFTS:
            with suppress(OSError, ValueError):
                drafts.append(parse(folder.read(name, MAX_DRAFT_BYTES), hr, name))
    return drafts


def parse(raw: bytes, hr: bool, name: str) -> Draft | None:
    """A draft file's contents, or None when it is not one (it stays where it is)."""
    data = orjson.loads(raw)
    if not isinstance(data, dict):
        return None
    kind, ref, about, values = data.get("kind"), data.get("ref"), data.get("about"), data.get("values")
    if not (isinstance(kind, str) and isinstance(ref, str) and isinstance(about, str) and isinstance(values, dict)):
        return None
    key = DraftKey(kind, ref, about, hr)
    if key.file_name != name:
        return None
    values = {str(k): v for k, v in values.items() if isinstance(v, VALUE_TYPES)}
    saved_at = None
    with suppress(TypeError, ValueError):
        saved_at = as_utc(datetime.fromisoformat(data.get("saved_at")))
    session = data.get("session")
    return Draft(key, values, saved_at, session if isinstance(session, str) else "")


def own_folder(store: Store, hr: bool, make: bool) -> Folder:
    """``drafts/<login>/`` (``hr/drafts/<login>/`` for HR's), held open, private to this user.
    With ``make`` each missing part is made (hr/ checked as for every HR write); without it a
    missing part is FileNotFoundError. A folder of that name that is not this user's own is
    refused: someone else made it, and might read what is written there."""
    base = store.open_home(HR_DOMAIN, writing=make) if hr else open_folder(store.folder)
    with base:
        drafts = base.folder(DRAFTS, make=sticky(Access.of_folder(base.stat())) if make else None)
    with drafts:
        if make:
            keep_sticky(drafts)
        mine = drafts.folder(store.user, make=PRIVATE_FOLDER if make else None)
    try:
        st = mine.stat()
        if st.st_uid != os.geteuid():
            raise UnsafeFileError(f"{mine.path} belongs to another account, not to {store.user}: your drafts are not "
                                  "kept there. Someone put it there; move it away (`backoffice check` lists it).")
        if stat.S_IMODE(st.st_mode) != 0o700:
            os.fchmod(mine.fd, 0o700)  # ours, so we may: never open to anyone else, whatever the umask
    except BaseException:
        mine.close()
        raise
    mine.new_files = PRIVATE_FILE
    return mine


def sticky(access: Access) -> Access:
    """drafts/ as the folder it is in, with the sticky bit: in it, only a folder's owner may
    rename or remove it, so no colleague moves someone's drafts folder away to plant their own."""
    return Access(access.mode | stat.S_ISVTX, access.group)


def keep_sticky(drafts: Folder) -> None:
    """A drafts/ made before it had the sticky bit gets it from its owner."""
    st = drafts.stat()
    if st.st_uid == os.geteuid() and not st.st_mode & stat.S_ISVTX:
        os.fchmod(drafts.fd, stat.S_IMODE(st.st_mode) | stat.S_ISVTX)
