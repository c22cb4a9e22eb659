"""ModelForm: a modal form built from a pydantic model's fields (DESIGN §5, idiom 7).

Each validation error shows under its field and every typed value stays. ``ctrl+s`` saves
in a background thread through ``save(FormEdit)``; a conflict asks whether to reload the
colleague's version or overwrite it with the fields this user changed (their other changes
stay); ``escape`` asks before dropping changes.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from data.engine.clock import local
from data.engine.drafts import Draft, DraftKey
from data.engine.errors import ConflictError, FieldError
from data.engine.record import STORED, Record, error_sentence, first_problem, holds_paragraphs
from data.engine.repository import Repository
from data.engine.text import visible
from tui.jobs import JobScreen, Reply
from tui.plain import plain, title
from tui.widgets.dialogs import ConflictModal, close_unless_typed
from tui.widgets.drafting import DraftDialog, put_back
from tui.widgets.fields import PlainInput, PlainTextArea

DATETIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class FormEdit:
    """What a form asks to save."""

    record: Record  # the whole record as the form would have it
    changed: frozenset[str]  # the fields this user changed (every field of a new record)
    overwrite: bool = False  # the user chose to overwrite a colleague's save


Save = Callable[[FormEdit], Record]


def saving_to(repo: Repository) -> Save:
    """Add a new record, or save the fields this user changed in a stored one."""

    def save(edit: FormEdit) -> Record:
        if edit.record.id is None:
            return repo.add(edit.record)
        return repo.save(edit.record, force=edit.overwrite, fields=edit.changed)

    return save


def field_type(model: type[BaseModel], name: str) -> tuple[Any, bool]:
    """(the type without None, whether None is allowed)."""
    annotation = model.model_fields[name].annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), True
    return annotation, False


def label_of(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    return info.title or name.replace("_", " ").capitalize()


def display_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local(value).strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (list, tuple, set)):
        return visible(", ".join(str(v) for v in value))
    return visible(str(value))


class Saved(Reply):
    """The record as the form's save stored it."""


class Reloaded(Reply):
    """The colleague's version, to fill the form with."""


class ModelForm(DraftDialog[Record | None], JobScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save and close"),
        Binding("escape", "close", "Close", id="form.close", tooltip="Close (asks first if changed)"),
    ]

    def __init__(
        self,
        model: type[Record],
        *,
        title: str,
        save: Save,
        record: Record | None = None,
        initial: dict[str, Any] | None = None,
        fields: Sequence[str] | None = None,
        suggestions: dict[str, list[str]] | None = None,
        reload: Callable[[], Record] | None = None,
        parsers: dict[str, Callable[[str], Any]] | None = None,
        save_unchanged: bool = False,
        intro: str = "",
        choices: dict[str, Sequence[tuple[str, Any]]] | None = None,
        draft: DraftKey | Draft | None = None,
    ) -> None:
        """``parsers``: how the text typed in a field becomes its value (a ValueError is shown
        under the field); ``save_unchanged``: saving a stored record the person did not change
        still calls ``save`` (the save itself means something, such as answering a call);
        ``intro``: a line above the fields saying how to fill them in; ``choices``: a field
        picked from a list, (what a person reads, the value stored) — an opening by its name;
        ``draft``: keep a draft of what is typed (see ``DraftDialog``)."""
        super().__init__(draft)
        self.model = model
        self.form_title = title
        self.save_record = save
        self.record = record
        self.initial = initial or {}
        self.fields = list(fields or model.editable_fields())
        self.suggestions = suggestions or {}
        self.reload_record = reload
        self.parsers = parsers or {}
        self.save_unchanged = save_unchanged
        self.intro = intro
        self.choices = choices or {}
        self._pristine: dict[str, Any] = {}

    # -- building ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="form") as frame:
            frame.border_title = title(self.form_title)
            yield Static("", id="form-intro", classes="intro")
            with VerticalScroll():
                for name in self.fields:
                    with Horizontal(classes="field-row"):
                        yield Label(plain(label_of(self.model, name)), classes="field-label")
                        yield self.input_for(name)
                    yield Static("", classes="field-error", id=f"error-{name}")
            yield Static("", id="form-error", classes="field-error")
            yield Label("ctrl+s save   esc close   tab next field", classes="keys")

    def say_above(self, text: str) -> None:
        """A few lines above the fields: what the person should know before filling them in."""
        intro = self.query_one("#form-intro", Static)
        intro.update(plain(text))
        intro.display = bool(text)

    def starting_value(self, name: str) -> Any:
        if self.record is not None:
            return getattr(self.record, name)
        if name in self.initial:
            return self.initial[name]
        info = self.model.model_fields[name]
        return None if info.is_required() else info.get_default(call_default_factory=True)

    def input_for(self, name: str) -> Widget:
        kind, optional = field_type(self.model, name)
        value = self.starting_value(name)
        widget_id = f"field-{name}"
        if name in self.choices:
            options = [(plain(label, one_line=True), stored) for label, stored in self.choices[name]]
            current = value if any(stored == value for _, stored in options) else Select.BLANK
            return Select(options, value=current, allow_blank=optional or current is Select.BLANK, id=widget_id, compact=True)
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            options = [(str(m.value).replace("_", " "), str(m.value)) for m in kind]
            current = display_value(value) if value is not None else Select.BLANK
            return Select(options, value=current, allow_blank=optional, id=widget_id, compact=True)
        if kind is bool:
            return Checkbox("", value=bool(value), id=widget_id, compact=True)
        if kind is str and holds_paragraphs(self.model, name):
            return PlainTextArea(display_value(value), id=widget_id, soft_wrap=True)
        placeholder = {datetime: "YYYY-MM-DD HH:MM", date: "YYYY-MM-DD"}.get(kind, "")
        if typing.get_origin(kind) in (list, set, tuple):
            placeholder = "comma, separated"
        suggester = None
        if name in self.suggestions:
            suggester = SuggestFromList([visible(s, one_line=True) for s in self.suggestions[name]], case_sensitive=False)
        return PlainInput(
            display_value(value), placeholder=placeholder, id=widget_id, suggester=suggester, compact=True
        )

    def on_mount(self) -> None:
        self._pristine = self.raw_values()
        if self.intro:
            self.say_above(self.intro)
        self.focus_next()
        self.start_drafting()

    def draft_values(self) -> dict[str, Any]:
        return self.raw_values()

    def restore_draft(self, values: dict[str, Any]) -> None:
        for name in self.fields:
            if name in values:
                put_back(self.widget_of(name), values[name])

    # -- reading and writing the widgets -----------------------------------------------
    def widget_of(self, name: str) -> Widget:
        return self.query_one(f"#field-{name}")

    def value_of(self, name: str) -> Any:
        widget = self.widget_of(name)
        if isinstance(widget, Select):
            return None if widget.value is Select.BLANK else widget.value
        if isinstance(widget, TextArea):
            return widget.text
        return widget.value  # Input → str, Checkbox → bool

    def set_value(self, name: str, value: Any) -> None:
        widget = self.widget_of(name)
        if isinstance(widget, Select):
            widget.value = Select.BLANK if value is None else display_value(value)
        elif isinstance(widget, TextArea):
            widget.text = display_value(value)
        elif isinstance(widget, Checkbox):
            widget.value = bool(value)
        else:
            widget.value = display_value(value)  # type: ignore[attr-defined]

    def raw_values(self) -> dict[str, Any]:
        return {name: self.value_of(name) for name in self.fields}

    def typed_values(self) -> dict[str, Any]:
        """What the widgets hold, shaped for pydantic to validate."""
        values = {}
        for name, raw in self.raw_values().items():
            kind, optional = field_type(self.model, name)
            if isinstance(raw, str) and kind is not str:
                raw = raw.strip()
                if raw == "" and optional:
                    raw = None
                elif typing.get_origin(kind) in (list, set, tuple) and name not in self.parsers:
                    raw = [part.strip() for part in raw.split(",") if part.strip()]
            values[name] = raw
        return values

    @property
    def changed(self) -> bool:
        return self.raw_values() != self._pristine

    def changed_fields(self) -> frozenset[str]:
        """The fields whose widgets no longer hold what the form opened with."""
        if self.record is None:
            return frozenset(self.fields)
        raw = self.raw_values()
        return frozenset(name for name in self.fields if raw[name] != self._pristine.get(name))

    # -- errors ------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.remove_class("-shown")

    def show_error(self, field: str | None, message: str) -> None:
        if field in self.fields:
            error = self.query_one(f"#error-{field}", Static)
        else:
            error = self.query_one("#form-error", Static)
            message = (f"{label_of(self.model, field)}: " if field in self.model.model_fields else "") + message
        error.update(plain(message))
        error.add_class("-shown")

    def show_validation_errors(self, error: ValidationError) -> None:
        for detail in error.errors():
            field = str(detail["loc"][0]) if detail["loc"] else None
            self.show_error(field, error_sentence(detail))

    # -- saving ------------------------------------------------------------------------
    def build_record(self, changed: frozenset[str]) -> Record | None:
        """The record the form holds, or None with each problem shown under its field.

        A new record passes the model's gate whole. In a stored one, only what this user
        changed passes it: a field nobody touched keeps what is stored, as it is."""
        typed = self.typed_values()
        if not self.parse(typed):
            return None
        if self.record is None:
            data, context = {**self.initial, **typed}, None
        else:
            data, context = {**self.record.model_dump(), **{n: typed[n] for n in changed}}, STORED
        try:
            record = self.model.model_validate(data, context=context)
        except ValidationError as error:
            self.show_validation_errors(error)
            return None
        # What this user changed passes the whole gate, as its value (typed "9…9" is a number by now).
        problems = {n: p for n in changed if (p := first_problem(getattr(record, n), multiline=holds_paragraphs(self.model, n)))}
        for name, problem in problems.items():
            self.show_error(name, problem)
        if problems:
            return None
        record.id = self.record.id if self.record is not None else None
        return record

    def parse(self, typed: dict[str, Any]) -> bool:
        """Turn the text of fields with a parser into their values, in place; False, with
        each problem under its field and the cursor in the first, when one is not understood."""
        refused = []
        for name, parse in self.parsers.items():
            if isinstance(typed.get(name), str) and typed[name]:
                try:
                    typed[name] = parse(typed[name])
                except ValueError as error:
                    self.show_error(name, str(error))
                    refused.append(name)
        if refused:
            self.widget_of(refused[0]).focus()
        return not refused

    def action_save(self, overwrite: bool = False) -> None:
        self.clear_errors()
        changed = self.changed_fields()
        if self.record is not None and not changed and not overwrite and not self.save_unchanged:
            self.notify("Nothing changed: nothing to save.", timeout=3)
            self.dismiss(None)
            return
        record = self.build_record(changed)
        if record is not None:
            self.save_in_background(FormEdit(record, changed, overwrite))

    def save_in_background(self, edit: FormEdit) -> None:
        self.run_job(lambda: self.save_record(edit), Saved, group="save", exclusive=True)

    @on(Saved)
    def after_save(self, message: Saved) -> None:
        message.stop()
        self.finish_draft(keep_it=False)
        self.dismiss(message.result)

    def failed(self, error: Exception, group: str) -> None:
        """A refused value shows under its field; a conflict asks what to do; anything else
        is said in a dialog over the form, which keeps what was typed."""
        if isinstance(error, FieldError) and error.field in self.fields:
            self.show_error(error.field, str(error))
        elif isinstance(error, ValidationError):
            self.show_validation_errors(error)
        elif isinstance(error, ConflictError):
            self.app.push_screen(ConflictModal(str(error)), self.conflict_answered)
        else:
            super().failed(error, group)

    def conflict_answered(self, choice: str | None) -> None:
        if choice == "overwrite":
            self.action_save(overwrite=True)
        elif choice == "reload" and self.reload_record is not None:
            self.run_job(self.reload_record, Reloaded, group="save", exclusive=True)

    @on(Reloaded)
    def refill(self, message: Reloaded) -> None:
        message.stop()
        record = message.result
        self.record = record
        for name in self.fields:
            self.set_value(name, getattr(record, name))
        self._pristine = self.raw_values()
        self.notify("Reloaded the version saved by the other session.")

    # -- closing -----------------------------------------------------------------------
    def action_close(self) -> None:
        close_unless_typed(self.app, self.changed, self.close_unsaved)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()
