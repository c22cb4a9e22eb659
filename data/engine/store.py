"""The data folder: one TinyDB file per domain, transactions, repositories."""

from __future__ import annotations

import getpass
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from data.domains import DOMAINS, HR_DOMAIN
from data.engine import audit, backups, migrations
from data.engine.clock import as_utc, office_day, utc_now
from data.engine.errors import NoAccessError, NoOfficeError, StorageError, saving, trouble
from data.engine.files import give_folders_group
from data.engine.locks import LockWaits
from data.engine.storage import SafeJSONStorage
from data.engine.tables import LeanTable, LeanTinyDB

if TYPE_CHECKING:  # the models load on first use, so the app draws its first screen sooner
    from data.engine.collections import Collection
    from data.engine.repository import Repository

HR_FOLDER = "hr"  # the HR domain's files, in a folder only HR may enter
HIGH_WATER = "max_ids"  # in the _meta document: the largest id ever used, per collection


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
    ) -> None:
        self.folder = Path(folder).expanduser()
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
        self._hr_home: Path | None = None
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
            self.folder.mkdir(parents=True)
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
        """The folder for files meant for people — ``exports`` (orders to mail) and
        ``service-sheets`` — in the data folder unless ``outputs`` names another. It is made
        with the data folder's group and mode: whoever of the office writes there first, the
        others can write there too."""
        folder = self.outputs.get(kind) or self.folder / kind
        if not folder.is_dir():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                give_folders_group(folder, self.folder)
            except OSError as error:
                raise StorageError(f"Could not make {folder} for the {kind}: {trouble(error)}.") from error
        return folder

    def home(self, domain: str) -> Path:
        """The folder of a domain's file, its lock, audit, backups and archive: HR's is
        ``hr/``, closed to staff outside HR, except in an office from before it existed."""
        if domain != HR_DOMAIN:
            return self.folder
        if self._hr_home is None:
            self._hr_home = self.folder if self.hr_files_from_before() else self.folder / HR_FOLDER
        return self._hr_home

    def hr_files_from_before(self) -> bool:
        """An office from before ``hr/``: people.json beside the other files, and no hr/."""
        return (self.folder / f"{HR_DOMAIN}.json").exists() and not (self.folder / HR_FOLDER).exists()

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
                self._databases[domain] = LeanTinyDB(self.file(domain), storage=SafeJSONStorage)
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
        with storage.lock.holding(self.user, self.lock_timeout, self.lock_waits):
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
        used = [int(i) for i in tables.get(collection.name, {})]
        self.table(collection)._next_id = max([high_water.get(collection.name, 0), *used]) + 1

    def remember_ids(self, collection: Collection, ids: list[int]) -> None:
        """Raise the collection's high-water mark to ``ids``; call inside its transaction."""
        storage = self.storage(collection.domain)
        tables = dict(storage.read() or {})
        meta = migrations.meta(tables)
        high_water = meta.setdefault(HIGH_WATER, {})
        high_water[collection.name] = max([high_water.get(collection.name, 0), *ids])
        migrations.set_meta(tables, meta)
        storage.write(tables)
        self._set_next_id(collection, tables)

    def _migrate(self, domain: str) -> None:
        storage = self.storage(domain)
        tables = storage.read()
        migrations.refuse_newer(tables, storage.path.name)
        if tables and migrations.needs_migration(tables):
            version = migrations.file_version(tables)
            target = backups.backup_folder(storage.path) / f"{domain}.schema-{version}.json"
            with saving(storage.path.name):
                backups.copy_aside(storage.path, target)
            tables = {name: dict(table) for name, table in tables.items()}  # steps change documents in place
            migrations.migrate(tables)
            storage.write(tables)

    def stat_keys(self) -> dict[str, tuple[int, ...] | None]:
        """For the live view: a key per domain file that changes whenever it is replaced."""
        return {domain: self.storage(domain).stat_key() for domain in DOMAINS}
