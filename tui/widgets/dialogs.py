"""Dialogs: every modal of the app is a ``Dialog``, drawn one way (tui/app.tcss), and returns
its answer with ``dismiss`` (posting's confirmation idiom). The small ones live here."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.plain import plain

T = TypeVar("T")


class Dialog(ModalScreen[T], Generic[T]):
    """A dialog over the dimmed screen. Its content is a ``.dialog`` box (a question, a
    message) or a ``.form`` box (fields to fill, text to read)."""


class ConfirmModal(Dialog[bool]):
    """A yes/no question: y answers yes, n or escape answer no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Answer yes"),
        Binding("n", "answer(False)", "No", id="confirm.no", tooltip="Answer no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.cancel", tooltip="Answer no"),
    ]

    def __init__(self, question: str, title: str = "Please confirm") -> None:
        super().__init__()
        self.question = question
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield Static(plain(self.question), id="dialog-message")
            yield Label("y yes   n no", classes="keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def close_unless_typed(app: App, typed: bool, close: Callable[[], object]) -> None:
    """Close a form at once, or, when something was typed in it, only once the person says
    to throw it away: escape is pressed by mistake more often than it is meant."""
    if not typed:
        close()
        return
    question = ConfirmModal("Throw away what you typed in this form?", "Discard changes?")
    app.push_screen(question, lambda discard: close() if discard else None)


class ErrorModal(Dialog[None]):
    """Something went wrong: say it in a sentence; enter or escape closes."""

    BINDINGS = [Binding("escape,enter", "close", "Close", id="error.close", tooltip="Back to where you were")]

    def __init__(self, message: str, title: str = "Something went wrong") -> None:
        super().__init__()
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield Static(plain(self.message), id="dialog-message")
            yield Label("enter close", classes="keys")

    def action_close(self) -> None:
        self.dismiss(None)


class ConflictModal(Dialog[str | None]):
    """Someone saved the record meanwhile: reload theirs, overwrite with yours, or go back."""

    BINDINGS = [
        Binding("r", "choose('reload')", "Reload theirs", id="conflict.reload", tooltip="Drop my changes, show theirs"),
        Binding("o", "choose('overwrite')", "Overwrite with mine", id="conflict.overwrite",
                tooltip="Save the fields I changed over theirs"),
        Binding("escape", "choose(None)", "Back to editing", id="conflict.cancel", tooltip="Back to the form"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Changed by someone else", classes="dialog-title")
            yield Static(plain(f"{self.message}\nReloading theirs drops what you changed here."), id="dialog-message")
            yield Label("r reload theirs   o overwrite with mine   esc back", classes="keys")

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


class LockWaitModal(Dialog[None]):
    """A save waits for a file another session holds: say who, keep waiting, or stop."""

    BINDINGS = [Binding("escape", "stop", "Stop waiting", id="lock.stop", tooltip="Stop waiting; nothing is saved, your work stays")]

    def __init__(self, file_name: str, holder: str, cancel) -> None:
        super().__init__()
        self.file_name = file_name
        self.holder = holder
        self.cancel = cancel

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(f"{self.file_name} is busy", one_line=True), classes="dialog-title")
            yield Static(plain(f"Waiting for {self.holder} to finish. What you typed is kept."), id="dialog-message")
            yield Label("esc stop waiting", classes="keys")

    def action_stop(self) -> None:
        self.cancel.set()
        self.dismiss(None)


class ChoiceModal(Dialog[Hashable | None]):
    """Pick one of a few choices: enter picks, escape goes back."""

    BINDINGS = [
        Binding("j", "move('down')", "Down", show=False, id="choice.down", tooltip="Next choice"),
        Binding("k", "move('up')", "Up", show=False, id="choice.up", tooltip="Previous choice"),
        Binding("escape", "dismiss(None)", "Back", id="choice.cancel", tooltip="Close without choosing"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[Hashable, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield OptionList(*(Option(plain(label)) for _, label in self.choices))
            yield Label("enter choose   esc back", classes="keys")

    def action_move(self, direction: str) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if direction == "down" else options.action_cursor_up()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index][0])
