"""The week of interviews, days down the screen: each slot's time, candidate, interviewers and
room; move, cancel and no-show by key, and the candidate for feedback."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from data.candidates import interviews
from data.candidates.calendar import Slot, Week, monday_of, suggested_start, week
from data.candidates.models import InterviewStatus
from data.engine.clock import local, office_day
from screens.base import SectionScreen
from screens.candidate_dialogs import InterviewForm, mail_invitations
from tui.plain import clipped, inert
from tui.widgets.dialogs import ChoiceModal, ConfirmModal
from tui.widgets.key_bar import KeyBar
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar

STATUS_MARK = {InterviewStatus.DONE: Text("done", style="dim"), InterviewStatus.NO_SHOW: Text("NO-SHOW", style="bold red")}
COLUMNS = [("time", "Time"), ("candidate", "Candidate"), ("panel", "With"), ("room", "Room"), ("status", "")]


def day_row(day: date, slots: list[Slot], today: date) -> tuple[str, list]:
    style = "bold reverse" if day == today else "bold"
    said = f"{day:%a %d %b}"
    empty = Text("no interviews" if not slots else "", style="dim")
    return f"day:{day.isoformat()}", [Text(said, style=style), empty, "", "", ""]


def slot_row(slot: Slot) -> tuple[int, list]:
    interview = slot.interview
    time = f"{local(interview.start):%H:%M}–{local(interview.end):%H:%M}"
    faded = "dim" if interview.status != InterviewStatus.BOOKED else ""
    return interview.id, [Text(f"  {time}", style=faded), Text(clipped(slot.candidate, 18), style=faded),
                          Text(clipped(", ".join(interview.interviewers), 18), style=faded),
                          Text(clipped(interview.place, 14), style=faded), STATUS_MARK.get(interview.status, "")]


def week_rows(data: Week) -> list[tuple]:
    today = local(data.now).date()
    rows: list[tuple] = []
    for day, slots in data.days:
        rows.append(day_row(day, slots, today))
        rows += [slot_row(slot) for slot in slots]
    return rows


def week_title(data: Week) -> Text:
    title = Text.assemble((f" Interviews, week of {data.monday:%a %d %b %Y}", "bold"), f"  {data.count} interview{'s' if data.count != 1 else ''}")
    return title.append("   [ ] week  t this week", style="dim")


def slot_detail(slot: Slot | None) -> Text:
    if slot is None:
        return Text(" n book · m move · x cancel · N no-show · enter the candidate · f feedback", style="dim")
    interview = slot.interview
    line = Text(f" {slot.candidate}", style="bold")
    line.append(f"  {slot.position}" if slot.position else "")
    line.append(f"  with {', '.join(interview.interviewers)}")
    line.append(f" in {interview.place}" if interview.place else "")
    return line


class InterviewsScreen(SectionScreen):
    """Pushed over the candidates section; dismissed with (candidate id, whether to give feedback)."""

    CSS_PATH = "interviews.tcss"
    domains = frozenset({"people"})
    BINDINGS = [
        Binding("escape", "back", "Candidates", id="week.back", tooltip="Back to the candidates"),
        # Priority: the table would take left and right to scroll sideways.
        Binding("left_square_bracket,left", "week(-1)", "Prev week", key_display="[", priority=True, id="week.previous",
                tooltip="The week before"),
        Binding("right_square_bracket,right", "week(1)", "Next week", key_display="]", priority=True, id="week.next",
                tooltip="The week after"),
        Binding("t", "this_week", "This week", id="week.this", tooltip="Back to this week"),
        Binding("n", "book", "Book", id="week.book", tooltip="Book an interview on the day under the cursor, after the one chosen"),
        Binding("m", "move", "Move", id="week.move", tooltip="Another time, length or room; the invitation is updated"),
        Binding("x", "cancel", "Cancel", id="week.cancel", tooltip="Cancel the interview (asks first); the invitation is withdrawn"),
        Binding("N", "no_show", "No-show", id="week.no_show", tooltip="The candidate did not come (once it has started)"),
        Binding("f", "feedback", "Feedback", id="week.feedback", tooltip="To the candidate, to rate the interview"),
    ]

    def __init__(self, monday: date | None = None) -> None:
        super().__init__()
        self.monday = monday
        self.data: Week | None = None

    def compose(self) -> ComposeResult:
        yield SectionBar("candidates")
        yield Static(id="week-title")
        yield RecordTable(COLUMNS, id="week")
        yield Static(id="slot-detail")
        yield KeyBar()

    def fetch(self) -> Week:
        monday = self.monday or monday_of(self.store.today())
        return week(self.store, monday)

    def show(self, data: Week) -> None:
        self.data, self.monday = data, data.monday
        self.query_one("#week-title", Static).update(inert(week_title(data), one_line=True))
        table = self.query_one("#week", RecordTable)
        table.set_rows(week_rows(data))
        table.focus()
        self.show_detail()

    def selected_slot(self) -> Slot | None:
        return self.data.slot(self.query_one("#week", RecordTable).selected_key) if self.data else None

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        self.query_one("#slot-detail", Static).update(inert(slot_detail(self.selected_slot()), one_line=True))

    def chosen(self) -> Slot | None:
        slot = self.selected_slot()
        if slot is None:
            self.notify("Choose an interview first (j/k).", severity="warning")
        return slot

    # -- weeks -------------------------------------------------------------------------
    def action_week(self, step: int) -> None:
        self.monday = (self.monday or monday_of(self.store.today())) + timedelta(weeks=step)
        self.reload()

    def action_this_week(self) -> None:
        self.monday = None
        self.reload()

    # -- the interview under the cursor ------------------------------------------------
    def action_move(self) -> None:
        slot = self.chosen()
        if slot is not None:
            form = InterviewForm(self.store, title=f"Move {slot.candidate}'s interview", record=slot.interview)
            self.app.push_screen(form, self.saved)

    def action_book(self) -> None:
        data, store = self.data, self.store
        if data is None:
            return
        if not data.bookable:
            self.notify("Nobody to interview: shortlist candidates on an open opening first.", severity="warning")
            return
        slot = self.selected_slot()
        day = office_day(slot.interview.start) if slot else self.highlighted_day()
        people = {b.candidate_id: b for b in data.bookable}

        def chosen(candidate_id: int | None) -> None:
            if candidate_id is None:
                return
            person = people[candidate_id]
            panel = [n for n in (store.user, person.hiring_manager) if n]
            start = suggested_start(data, day, slot)
            form = InterviewForm(store, title=f"Interview with {person.name}",
                                 initial={"candidate_id": candidate_id, "start": start, "interviewers": panel})
            self.app.push_screen(form, self.saved)

        self.app.push_screen(ChoiceModal(f"Book an interview on {day:%a %d %b} with whom?",
                                         [(b.candidate_id, b.label) for b in data.bookable]), chosen)

    def highlighted_day(self) -> date:
        key = str(self.query_one("#week", RecordTable).selected_key or "")
        if key.startswith("day:"):
            return date.fromisoformat(key.removeprefix("day:"))
        return max(self.monday or monday_of(self.store.today()), self.store.today())

    def action_cancel(self) -> None:
        slot, store = self.chosen(), self.store
        if slot is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_job(lambda: f"Cancelled {slot.candidate}'s interview; " + self.cancelled(store, slot.interview.id))

        when = f"{local(slot.interview.start):%a %d %b %H:%M}"
        self.app.push_screen(ConfirmModal(f"Cancel {slot.candidate}'s interview {when}? The invitation is withdrawn."), answered)

    def cancelled(self, store, interview_id: int) -> str:
        """In the worker: cancel, then mail the cancellation (outside the lock)."""
        interviews.cancel(store, interview_id)
        return mail_invitations(store, self.app)

    def action_no_show(self) -> None:
        slot, store = self.chosen(), self.store
        if slot is not None:
            self.run_job(lambda: interviews.no_show(store, slot.interview.id), notice=f"{slot.candidate}: no-show")

    def action_candidate(self, feedback: bool = False) -> None:
        slot = self.chosen()
        if slot is not None:
            self.dismiss((slot.interview.candidate_id, feedback))

    @on(DataTable.RowSelected, "#week")
    def open_candidate(self) -> None:  # enter
        self.action_candidate()

    def action_feedback(self) -> None:
        self.action_candidate(feedback=True)

    def action_back(self) -> None:
        self.dismiss(None)
