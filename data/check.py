"""`backoffice check`: every data file parses, and every record validates."""

from __future__ import annotations

from data import migrations
from data.collections import DOMAINS, Collection, collections_of
from data.errors import DataError, NoAccessError
from data.store import Store


def check_folder(store: Store) -> tuple[list[str], list[str]]:
    """(problems, notes). Problems make the check fail; notes are files this user may not read."""
    problems: list[str] = []
    notes: list[str] = []
    for domain in DOMAINS:
        path = store.file(domain)
        if not path.exists():
            continue
        try:
            tables = store.storage(domain).read() or {}
        except NoAccessError as error:
            notes.append(f"{path.name}: skipped, {error}")
            continue
        except DataError as error:
            problems.append(str(error))
            continue
        try:
            migrations.refuse_newer(tables, path.name)
        except DataError as error:
            problems.append(str(error))
        for collection in collections_of(domain):
            problems.extend(damaged_records(store, collection, tables.get(collection.name, {})))
    return problems, notes


def damaged_records(store: Store, collection: Collection, table) -> list[str]:
    """A sentence for each document the readers would set aside, read the way they read it."""
    repo = store.repo(collection)
    found = []
    for key, doc in table.items():
        try:
            repo.from_stored(key, doc)
        except DataError as error:
            found.append(str(error))
    return found
