"""History stays cheap: closed records past a retention age move to archive/<domain>-<year>.json.

A save rewrites one domain file, so the open work stays small and a save's cost follows it,
not years of history. The archive is read only when someone searches history.

A run is safe to kill at any moment: records are first added to the archive file (atomic
replace), then removed from the domain file (one transaction). Killed in between, a record
is in both places; the next run finishes the move, and every read prefers the domain file,
so nothing is lost or seen twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

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
    """doc id → body of the records of ``collection`` that are closed and older than cutoff."""
    found = {}
    for doc_id, body in tables.get(collection.name, {}).items():
        when = moment(body) if isinstance(body, dict) else None
        if when is None or when >= cutoff:
            continue
        try:
            record = collection.model.model_validate(body, context=STORED)
        except ValidationError:
            continue  # a damaged record stays where `backoffice check` finds it
        if collection.is_closed(record):  # type: ignore[misc]
            found[doc_id] = body
    return found


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
    return moved


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
    """Archived records of these domains whose text holds every word of ``text``."""
    words = text.casefold().split()
    found = []
    for domain in sorted(domains):
        for collection in collections_of(domain):
            for record in archived_records(store, collection, progress):
                haystack = " ".join(str(v) for v in record.body().values()).casefold()
                if all(w in haystack for w in words):
                    found.append((collection, record))
    return found
