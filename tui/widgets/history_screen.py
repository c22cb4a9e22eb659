"""Search the archive: read only now, in a thread, with progress shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, ProgressBar, Static

from data.engine.archive import search_history
from data.engine.clock import local
from tui.jobs import JobScreen, Reply, describe
from tui.plain import plain, title
from tui.widgets.dialogs import Dialog


class Progress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class Found(Reply):
    """(collection, record) of every archived record that matched."""


def shown(value: Any) -> str:
    """A stored value as the detail pane says it: times in the office's time zone."""
    if isinstance(value, datetime):
        return f"{local(value):%a %d %b %Y %H:%M}"
    if isinstance(value, dict):
        return "  ".join(shown(item) for item in value.values() if item not in ("", None, [], {}))
    if isinstance(value, list):
        return "; ".join(shown(item) for item in value)
    return str(value)


class HistoryScreen(Dialog[None], JobScreen):
    BINDINGS = [Binding("escape", "close", "Close", id="history.close")]

    def __init__(self, domains: set[str], text: str) -> None:
        super().__init__()
        self.domains = domains
        self.text = text
        self.results: list = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="form history") as frame:
            frame.border_title = title(f"History: {self.text}")
            yield ProgressBar(show_eta=False, id="history-progress")
            table: DataTable = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("What", "Record", "Last changed")
            yield table
            yield Static("", id="history-detail")
            yield Label("archived records are read only   esc close", classes="keys")

    def on_mount(self) -> None:
        store, domains, text = self.app.store, self.domains, self.text  # type: ignore[attr-defined]

        def progress(done: int, total: int) -> None:
            self.post_message(Progress(done, total))

        self.run_job(lambda: search_history(store, domains, text, progress), Found, group="load")

    @on(Progress)
    def advance(self, message: Progress) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=message.total, progress=message.done)

    def failed(self, error: Exception, group: str) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#history-detail", Static).update(plain(describe(error)))

    @on(Found)
    def show_results(self, message: Found) -> None:
        message.stop()
        self.query_one(ProgressBar).display = False
        self.results = found = message.result
        table = self.query_one(DataTable)
        for collection, record in found:
            when = f"{local(record.updated_at):%Y-%m-%d}" if record.updated_at else ""
            table.add_row(Text(collection.title), plain(record.label(), one_line=True), Text(when))
        if not found:
            self.query_one("#history-detail", Static).update("Nothing in the archive matches.")
        table.focus()

    @on(DataTable.RowHighlighted)
    def detail(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.results):
            _, record = self.results[event.cursor_row]
            values = record.model_dump(exclude={"id", "rev"})
            lines = [f"{name}: {shown(value)}" for name, value in values.items() if value not in ("", None, [], {})]
            self.query_one("#history-detail", Static).update(plain("\n".join(lines)))

    def action_close(self) -> None:
        self.dismiss(None)
