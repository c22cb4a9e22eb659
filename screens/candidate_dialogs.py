"""The dialogs of the candidates section: booking or moving an interview, comparing two candidates."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import SuggestFromList, Suggester
from textual.widgets import DataTable, Label

from data.addresses import readable_number
from data.candidates import actions, interviews, panel
from data.candidates.cv_import import CvFile, CvOutcome, take_cv
from data.candidates.invitations import invitations_folder, mail_due_invitations
from data.candidates.models import Candidate, Interview
from data.candidates.views import Comparison, ComparisonRow
from data.engine.errors import DataError
from data.engine.text import upper_first
from data.when import SHORT_HINT, parse_when
from tui.jobs import Reply
from tui.plain import clipped, plain
from tui.widgets.dialogs import Dialog
from tui.widgets.text_modal import TextModal
from tui.widgets.model_form import FormEdit, ModelForm, Saved


def cv_report(outcomes: list[CvOutcome]) -> TextModal:
    """What became of each CV read: new, merged, or why it was not read."""
    new = sum(1 for o in outcomes if o.candidate and not o.merged)
    merged = sum(1 for o in outcomes if o.merged)
    summary = f"{new} new, {merged} merged, {len(outcomes) - new - merged} not read"
    return TextModal("CVs read", "\n".join(o.line() for o in outcomes) or "No CV files there.", summary)


def score_words(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"



class PanelSuggester(Suggester):
    """Completes the name being typed after the last comma from the staff list, by full or first name."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = names

    async def get_suggestion(self, value: str) -> str | None:
        head, comma, typed = value.rpartition(",")
        typed = typed.lstrip()
        if not typed:
            return None
        for name in self.names:
            if name.casefold().startswith(typed.casefold()):
                return f"{head}{comma}{' ' if comma else ''}{name}"
        return None


class PanelAndRooms(Reply):
    """The staff list and the office's rooms, for the form's suggestions."""


def mail_invitations(store, app) -> str:
    """In a worker, once the interview is saved: mail what is due, and say in a few words what
    became of it. A failure here is said, not raised: the interview itself is saved."""
    written = f"invitation written to {invitations_folder(store)}"
    try:
        return invitation_notice(mail_due_invitations(store, app.settings.mailboxes()), written)
    except DataError as error:
        return f"{written}; not mailed: {error}"


def invitation_notice(mails: list, written: str) -> str:
    if not mails:
        return f"{written}; not mailed"
    sent = [m for m in mails if m.send_status == "sent"]
    if len(sent) == len(mails):
        return f"invitation mailed to {', '.join(a for m in sent for a in m.to)}"
    return f"invitation NOT SENT, kept in HR mail to send again: {next(m.send_error for m in mails if m not in sent)}"


class InterviewForm(ModelForm):
    """Booking an interview (or, given ``record``, moving it): the start may be typed the way
    people say it ('tomorrow 10'); interviewers are completed from the staff list and rooms
    from the office's; a clash, a name not on the staff list or a room not on the list is
    refused under its field. The invitation is written, and mailed when a mailbox can send."""

    def __init__(self, store, *, title: str, initial: dict | None = None, suggestions: dict | None = None,
                 record: Interview | None = None) -> None:
        fields = ["start", "minutes", "place"] if record else ["start", "minutes", "interviewers", "place"]
        super().__init__(Interview, title=title, initial=initial, record=record, fields=fields, suggestions=suggestions,
                         save=self.book_or_move)
        self.store = store
        self.mailed = ""

    def on_mount(self) -> None:  # Textual runs ModelForm.on_mount too, which moves the focus on
        start = self.widget_of("start")
        start.placeholder = SHORT_HINT  # type: ignore[attr-defined]
        self.call_after_refresh(self.set_focus, start)
        store = self.store
        self.run_job(lambda: (interviews.current_staff(store), interviews.office_rooms(store)), PanelAndRooms, group="suggest")

    @on(PanelAndRooms)
    def suggest(self, message: PanelAndRooms) -> None:
        message.stop()
        names, rooms = message.result
        if "interviewers" in self.fields:
            field = self.widget_of("interviewers")
            field.suggester = PanelSuggester(names)  # type: ignore[attr-defined]
            typed = self.typed_values()["interviewers"] or []
            if self._pristine.get("interviewers") == self.value_of("interviewers"):  # untouched: as the staff list names them
                self.set_value("interviewers", panel.suggested_panel(names, *typed))
                self._pristine["interviewers"] = self.value_of("interviewers")
        place = self.widget_of("place")
        place.suggester = SuggestFromList(rooms, case_sensitive=False)  # type: ignore[attr-defined]
        place.placeholder = clipped(", ".join(rooms), 40)  # type: ignore[attr-defined]

    def typed_values(self) -> dict[str, Any]:
        values = super().typed_values()
        try:
            values["start"] = parse_when(values["start"] or "", self.store.now())
        except ValueError:
            pass  # the model says what is wrong under the field
        return values

    def book_or_move(self, edit: FormEdit) -> Interview:
        """In the form's worker: save, then mail the invitation (outside the lock)."""
        store, typed = self.store, edit.record
        if self.record is None:
            saved = actions.book_interview(store, typed)
        else:
            saved = interviews.move(store, typed.id, typed.start, typed.minutes, typed.place)
        self.mailed = mail_invitations(store, self.app)
        return saved

    @on(Saved)
    def say_what_was_mailed(self, message: Saved) -> None:
        self.notify(upper_first(self.mailed), timeout=6)


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
