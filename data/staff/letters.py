"""Offer, warning and termination letters: the office's template, filled from the record.

A template is plain text (or Markdown) with fields in braces — ``{name}``, ``{position}``,
``{reason}`` … — filled by a small substitution of our own: nothing in a template is ever
run or looked up beyond the fields named here, and a field that is unknown or has nothing to
fill it with is left as written and named in a sentence. ``{{`` and ``}}`` write a brace.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from data.candidates.models import Candidate, Position, Stage
from data.engine.errors import RuleError, StorageError, trouble
from data.engine.files import write_all
from data.engine.store import Store
from data.engine.text import visible
from data.staff import rules
from data.staff.models import Employee, EventKind, StaffEvent
from data.staff.templates import FILE_NAMES, Template, read_template

FIELDS = ("name", "position", "department", "manager", "start_date", "probation_until", "level", "reason", "on",
          "issued_by", "expires", "terms", "notes", "today", "office")
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]{0,60})\}")
FOLDER = "letters"


@dataclass(frozen=True)
class Letter:
    template: Template
    about: str  # whom it is to: "Priya Shah"
    text: str
    problems: list[str] = field(default_factory=list)
    owner: str = ""  # whose record it is written from: "candidate-12", "employee-3" (in its file's name)

    @property
    def title(self) -> str:
        return f"{self.template.value.capitalize()} letter to {self.about}"


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def fill(template: Template, text: str, values: dict[str, str], about: str) -> Letter:
    """The template with each known field filled; what cannot be filled stays as written and is named."""
    unknown: dict[str, None] = {}  # in the order met, once each
    empty: dict[str, None] = {}

    def substitute(found: re.Match) -> str:
        if found.group(1) is None:
            return found.group()[0]  # {{ or }}
        name = found.group(1).strip()
        if name not in FIELDS:
            unknown[found.group()] = None
        elif values.get(name):
            return values[name]
        else:
            empty[name] = None
        return found.group()

    filled = PLACEHOLDER.sub(substitute, text)
    return Letter(template, about, filled, unknown_sentences(template, list(unknown)) + empty_sentences(template, list(empty), about))


def unknown_sentences(template: Template, unknown: list[str]) -> list[str]:
    if not unknown:
        return []
    known = ", ".join("{" + name + "}" for name in FIELDS)
    return [f"The template {FILE_NAMES[template]} has {', '.join(unknown)}, which no letter fills; the fields are {known}."]


def empty_sentences(template: Template, empty: list[str], about: str) -> list[str]:
    return [f"Nothing fills {{{name}}} in the {template.value} letter to {about}: {EMPTY_WHY.get(name, 'it is empty')}."
            for name in empty]


EMPTY_WHY = {
    "office": "set office = \"Your office's name\" in the settings file",
    "terms": "the offer was made without its terms",
    "manager": "the record names no manager",
    "department": "the record names no department",
    "start_date": "no start date is known yet",
    "probation_until": "no end of probation is recorded",
    "expires": "the warning does not expire",
    "issued_by": "the record does not say who issued it",
    "notes": "there are no notes",
    "level": "only a warning has a level",
    "reason": "no reason is recorded",
}


def common_values(store: Store, office: str, name: str) -> dict[str, str]:
    return {"name": name, "today": long_date(store.today()), "office": office}


def employee_values(employee: Employee) -> dict[str, str]:
    return {"position": employee.role, "department": employee.department, "manager": employee.manager,
            "start_date": long_date(employee.start_date), "probation_until": long_date(employee.probation_until)}


def event_values(event: StaffEvent) -> dict[str, str]:
    return {"level": event.level.value if event.level else "", "reason": event.reason, "on": long_date(event.on),
            "issued_by": event.issued_by, "expires": long_date(rules.warning_expires(event)), "notes": event.notes}


def event_letter(store: Store, event_id: int, office: str) -> Letter:
    """The warning or termination letter of a staff event."""
    event = store.repo("staff_events").get(event_id)
    employee = store.repo("employees").get(event.employee_id)
    if event.kind == EventKind.TRAINING:
        raise RuleError(f"Staff event #{event.id} is a training: letters are for a warning or the termination.")
    if event.is_void:
        raise RuleError(f"The {event.kind.value} of {event.on:%d %b %Y} was voided ({event.void_reason}): no letter for it.")
    template = Template.WARNING if event.kind == EventKind.WARNING else Template.TERMINATION
    values = {**common_values(store, office, employee.name), **employee_values(employee), **event_values(event)}
    return replace(fill(template, read_template(store, template), values, employee.name), owner=f"employee-{employee.id}")


def offer_terms(candidate: Candidate) -> str:
    """The terms the offer was made with (an offer from before they were kept: its step's note)."""
    offers = [step for step in candidate.history if step.stage == Stage.OFFER]
    return candidate.offer_terms or (offers[-1].note if offers else "")


def offer_values(candidate: Candidate, position: Position, employee: Employee | None) -> dict[str, str]:
    values = {"position": position.title, "department": position.department, "manager": position.hiring_manager,
              "terms": offer_terms(candidate)}
    if employee is not None:  # hired since: the letter can say what the employee record says
        values |= {k: v for k, v in employee_values(employee).items() if v}
    return values


def offer_letter(store: Store, candidate: Candidate, position: Position, office: str) -> Letter:
    if candidate.stage not in (Stage.OFFER, Stage.HIRED):
        raise RuleError(f"{candidate.name} has no offer ({candidate.stage.value}): make the offer first (o).")
    employee = next(iter(store.repo("employees").find(candidate_id=candidate.id)), None)
    values = {**common_values(store, office, candidate.name), **offer_values(candidate, position, employee)}
    return replace(fill(Template.OFFER, read_template(store, Template.OFFER), values, candidate.name),
                   owner=f"candidate-{candidate.id}")


def candidate_offer_letter(store: Store, candidate_id: int, office: str) -> Letter:
    candidate = store.repo("candidates").get(candidate_id)
    return offer_letter(store, candidate, store.repo("positions").get(candidate.position_id), office)


def letter_of(store: Store, kind: str, record_id: int, office: str) -> Letter:
    """``kind`` offer: of candidate ``record_id``; warning or termination: of staff event ``record_id``."""
    if kind == Template.OFFER:
        return candidate_offer_letter(store, record_id, office)
    letter = event_letter(store, record_id, office)
    if letter.template != kind:
        raise RuleError(f"Staff event #{record_id} is a {letter.template.value}, not a {kind}.")
    return letter


# -- keeping it ----------------------------------------------------------------------------


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "letter"


def save_letter(store: Store, letter: Letter) -> Path:
    """Into hr/letters/, as private as people.json from its first byte; never over another letter."""
    folder = store.home("people") / FOLDER
    # its owner in its name: an erasure finds every letter written to someone (data/candidates/traces.py)
    stem = f"{store.today():%Y-%m-%d}-{letter.template.value}-{slug(letter.about)}" + (f"-{letter.owner}" if letter.owner else "")
    payload = visible(letter.text).encode("utf-8")  # for people: a control character shows as a symbol
    try:
        with store.open_files("people", FOLDER, writing=True) as letters:
            for number in range(1, 1000):
                name = f"{stem}.txt" if number == 1 else f"{stem}-{number}.txt"
                try:
                    fd = letters.create(name)
                except FileExistsError:
                    continue
                try:
                    write_all(fd, payload)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                return folder / name
    except OSError as error:
        raise StorageError(f"Could not save the {letter.template.value} letter in {folder}: {trouble(error)}.") from error
    raise StorageError(f"Could not save the {letter.template.value} letter: {folder} already holds a thousand like it today.")
