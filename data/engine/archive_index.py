"""An index of the archive, so that a history search reads no year file: each archived record
once, as the words it is searched by and its stored body, in an SQLite file.

The index of the office's archive is kept in each user's own cache folder (it is derived, so
each person's is as good as another's, and nothing in the shared folder need be believed);
HR's holds HR text and stays in hr/archive, made and checked like every HR file. SQLite opens
its file by name: it is given the name through the folder held open (/proc/self/fd), so it
reaches that very folder whatever a colleague renames meanwhile.

The index is derived: each year file's size and time are kept with its records, and a year
file that changed since (the daily archive run added to it) is indexed again before a
search. A damaged or unwritable index is no loss: the search then reads the year files.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import orjson

from data.domains import HR_DOMAIN
from data.engine.collections import collections_of
from data.engine.files import Access, Folder, open_folder, refusal
from data.engine.storage import parse_file
from data.engine.store import Store

# Trigrams find any part of a word, as the search always has, without reading every record;
# without their positions (detail=none) the index is a third of the size, and the few
# records it finds are checked word by word. Bodies are kept compressed.
SCHEMA = """
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, stamp TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS records USING fts5(
    file UNINDEXED, collection UNINDEXED, doc_id UNINDEXED, words, body UNINDEXED,
    tokenize = 'trigram', detail = 'none', columnsize = 0
);
"""
SCHEMA_VERSION = 2  # an index of another version is made again
TRIGRAM = 3  # a shorter word is looked for in the records the longer ones found

Progress = Callable[[int, int], None]


def searched_words(body: dict) -> str:
    """What a history search looks in: every value of the stored record, in lower case — as
    stored, so an old number is found as it was typed, and no record is built to look."""
    return " ".join(str(v) for v in body.values()).casefold()


def stamp(archive: Folder, name: str) -> str:
    info = archive.lstat(name)
    return f"{info.st_size}:{info.st_mtime_ns}" if info is not None else ""


def index_name(domain: str) -> str:
    return f"index-{domain}.sqlite"


def private_cache(store: Store) -> Path:
    """This user's own folder for the office's archive index, one per data folder."""
    from platformdirs import user_cache_dir

    office = hashlib.sha256(os.fsencode(os.path.realpath(store.folder))).hexdigest()[:16]
    folder = Path(user_cache_dir("backoffice", appauthor=False)) / "archive-index" / office
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@contextmanager
def index_folder(store: Store, domain: str, archive: Folder) -> Iterator[Folder]:
    """The folder the index of ``domain``'s archive is in: HR's beside its year files (the
    archive folder held open, checked with hr/); the others' in this user's own cache."""
    if domain == HR_DOMAIN:
        yield archive
        return
    with open_folder(private_cache(store), new_files=Access(0o600)) as cache:
        yield cache


@contextmanager
def open_index(store: Store, domain: str, archive: Folder) -> Iterator[sqlite3.Connection]:
    """The index, as private as the year files (HR's) or as this user (the others'); a damaged
    one is made again. SQLite is given the file through its folder held open, so it reaches that
    very folder whatever a colleague renames meanwhile, and never follows a link there."""
    name = index_name(domain)
    with index_folder(store, domain, archive) as folder:
        try:
            db = connected(folder, name)
        except (sqlite3.DatabaseError, OutOfDate):  # derived, so nothing is lost
            for each in (name, f"{name}-journal"):
                folder.remove(each)
            db = connected(folder, name)
        with closing(db):
            yield db


class OutOfDate(Exception):
    """An index of another version."""


def connected(folder: Folder, name: str) -> sqlite3.Connection:
    found = folder.lstat(name)
    if found is None:
        with suppress(FileExistsError):  # another session made it first
            os.close(folder.create(name))
    elif not stat.S_ISREG(found.st_mode):
        raise refusal(folder.path / name, found)
    db = sqlite3.connect(f"/proc/self/fd/{folder.fd}/{name}", timeout=30)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION) or (version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]):
            raise OutOfDate(name)
        db.executescript(SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
        db.execute("PRAGMA secure_delete = ON")  # text erased from the archive leaves no copy in free pages
    except BaseException:
        db.close()
        raise
    return db


def index_file(db: sqlite3.Connection, domain: str, archive: Folder, name: str) -> None:
    """(Re)index one year file, in one transaction: readers see it before or after, whole."""
    tables = parse_file(archive, name)
    rows = [
        (name, collection.name, int(doc_id), searched_words(body), zlib.compress(orjson.dumps(body)))
        for collection in collections_of(domain)
        for doc_id, body in tables.get(collection.name, {}).items()
        if doc_id.isdigit() and isinstance(body, dict)
    ]
    with db:
        db.execute("DELETE FROM records WHERE file = ?", (name,))
        db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", rows)
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (name, stamp(archive, name)))


def refresh(db: sqlite3.Connection, domain: str, archive: Folder, files: list[str], progress: Progress | None) -> None:
    """Index the year files that changed since they were indexed; forget those gone."""
    known = dict(db.execute("SELECT name, stamp FROM files"))
    with db:
        for gone in set(known) - set(files):
            db.execute("DELETE FROM records WHERE file = ?", (gone,))
            db.execute("DELETE FROM files WHERE name = ?", (gone,))
    for done, name in enumerate(files, start=1):
        if known.get(name) != stamp(archive, name):
            index_file(db, domain, archive, name)
        if progress:
            progress(done, len(files))


def refresh_index(store: Store, domain: str, archive: Folder, files: list[str]) -> None:
    with open_index(store, domain, archive) as db:
        refresh(db, domain, archive, files, None)


def search_index(store: Store, domain: str, archive: Folder, files: list[str], words: list[str],
                 progress: Progress | None = None) -> list[tuple[str, str, bytes]]:
    """(collection, doc id, stored body) of the archived records holding every word, in the
    order of the year files; sqlite3.Error, OSError or DataError when the index cannot be used."""
    with open_index(store, domain, archive) as db:
        refresh(db, domain, archive, files, progress)
        return [(name, str(doc_id), zlib.decompress(body)) for name, doc_id, body in db.execute(*query_for(words))]


def query_for(words: list[str]) -> tuple[str, list[str]]:
    """The records holding every word: the long words by the trigram index, then each word
    checked in the words themselves (which keeps a search by the index the same as a scan)."""
    trigrams = sorted({w[i:i + TRIGRAM] for w in words for i in range(len(w) - TRIGRAM + 1)})
    conditions = ["records MATCH ?"] if trigrams else []
    conditions += ["instr(words, ?) > 0"] * len(words)
    match = " ".join('"' + t.replace('"', '""') + '"' for t in trigrams)
    where = " AND ".join(conditions) or "1"
    return f"SELECT collection, doc_id, body FROM records WHERE {where} ORDER BY file, rowid", [*([match] if trigrams else []), *words]
