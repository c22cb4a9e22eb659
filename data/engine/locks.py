"""Locks on data files, across processes and threads, that say who holds them.

Whoever takes a lock writes who they are into the lock file; a save that finds the file
busy tells the person, after a second, whose session holds it, and gives up when cancelled
or at a timeout, so nobody waits forever and silently behind a session stopped with ctrl+z.
"""

from __future__ import annotations

import fcntl
import functools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import orjson

from data.engine.clock import local
from data.engine.errors import DataError, LockCancelled, LockTimeout, saving
from data.engine.files import Folder
from data.engine.text import visible

NAME_LIMIT = 64  # characters of a holder's user or host name shown
Opener = Callable[[bool], Folder]  # writing → the folder of the lock file, held open
GENERATION_BYTES = 8  # the lock file starts with the write generation; the holder follows
TELL_AFTER = 1.0  # seconds a save waits for a lock before the person is told who holds it
FIRST_PAUSE, LONGEST_PAUSE = 0.001, 0.025  # between looks at a busy lock


@functools.cache
def host_name() -> str:
    return socket.gethostname()


@dataclass(frozen=True)
class LockHolder:
    """Who holds a data file's lock, as the holder wrote it into the lock file."""

    user: str
    pid: int
    host: str
    since: datetime | None  # aware, UTC

    def describe(self) -> str:
        since = f", since {local(self.since):%H:%M:%S}" if self.since else ""
        return f"{self.user}'s backoffice (process {self.pid} on {self.host}{since})"

    def encoded(self) -> bytes:
        since = self.since.isoformat() if self.since else None
        return orjson.dumps({"user": self.user, "pid": self.pid, "host": self.host, "since": since})

    @classmethod
    def decoded(cls, raw: bytes) -> LockHolder | None:
        try:
            found = orjson.loads(raw)
            since = datetime.fromisoformat(found["since"]) if found.get("since") else None
            # written into a shared file: shown inert, and no longer than a name is
            return cls(visible(str(found["user"]))[:NAME_LIMIT], int(found["pid"]), visible(str(found["host"]))[:NAME_LIMIT], since)
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            return None  # an empty lock file, or one written by an older backoffice


class LockWaits(Protocol):
    """What a program shows while a save waits for a lock held by another session.

    ``waiting`` is called once, about a second into a wait, from the waiting thread: it must
    return at once. Setting ``cancel`` stops the wait with LockCancelled. ``done`` follows
    every ``waiting`` call when that wait ends, however it ends.
    """

    def waiting(self, file_name: str, holder: LockHolder | None, cancel: threading.Event) -> None: ...

    def done(self, file_name: str) -> None: ...


class Wait:
    """One wait for a busy lock: tells ``waits`` after a second, and gives up at the timeout
    or when cancelled."""

    def __init__(self, lock: FileLock, opener: Opener, timeout: float | None, waits: LockWaits | None) -> None:
        self.lock = lock
        self.opener = opener
        self.timeout = timeout
        self.waits = waits
        self.cancel = threading.Event()
        self.started = time.monotonic()
        self.told = False
        self._pause = FIRST_PAUSE

    def waited(self) -> float:
        return time.monotonic() - self.started

    def check(self) -> None:
        """Called each time the lock was found busy."""
        waited = self.waited()
        if not self.told and self.waits is not None and waited >= TELL_AFTER:
            self.told = True
            self.waits.waiting(self.lock.data_file.name, self.lock.holder(self.opener), self.cancel)
        if self.cancel.is_set():
            holder = self.lock.holder(self.opener)
            raise LockCancelled(
                f"Stopped waiting for {self.lock.data_file.name}, which {who(holder)} holds. "
                "Nothing was changed.",
                holder=holder,
            )
        if self.timeout is not None and waited >= self.timeout:
            holder = self.lock.holder(self.opener)
            raise LockTimeout(
                f"{self.lock.data_file.name} is busy: {who(holder)} holds its lock; "
                f"gave up after {self.timeout:g} s.",
                holder=holder,
            )

    def pause(self) -> float:
        """How long to wait before looking again: short at first, and never past the moment
        to tell the person or to give up."""
        pause, self._pause = self._pause, min(self._pause * 2, LONGEST_PAUSE)
        waited = self.waited()
        if not self.told and self.waits is not None:
            pause = min(pause, TELL_AFTER - waited)
        if self.timeout is not None:
            pause = min(pause, self.timeout - waited)
        return max(pause, 0.0)

    def end(self) -> None:
        if self.told:
            self.waits.done(self.lock.data_file.name)  # type: ignore[union-attr]


def who(holder: LockHolder | None) -> str:
    return holder.describe() if holder else "another session"


class FileLock:
    """Exclusive lock on a data file, across processes (flock on a side file) and threads.

    Re-entrant within a thread. The side file holds a write generation, a counter each
    commit increments, so a reader holding the lock knows for sure whether the data file
    changed since it last parsed it; and after it, who holds the lock. Only those who may
    write the data file may open it, and the lock is taken on a descriptor open for writing:
    someone who may only read cannot hold up a save. A wait for it is bounded (``Wait``).
    """

    _by_path: dict[str, FileLock] = {}
    _registry_lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data_file = path.with_name(path.name.removesuffix(".lock"))
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @classmethod
    def for_path(cls, path: Path) -> FileLock:
        """One lock object per lock file in the process, so threads exclude each other."""
        key = os.path.join(os.path.realpath(path.parent), path.name)
        with cls._registry_lock:
            if key not in cls._by_path:
                cls._by_path[key] = cls(path)
            return cls._by_path[key]

    @property
    def held(self) -> bool:
        return self._fd is not None and self._thread_lock._is_owned()  # type: ignore[attr-defined]

    @contextmanager
    def holding(self, user: str, opener: Opener, timeout: float | None = None,
                waits: LockWaits | None = None) -> Iterator[FileLock]:
        """Hold the lock as ``user``; wait at most ``timeout`` seconds (None: until cancelled).
        ``opener`` gives the folder the lock file is in (see ``Store.open_home``)."""
        self.acquire(user, opener, timeout, waits)
        try:
            yield self
        finally:
            self.release()

    def acquire(self, user: str, opener: Opener, timeout: float | None = None, waits: LockWaits | None = None) -> None:
        wait = Wait(self, opener, timeout, waits)
        fd = -1
        try:
            while True:
                if self._thread_lock.acquire(timeout=wait.pause()):
                    if self._depth > 0:
                        break  # this thread holds it already
                    try:
                        if fd == -1:
                            fd = self._open(opener)
                        if self._take(fd, user):
                            self._fd, fd = fd, -1
                            break
                    except BaseException:
                        self._thread_lock.release()
                        raise
                    self._thread_lock.release()  # while another process holds the file, this one's readers go on
                    wait.check()
                    wait.cancel.wait(wait.pause())
                else:
                    wait.check()
            self._depth += 1
        finally:
            if fd != -1:
                os.close(fd)
            wait.end()

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            with suppress(OSError):
                os.ftruncate(self._fd, GENERATION_BYTES)  # a free lock names no holder
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
        self._thread_lock.release()

    def _take(self, fd: int, user: str) -> bool:
        """Take the flock if it is free, and write who holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        holder = LockHolder(user, os.getpid(), host_name(), datetime.now(UTC).replace(microsecond=0)).encoded()
        try:
            with saving(self.data_file.name):
                os.pwrite(fd, holder, GENERATION_BYTES)
                os.ftruncate(fd, GENERATION_BYTES + len(holder))
        except BaseException:
            fcntl.flock(fd, fcntl.LOCK_UN)
            raise
        return True

    def _open(self, opener: Opener) -> int:
        """The lock file, made when new: only those who may write the data file may open it."""
        with saving(self.data_file.name), opener(True) as home:
            return home.open_or_create(self.path.name, os.O_RDWR, home.new_files.for_writers())

    def _peek(self, opener: Opener) -> int | None:
        """The lock file opened for reading, or None when it cannot be."""
        try:
            with opener(False) as home:
                return home.open(self.path.name)
        except (OSError, DataError):
            return None

    def holder(self, opener: Opener) -> LockHolder | None:
        """Who holds the lock, as the lock file says; None when it names no one."""
        fd = self._peek(opener)
        if fd is None:
            return None
        try:
            return LockHolder.decoded(os.pread(fd, 4096, GENERATION_BYTES))
        finally:
            os.close(fd)

    def generation(self) -> int:
        assert self._fd is not None
        raw = os.pread(self._fd, GENERATION_BYTES, 0)
        return int.from_bytes(raw, "little") if len(raw) == GENERATION_BYTES else 0

    def peek_generation(self, opener: Opener) -> int | None:
        """The write generation, read without the lock. Taken before the data file is read,
        it may be older than the data (never newer), so a cache labelled with it is at worst
        parsed once more by the lock holder."""
        fd = self._peek(opener)
        if fd is None:
            return None
        try:
            raw = os.pread(fd, GENERATION_BYTES, 0)
        finally:
            os.close(fd)
        return int.from_bytes(raw, "little") if len(raw) == GENERATION_BYTES else 0

    def bump_generation(self) -> int:
        assert self._fd is not None
        new = self.generation() + 1
        os.pwrite(self._fd, new.to_bytes(GENERATION_BYTES, "little"), 0)
        return new
