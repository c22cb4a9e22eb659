"""Search the archive: read only now, in a thread, with progress shown."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, ProgressBar, Static

from data.engine.archive import search_history
from data.engine.clock import local
from tui.messages import JobFinished
from tui.plain import plain, title


class Progress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class HistoryScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HistoryScreen { align: center middle; background: $background 60%; }
    HistoryScreen > Vertical { width: 78; max-width: 100%; height: 1fr; border: round $primary; background: $surface; padding: 0 1; }
    HistoryScreen DataTable { height: 1fr; }
    HistoryScreen #history-detail { height: 6; border-top: solid $primary; }
    HistoryScreen .history-keys { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="history.close")]

    def __init__(self, domains: set[str], text: str) -> None:
        super().__init__()
        self.domains = domains
        self.text = text
        self.results: list = []

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = title(f"History: {self.text}")
            yield ProgressBar(show_eta=False, id="history-progress")
            table: DataTable = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("What", "Record", "Last changed")
            yield table
            yield Static("", id="history-detail")
            yield Label("archived records are read only   esc close", classes="history-keys")

    def on_mount(self) -> None:
        self.search()

    @work(thread=True, exit_on_error=False)
    def search(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        try:
            found = search_history(store, self.domains, self.text, lambda d, t: self.post_message(Progress(d, t)))
        except Exception as error:  # said on screen, never a traceback
            found = error
        self.post_message(JobFinished(found, self.show_results))

    @on(Progress)
    def advance(self, message: Progress) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=message.total, progress=message.done)

    @on(JobFinished)
    def finished(self, message: JobFinished) -> None:
        message.then(message.result)

    def show_results(self, found) -> None:
        self.query_one(ProgressBar).display = False
        if isinstance(found, Exception):
            self.query_one("#history-detail", Static).update(plain(found))
            return
        self.results = found
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
            fields = record.body()
            lines = [f"{k}: {v}" for k, v in fields.items() if v not in ("", None, [], {}) and k != "rev"]
            self.query_one("#history-detail", Static).update(plain("\n".join(lines)))

    def action_close(self) -> None:
        self.dismiss(None)
