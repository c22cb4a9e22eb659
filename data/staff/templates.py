"""The office's templates — the onboarding checklist and the letters — kept in the HR folder
beside people.json, as private as it, so the office edits its own copy.

The app ships a default of each (``data/staff/templates/``), copied into the data folder the
first time it is needed; after that the office's copy is the one used.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from data.engine.errors import FieldError, StorageError, trouble
from data.engine.store import Store
from data.engine.text import control_problem

FOLDER = "templates"
MAX_TEMPLATE = 1 << 20  # bytes: a letter's template is a page or two


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


def write_template(store: Store, template: Template, text: str) -> None:
    """A template in the HR folder, as private as people.json from its first byte."""
    try:
        with store.open_files("people", FOLDER, writing=True) as folder:
            folder.write(FILE_NAMES[template], text.encode("utf-8"))
    except OSError as error:
        raise StorageError(f"Could not write {FILE_NAMES[template]}: {trouble(error)}.") from error


def read_template(store: Store, template: Template) -> str:
    """The office's copy, made from the default the first time."""
    try:
        with store.open_files("people", FOLDER) as folder:
            return folder.read(FILE_NAMES[template], MAX_TEMPLATE).decode("utf-8", errors="replace")
    except FileNotFoundError:
        text = default_text(template)
        write_template(store, template, text)
        return text
    except OSError as error:
        raise StorageError(f"Could not read {FILE_NAMES[template]}: {trouble(error)}.") from error


def save_template(store: Store, template: Template, text: str) -> Path:
    """The office's edit of a template, kept for every letter and new employee after it."""
    problem = control_problem(text, multiline=True)
    if problem:
        raise FieldError("text", f"The template {problem}.")
    with store.transaction("people"):  # two editing at once: one after the other, never a torn file
        write_template(store, template, text if text.endswith("\n") else text + "\n")
    return template_file(store, template)


def checklist_items(text: str) -> list[str]:
    """One item a line; blank lines and lines starting with # (notes to the editor) left out."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
