"""History stays cheap: closed records past a retention age move to archive/<domain>-<year>.json.

A save rewrites one domain file, so the open work stays small and a save's cost follows it,
not years of history. The archive is read only when someone searches history.

A run is safe to kill at any moment: records are first added to the archive file (atomic
replace), then removed from the domain file (one transaction). Killed in between, a record
is in both places; the next run finishes the move, and every read prefers the domain file,
so nothing is lost or seen twice.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path

import orjson
from pydantic import ValidationError

from data.engine.archive_index import refresh_index, search_index, searched_words
from data.engine.clock import as_utc, local, office_day
from data.engine.collections import DOMAINS, Collection, collections_of, get_collection
from data.engine.errors import DataError, NoAccessError, saving
from data.engine.files import Access, Folder, left_by_a_kill
from data.engine.record import STORED, Record
from data.engine.storage import parse_file
from data.engine.store import Store
from data.engine.tables import encode, with_documents

FOLDER = "archive"
LAST_RUN = "last-run"  # in the data folder's archive: the day of the last run


def archive_folder(store: Store, domain: str) -> Path:
    """Beside the domain's file: HR's archive is in hr/, as closed as the HR file."""
    return store.home(domain) / FOLDER


@contextmanager
def open_archive(store: Store, domain: str, writing: bool = False) -> Iterator[Folder | None]:
    """The domain's archive folder held open, made like its home when writing; None when
    there is none yet."""
    try:
        with store.open_home(domain, writing) as home:
            archive = home.folder(FOLDER, make=Access.of_folder(home.stat()) if writing else None)
    except FileNotFoundError:
        yield None
        return
    except PermissionError as error:
        raise NoAccessError(f"You have no access to the archive of {domain}.json.") from error
    with archive:
        yield archive


def year_files(archive: Folder | None, domain: str) -> list[str]:
    """The names of the domain's year files in ``archive``, oldest first."""
    if archive is None:
        return []
    year = re.compile(rf"{re.escape(domain)}-\d{{4}}\.json")
    return sorted(name for name in archive.names() if year.fullmatch(name))


def archive_files(store: Store, domain: str) -> list[Path]:
    """The year files of a domain, for messages and for counting."""
    with open_archive(store, domain) as archive:
        return [archive_folder(store, domain) / name for name in year_files(archive, domain)]


def moment(body: dict) -> datetime | None:
    stamp = body.get("updated_at") or body.get("created_at")
    try:
        return as_utc(datetime.fromisoformat(stamp)) if isinstance(stamp, str) else None
    except ValueError:
        return None


def closed_and_old(collection: Collection, tables: dict, cutoff: datetime) -> dict[str, dict]:
    """doc id → body of the records of ``collection`` that are closed and older than cutoff
    (and not among those it ``keeps``)."""
    found, old = {}, {}
    for doc_id, body in tables.get(collection.name, {}).items():
        when = moment(body) if isinstance(body, dict) else None
        if when is None or (when >= cutoff and collection.keeps is None):
            continue
        try:
            record = collection.model.model_validate(body, context=STORED)
        except ValidationError:
            continue  # a damaged record stays where `backoffice check` finds it
        record.id = int(doc_id)
        old[doc_id] = record
        if when < cutoff and collection.is_closed(record):  # type: ignore[misc]
            found[doc_id] = body
    kept = {str(r.id) for r in collection.keeps(list(old.values()))} if collection.keeps else set()
    return {doc_id: body for doc_id, body in found.items() if doc_id not in kept}


def archive_domain(store: Store, domain: str, cutoff: datetime) -> int:
    """Move one domain's closed, old records; returns how many moved."""
    storage = store.storage(domain)
    with store.transaction(domain):
        tables = storage.read() or {}
        moving = {
            c.name: docs for c in collections_of(domain) if c.is_closed and (docs := closed_and_old(c, tables, cutoff))
        }
        if not moving:
            return 0
        with open_archive(store, domain, writing=True) as archive:
            for leftover in archive.names():  # type: ignore[union-attr]
                if left_by_a_kill(leftover, (domain, LAST_RUN)):  # under the lock: no write is under way
                    archive.remove(leftover)  # type: ignore[union-attr]
            for year, by_collection in by_year(moving).items():
                add_to_archive(archive, f"{domain}-{year}.json", by_collection)  # type: ignore[arg-type]
        for name, docs in moving.items():
            collection = get_collection(name)
            ids = [int(i) for i in docs]
            store.remember_ids(collection, [*ids, *map(int, tables.get(name, {}))])
            store.table(collection).remove(doc_ids=ids)
        return sum(len(docs) for docs in moving.values())


def by_year(moving: dict[str, dict[str, dict]]) -> dict[int, dict[str, dict[str, dict]]]:
    years: dict[int, dict[str, dict[str, dict]]] = {}
    for name, docs in moving.items():
        for doc_id, body in docs.items():
            years.setdefault(local(moment(body)).year, {}).setdefault(name, {})[doc_id] = body  # type: ignore[union-attr]
    return years


def add_to_archive(archive: Folder, name: str, by_collection: dict[str, dict[str, dict]]) -> None:
    """Add documents to an archive file, which is as private as the data file, their source."""
    with saving(f"{FOLDER}/{name}"):
        tables: dict = parse_file(archive, name) if archive.lstat(name) is not None else {}
        for collection, docs in by_collection.items():
            tables[collection] = with_documents(tables.get(collection, {}), docs)
        archive.write(name, encode(tables)[0])


def archive_old(store: Store, now: datetime, days: int) -> dict[str, int]:
    """Archive every domain this user may change; domain → records moved."""
    cutoff = now - timedelta(days=days)
    moved = {}
    for domain in DOMAINS:
        try:
            moved[domain] = archive_domain(store, domain, cutoff)
        except DataError:
            continue  # e.g. no access to HR records: HR staff archive those
        update_index(store, domain)
    return moved


def update_index(store: Store, domain: str) -> None:
    """Index what was just archived now (and the whole archive the first time), so that
    nobody's search waits for it."""
    with suppress(sqlite3.Error, OSError, DataError), open_archive(store, domain) as archive:  # else made at the next search
        if archive is not None:
            refresh_index(store, domain, archive, year_files(archive, domain))


def read_marker(archive: Folder | None, name: str) -> str:
    """The day a daily run last ran, as a marker file in ``archive`` says; "" when none."""
    with suppress(OSError, DataError):
        if archive is not None and archive.lstat(name) is not None:
            return archive.read(name, 64).decode(errors="replace").strip()
    return ""


def archive_once_a_day(store: Store, now: datetime, days: int) -> dict[str, int] | None:
    """What the app runs at start: at most one archive run per day for the whole office."""
    today = office_day(now).isoformat()
    with open_archive(store, "calls") as archive:
        if read_marker(archive, LAST_RUN) == today:
            return None
    moved = archive_old(store, now, days)
    with saving(f"{FOLDER}/{LAST_RUN}"), open_archive(store, "calls", writing=True) as archive:
        archive.write(LAST_RUN, today.encode())  # type: ignore[union-attr]
    return moved


def archived_records(store: Store, collection: Collection, progress: Callable[[int, int], None] | None = None) -> Iterator[Record]:
    """Archived records of a collection, leaving out any still in the domain file."""
    live = {r.id for r in store.repo(collection).list()}
    repo = store.repo(collection)
    with open_archive(store, collection.domain) as archive:
        files = year_files(archive, collection.domain)
        for done, name in enumerate(files, start=1):
            for doc_id, body in parse_file(archive, name).get(collection.name, {}).items():  # type: ignore[arg-type]
                if doc_id.isdigit() and int(doc_id) not in live:
                    try:
                        yield repo.from_stored(doc_id, body)
                    except DataError:
                        continue
            if progress:
                progress(done, len(files))


def search_history(store: Store, domains: set[str], text: str, progress: Callable[[int, int], None] | None = None) -> list[tuple[Collection, Record]]:
    """Archived records of these domains whose text holds every word of ``text``: from the
    archive's index, or by reading the year files where the index cannot be used."""
    words = text.casefold().split()
    found = []
    for domain in sorted(domains):
        with open_archive(store, domain) as archive:
            files = year_files(archive, domain)
            if not files:
                continue
            try:
                hits = search_index(store, domain, archive, files, words, progress)  # type: ignore[arg-type]
            except (sqlite3.Error, OSError, DataError):
                found += scanned(store, domain, archive, words, progress)  # type: ignore[arg-type]
                continue
        found += indexed(store, domain, hits)
    return found


def indexed(store: Store, domain: str, hits: list[tuple[str, str, bytes]]) -> list[tuple[Collection, Record]]:
    """Hits as records, by collection, leaving out any still in the domain file."""
    live = stored_ids(store, domain)
    order = {c.name: n for n, c in enumerate(collections_of(domain))}
    found = []
    for name, doc_id, body in sorted(hits, key=lambda hit: order.get(hit[0], len(order))):
        if name in order and int(doc_id) not in live.get(name, ()):
            try:
                found.append((get_collection(name), store.repo(get_collection(name)).from_stored(doc_id, orjson.loads(body))))
            except DataError:
                continue
    return found


def stored_ids(store: Store, domain: str) -> dict[str, set[int]]:
    """Collection → the ids in the domain file, read without building a record."""
    tables = store.storage(domain).read() or {}
    return {name: {int(i) for i in docs if i.isdigit()} for name, docs in tables.items() if isinstance(docs, dict)}


def scanned(store: Store, domain: str, archive: Folder, words: list[str],
            progress: Callable[[int, int], None] | None) -> list[tuple[Collection, Record]]:
    """The search without the index: every year file read, each stored record looked in."""
    files = year_files(archive, domain)
    hits = []
    for done, name in enumerate(files, start=1):
        tables = parse_file(archive, name)
        for collection in collections_of(domain):
            for doc_id, body in tables.get(collection.name, {}).items():
                if doc_id.isdigit() and isinstance(body, dict) and all(w in searched_words(body) for w in words):
                    hits.append((collection.name, doc_id, orjson.dumps(body)))
        if progress:
            progress(done, len(files))
    return indexed(store, domain, hits)
