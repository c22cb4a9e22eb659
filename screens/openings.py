"""Openings: the positions HR hires for — created, edited (criteria and their weights as a
list), closed and reopened by key; enter triages one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from data.candidates import actions
from data.candidates.models import Position, PositionStatus, criteria_typed
from data.candidates.views import OpeningRow, openings
from screens.base import SectionScreen
from tui.plain import inert
from tui.widgets.key_bar import KeyBar
from tui.widgets.model_form import FormEdit, ModelForm
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar

OPENING_FIELDS = ["title", "department", "hiring_manager", "places", "criteria"]
CRITERIA_HINT = "Criteria: comma-separated, a weight after × or x (Bookkeeping ×2, Accuracy, Software x0.5)."


def opening_row(row: OpeningRow) -> tuple[int, list]:
    position = row.position
    status = Text(position.status.value, style="green" if position.status == PositionStatus.OPEN else "dim")
    return position.id, [position.title, position.department, status, f"{row.hired}/{position.places}", str(row.open_candidates)]  # type: ignore[return-value]


class OpeningsScreen(SectionScreen):
    CSS_PATH = "candidates.tcss"
    domains = frozenset({"people"})
    BINDINGS = [
        Binding("escape", "back", "Candidates", id="openings.back", tooltip="Back to the candidates"),
        Binding("n", "new", "New opening", id="openings.new", tooltip="A position to hire for, with its criteria"),
        Binding("e", "edit", "Edit", id="openings.edit", tooltip="Title, places, criteria and their weights"),
        Binding("x", "close_or_reopen", "Close/reopen", id="openings.close", tooltip="No more hiring for it, or hiring again"),
        Binding("enter", "triage", "Triage", id="openings.triage", tooltip="Its candidates, best first"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[OpeningRow] = []

    def compose(self) -> ComposeResult:
        yield SectionBar("candidates")
        yield RecordTable([("title", "Opening"), ("department", "Department"), ("status", "Status"),
                           ("hired", "Hired"), ("open", "In play")], id="openings")
        yield Static(id="opening-line")
        yield KeyBar()

    def fetch(self) -> list[OpeningRow]:
        return openings(self.store)

    def show(self, data: list[OpeningRow]) -> None:
        self.rows = data
        self.query_one("#openings", RecordTable).set_rows(opening_row(row) for row in data)
        self.show_line()

    def selected(self) -> Position | None:
        key = self.query_one("#openings", RecordTable).selected_key
        return next((r.position for r in self.rows if r.position.id == key), None)

    @on(DataTable.RowHighlighted)
    def show_line(self) -> None:
        position = self.selected()
        if position is None:
            line = Text("No openings yet: n adds one.", style="dim")
        else:
            criteria = ", ".join(str(c) for c in position.criteria) or "no criteria yet (e adds them)"
            manager = f"hiring manager {position.hiring_manager} · " if position.hiring_manager else ""
            line = Text(f"{manager}criteria: {criteria}", style="dim")
        self.query_one("#opening-line", Static).update(inert(line))

    def chosen(self) -> Position | None:
        position = self.selected()
        if position is None:
            self.notify("Choose an opening first.", severity="warning")
        return position

    def form(self, title: str, record: Position | None = None) -> ModelForm:
        store, repo = self.store, self.store.repo("positions")

        def save(edit: FormEdit) -> Position:
            if edit.record.id is None:
                return repo.add(edit.record)
            return actions.save_opening(store, edit.record, edit.changed, edit.overwrite)

        return ModelForm(Position, title=title, record=record, fields=OPENING_FIELDS, save=save, intro=CRITERIA_HINT,
                         parsers={"criteria": criteria_typed}, reload=(lambda: repo.get(record.id)) if record else None)

    def action_new(self) -> None:
        self.app.push_screen(self.form("New opening"), self.saved)

    def action_edit(self) -> None:
        position = self.chosen()
        if position is not None:
            self.app.push_screen(self.form(f"Opening {position.title}", position), self.saved)

    def action_close_or_reopen(self) -> None:
        position = self.chosen()
        if position is not None:
            closing = position.status == PositionStatus.OPEN
            self.run_job(lambda: actions.close_or_reopen(self.store, position.id),
                         notice=f"{position.title} {'closed' if closing else 'open again'}")

    @on(DataTable.RowSelected)
    def action_triage(self) -> None:
        position = self.chosen()
        if position is not None:
            self.dismiss(position.id)

    def action_back(self) -> None:
        self.dismiss(None)
