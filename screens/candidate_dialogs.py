"""The dialogs of the candidates section: booking an interview, comparing two candidates."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from data.addresses import readable_number
from data.candidates import actions
from data.candidates.cv_import import CvFile, take_cv
from data.candidates.models import Candidate, Interview
from data.candidates.views import Comparison, ComparisonRow
from data.when import HINT, parse_when
from tui.plain import clipped, plain
from tui.widgets.dialogs import Dialog
from tui.widgets.model_form import ModelForm


def score_words(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"



class InterviewForm(ModelForm):
    """Booking an interview: the start may be typed the way people say it ('tomorrow 10');
    a clash is refused under the start field, naming the other interview."""

    def __init__(self, store, *, title: str, initial: dict, suggestions: dict) -> None:
        super().__init__(Interview, title=title, initial=initial, fields=["start", "minutes", "interviewers", "place"],
                         suggestions=suggestions, save=lambda edit: actions.book_interview(store, edit.record))
        self.store = store

    def on_mount(self) -> None:  # Textual runs ModelForm.on_mount too, which moves the focus on
        start = self.widget_of("start")
        start.placeholder = HINT  # type: ignore[attr-defined]
        self.call_after_refresh(self.set_focus, start)

    def typed_values(self) -> dict[str, Any]:
        values = super().typed_values()
        try:
            values["start"] = parse_when(values["start"] or "", self.store.now())
        except ValueError:
            pass  # the model says what is wrong under the field
        return values


class CvForm(ModelForm):
    """A CV file as a new candidate: the name, e-mail and phone found in it, to confirm or
    correct. Saving attaches the CV to the same person when they are already on the opening."""

    def __init__(self, store, cv: CvFile, position_id: int, title: str) -> None:
        found = cv.found
        initial = {"position_id": position_id, "name": found.name, "email": found.email, "phone": readable_number(found.phone),
                   "cv_text": cv.text.text}
        super().__init__(Candidate, title=title, initial=initial, fields=["name", "email", "phone", "source", "cv_text"],
                         save=lambda edit: take_cv(store, position_id, cv, edit.record))  # type: ignore[arg-type]
        self.cv = cv

    def on_mount(self) -> None:  # Textual runs ModelForm.on_mount too
        missing = self.cv.found.missing()
        said = f"Read from {self.cv.name}. " + (f"Not found in it: {', '.join(missing)}. " if missing else "")
        self.say_above(said + "Correct what is wrong, then ctrl+s.")


class ComparisonModal(Dialog[None]):
    """Two candidates side by side, criterion by criterion; the leader of each row in bold."""

    BINDINGS = [Binding("escape,v,enter", "close", "Close", id="compare.close", tooltip="Back to the list")]

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self.comparison = comparison

    def compose(self) -> ComposeResult:
        comparison = self.comparison
        with Vertical(classes="form compare"):
            yield Label("Compare candidates", classes="dialog-title")
            table: DataTable = DataTable(cursor_type="none", zebra_stripes=True)
            table.add_columns("Criterion", "Weight", plain(clipped(comparison.first.name), one_line=True),
                              plain(clipped(comparison.second.name), one_line=True))
            for row in comparison.rows:
                cells = [self.cell(row.first, row.leader == 0), self.cell(row.second, row.leader == 1)]
                table.add_row(plain(row.criterion, one_line=True), Text(f"×{row.weight:g}", style="dim"), *cells)
            total = ComparisonRow("Weighted score", 0, comparison.first_score, comparison.second_score)
            table.add_row(Text(total.criterion, style="bold"), Text(""),
                          self.cell(total.first, total.leader == 0), self.cell(total.second, total.leader == 1))
            yield table
            yield Label("esc close", classes="keys")

    @staticmethod
    def cell(value: float | None, leads: bool) -> Text:
        return Text(score_words(value), style="bold green" if leads else "", justify="right")

    def action_close(self) -> None:
        self.dismiss(None)
