"""History stays cheap: closed records past a retention age move to archive/<domain>-<year>.json.

A save rewrites one domain file, so the open work stays small and a save's cost follows it,
not years of history. The archive is read only when someone searches history.

A run is safe to kill at any moment: records are first added to the archive file (atomic
replace), then removed from the domain file (one transaction). Killed in between, a record
is in both places; the next run finishes the move, and every read prefers the domain file,
so nothing is lost or seen twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path

import orjson
from pydantic import ValidationError

from data.engine.archive_index import refresh_index, search_index, searched_words
from data.engine.clock import as_utc, local, office_day
from data.engine.collections import DOMAINS, Collection, collections_of, get_collection
from data.engine.errors import DataError, saving
from data.engine.record import STORED, Record
from data.engine.storage import atomic_write, parse_file
from data.engine.store import Store
from data.engine.tables import encode, with_documents


def archive_folder(store: Store, domain: str) -> Path:
    """Beside the domain's file: HR's archive is in hr/, as closed as the HR file."""
    return store.home(domain) / "archive"


def archive_files(store: Store, domain: str) -> list[Path]:
    folder = archive_folder(store, domain)
    return sorted(folder.glob(f"{domain}-*.json")) if folder.is_dir() else []


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
        for year, by_collection in by_year(moving).items():
            add_to_archive(archive_folder(store, domain) / f"{domain}-{year}.json", by_collection, storage.path)
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


def add_to_archive(path: Path, by_collection: dict[str, dict[str, dict]], data_file: Path) -> None:
    """Add documents to an archive file, which is as private as ``data_file``, their source."""
    with saving(f"{path.parent.name}/{path.name}"):
        path.parent.mkdir(exist_ok=True)
        tables: dict = parse_file(path) if path.exists() else {}
        for name, docs in by_collection.items():
            tables[name] = with_documents(tables.get(name, {}), docs)
        atomic_write(path, encode(tables)[0], like=data_file)


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
    with suppress(sqlite3.Error, OSError, DataError):  # the index is made at the next search then
        refresh_index(store, domain, archive_folder(store, domain), archive_files(store, domain))


def archive_once_a_day(store: Store, now: datetime, days: int) -> dict[str, int] | None:
    """What the app runs at start: at most one archive run per day for the whole office."""
    marker = store.folder / "archive" / "last-run"
    today = office_day(now).isoformat()
    if marker.exists() and marker.read_text().strip() == today:
        return None
    moved = archive_old(store, now, days)
    with saving("archive/last-run"):
        marker.parent.mkdir(exist_ok=True)
        atomic_write(marker, today.encode())
    return moved


def archived_records(store: Store, collection: Collection, progress: Callable[[int, int], None] | None = None) -> Iterator[Record]:
    """Archived records of a collection, leaving out any still in the domain file."""
    live = {r.id for r in store.repo(collection).list()}
    files = archive_files(store, collection.domain)
    repo = store.repo(collection)
    for done, path in enumerate(files, start=1):
        for doc_id, body in parse_file(path).get(collection.name, {}).items():
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
        files = archive_files(store, domain)
        if not files:
            continue
        try:
            hits = search_index(store, domain, archive_folder(store, domain), files, words, progress)
        except (sqlite3.Error, OSError):
            found += scanned(store, domain, words, progress)
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


def scanned(store: Store, domain: str, words: list[str], progress: Callable[[int, int], None] | None) -> list[tuple[Collection, Record]]:
    """The search without the index: every year file read, each stored record looked in."""
    files = archive_files(store, domain)
    hits = []
    for done, path in enumerate(files, start=1):
        tables = parse_file(path)
        for collection in collections_of(domain):
            for doc_id, body in tables.get(collection.name, {}).items():
                if doc_id.isdigit() and isinstance(body, dict) and all(w in searched_words(body) for w in words):
                    hits.append((collection.name, doc_id, orjson.dumps(body)))
        if progress:
            progress(done, len(files))
    return indexed(store, domain, hits)
