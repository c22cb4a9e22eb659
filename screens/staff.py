"""Staff: the active employees and each one's timeline — trainings, warnings, corrections,
termination — with the notes of the entry under the cursor, the onboarding checklist and letters."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from data.staff import actions, rules
from data.staff.letters import event_letter
from data.staff.models import Employee, EventKind, StaffEvent, WarningLevel
from data.staff.rules import Mark, TimelineEntry
from data.staff.views import StaffView, staff_view
from screens.base import SectionScreen
from screens.letters import LetterModal
from screens.onboarding import ChecklistModal
from tui.plain import inert
from tui.widgets.dialogs import ConfirmModal
from tui.widgets.key_bar import KeyBar
from tui.widgets.model_form import FormEdit, ModelForm
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar
from tui.widgets.steady import refill

MARK_STYLE = {Mark.ACTIVE: "bold yellow", Mark.EXPIRED: "bold red", Mark.NOT_COMPLETED: "yellow", Mark.RENEWED: "dim",
              Mark.VOID: "dim"}
EVENT_FIELDS = {EventKind.TRAINING: ["course", "on", "completed", "valid_until", "notes"],
                EventKind.WARNING: ["reason", "level", "on", "expires_after_months", "issued_by", "notes"]}


def attention(employee: Employee, events: list[StaffEvent], today: date) -> Text:
    """What needs a look in the list: active warnings, expired trainings, onboarding to do, having left."""
    if not rules.is_employed(employee, today):
        return Text(f"left {employee.left_on:%d %b %Y}" if employee.left_on else "left", style="dim")
    words = [(f"leaving {employee.left_on:%d %b}", "bold")] if rules.leaving_soon(employee, today) else []
    warnings = rules.active_warnings(events, today)
    if warnings:
        words.append((f"{len(warnings)} warning{'s' if len(warnings) > 1 else ''}", "bold yellow"))
    expired = rules.expired_trainings(events, today)
    if expired:
        words.append((f"{len(expired)} training expired", "bold red"))
    if employee.open_onboarding:
        words.append((f"{len(employee.open_onboarding)} onboarding to do", ""))
    return Text("  ").join(Text(text, style=style) for text, style in words)


def entry_detail(entry: TimelineEntry) -> Text:
    """Under the timeline: the whole of the entry under the cursor — why it was voided first —
    who recorded it, and its notes."""
    detail = Text(f"{entry.void}\n", style="bold") if entry.void else Text()
    detail.append(entry.text, style="strike dim" if entry.mark == Mark.VOID else "")
    if entry.by:
        detail.append(f" — {entry.by}", style="dim")
    if entry.notes:
        detail.append(f"\n{entry.notes}")
    return inert(detail)


def heading(employee: Employee, today: date) -> Text:
    """Who, and under it what is still running: probation, onboarding."""
    text = Text.assemble((f" {employee.name}", "bold"), f"  {employee.role}, {employee.department}")
    if employee.manager:
        text.append(f" · reports to {employee.manager}")
    running = []
    if employee.is_active and employee.probation_until and employee.probation_until >= today:
        running.append(f"on probation to {employee.probation_until:%d %b %Y}")
    if employee.is_active and employee.open_onboarding:
        running.append(f"onboarding {len(employee.onboarding) - len(employee.open_onboarding)} of {len(employee.onboarding)} done (O)")
    shown = inert(text, one_line=True)
    if running:
        shown.append("\n " + " · ".join(running), style="dim")
    return shown


def employee_row(employee: Employee, events: list[StaffEvent], today: date) -> tuple[int, list]:
    name = Text(employee.name, style="" if rules.is_employed(employee, today) else "dim")
    return employee.id, [name, employee.role, employee.department, attention(employee, events, today)]


def timeline_row(index: int, entry: TimelineEntry) -> tuple[int, list]:
    """An entry of the file: a voided one struck through, with why in the detail below."""
    mark = Text(entry.mark.value.upper() if entry.mark == Mark.ACTIVE else entry.mark.value, style=MARK_STYLE.get(entry.mark, ""))
    what = Text(entry.text, style="strike dim" if entry.mark == Mark.VOID else "")
    return index, [f"{entry.on:%d %b %Y}", mark, what]


class StaffScreen(SectionScreen):
    CSS_PATH = "staff.tcss"
    domains = frozenset({"people"})
    BINDINGS = [
        Binding("t", "training", "Training", id="staff.training", tooltip="Add a training the employee took"),
        Binding("w", "warning", "Warning", id="staff.warning", tooltip="Level suggested from active ones"),
        Binding("T", "terminate", "Terminate", id="staff.terminate", tooltip="Date, reason, then confirm"),
        Binding("e", "edit", "Edit", id="staff.edit",
                tooltip="The employee's details, or in the timeline the entry under the cursor: corrected with the reason"),
        Binding("v", "void", "Void", show=False, id="staff.void",
                tooltip="In the timeline: void the entry under the cursor, recorded wrongly, with the reason"),
        Binding("O", "onboarding", "Onboarding", id="staff.onboarding", tooltip="The employee's checklist: space ticks an item"),
        Binding("L", "letter", "Letter", show=False, id="staff.letter",
                tooltip="In the timeline: the letter of the warning or termination under the cursor, to read, save and print"),
        Binding("n", "new", "New", show=False, id="staff.new", tooltip="Add an employee who was not hired here"),
        Binding("a", "all_staff", "All/active", show=False, id="staff.all", tooltip="Show staff who have left too"),
        Binding("escape", "back_to_list", "Back to list", show=False, id="staff.back", tooltip="From the timeline to the list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: StaffView | None = None
        self.with_leavers = False
        self.entries: list[TimelineEntry] = []

    def compose(self) -> ComposeResult:
        yield SectionBar("staff")
        yield RecordTable([("name", "Name"), ("role", "Role"), ("department", "Department"), ("attention", "Needs a look")],
                          id="employees")
        yield Static(id="timeline-title")
        yield RecordTable([("on", "Date"), ("mark", "Mark"), ("what", "What")], id="timeline")
        yield Static(id="entry-detail")
        yield KeyBar()

    # -- loading and showing -----------------------------------------------------------
    def fetch(self) -> StaffView:
        return staff_view(self.store)

    def show(self, data: StaffView) -> None:
        self.data = data
        employees = data.shown(self.with_leavers)
        self.query_one("#employees", RecordTable).set_rows(employee_row(e, data.events_of(e.id), data.today) for e in employees)
        self.show_timeline()

    def selected_employee(self) -> Employee | None:
        key = self.query_one("#employees", RecordTable).selected_key
        if self.data is None or key is None:
            return None
        return self.data.employee(int(key))

    @on(DataTable.RowHighlighted, "#employees")
    def show_timeline(self) -> None:
        employee, data = self.selected_employee(), self.data
        title = self.query_one("#timeline-title", Static)
        table = self.query_one("#timeline", RecordTable)
        if employee is None or data is None:
            refill(title, Text(" Nobody on the staff list yet: n adds an employee.", style="dim"))
            table.set_rows([])
            self.entries = []
            self.show_entry()
            return
        self.entries = data.timeline(employee)
        refill(title, heading(employee, data.today))
        table.set_rows(timeline_row(n, entry) for n, entry in enumerate(self.entries))
        self.show_entry()

    @on(DataTable.RowHighlighted, "#timeline")
    def show_entry(self) -> None:
        entry = self.selected_entry()
        refill(self.query_one("#entry-detail", Static), entry_detail(entry) if entry else "")

    def selected_entry(self) -> TimelineEntry | None:
        key = self.query_one("#timeline", RecordTable).selected_key
        return self.entries[int(key)] if key is not None and int(key) < len(self.entries) else None

    def selected_event(self) -> StaffEvent | None:
        """The event under the cursor, when the timeline has focus."""
        entry = self.selected_entry() if self.focused is self.query_one("#timeline") else None
        if entry is None or entry.event_id is None or self.data is None:
            return None
        return next((e for e in self.data.events if e.id == entry.event_id), None)

    def select_record(self, collection: str, record_id: int) -> bool:
        if self.data is None:
            return False
        if collection == "staff_events":
            event = next((e for e in self.data.events if e.id == record_id), None)
            record_id = event.employee_id if event else record_id
        employee = self.data.employee(record_id)
        if employee is not None and not rules.is_employed(employee, self.data.today) and not self.with_leavers:
            self.with_leavers = True
            self.show(self.data)
        table = self.query_one("#employees", RecordTable)
        table.focus()
        return table.select_key(record_id)

    # -- keys --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.in_trouble or not self.query("#employees"):
            return False  # cannot be shown, or no access: only the app's keys work here
        if action == "back_to_list":
            return self.focused is self.query_one("#timeline")
        return True

    @on(DataTable.RowSelected, "#employees")
    def open_timeline(self) -> None:
        self.query_one("#timeline", RecordTable).focus()

    def action_back_to_list(self) -> None:
        self.query_one("#employees", RecordTable).focus()

    def action_all_staff(self) -> None:
        self.with_leavers = not self.with_leavers
        if self.data:
            self.show(self.data)
        self.notify("Showing staff who left too" if self.with_leavers else "Showing active staff", timeout=2)

    def chosen(self) -> Employee | None:
        employee = self.selected_employee()
        if employee is None:
            self.notify("Choose an employee first.", severity="warning")
        return employee

    def event_form(self, employee: Employee, kind: EventKind, title: str, fields: list[str], save, **initial: Any) -> ModelForm:
        start = {"employee_id": employee.id, "kind": kind, "on": self.data.today if self.data else None, **initial}
        return ModelForm(StaffEvent, title=title, fields=fields, initial=start, save=save)

    def action_training(self) -> None:
        employee, store = self.chosen(), self.store
        if employee is None:
            return
        courses = self.data.courses if self.data else []
        form = self.event_form(
            employee, EventKind.TRAINING, f"Training for {employee.name}", ["course", "on", "completed", "valid_until", "notes"],
            lambda edit: actions.add_training(store, employee.id, edit.record.course, edit.record.on, edit.record.completed,
                                            edit.record.valid_until, edit.record.notes),
            completed=True,
        )
        form.suggestions = {"course": courses}
        self.app.push_screen(form, lambda event: self.saved(event, f"Training added for {employee.name}"))

    def action_warning(self) -> None:
        employee, store, data = self.chosen(), self.store, self.data
        if employee is None or data is None:
            return
        active = rules.active_warnings(data.events_of(employee.id), data.today)
        level = rules.next_warning_level(active, data.today)
        history = ", ".join(w.level.value for w in active if w.level) or "none"
        form = self.event_form(
            employee, EventKind.WARNING, f"Warning for {employee.name} — active: {history}",
            ["reason", "level", "on", "expires_after_months"],
            lambda edit: actions.issue_warning(store, employee.id, WarningLevel(edit.record.level), edit.record.reason, edit.record.on,
                                             edit.record.expires_after_months),
            level=level,
        )
        self.app.push_screen(form, lambda event: self.saved(event, f"Warning issued to {employee.name}"))

    def action_terminate(self) -> None:
        employee, store = self.chosen(), self.store
        if employee is None:
            return

        def check(edit) -> StaffEvent:
            event = edit.record
            rules.leave(employee.model_copy(), event.on, event.reason)  # refusals show under the field
            return event

        def confirm(event: StaffEvent | None) -> None:
            if event is None:
                return
            question = (f"{employee.name} leaves on {event.on:%d %b %Y}: {event.reason}\n"
                        "They leave the active list; their file is kept. Go ahead?")
            self.app.push_screen(ConfirmModal(question, "End the employment?"), lambda yes: yes and terminate(event))

        def terminate(event: StaffEvent) -> None:
            self.run_job(lambda: actions.terminate(store, employee.id, event.on, event.reason, event.notes),
                         notice=f"{employee.name} has left; the file is kept")

        form = self.event_form(employee, EventKind.TERMINATION, f"End the employment of {employee.name}", ["on", "reason", "notes"], check)
        self.app.push_screen(form, confirm)

    def action_new(self) -> None:
        store = self.store
        initial = {"start_date": self.data.today} if self.data else {}
        form = ModelForm(Employee, title="New employee", initial=initial, save=lambda edit: actions.add_employee(store, edit.record))
        self.app.push_screen(form, lambda added: self.saved(added, f"{added.name} is on the staff list" if added else ""))

    def action_edit(self) -> None:
        event = self.selected_event()
        if event is not None:
            self.correct_event(event)
            return
        employee = self.chosen()
        if employee is not None:
            self.correct_employee(employee)

    def correct_employee(self, employee: Employee) -> None:
        """The details as they should be, then why: kept on the record with who and when."""
        store = self.store

        def ask_why(edit: FormEdit | None) -> None:
            if edit is not None:
                self.ask_reason(f"Why are {employee.name}'s details corrected?", "e.g. typed the wrong start date",
                                lambda reason: actions.correct_employee(store, edit.record, edit.changed, reason),  # type: ignore[arg-type]
                                f"{employee.name}'s details corrected")

        form = ModelForm(Employee, title=f"Correct {employee.name}", record=employee, save=lambda edit: edit)  # type: ignore[arg-type,return-value]
        self.app.push_screen(form, ask_why)

    def correct_event(self, event: StaffEvent) -> None:
        """The entry as it should have been: the wrong one is voided with the reason, this one added."""
        fields = EVENT_FIELDS.get(event.kind)
        if fields is None:
            self.notify("A termination is put right by voiding it (v): the employee comes back.", severity="warning")
            return
        store = self.store

        def ask_why(corrected: StaffEvent | None) -> None:
            if corrected is not None:
                self.ask_reason(f"Why is the {event.kind.value} of {event.on:%d %b %Y} corrected?", "what was wrong with it",
                                lambda reason: actions.correct_event(store, event.id, corrected, reason),  # type: ignore[arg-type]
                                f"The {event.kind.value} is corrected; the wrong entry stays, struck through")

        initial = event.model_dump(exclude={"id", "rev", "created_at", "updated_at", "updated_by"})
        form = ModelForm(StaffEvent, title=f"Correct the {event.kind.value} of {event.on:%d %b %Y}", fields=fields,
                         initial=initial, save=lambda edit: edit.record)
        self.app.push_screen(form, ask_why)

    def action_void(self) -> None:
        event = self.selected_event()
        if event is None or event.is_void:
            self.notify("In the timeline (enter), choose an entry that is not voided.", severity="warning")
            return
        store = self.store
        undo = " The employee comes back on the staff list." if event.kind == EventKind.TERMINATION else ""
        self.ask_reason(f"Why is the {event.kind.value} of {event.on:%d %b %Y} wrong?", "recorded for the wrong person…",
                        lambda reason: actions.void_event(store, event.id, reason),  # type: ignore[arg-type]
                        f"The {event.kind.value} is voided; it stays in the file, struck through.{undo}")

    def ask_reason(self, question: str, example: str, do, notice: str) -> None:
        def answered(reason: str | None) -> None:
            if reason is not None:
                self.run_job(lambda: do(reason), notice=notice)

        self.app.push_screen(PromptModal(question, placeholder=example,
                                         check=lambda text: None if text.strip() else "Say why: the reason is kept with the correction."),
                             answered)

    def action_onboarding(self) -> None:
        employee = self.chosen()
        if employee is not None:
            self.app.push_screen(ChecklistModal(self.store, employee), lambda _: self.reload())

    def action_letter(self) -> None:
        event = self.selected_event()
        if event is None or event.kind == EventKind.TRAINING or event.is_void:
            self.notify("In the timeline (enter), choose a warning or the termination: L writes its letter.", severity="warning")
            return
        store, office = self.store, self.app.settings.office  # type: ignore[attr-defined]
        self.app.push_screen(LetterModal(store, lambda: event_letter(store, event.id, office)))  # type: ignore[arg-type]
