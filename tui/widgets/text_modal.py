"""TextModal: text to read and copy (select it, ctrl+c), and where its file went."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from tui.plain import plain, title
from tui.widgets.dialogs import Dialog
from tui.widgets.fields import PlainTextArea


class TextModal(Dialog[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="text.close", tooltip="Close")]

    def __init__(self, heading: str, text: str, where: str) -> None:
        super().__init__()
        self.heading = heading
        self.text = text
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield PlainTextArea(self.text, read_only=True, soft_wrap=True, id="text-body")
            yield Static(plain(self.where), classes="intro")
            yield Label("select and ctrl+c to copy   esc close", classes="keys")

    def on_mount(self) -> None:
        self.query_one(".form").border_title = title(self.heading)

    def action_close(self) -> None:
        self.dismiss(None)
