"""A TinyDB storage that several processes can share safely.

TinyDB's own JSONStorage rewrites its file in place, keeps a stale handle after another
process replaces the file and has no locking. This storage instead:

- writes atomically: temp file in the same folder, as private as the data file from its
  first byte (``data/files.py``), fsync, ``os.replace``, fsync of the folder;
- appends a transaction's audit lines, and puts them on disk, before it replaces the data
  file, which records the audit file's length: lines past that length belong to a save
  that was killed before it replaced the file, and the next transaction cuts them off;
- reads the file afresh, reusing what it read while (inode, mtime_ns, size, ctime_ns)
  is unchanged, and inside a transaction only while the lock file's write generation is
  unchanged too (timestamps are coarse and inodes get reused);
- buffers writes inside a transaction and commits them in one replace, so a transaction
  is all-or-nothing;
- never overwrites a file it could not parse, and turns a disk's refusal into a sentence;
- holds the file open instead of its documents, and reads one when asked (``data/tables.py``).
"""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import orjson
from tinydb.storages import Storage

from data import audit, backups, migrations
from data.clock import local
from data.errors import DataError, DataFileError, LockCancelled, LockTimeout, NoAccessError, StorageError
from data.files import fsync_folder, make_private_like, open_beside, write_all, writers_only
from data.tables import LazyTable, OpenFile, Tables, encode, lazy, open_tables, read_tables

AUDIT_SIZE = "audit_size"  # in the _meta document: the audit file's length after the last save
GENERATION_BYTES = 8  # the lock file starts with the write generation; the holder follows
TELL_AFTER = 1.0  # seconds a save waits for a lock before the person is told who holds it
FIRST_PAUSE, LONGEST_PAUSE = 0.001, 0.025  # between looks at a busy lock

TROUBLE = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EIO: "the disk reported an input/output error",
    errno.EFBIG: "the file would be larger than this system allows",
    errno.EMFILE: "too many files are open",
    errno.ENFILE: "too many files are open",
    errno.ENOMEM: "the system is out of memory",
}


def trouble(error: OSError) -> str:
    """What went wrong with the disk, as part of a sentence."""
    reason = TROUBLE.get(error.errno or 0)
    if reason is None:
        reason = (error.strerror or str(error)).lower() + (f" ({error.filename})" if error.filename else "")
    return reason


def save_error(file_name: str, error: OSError) -> DataError:
    if error.errno in (errno.EACCES, errno.EPERM):
        return NoAccessError(f"You may not change {file_name}: no write access to {error.filename or file_name}.")
    return StorageError(f"Could not save {file_name}: {trouble(error)}. Nothing was changed.")


@contextmanager
def saving(file_name: str) -> Iterator[None]:
    """Turn the disk's refusals while saving ``file_name`` into sentences."""
    try:
        yield
    except OSError as error:
        raise save_error(file_name, error) from error


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
            return cls(str(found["user"]), int(found["pid"]), str(found["host"]), since)
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

    def __init__(self, lock: FileLock, timeout: float | None, waits: LockWaits | None) -> None:
        self.lock = lock
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
            self.waits.waiting(self.lock.data_file.name, self.lock.holder(), self.cancel)
        if self.cancel.is_set():
            holder = self.lock.holder()
            raise LockCancelled(
                f"Stopped waiting for {self.lock.data_file.name}, which {who(holder)} holds. "
                "Nothing was changed.",
                holder=holder,
            )
        if self.timeout is not None and waited >= self.timeout:
            holder = self.lock.holder()
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
        key = os.path.realpath(path)
        with cls._registry_lock:
            if key not in cls._by_path:
                cls._by_path[key] = cls(path)
            return cls._by_path[key]

    @property
    def held(self) -> bool:
        return self._fd is not None and self._thread_lock._is_owned()  # type: ignore[attr-defined]

    @contextmanager
    def holding(self, user: str, timeout: float | None = None, waits: LockWaits | None = None) -> Iterator[FileLock]:
        """Hold the lock as ``user``; wait at most ``timeout`` seconds (None: until cancelled)."""
        self.acquire(user, timeout, waits)
        try:
            yield self
        finally:
            self.release()

    def acquire(self, user: str, timeout: float | None = None, waits: LockWaits | None = None) -> None:
        wait = Wait(self, timeout, waits)
        fd = -1
        try:
            while True:
                if self._thread_lock.acquire(timeout=wait.pause()):
                    if self._depth > 0:
                        break  # this thread holds it already
                    try:
                        if fd == -1:
                            fd = self._open()
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

    def _open(self) -> int:
        with saving(self.data_file.name):
            try:
                return open_beside(self.path, os.O_RDWR, self.data_file, writers_only)
            except FileNotFoundError:
                self.path.parent.mkdir(exist_ok=True)  # the HR folder, on the first HR save
                return open_beside(self.path, os.O_RDWR, self.data_file, writers_only)

    def holder(self) -> LockHolder | None:
        """Who holds the lock, as the lock file says; None when it names no one."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            return LockHolder.decoded(os.pread(fd, 4096, GENERATION_BYTES))
        finally:
            os.close(fd)

    def generation(self) -> int:
        assert self._fd is not None
        raw = os.pread(self._fd, GENERATION_BYTES, 0)
        return int.from_bytes(raw, "little") if len(raw) == GENERATION_BYTES else 0

    def peek_generation(self) -> int | None:
        """The write generation, read without the lock. Taken before the data file is read,
        it may be older than the data (never newer), so a cache labelled with it is at worst
        parsed once more by the lock holder."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
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


def temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_leftover_temps(path: Path) -> None:
    """Delete temp files of writers killed mid-save. Only call this holding the file's lock:
    then no living writer has a temp file of ``path`` open."""
    for leftover in path.parent.glob(f"{temp_prefix(path)}*.tmp"):
        leftover.unlink(missing_ok=True)


def replace_atomically(path: Path, payload: bytes | bytearray, like: Path | None = None) -> None:
    """Replace ``path`` with ``payload`` so that readers see the old or the new file, whole.
    The new file is as private as ``like``, by default the file it replaces."""
    try:
        fd, temp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=path.parent)
    except PermissionError as error:  # name the folder, not a temp name nobody knows
        raise PermissionError(error.errno, error.strerror, str(path.parent)) from error
    try:
        make_private_like(fd, like or path)
        write_all(fd, payload)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temp_name, path)
    except BaseException:
        if fd != -1:
            os.close(fd)
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def atomic_write(path: Path, payload: bytes | bytearray, like: Path | None = None) -> None:
    """``replace_atomically``, then on disk when it returns."""
    replace_atomically(path, payload, like)
    fsync_folder(path.parent)


def file_size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def unreadable_message(path: Path, reason: str) -> str:
    newest = backups.newest_backup(path)
    backup = f"the newest backup is {newest}" if newest else "there is no backup yet"
    return f"{path} cannot be read ({reason}). It has been left untouched; {backup}."


def parse_file(path: Path) -> dict[str, LazyTable]:
    try:
        tables = read_tables(path)
        if tables is not None:
            return tables
        raw = path.read_bytes()
    except PermissionError as error:
        raise NoAccessError(f"You have no access to {path.name}.") from error
    if not raw.strip():
        raise DataFileError(unreadable_message(path, "it is empty"))
    try:  # written by hand, by stock TinyDB or by an older backoffice
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise DataFileError(unreadable_message(path, f"not valid JSON: {error}")) from error
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DataFileError(unreadable_message(path, "not a table of records"))
    return lazy(data)


class SafeJSONStorage(Storage):
    """TinyDB storage of one data file; see the module docstring."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.audit_path = audit.audit_file(self.path)
        self.lock = FileLock.for_path(self.path.with_name(self.path.name + ".lock"))
        self._cache: dict[str, LazyTable] | None = None
        self._cache_key: tuple[int, ...] | None = None
        self._cache_generation: int | None = None
        self._pending: Tables | None = None
        self._in_transaction = False

    # -- TinyDB's interface ----------------------------------------------------------
    def read(self) -> Tables | None:
        with self.lock._thread_lock:  # other threads wait for an open transaction
            if self._pending is not None:
                return self._pending
            return self._read_fresh()

    def write(self, data: Tables) -> None:
        if not self._in_transaction:
            raise RuntimeError("writes go through Store.transaction()")
        migrations.refuse_newer(data, self.path.name)
        self._pending = data

    def close(self) -> None:
        self._cache = None

    # -- transactions ----------------------------------------------------------------
    def begin(self) -> bool:
        """Enter a transaction (the lock must be held); True when it is the outermost."""
        if self._in_transaction:
            return False
        self._in_transaction = True
        self._pending = None
        return True

    def cut_unsaved_audit(self) -> None:
        """Cut off audit lines past the length the data file records: a save appended them
        and was killed before it replaced the file, so their change never happened. A
        shorter audit file (rotated or removed by an administrator) is simply continued.
        Call it holding the lock, before the transaction writes."""
        recorded = migrations.meta(self.read() or {}).get(AUDIT_SIZE)
        if recorded is not None and file_size(self.audit_path) > recorded:
            with saving(self.path.name):
                os.truncate(self.audit_path, recorded)

    def commit(self, entries: list[dict]) -> None:
        """Write the transaction's changes with its audit ``entries``; all or nothing."""
        try:
            if self._pending is not None:
                self._commit_pending(entries)
        except BaseException:
            self._forget_cache()
            raise
        finally:
            self._pending = None
            self._in_transaction = False

    def rollback(self) -> None:
        self._pending = None
        self._in_transaction = False
        self._forget_cache()  # a step of the transaction may have changed the cached tables

    def _commit_pending(self, entries: list[dict]) -> None:
        data = self._pending
        assert data is not None
        if migrations.file_version(data) is None:
            migrations.stamp(data)
        with saving(self.path.name):
            backups.daily_backup(self.path)
            remove_leftover_temps(self.path)
            start, end = self._append_audit(entries)
            migrations.set_meta(data, {**migrations.meta(data), AUDIT_SIZE: end})
            payload, spans = encode(data)
            try:
                replace_atomically(self.path, payload)
            except BaseException:
                with suppress(OSError):
                    os.truncate(self.audit_path, start)
                raise
        try:  # the change is made and seen: nothing after this point may report it failed
            fsync_folder(self.path.parent)
            generation = self.lock.bump_generation()
            written = open_tables(OpenFile(self.path), spans)  # held open, like a file read
            self._remember(written, os.stat(self.path), generation)
        except OSError:
            self._forget_cache()

    def _append_audit(self, entries: list[dict]) -> tuple[int, int]:
        """Append the lines of ``entries`` and put them on disk; the audit file's length
        before and after. A failed append leaves the file as it was."""
        if not entries:
            size = file_size(self.audit_path)
            return size, size
        fd = open_beside(self.audit_path, os.O_WRONLY | os.O_APPEND, self.path)
        try:
            start = os.fstat(fd).st_size
            try:
                write_all(fd, audit.lines(entries))
                os.fsync(fd)
            except BaseException:
                with suppress(OSError):
                    os.ftruncate(fd, start)
                raise
            return start, os.fstat(fd).st_size
        finally:
            os.close(fd)

    # -- the read cache --------------------------------------------------------------
    def _read_fresh(self) -> dict[str, LazyTable] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._forget_cache()
            return None
        except PermissionError as error:
            raise NoAccessError(f"You have no access to {self.path.name}.") from error
        generation = self.lock.generation() if self.lock.held else self.lock.peek_generation()
        key = (st.st_ino, st.st_mtime_ns, st.st_size, st.st_ctime_ns)
        same_file = key == self._cache_key and self._cache is not None
        if same_file and generation == self._cache_generation:
            return self._cache
        data = parse_file(self.path)
        self._remember(data, st, generation)
        return data

    def _remember(self, data: dict[str, LazyTable], st: os.stat_result, generation: int | None) -> None:
        self._cache = data
        self._cache_key = (st.st_ino, st.st_mtime_ns, st.st_size, st.st_ctime_ns)
        self._cache_generation = generation

    def _forget_cache(self) -> None:
        self._cache = None
        self._cache_key = None
        self._cache_generation = None

    def stat_key(self) -> tuple[int, ...] | None:
        """What the live view polls: changes whenever the file is replaced."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size, st.st_ctime_ns)
