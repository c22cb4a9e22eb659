"""`backoffice check`: every data file parses, and every record validates."""

from __future__ import annotations

import shlex
from pathlib import Path

from data.domains import HR_DOMAIN
from data.engine import migrations
from data.engine.collections import DOMAINS, Collection, collections_of
from data.engine.errors import DataError, NoAccessError
from data.engine.store import HR_FOLDER, Store


def check_folder(store: Store) -> tuple[list[str], list[str]]:
    """(problems, notes). Problems make the check fail; notes are files this user may not
    read, and HR files kept where others may rename them."""
    problems: list[str] = []
    notes: list[str] = hr_layout_notes(store)
    for domain in DOMAINS:
        path = store.file(domain)
        try:
            if not path.exists():
                continue
        except PermissionError:
            pass  # in a folder this user may not enter: reading it says so
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


def hr_layout_notes(store: Store) -> list[str]:
    top = store.folder / f"{HR_DOMAIN}.json"
    if store.hr_files_from_before():
        return [
            f"{top.name} is kept in the data folder itself, where anyone who may save a call may "
            "also rename or delete it. To give HR its own folder, run as root while nobody has "
            "backoffice open:\n" + "\n".join(f"  {command}" for command in hr_move_commands(store.folder))
        ]
    if top.exists():
        return [
            f"{top.name} in the data folder is not used: HR records are in {HR_FOLDER}/{top.name}. "
            "Move it away once you are sure it holds nothing the other lacks."
        ]
    return []


def hr_move_commands(folder: Path) -> list[str]:
    """The commands that move an office's HR files into hr/, for the files it has."""

    def present(pattern: str) -> list[str]:
        return sorted(shlex.quote(p.relative_to(folder).as_posix()) for p in folder.glob(pattern))

    commands = [f"cd {shlex.quote(str(folder))}", f"mkdir -p {HR_FOLDER}/backups {HR_FOLDER}/archive"]
    for files, target in (
        (present(f"{HR_DOMAIN}[.-]*"), HR_FOLDER),
        (present(f"backups/{HR_DOMAIN}[.-]*.json"), f"{HR_FOLDER}/backups"),
        (present(f"archive/{HR_DOMAIN}-*.json"), f"{HR_FOLDER}/archive"),
        (present("cvs"), HR_FOLDER),  # CV files kept beside people.json (data/candidates/cv_import.py)
    ):
        if files:
            commands.append(f"mv {' '.join(files)} {target}/")
    index = present(f"archive/index-{HR_DOMAIN}.sqlite*")
    if index:
        commands.append(f"rm {' '.join(index)}")  # the archive's search index: made again in hr/
    commands += [
        f"chgrp -R hr {HR_FOLDER} && chmod -R g+rwX,o-rwx {HR_FOLDER}",
        f"chmod g+s {HR_FOLDER} {HR_FOLDER}/backups {HR_FOLDER}/archive",
    ]
    return commands
