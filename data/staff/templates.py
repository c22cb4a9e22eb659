"""The office's templates — the onboarding checklist and the letters — kept in the HR folder
beside people.json, as private as it, so the office edits its own copy.

The app ships a default of each (``data/staff/templates/``), copied into the data folder the
first time it is needed; after that the office's copy is the one used.
"""

from __future__ import annotations

import os
import stat
from enum import StrEnum
from pathlib import Path

from data.engine.errors import FieldError, StorageError, trouble
from data.engine.storage import atomic_write
from data.engine.store import Store
from data.engine.text import control_problem

FOLDER = "templates"


class Template(StrEnum):
    ONBOARDING = "onboarding"
    OFFER = "offer"
    WARNING = "warning"
    TERMINATION = "termination"


FILE_NAMES = {
    Template.ONBOARDING: "onboarding.txt", Template.OFFER: "offer-letter.txt",
    Template.WARNING: "warning-letter.txt", Template.TERMINATION: "termination-letter.txt",
}
TITLES = {
    Template.ONBOARDING: "Onboarding checklist", Template.OFFER: "Offer letter",
    Template.WARNING: "Warning letter", Template.TERMINATION: "Termination letter",
}


def default_text(template: Template) -> str:
    return (Path(__file__).parent / FOLDER / FILE_NAMES[template]).read_text(encoding="utf-8")


def template_file(store: Store, template: Template) -> Path:
    return store.home("people") / FOLDER / FILE_NAMES[template]


def folder_like_people(store: Store, folder: Path) -> Path:
    """A folder for HR's files, open to exactly those people.json is open to: in an office from
    before hr/, it sits in the data folder, where anyone in the office could list its names."""
    if folder.is_dir():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    try:
        people = os.stat(store.file("people"))
    except FileNotFoundError:
        return folder  # no HR file yet: the folder is made as hr/ itself would be
    mode = stat.S_IMODE(people.st_mode) & 0o666
    try:
        os.chown(folder, -1, people.st_gid)
        os.chmod(folder, mode | (mode & 0o444) >> 2 | stat.S_ISGID)  # whoever may read may enter
    except PermissionError:
        pass  # not in people.json's group: the folder stays its maker's, with the umask's mode
    return folder


def write_like_people(store: Store, path: Path, text: str) -> None:
    """A file in the HR folder, as private as people.json from its first byte."""
    try:
        folder_like_people(store, path.parent)
        atomic_write(path, text.encode("utf-8"), like=store.file("people"))
    except OSError as error:
        raise StorageError(f"Could not write {path.name}: {trouble(error)}.") from error


def read_template(store: Store, template: Template) -> str:
    """The office's copy, made from the default the first time."""
    path = template_file(store, template)
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        text = default_text(template)
        write_like_people(store, path, text)
        return text
    except OSError as error:
        raise StorageError(f"Could not read {path.name}: {trouble(error)}.") from error


def save_template(store: Store, template: Template, text: str) -> Path:
    """The office's edit of a template, kept for every letter and new employee after it."""
    problem = control_problem(text, multiline=True)
    if problem:
        raise FieldError("text", f"The template {problem}.")
    path = template_file(store, template)
    with store.transaction("people"):  # two editing at once: one after the other, never a torn file
        write_like_people(store, path, text if text.endswith("\n") else text + "\n")
    return path


def checklist_items(text: str) -> list[str]:
    """One item a line; blank lines and lines starting with # (notes to the editor) left out."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
