"""The data folder: one TinyDB file per domain, transactions, repositories."""

from __future__ import annotations

import functools
import getpass
import os
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from data.domains import DOMAINS, HR_DOMAIN
from data.engine import audit, backups, migrations
from data.engine.clock import as_utc, office_day, utc_now
from data.engine.errors import NoAccessError, NoOfficeError, StorageError, saving, trouble
from data.engine.files import Access, Folder, give_access, open_folder, umask_access
from data.engine.locks import LockWaits
from data.engine.privacy import (
    DEFAULT_HR_GROUP,
    HR_FOLDER,
    HrPolicy,
    hr_in_the_data_folder,
    hr_move_commands,
    new_office_access,
)
from data.engine.storage import SafeJSONStorage
from data.engine.tables import LeanTable, LeanTinyDB

if TYPE_CHECKING:  # the models load on first use, so the app draws its first screen sooner
    from data.engine.collections import Collection
    from data.engine.repository import Repository

HIGH_WATER = "max_ids"  # in the _meta document: the largest id ever used, per collection
ID_DIGITS = 15  # an id of a shared file is believed up to here: no office comes near it


def bounded_id(value: object) -> int:
    """An id read from a shared file, or 0 when it is not one an office could have used."""
    return value if type(value) is int and 0 <= value < 10**ID_DIGITS else 0


class Store:
    """Opens a data folder and hands out repositories and transactions.

    A folder that does not exist is made only with ``create`` (then ``created`` is True, so
    the caller can say a new office was started); else NoOfficeError. A save waits for a
    busy file at most ``lock_timeout`` seconds (None: until cancelled), telling
    ``lock_waits`` who holds it after a second (see ``data.engine.locks.LockWaits``).
    """

    def __init__(
        self,
        folder: str | Path,
        *,
        user: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        create: bool = True,
        lock_timeout: float | None = None,
        lock_waits: LockWaits | None = None,
        hr_group: str | int = DEFAULT_HR_GROUP,
    ) -> None:
        self.folder = Path(folder).expanduser()
        self.hr = HrPolicy(hr_group)
        self.created = self._open_folder(create)
        self.user = user or getpass.getuser()
        self.clock = clock
        self.lock_timeout = lock_timeout
        self.lock_waits = lock_waits
        self._databases: dict[str, TinyDB] = {}
        self._opening = threading.Lock()
        self._audit: dict[str, list[dict]] = {}
        # collection → doc id → (the document's bytes, the record read from them): a document
        # unchanged since it was last read is not validated again.
        self.read_records: dict[str, dict[str, tuple[bytes, Any]]] = {}
        self.damaged: dict[str, str] = {}  # "supplies #12" → why it cannot be read; see Repository
        self.outputs: dict[str, Path] = {}  # "exports" → a folder of the settings, instead of the data folder's own
        self.lists: dict[str, list[str]] = {}  # the office's lists from the settings, such as "rooms"

    def _open_folder(self, create: bool) -> bool:
        """True when this store made the folder."""
        try:
            if self.folder.exists():  # asked first: a folder another session makes meanwhile is no file
                if self.folder.is_dir():
                    return False
                raise NoOfficeError(f"There is no office at {self.folder}: it is a file, not a folder.")
        except PermissionError as error:
            raise NoAccessError(f"You have no access to {self.folder}.") from error
        if not create:
            raise NoOfficeError(
                f"There is no office at {self.folder}: the folder does not exist. Nothing was created; "
                "check the folder's name, or start a new office there."
            )
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            access = new_office_access(self.folder.parent)
            os.mkdir(self.folder, 0o700)
            with open_folder(self.folder) as made:
                give_access(made.fd, access)
        except FileExistsError:
            return False  # another session made it a moment ago
        except PermissionError as error:
            raise NoAccessError(f"You may not start an office at {self.folder}: no write access to {error.filename}.") from error
        except OSError as error:
            raise StorageError(f"Could not start an office at {self.folder}: {trouble(error)}.") from error
        return True

    def now(self) -> datetime:
        """This moment, in UTC (a clock without a zone tells office time)."""
        return as_utc(self.clock()).replace(microsecond=0)

    def today(self) -> date:
        """The office's date now."""
        return office_day(self.now())

    def output_folder(self, kind: str) -> Path:
        """Where files meant for people go — ``exports`` (orders to mail), ``service-sheets``
        and ``faxes-in`` — in the data folder unless ``outputs`` names another."""
        return self.outputs.get(kind) or self.folder / kind

    def open_output(self, kind: str) -> Folder:
        """The output folder ``kind``, held open (see ``data.engine.files``). One in the data
        folder is made with its group and mode, so whoever of the office writes there first,
        the others can write there too; its files are as open as it is."""
        try:
            if kind in self.outputs:
                folder = open_folder(self.outputs[kind])
            else:
                with open_folder(self.folder) as top:
                    folder = top.folder(kind, make=Access.of_folder(top.stat()))
        except OSError as error:
            raise StorageError(f"Could not open {self.output_folder(kind)} for the {kind}: {trouble(error)}.") from error
        folder.new_files = Access(stat.S_IMODE(folder.stat().st_mode) & 0o666, folder.stat().st_gid)
        return folder

    def write_output(self, kind: str, name: str, content: str | bytes) -> Path:
        """A file for people in the output folder ``kind``, replaced whole (a link or a
        colleague's file of that name is replaced, never written through); where it went."""
        with saving(f"{kind}/{name}"), self.open_output(kind) as folder:
            folder.write(name, content.encode("utf-8") if isinstance(content, str) else content)
        return folder.path / name

    def home(self, domain: str) -> Path:
        """The folder of a domain's file, its lock, audit, backups and archive: HR's is
        ``hr/``, private to HR (``data.engine.privacy``), except in an office from before it,
        where HR records are read but no longer saved."""
        if domain != HR_DOMAIN:
            return self.folder
        return self.folder if self.hr_files_from_before() else self.folder / HR_FOLDER

    def hr_files_from_before(self) -> bool:
        """An office from before ``hr/``: people.json beside the other files, and no hr/."""
        return os.path.lexists(self.folder / f"{HR_DOMAIN}.json") and not os.path.lexists(self.folder / HR_FOLDER)

    def open_home(self, domain: str, writing: bool = False) -> Folder:
        """The folder of a domain's files, held open (see ``data.engine.files``); its new files
        are made as private as the domain's data file. For writing HR's, hr/ is made, or
        checked, first, and HR data is refused where it is not private to HR."""
        if domain != HR_DOMAIN:
            return self._like_data_file(open_folder(self.folder), domain, umask_access())
        if self.home(domain) == self.folder:
            if writing:
                raise hr_in_the_data_folder(self.folder, hr_move_commands(self.folder, self.hr.group_setting))
            top = open_folder(self.folder)
            found = top.lstat(f"{domain}.json")
            if found is not None and (problem := self.hr.exposure(found)):  # a colleague's, perhaps: not believed
                top.close()
                raise self.hr.refusal(self.file(domain), problem, "read")
            return self._like_data_file(top, domain, self.hr.file_access())
        try:
            with open_folder(self.folder) as top:
                hr = top.folder(HR_FOLDER, make=self.hr.folder_access() if writing else None)
        except PermissionError as error:
            raise NoAccessError(f"You have no access to {domain}.json.") from error
        problem = self.hr.problem(hr.stat()) if writing else self.hr.exposure(hr.stat())
        if problem:
            hr.close()
            raise self.hr.refusal(self.home(domain), problem, "saved" if writing else "read")
        return self._like_data_file(hr, domain, self.hr.file_access())

    def open_files(self, domain: str, kind: str, writing: bool = False, make: bool = True) -> Folder:
        """A folder of files kept beside a domain's data file (``cvs``, ``letters``,
        ``attachments/BOX``), held open, its files as private as the data file; made like
        its home when writing (unless not ``make``), else FileNotFoundError when it is not there."""
        with self.open_home(domain, writing) as home:
            made_like = Access.of_folder(home.stat()) if writing and make else None
            parts = PurePosixPath(kind).parts
            folder = home.folder(parts[0], made_like)
            for part in parts[1:]:
                with folder:
                    folder = folder.folder(part, made_like)
            return folder

    def _like_data_file(self, home: Folder, domain: str, default: Access) -> Folder:
        """New files in ``home`` made like the domain's data file when there is one; HR's with
        nothing for anyone else, and HR's group where hr/ is shared with it."""
        st = home.lstat(f"{domain}.json")
        like = Access.of(st) if st is not None and stat.S_ISREG(st.st_mode) else default
        if domain == HR_DOMAIN:
            like = Access(like.mode & 0o770, default.group if default.group is not None else like.group)
        home.new_files = like
        return home

    def file(self, domain: str) -> Path:
        return self.home(domain) / f"{domain}.json"

    def audit_file(self, domain: str) -> Path:
        return audit.audit_file(self.file(domain))

    def database(self, domain: str) -> TinyDB:
        # One TinyDB per file per store, even when worker threads ask for it at once:
        # a second one would not see the first one's open transaction.
        with self._opening:
            if domain not in self._databases:
                if domain not in DOMAINS:
                    raise ValueError(f"unknown domain {domain!r}")
                self._databases[domain] = LeanTinyDB(
                    self.file(domain), storage=SafeJSONStorage, open_home=functools.partial(self.open_home, domain)
                )
            return self._databases[domain]

    def storage(self, domain: str) -> SafeJSONStorage:
        return self.database(domain).storage  # type: ignore[return-value]

    def table(self, collection: Collection) -> LeanTable:
        # No query cache: it would go stale when another process writes.
        database = self.database(collection.domain)
        with self._opening:  # one Table object per table, which holds the next id
            return database.table(collection.name, cache_size=0)

    def repo(self, collection: str | Collection) -> Repository:
        from data.engine.collections import get_collection
        from data.engine.repository import Repository

        if isinstance(collection, str):
            collection = get_collection(collection)
        return Repository(self, collection)

    @contextmanager
    def transaction(self, domain: str) -> Iterator[None]:
        """Run a read-modify-write on one domain file under its lock; all or nothing, its
        audit lines included."""
        storage = self.storage(domain)
        with storage.lock.holding(self.user, storage.open_home, self.lock_timeout, self.lock_waits):
            outermost = storage.begin()
            try:
                if outermost:
                    self._audit[domain] = []
                    storage.cut_unsaved_audit()
                    self._forget_tinydb_caches(domain)
                    self._migrate(domain)
                yield
            except BaseException:
                if outermost:
                    storage.rollback()
                    self._audit.pop(domain, None)
                raise
            if outermost:
                storage.commit(self._audit.pop(domain))

    def record_change(self, domain: str, entry: dict) -> None:
        self._audit[domain].append(entry)

    def _forget_tinydb_caches(self, domain: str) -> None:
        # TinyDB caches the next id and query results per process; another process may
        # have written since.
        from data.engine.collections import collections_of

        tables = self.storage(domain).read() or {}
        for collection in collections_of(domain):
            self.table(collection).clear_cache()
            self._set_next_id(collection, tables)

    def _set_next_id(self, collection: Collection, tables: dict) -> None:
        """Past every id in use and every id that ever was: deleted and archived records'
        ids are never handed out again (a slip or an audit line may still name them)."""
        high_water = migrations.meta(tables).get(HIGH_WATER, {})
        highest = high_water.get(collection.name, 0) if isinstance(high_water, dict) else 0
        used = [int(i) for i in tables.get(collection.name, {}) if i.isdigit() and len(i) <= ID_DIGITS]
        self.table(collection)._next_id = max([bounded_id(highest), *used]) + 1

    def remember_ids(self, collection: Collection, ids: list[int]) -> None:
        """Raise the collection's high-water mark to ``ids``; call inside its transaction."""
        storage = self.storage(collection.domain)
        tables = dict(storage.read() or {})
        meta = migrations.meta(tables)
        high_water = meta.get(HIGH_WATER)
        high_water = meta[HIGH_WATER] = dict(high_water) if isinstance(high_water, dict) else {}
        high_water[collection.name] = max([bounded_id(high_water.get(collection.name)), *ids])
        migrations.set_meta(tables, meta)
        storage.write(tables)
        self._set_next_id(collection, tables)

    def _migrate(self, domain: str) -> None:
        storage = self.storage(domain)
        tables = storage.read()
        migrations.refuse_newer(tables, storage.path.name)
        if tables and migrations.needs_migration(tables):
            version = migrations.file_version(tables)
            with saving(storage.name), storage.open_home(True) as home:
                backups.copy_aside(home, storage.name, f"{domain}.schema-{version}.json")
            tables = {name: dict(table) for name, table in tables.items()}  # steps change documents in place
            migrations.migrate(tables)
            storage.write(tables)

    def stat_keys(self) -> dict[str, tuple[int, ...] | None]:
        """For the live view: a key per domain file that changes whenever it is replaced."""
        return {domain: self.storage(domain).stat_key() for domain in DOMAINS}
