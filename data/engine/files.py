"""The data folder's files, opened so that no colleague can redirect them.

Every member of the office may write the data folder, so any name in it may have been
replaced by a link (to someone's ``~/.bashrc``, to ``hr/people.json``) or by something that is
not a plain file. So a folder inside it is opened from the data folder down, one part at a
time, never following a link, and held open (``Folder``); every file in it is then opened,
made, replaced, listed and removed through the open folder, by name:

- opened with O_NOFOLLOW, and refused unless it is a plain file with one name (a hard link
  would let a write land in a file elsewhere);
- made with O_EXCL at mode 0600, given its group and mode through its descriptor before a
  byte is written, so nobody it is not meant for can open it even for a moment;
- put in place by a rename, which replaces a link rather than writing through it.

What is refused is a sentence naming it (``UnsafeFileError``); ``backoffice check`` lists it.
The data folder itself is the office's choice and may be a link; nothing below it is followed.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from data.engine.errors import DataError
from data.engine.text import visible

FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
WRITING = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_TRUNC
COPY_BLOCK = 1 << 20
TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")  # what ``Folder.put`` writes a new file under


class UnsafeFileError(DataError):
    """A link, or something else that is not the program's own plain file, where it expects
    one in the data folder: nothing was read or written through it."""


@dataclass(frozen=True)
class Access:
    """The mode a new file or folder is given, and its group (None: as the system gives it)."""

    mode: int
    group: int | None = None

    @classmethod
    def of(cls, st: os.stat_result) -> Access:
        return cls(stat.S_IMODE(st.st_mode) & 0o777, st.st_gid)

    @classmethod
    def of_folder(cls, st: os.stat_result) -> Access:
        return cls(stat.S_IMODE(st.st_mode) & 0o2777, st.st_gid)

    def for_writers(self) -> Access:
        """Read and write for exactly those who may write a file of this access: a lock file,
        so that someone who may only read the data cannot hold its lock."""
        writers = self.mode & 0o222
        return Access(writers | writers << 1, self.group)


def current_umask() -> int:
    """The process umask, read without changing it (os.umask is not thread-safe)."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def umask_access() -> Access:
    """What a new file gets when there is nothing to take after: the umask decides."""
    return Access(0o666 & ~current_umask())


def give_access(fd: int, access: Access) -> None:
    """The group first: the file is never open to a group before it has the right one."""
    mode = access.mode
    if access.group is not None:
        try:
            os.fchown(fd, -1, access.group)
        except PermissionError:
            mode &= ~0o070  # not a member of that group: the file keeps its maker's, with no rights for it
    os.fchmod(fd, mode)


def copy_all(source_fd: int, fd: int) -> None:
    """Write into ``fd`` what ``source_fd`` holds."""
    offset = 0
    while block := os.pread(source_fd, COPY_BLOCK, offset):
        write_all(fd, block)
        offset += len(block)


def left_by_a_kill(name: str, stems: tuple[str, ...]) -> bool:
    """A temp file of ``put`` for a file named after one of ``stems`` ("calls" for calls.json,
    calls-2026.json, calls.schema-1.json), left by a process killed while writing it."""
    return TEMP_NAME.fullmatch(name) is not None and name[1:].startswith(tuple(f"{stem}{c}" for stem in stems for c in ".-"))


def write_all(fd: int, payload: bytes | bytearray | memoryview) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def checked_name(name: str, where: Path) -> str:
    """A name of one file in a folder: a name read from a shared file may not lead elsewhere."""
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise UnsafeFileError(f"{visible(name)!r} is not a file name in {where}; nothing was read or written.")
    return name


@contextmanager
def named(path: Path) -> Iterator[None]:
    """An error of a call made by name in an open folder names the whole path, as a sentence
    about it needs to."""
    try:
        yield
    except OSError as error:
        if not os.path.isabs(str(error.filename or "")):
            error.filename = str(path)
        raise


def describe(path: Path, st: os.stat_result) -> str:
    """What is at ``path`` instead of a plain file, for a sentence."""
    if stat.S_ISLNK(st.st_mode):
        try:
            return f"{path} is a link (to {visible(os.readlink(path))})"
        except OSError:
            return f"{path} is a link"
    if stat.S_ISDIR(st.st_mode):
        return f"{path} is a folder"
    if not stat.S_ISREG(st.st_mode):
        return f"{path} is not a plain file"
    if st.st_nlink > 1:
        return f"{path} is a second name of another file (a hard link)"
    return f"{path} is a file where a folder belongs"


def refusal(path: Path, st: os.stat_result) -> UnsafeFileError:
    return UnsafeFileError(
        f"{describe(path, st)}: backoffice never follows a link in the data folder, so nothing was read or "
        "written through it. Someone put it there: move it away (`backoffice check` lists what is out of place)."
    )


class Folder:
    """A folder of the data folder, held open; see the module docstring.

    ``new_files`` is the access a file made here is given unless the caller says otherwise.
    """

    def __init__(self, fd: int, path: Path, new_files: Access) -> None:
        self.fd = fd
        self.path = path
        self.new_files = new_files

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.fd != -1:
            os.close(self.fd)
            self.fd = -1

    def stat(self) -> os.stat_result:
        return os.fstat(self.fd)

    # -- folders in it ---------------------------------------------------------------
    def folder(self, name: str, make: Access | None = None) -> Folder:
        """The folder ``name`` in this one, made with ``make`` when missing (else
        FileNotFoundError); its files are made like this folder's."""
        return Folder(enter(self.fd, name, self.path, make), self.path / name, self.new_files)

    # -- files in it -----------------------------------------------------------------
    def lstat(self, name: str) -> os.stat_result | None:
        """What ``name`` is, without following it; None when there is nothing."""
        try:
            return os.stat(checked_name(name, self.path), dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def open(self, name: str, flags: int = os.O_RDONLY) -> int:
        """Open a plain file that is there (else FileNotFoundError); never a link, and for
        writing never a file with a second name."""
        try:
            with named(self.path / name):
                fd = os.open(checked_name(name, self.path), flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, dir_fd=self.fd)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR) and (st := self.lstat(name)):
                raise refusal(self.path / name, st) from error
            raise
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or (flags & WRITING and st.st_nlink != 1):
                raise refusal(self.path / name, st)
            os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def create(self, name: str, flags: int = os.O_WRONLY, access: Access | None = None) -> int:
        """Make ``name``, which must not exist (else FileExistsError, a link included), with
        ``access`` (default: ``new_files``) from its first byte."""
        with named(self.path):  # refused: no right to add a file to this folder
            fd = os.open(checked_name(name, self.path), flags | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600, dir_fd=self.fd)
        try:
            give_access(fd, access or self.new_files)
        except BaseException:
            os.close(fd)
            self.remove(name)
            raise
        return fd

    def open_or_create(self, name: str, flags: int, access: Access | None = None) -> int:
        """A file that serves a data file (its lock, its audit log): made when new."""
        try:
            return self.open(name, flags)
        except FileNotFoundError:
            pass
        try:
            return self.create(name, flags, access)
        except FileExistsError:  # another session made it a moment ago
            return self.open(name, flags)

    def read(self, name: str, limit: int) -> bytes:
        """The whole of a plain file of at most ``limit`` bytes (else UnsafeFileError)."""
        fd = self.open(name)
        try:
            size = os.fstat(fd).st_size
            if size > limit:
                raise UnsafeFileError(f"{self.path / name} is {size:,} bytes, more than the {limit:,} such a file may hold; "
                                      "it was not read.")
            with open(fd, "rb", closefd=False) as file:
                return file.read(limit + 1)[:limit]
        finally:
            os.close(fd)

    def write(self, name: str, payload: bytes | bytearray, access: Access | None = None) -> None:
        """Replace ``name`` with ``payload`` so that readers see the old or the new file, whole,
        and on disk when it returns; a link there is replaced, never written through."""
        self.put(name, lambda fd: write_all(fd, payload), access)
        self.sync()

    def put(self, name: str, fill: Callable[[int], None], access: Access | None = None) -> None:
        """Put a new file in place of ``name``, filled by ``fill(fd)`` and on disk before it
        takes the name (the folder itself is not synced: see ``sync``)."""
        temp = f".{checked_name(name, self.path)}.{os.urandom(6).hex()}.tmp"
        fd = self.create(temp, os.O_WRONLY, access)
        try:
            fill(fd)
            os.fsync(fd)
            os.close(fd)
            fd = -1
            os.replace(temp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            if fd != -1:
                os.close(fd)
            self.remove(temp)
            raise

    def remove(self, name: str) -> bool:
        """Remove ``name`` (a link itself, never what it points to); False when it was not there."""
        try:
            os.unlink(checked_name(name, self.path), dir_fd=self.fd)
        except FileNotFoundError:
            return False
        return True

    def names(self) -> list[str]:
        return os.listdir(self.fd)

    def sync(self) -> None:
        os.fsync(self.fd)


def enter(parent_fd: int, name: str, parent: Path, make: Access | None) -> int:
    """Open the folder ``name`` in ``parent_fd`` without following a link; made with ``make``
    when it is missing and ``make`` is given."""
    checked_name(name, parent)
    try:
        with named(parent / name):
            return os.open(name, FOLDER_FLAGS, dir_fd=parent_fd)
    except FileNotFoundError:
        if make is None:
            raise
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        raise refusal(parent / name, os.stat(name, dir_fd=parent_fd, follow_symlinks=False)) from error
    with suppress(FileExistsError):  # another session made it a moment ago: opened as any other
        with named(parent / name):
            os.mkdir(name, 0o700, dir_fd=parent_fd)
        fd = enter(parent_fd, name, parent, None)
        try:
            if os.fstat(fd).st_uid != os.geteuid():  # replaced between making and opening
                raise refusal(parent / name, os.fstat(fd))
            give_access(fd, make)
        except BaseException:
            os.close(fd)
            raise
        return fd
    return enter(parent_fd, name, parent, None)


def open_folder(root: Path, inside: str | PurePosixPath = "", new_files: Access | None = None,
                make: Access | None = None) -> Folder:
    """The folder ``inside`` the data folder ``root``, opened one part at a time without
    following a link; each missing part made with ``make`` when it is given."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    path = root
    try:
        for part in PurePosixPath(inside).parts:
            inner = enter(fd, part, path, make)
            os.close(fd)
            fd, path = inner, path / part
    except BaseException:
        os.close(fd)
        raise
    return Folder(fd, path, new_files or umask_access())

