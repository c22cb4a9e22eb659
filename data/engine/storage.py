"""A TinyDB storage that several processes can share safely.

TinyDB's own JSONStorage rewrites its file in place, keeps a stale handle after another
process replaces the file and has no locking. This storage instead:

- reaches every file through its folder held open, never following a link a colleague put
  in the data folder (``files.py``); the folder is the store's to give (``open_home``), so
  HR's is checked before anything is written there;
- writes atomically: temp file in the same folder, as private as the data file from its
  first byte, fsync, rename, fsync of the folder;
- appends a transaction's audit lines, and puts them on disk, before it replaces the data
  file, which records the audit file's length: lines past that length belong to a save
  that was killed before it replaced the file, and the next transaction cuts them off;
- reads the file afresh, reusing what it read while (inode, mtime_ns, size, ctime_ns)
  is unchanged, and inside a transaction only while the lock file's write generation is
  unchanged too (timestamps are coarse and inodes get reused);
- buffers writes inside a transaction and commits them in one replace, so a transaction
  is all-or-nothing;
- never overwrites a file it could not parse, and turns a disk's refusal into a sentence;
- holds the file open instead of its documents, and reads one when asked (``tables.py``).
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path

import orjson
from tinydb.storages import Storage

from data.engine import audit, backups, migrations
from data.engine.errors import DataError, DataFileError, NoAccessError, saving
from data.engine.files import Folder, write_all
from data.engine.locks import FileLock, Opener
from data.engine.tables import LazyTable, OpenFile, Tables, encode, lazy, open_tables, read_tables

AUDIT_SIZE = "audit_size"  # in the _meta document: the audit file's length after the last save
AUDIT_LINE = b'{"time":'  # how every audit line starts

HomeOpener = Opener  # writing → the data file's folder, held open


def temp_prefix(name: str) -> str:
    return f".{name}."


def remove_leftover_temps(home: Folder, name: str) -> None:
    """Delete temp files of writers killed mid-save. Only call this holding the file's lock:
    then no living writer has a temp file of ``name`` open."""
    for leftover in home.names():
        if leftover.startswith(temp_prefix(name)) and leftover.endswith(".tmp"):
            home.remove(leftover)


def replace_atomically(home: Folder, name: str, payload: bytes | bytearray) -> None:
    """Replace ``name`` with ``payload`` so that readers see the old or the new file, whole;
    the new file as private as the folder's new files (see ``Store.open_home``)."""
    home.put(name, lambda fd: write_all(fd, payload))


def stat_key(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_ino, st.st_mtime_ns, st.st_size, st.st_ctime_ns)


def unreadable_message(path: Path, reason: str) -> str:
    newest = backups.newest_backup(path)
    backup = f"the newest backup is {newest}" if newest else "there is no backup yet"
    return f"{path} cannot be read ({reason}). It has been left untouched; {backup}."


def open_and_parse(home: Folder, name: str) -> tuple[dict[str, LazyTable], os.stat_result]:
    """The tables of the data file ``name`` in ``home``, and what it was when it was read."""
    try:
        file = OpenFile(home.open(name))
    except PermissionError as error:
        raise NoAccessError(f"You have no access to {name}.") from error
    st = os.fstat(file.fd)
    tables = read_tables(file)
    if tables is not None:
        return tables, st
    with open(file.fd, "rb", closefd=False) as reading:
        reading.seek(0)
        raw = reading.read()
    path = home.path / name
    if not raw.strip():
        raise DataFileError(unreadable_message(path, "it is empty"))
    try:  # written by hand, by stock TinyDB or by an older backoffice
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise DataFileError(unreadable_message(path, f"not valid JSON: {error}")) from error
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DataFileError(unreadable_message(path, "not a table of records"))
    return lazy(data), st


def parse_file(home: Folder, name: str) -> dict[str, LazyTable]:
    return open_and_parse(home, name)[0]


class SafeJSONStorage(Storage):
    """TinyDB storage of one data file; see the module docstring."""

    def __init__(self, path: str | Path, open_home: HomeOpener) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.audit_name = audit.audit_file(self.path).name
        self.open_home = open_home
        self.lock = FileLock.for_path(self.path.with_name(self.name + ".lock"))
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
        migrations.refuse_newer(data, self.name)
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
        shorter audit file (rotated or removed by an administrator) is simply continued, and
        a length that is not where a line starts is not taken from the shared file.
        Call it holding the lock, before the transaction writes."""
        recorded = migrations.meta(self.read() or {}).get(AUDIT_SIZE)
        if type(recorded) is not int or recorded < 0:
            return
        with saving(self.name), self.open_home(True) as home:
            try:
                fd = home.open(self.audit_name, os.O_RDWR)
            except FileNotFoundError:
                return
            try:
                size = os.fstat(fd).st_size
                if recorded < size and os.pread(fd, len(AUDIT_LINE), recorded) == AUDIT_LINE \
                        and (recorded == 0 or os.pread(fd, 1, recorded - 1) == b"\n"):
                    os.ftruncate(fd, recorded)
            finally:
                os.close(fd)

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
        with saving(self.name), self.open_home(True) as home:
            backups.daily_backup(home, self.name)
            remove_leftover_temps(home, self.name)
            start, end = self._append_audit(home, entries)
            migrations.set_meta(data, {**migrations.meta(data), AUDIT_SIZE: end})
            payload, spans = encode(data)
            try:
                replace_atomically(home, self.name, payload)
            except BaseException:
                with suppress(OSError, DataError):
                    self._cut_audit(home, start)
                raise
            try:  # the change is made and seen: nothing after this point may report it failed
                home.sync()
                generation = self.lock.bump_generation()
                written = OpenFile(home.open(self.name))  # held open, like a file read
                self._remember(open_tables(written, spans), os.fstat(written.fd), generation)
            except (OSError, DataError):
                self._forget_cache()

    def _append_audit(self, home: Folder, entries: list[dict]) -> tuple[int, int]:
        """Append the lines of ``entries`` and put them on disk; the audit file's length
        before and after. A failed append leaves the file as it was."""
        if not entries:
            st = home.lstat(self.audit_name)
            size = st.st_size if st is not None and stat.S_ISREG(st.st_mode) else 0
            return size, size
        fd = home.open_or_create(self.audit_name, os.O_WRONLY | os.O_APPEND)
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

    def _cut_audit(self, home: Folder, size: int) -> None:
        fd = home.open(self.audit_name, os.O_WRONLY)
        try:
            os.ftruncate(fd, size)
        finally:
            os.close(fd)

    # -- the read cache --------------------------------------------------------------
    def _read_fresh(self) -> dict[str, LazyTable] | None:
        try:
            with self.open_home(False) as home:
                st = home.lstat(self.name)
                if st is None:
                    self._forget_cache()
                    return None
                generation = self.lock.generation() if self.lock.held else self.lock.peek_generation(self.open_home)
                if stat_key(st) == self._cache_key and self._cache is not None and generation == self._cache_generation:
                    return self._cache
                data, st = open_and_parse(home, self.name)
        except FileNotFoundError:  # the folder itself is not there (HR's, before its first save)
            self._forget_cache()
            return None
        except PermissionError as error:
            raise NoAccessError(f"You have no access to {self.name}.") from error
        self._remember(data, st, generation)
        return data

    def _remember(self, data: dict[str, LazyTable], st: os.stat_result, generation: int | None) -> None:
        self._cache = data
        self._cache_key = stat_key(st)
        self._cache_generation = generation

    def _forget_cache(self) -> None:
        self._cache = None
        self._cache_key = None
        self._cache_generation = None

    def stat_key(self) -> tuple[int, ...] | None:
        """What the live view polls: changes whenever the file is replaced."""
        try:
            with self.open_home(False) as home:
                st = home.lstat(self.name)
        except (OSError, DataError):
            return None
        return stat_key(st) if st is not None else None

