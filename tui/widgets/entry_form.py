"""EntryForm: a few lines to type and one data-layer call, for entries that are not a whole
record (an issue of stock, an adjustment, a delivery against an order)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static, TextArea

from data.engine.drafts import Draft, DraftKey
from data.engine.errors import FieldError
from tui.jobs import JobScreen, Reply, describe
from tui.plain import plain, title
from tui.widgets.dialogs import close_unless_typed
from tui.widgets.drafting import DraftDialog, put_back
from tui.widgets.fields import PlainInput, PlainTextArea


@dataclass
class Entry:
    name: str  # the field a refusal (FieldError) names
    label: str
    value: str = ""
    placeholder: str = ""
    paragraphs: bool = False  # a text area, where enter starts a new line


def text_of(field: Input | TextArea) -> str:
    return field.text if isinstance(field, TextArea) else field.value


class Entered(Reply):
    """What the form's call returned."""


class EntryForm(DraftDialog[Any], JobScreen):
    """``submit(values)`` runs in a thread on ctrl+s or enter on the last line. A refused
    value shows under its line and nothing is changed; the form closes with the call's result.
    With ``draft``, what is typed is kept as a draft (see ``DraftDialog``)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="entry.save", tooltip="Check and save"),
        Binding("escape", "close", "Close", id="entry.close", tooltip="Close without saving (asks first if you typed)"),
    ]

    def __init__(self, heading: str, entries: list[Entry], submit: Callable[[dict[str, str]], Any], intro: str = "",
                 draft: DraftKey | Draft | None = None) -> None:
        super().__init__(draft)
        self.heading = heading
        self.entries = entries
        self.submit = submit
        self.intro = intro
        self._pristine: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            if self.intro:
                yield Static(plain(self.intro), classes="intro")
            for index, entry in enumerate(self.entries):
                with Horizontal(classes="field-row"):
                    yield Label(plain(entry.label, one_line=True), classes="field-label")
                    if entry.paragraphs:
                        yield PlainTextArea(entry.value, placeholder=entry.placeholder, id=f"entry-{index}", soft_wrap=True)
                    else:
                        yield PlainInput(entry.value, placeholder=entry.placeholder, id=f"entry-{index}", compact=True)
                yield Static("", id=f"error-{index}", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            enter = "" if self.entries[-1].paragraphs else "enter next / save   "
            yield Label(f"{enter}ctrl+s save   esc close", classes="keys")

    def on_mount(self) -> None:
        self.query_one(".form").border_title = title(self.heading)
        self._pristine = self.values()
        self.start_drafting()

    def draft_values(self) -> dict[str, Any]:
        return dict(self.values())

    def restore_draft(self, values: dict[str, Any]) -> None:
        for index, entry in enumerate(self.entries):
            if entry.name in values:
                put_back(self.query_one(f"#entry-{index}"), values[entry.name])

    def input_of(self, name: str) -> Input | TextArea:
        return self.query_one(f"#entry-{self.index_of(name)}")  # type: ignore[return-value]

    def error_of(self, name: str | None) -> Static:
        index = self.index_of(name)
        return self.query_one("#form-error" if index is None else f"#error-{index}", Static)

    def index_of(self, name: str | None) -> int | None:
        return next((i for i, e in enumerate(self.entries) if e.name == name), None)

    def values(self) -> dict[str, str]:
        return {e.name: text_of(self.query_one(f"#entry-{i}")) for i, e in enumerate(self.entries)}

    @on(Input.Submitted)
    def next_or_save(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"entry-{len(self.entries) - 1}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        for error in self.query(".field-error"):
            error.remove_class("-shown")
        values = self.values()
        self.run_job(lambda: self.submit(values), Entered, group="save", exclusive=True)

    @on(Entered)
    def entered(self, message: Entered) -> None:
        message.stop()
        self.finish_draft(keep_it=False)
        self.dismiss(message.result)

    def failed(self, error: Exception, group: str) -> None:
        """A refused value shows under its line, with the cursor in it."""
        if not isinstance(error, FieldError) or self.index_of(error.field) is None:
            super().failed(error, group)
            return
        message = self.error_of(error.field)
        message.update(plain(describe(error)))
        message.add_class("-shown")
        self.input_of(error.field).focus()

    def action_close(self) -> None:
        close_unless_typed(self.app, self.values() != self._pristine, self.close_unsaved)
