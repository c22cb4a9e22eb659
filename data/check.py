"""`backoffice check`: every data file parses, and every record validates."""

from __future__ import annotations

from pydantic import ValidationError

from data import migrations
from data.collections import DOMAINS, collections_of
from data.errors import DataError, NoAccessError
from data.store import Store
from data.transfer import describe_errors


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
            for doc_id, body in tables.get(collection.name, {}).items():
                where = f"{path.name}, {collection.name} #{doc_id}"
                try:
                    collection.model.model_validate(body)
                except ValidationError as error:
                    problems.extend(describe_errors(error, where, collection))
    return problems, notes
