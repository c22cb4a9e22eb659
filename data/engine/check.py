"""`backoffice check`: every data file parses, every record validates, and nothing lies in
the data folder that the program did not put there (``survey.py``)."""

from __future__ import annotations

import os

from data.engine import migrations
from data.engine.collections import DOMAINS, Collection, collections_of
from data.engine.errors import DataError, NoAccessError
from data.engine.files import UnsafeFileError
from data.engine.store import Store
from data.engine.survey import survey


def check_folder(store: Store) -> tuple[list[str], list[str]]:
    """(problems, notes). Problems make the check fail; notes are files this user may not
    read and names the program does not know."""
    problems, notes = survey(store)
    for domain in DOMAINS:
        path = store.file(domain)
        if not os.path.lexists(path) and os.access(path.parent, os.X_OK):
            continue  # no such file; in a folder this user may not enter, reading it says so
        try:
            tables = store.storage(domain).read() or {}
        except NoAccessError as error:
            notes.append(f"{path.name}: skipped, {error}")
            continue
        except UnsafeFileError:
            continue  # the survey names it
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

