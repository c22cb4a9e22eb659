"""Small modal dialogs that return a value with ``dismiss`` (posting's confirmation idiom)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.plain import plain

DIALOG_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: auto;
    min-width: 40;
    max-width: 72;
    height: auto;
    border: thick $primary;
    background: $surface;
    padding: 1 2;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} .dialog-keys {{ margin-top: 1; color: $text-muted; }}
"""


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question: y answers yes, n or escape answer no."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmModal")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.cancel"),
    ]

    def __init__(self, question: str, title: str = "Please confirm") -> None:
        super().__init__()
        self.question = question
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield Static(plain(self.question), id="dialog-message")
            yield Label("y yes   n no", classes="dialog-keys")

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


class ErrorModal(ModalScreen[None]):
    """Something went wrong: say it in a sentence; enter or escape closes."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ErrorModal") + """
    ErrorModal > Vertical { border: thick $error; }
    """
    BINDINGS = [
        Binding("escape,enter", "close", "Close", id="error.close"),
    ]

    def __init__(self, message: str, title: str = "Something went wrong") -> None:
        super().__init__()
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield Static(plain(self.message), id="dialog-message")
            yield Label("enter close", classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)


class ConflictModal(ModalScreen[str | None]):
    """Someone saved the record meanwhile: reload theirs, overwrite with yours, or go back."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConflictModal") + """
    ConflictModal > Vertical { border: thick $warning; }
    """
    BINDINGS = [
        Binding("r", "choose('reload')", "Reload theirs", id="conflict.reload"),
        Binding("o", "choose('overwrite')", "Overwrite with mine", id="conflict.overwrite"),
        Binding("escape", "choose(None)", "Back to editing", id="conflict.cancel"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Changed by someone else", classes="dialog-title")
            yield Static(plain(self.message), id="dialog-message")
            yield Label(
                "r reload theirs (drop my changes)   o overwrite with mine   esc back",
                classes="dialog-keys",
            )

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


class LockWaitModal(ModalScreen[None]):
    """A save waits for a file another session holds: say who, keep waiting, or stop."""

    DEFAULT_CSS = DIALOG_CSS.format(name="LockWaitModal") + """
    LockWaitModal > Vertical { border: thick $warning; }
    """
    BINDINGS = [Binding("escape", "stop", "Stop waiting", id="lock.stop", tooltip="Stop waiting; nothing is saved, your work stays")]

    def __init__(self, file_name: str, holder: str, cancel) -> None:
        super().__init__()
        self.file_name = file_name
        self.holder = holder
        self.cancel = cancel

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(f"{self.file_name} is busy", one_line=True), classes="dialog-title")
            yield Static(plain(f"Waiting for {self.holder} to finish. What you typed is kept."), id="dialog-message")
            yield Label("esc stop waiting", classes="dialog-keys")

    def action_stop(self) -> None:
        self.cancel.set()
        self.dismiss(None)
