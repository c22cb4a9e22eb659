"""Schema versions of the data files and the steps that bring an old file up to date.

Each data file carries ``_meta`` → ``{"1": {"schema_version": N}}``. A step in
``MIGRATIONS`` takes the parsed tables of a file at version N and changes them in place
into version N + 1. Steps run under the file's lock, after a backup copy (see
``Store.transaction``).
"""

from __future__ import annotations

from collections.abc import Callable

from data.engine.errors import NewerSchemaError
from data.engine.tables import Tables

SCHEMA_VERSION = 3


def nothing_to_change(tables: Tables) -> None:
    """A step for a field added with a default: nothing stored changes, but a program that
    does not know the field must not write the file (it would take such records for damaged)."""


# version N -> function that upgrades tables from N to N + 1
MIGRATIONS: dict[int, Callable[[Tables], None]] = {
    1: nothing_to_change,  # 2: a candidate names the messages their CVs came in (``mails``)
    2: nothing_to_change,  # 3: a call keeps the caller id the phone system gave (``caller_id``)
}

META_TABLE = "_meta"


def file_version(tables: Tables | None) -> int | None:
    """The schema version a file's tables declare; None for a file that declares none."""
    if not tables:
        return None
    meta = tables.get(META_TABLE, {}).get("1")
    version = meta.get("schema_version", 0) if isinstance(meta, dict) else None
    return version if type(version) is int and 0 <= version < 1_000_000 else None  # a shared file's number, bounded


def meta(tables: Tables) -> dict:
    """A copy of the file's _meta document; store changes with ``set_meta``."""
    return dict(tables.get(META_TABLE, {}).get("1", {}))


def set_meta(tables: Tables, document: dict) -> None:
    tables[META_TABLE] = {**tables.get(META_TABLE, {}), "1": document}


def stamp(tables: Tables, version: int = SCHEMA_VERSION) -> None:
    set_meta(tables, {**meta(tables), "schema_version": version})


def refuse_newer(tables: Tables | None, file_name: str) -> None:
    version = file_version(tables)
    if version is not None and version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{file_name} was written by a newer backoffice (schema {version}; this program "
            f"knows {SCHEMA_VERSION}). Nothing was changed: upgrade backoffice to edit it."
        )


def needs_migration(tables: Tables | None) -> bool:
    version = file_version(tables)
    return version is not None and version < SCHEMA_VERSION


def migrate(tables: Tables) -> int:
    """Upgrade ``tables`` in place to SCHEMA_VERSION; return the version it started from."""
    start = version = file_version(tables) or SCHEMA_VERSION
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise NewerSchemaError(f"no migration from schema {version} to {version + 1}")
        step(tables)
        version += 1
        stamp(tables, version)
    return start
