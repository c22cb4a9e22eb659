"""A TinyDB storage that several processes can share safely.

TinyDB's own JSONStorage rewrites its file in place, keeps a stale handle after another
process replaces the file and has no locking. This storage instead:

- writes atomically: temp file in the same folder, as private as the data file from its
  first byte (``files.py``), fsync, ``os.replace``, fsync of the folder;
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
import tempfile
from contextlib import suppress
from pathlib import Path

import orjson
from tinydb.storages import Storage

from data.engine import audit, backups, migrations
from data.engine.errors import DataFileError, NoAccessError, saving
from data.engine.files import fsync_folder, make_private_like, open_beside, write_all
from data.engine.locks import FileLock
from data.engine.tables import LazyTable, OpenFile, Tables, encode, lazy, open_tables, read_tables

AUDIT_SIZE = "audit_size"  # in the _meta document: the audit file's length after the last save


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
