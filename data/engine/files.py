"""Files made for a data file — its temp copies, backups, archive, audit log and lock — as
private as the data file from their first byte.

A new file is created with mode 0600 and O_EXCL (never a file or a link someone left
there), then given the data file's group and mode, and only then written: at no moment can
anyone the data file keeps out open it, not even to hold it open until the bytes arrive.
When the data file does not exist yet (the first save), the umask decides, as it does for
the data file itself.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

PERMISSIONS = 0o777


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


def same_mode(mode: int) -> int:
    return mode


def writers_only(mode: int) -> int:
    """Read and write for exactly those who may write a file of ``mode``: a lock file, so
    that someone who may only read the data cannot hold its lock."""
    writers = mode & 0o222
    return writers | writers << 1


def give_mode_and_group(fd: int, mode: int, group: int) -> None:
    # The group first: the file is never open to its group before it has the right one.
    try:
        os.fchown(fd, -1, group)
    except PermissionError:
        mode &= ~0o070  # not a member of that group: the file keeps the folder's, with no rights
    os.fchmod(fd, mode)


def make_private_like(fd: int, like: Path, mode_of: Callable[[int], int] = same_mode) -> None:
    """Give the new file ``fd`` the mode (through ``mode_of``) and group of ``like``."""
    try:
        source = os.stat(like)
    except FileNotFoundError:
        os.fchmod(fd, mode_of(0o666 & ~current_umask()))
        return
    give_mode_and_group(fd, mode_of(stat.S_IMODE(source.st_mode) & PERMISSIONS), source.st_gid)


def create_like(path: Path, like: Path, flags: int = os.O_WRONLY, mode_of: Callable[[int], int] = same_mode) -> int:
    """Create ``path`` (it must not exist) as private as ``like``; returns its descriptor."""
    fd = os.open(path, flags | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        make_private_like(fd, like, mode_of)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    return fd


def open_beside(path: Path, flags: int, data_file: Path, mode_of: Callable[[int], int] = same_mode) -> int:
    """Open a file that serves ``data_file`` (its lock, its audit log), made like it when new."""
    try:
        return create_like(path, data_file, flags, mode_of)
    except FileExistsError:
        return os.open(path, flags | os.O_CLOEXEC)


def write_all(fd: int, payload: bytes | bytearray | memoryview) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_like(source: Path, target: Path) -> None:
    """Copy ``source`` to a new ``target`` as private as ``source``, on disk when it returns."""
    fd = create_like(target, source)
    try:
        with open(source, "rb") as reading, open(fd, "wb", closefd=False) as writing:
            shutil.copyfileobj(reading, writing, 1 << 20)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        target.unlink(missing_ok=True)
        raise
    os.close(fd)


def give_folders_group(folder: Path, like: Path) -> None:
    """A folder made for the office: the group and the mode (setgid too) of ``like``."""
    source = os.stat(like)
    try:
        os.chown(folder, -1, source.st_gid)
    except PermissionError:
        return  # not a member of that group: the folder stays its maker's
    os.chmod(folder, stat.S_IMODE(source.st_mode))


def write_for_people(path: Path, text: str) -> None:
    """A file for people in an output folder, as open as the folder: whoever may write the
    folder may write the file again."""
    path.write_text(text, encoding="utf-8")
    try:
        os.chmod(path, stat.S_IMODE(os.stat(path.parent).st_mode) & 0o666)
    except PermissionError:
        pass  # another's file written again: it keeps the mode its maker gave it
