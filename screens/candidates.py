"""Candidates: CV triage per position — scores, shortlist, reject, compare, interviews, offer, hire."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from data.addresses import readable_number
from data.candidates import actions, rules
from data.candidates.models import Candidate, Interview, Position, PositionStatus, Stage
from data.candidates.views import (
    CandidatesView,
    candidates_view,
    compare,
    first_interview_to_rate,
    position_order,
)
from data.engine.errors import RuleError
from data.engine.states import words
from data.staff.models import Employee
from screens.base import SectionScreen
from screens.candidate_dialogs import ComparisonModal, InterviewForm, score_words
from tui.plain import inert
from tui.widgets.model_form import ModelForm, saving_to
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar

SCORE_KEYS = "12345"
# Keys of the score bar: while it has focus the digits score; elsewhere they switch sections.
SCORING_ACTIONS = {"score", "criterion", "candidate", "stop_scoring"}
STAGE_STYLE = {Stage.SHORTLISTED: "green", Stage.INTERVIEW: "cyan", Stage.OFFER: "bold yellow", Stage.HIRED: "bold green",
               Stage.REJECTED: "dim red", Stage.WITHDREW: "dim"}


def candidate_row(candidate: Candidate, value: float | None, marked: bool) -> tuple[int, list]:
    name = Text(("● " if marked else "") + candidate.name, style="bold" if marked else "")
    stage = Text(candidate.stage.value, style=STAGE_STYLE.get(candidate.stage, ""))
    return candidate.id, [Text(score_words(value), justify="right"), name, stage]


def position_line(position: Position | None, count: int, total: int) -> Text:
    if position is None:
        return Text("No positions yet: add one with `backoffice add positions title=...`.", style="dim")
    line = Text.assemble((f" {position.title}", "bold"), f"  {position.department}")
    line.append(f"  {position.status.value}", style="green" if position.status == PositionStatus.OPEN else "dim")
    line.append(f"  {count} shown of {total}   [ ] other position", style="dim")
    return line


def interview_words(interview: Interview) -> str:
    text = f"{rules.slot_words(interview)} with {', '.join(interview.interviewers)}"
    if interview.place:
        text += f" in {interview.place}"
    text += f" — {words(interview.status)}"
    if interview.rating:
        text += f", rated {interview.rating}/5"
    return text


def candidate_detail(candidate: Candidate, position: Position, interviews: list[Interview]) -> Text:
    text = Text()
    text.append(candidate.name, style="bold")
    text.append(f"  {candidate.stage.value}\n", style=STAGE_STYLE.get(candidate.stage, ""))
    contact = " · ".join(v for v in (candidate.email, readable_number(candidate.phone), candidate.source) if v)
    if contact:
        text.append(contact + "\n", style="dim")
    if candidate.stage == Stage.REJECTED and candidate.reject_reason:
        text.append(f"Rejected: {candidate.reject_reason}\n", style="red")
    for reviewer, scores in sorted(candidate.scores.items()):
        given = ", ".join(f"{c.name} {scores[c.name]}" for c in position.criteria if c.name in scores)
        text.append(f"{reviewer}: {given}\n", style="dim")
    for interview in interviews:
        text.append(f"Interview {interview_words(interview)}\n", style="cyan")
        if interview.feedback:
            text.append(f"  {interview.feedback}\n", style="dim")
    text.append("\n")
    text.append(candidate.cv_text or "(no CV text)")
    if candidate.cv_path:
        text.append(f"\n\nCV file: {candidate.cv_path}", style="dim")
    return text


def criteria_strip(position: Position | None, candidate: Candidate | None, user: str, focused: int | None) -> Text:
    """The scores the user gave the candidate; while scoring, the criterion the digits score is lit."""
    if position is None or not position.criteria:
        return Text(" This position has no criteria to score.", style="dim")
    mine = candidate.scores.get(user, {}) if candidate else {}
    strip = Text("")
    for index, criterion in enumerate(position.criteria):
        strip.append(f" {criterion.name} {mine.get(criterion.name, '·')} ", style="bold reverse" if index == focused else "")
    strip.append("  1–5 score ←→ j/k esc" if focused is not None else "  tab: score", style="dim")
    return strip


class ScoreBar(Static, can_focus=True):
    """Focus it (tab) to score: the digits then score the lit criterion instead of switching sections."""


class CandidatesScreen(SectionScreen):
    CSS_PATH = "candidates.tcss"
    domains = frozenset({"people"})
    BINDINGS = [
        *(Binding(key, f"score({key})", f"Score {key}", show=False, id=f"candidates.score_{key}",
                  tooltip=f"In the score bar (tab): {key} of 5") for key in SCORE_KEYS),
        Binding("left,h", "criterion(-1)", "Previous criterion", show=False, id="candidates.previous_criterion",
                tooltip="In the score bar"),
        Binding("right,l", "criterion(1)", "Next criterion", show=False, id="candidates.next_criterion",
                tooltip="In the score bar"),
        Binding("j,down", "candidate(1)", "Next candidate", show=False, id="candidates.next_candidate",
                tooltip="In the score bar"),
        Binding("k,up", "candidate(-1)", "Previous candidate", show=False, id="candidates.previous_candidate",
                tooltip="In the score bar"),
        Binding("escape", "stop_scoring", "Stop scoring", show=False, id="candidates.stop_scoring",
                tooltip="Back to the list"),
        Binding("space", "scroll_cv(1)", "CV down", show=False, id="candidates.cv_down", tooltip="Scroll the CV"),
        Binding("b", "scroll_cv(-1)", "CV up", show=False, id="candidates.cv_up", tooltip="Scroll the CV"),
        Binding("s", "shortlist", "Shortlist", id="candidates.shortlist", tooltip="Put the candidate on the shortlist"),
        Binding("r", "reject", "Reject", id="candidates.reject", tooltip="Reject the candidate, saying why"),
        Binding("i", "interview", "Interview", id="candidates.interview", tooltip="Book a slot, clashes refused"),
        Binding("f", "feedback", "Feedback", show=False, id="candidates.feedback", tooltip="Rating after the interview"),
        Binding("o", "offer", "Offer", priority=True, id="candidates.offer", tooltip="Make the candidate an offer"),
        Binding("h", "hire", "Hire", id="candidates.hire", tooltip="Offer accepted: make an employee"),
        Binding("m", "mark", "Mark", show=False, id="candidates.mark", tooltip="Mark one to compare"),
        Binding("v", "compare", "Compare", id="candidates.compare", tooltip="The marked one beside this one"),
        Binding("n", "new", "New", show=False, id="candidates.new", tooltip="A new candidate for this position"),
        Binding("a", "all_candidates", "All/open", show=False, id="candidates.all", tooltip="Show closed candidates too"),
        Binding("left_square_bracket", "position(-1)", "Prev position", key_display="[", show=False, id="candidates.previous_position",
                tooltip="Triage the previous position"),
        Binding("right_square_bracket", "position(1)", "Next position", key_display="]", show=False, id="candidates.next_position",
                tooltip="Triage the next position"),
        Binding("W", "week", "Week", show=False, id="candidates.week", tooltip="The week of interviews: move, cancel, no-show"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: CandidatesView | None = None
        self.position_id: int | None = None
        self.criterion_index = 0
        self.marked_id: int | None = None
        self.show_all = False
        self.detail_id: int | None = None  # the candidate whose CV is shown

    def compose(self) -> ComposeResult:
        yield SectionBar("candidates")
        yield Static(id="position-line")
        with Horizontal(id="triage"):
            yield RecordTable([("score", "Score"), ("name", "Name"), ("stage", "Stage")], id="candidate-list")
            with VerticalScroll(id="cv-pane", can_focus=False):  # space and b scroll it
                yield Static(id="cv")
        yield ScoreBar(id="criteria", markup=False)
        yield Footer()

    # -- loading and showing -----------------------------------------------------------
    def fetch(self) -> CandidatesView:
        return candidates_view(self.store)

    def show(self, data: CandidatesView) -> None:
        self.data = data
        positions = position_order(data.positions)
        if self.position_id not in {p.id for p in positions}:
            self.position_id = positions[0].id if positions else None
        position = self.position
        applicants = data.applicants(self.position_id)
        shown = [c for c in applicants if self.show_all or not c.is_closed]
        criteria = position.criteria if position else []
        rows = (candidate_row(c, rules.weighted_score(c, criteria), c.id == self.marked_id) for c in rules.ranked(shown, criteria))
        self.query_one("#candidate-list", RecordTable).set_rows(rows)
        self.query_one("#position-line", Static).update(inert(position_line(position, len(shown), len(applicants)), one_line=True))
        self.update_detail()

    @property
    def position(self) -> Position | None:
        if self.data is None:
            return None
        return self.data.position(self.position_id)

    def candidate(self, candidate_id: int | None) -> Candidate | None:
        if self.data is None or candidate_id is None:
            return None
        return self.data.candidate(candidate_id)

    def selected_candidate(self) -> Candidate | None:
        key = self.query_one("#candidate-list", RecordTable).selected_key
        return self.candidate(int(key)) if key is not None else None

    def interviews_of(self, candidate: Candidate) -> list[Interview]:
        return self.data.interviews_of(candidate) if self.data else []

    @on(DataTable.RowHighlighted)
    def update_detail(self) -> None:
        candidate, position = self.selected_candidate(), self.position
        if candidate is None or candidate.id != self.detail_id:  # another candidate: start at the top
            self.detail_id = candidate.id if candidate else None
            self.criterion_index = 0
            self.query_one("#cv-pane").scroll_home(animate=False)
        detail = self.query_one("#cv", Static)
        if candidate is None or position is None:
            detail.update(Text("No candidates here." if position else "", style="dim"))
        else:
            detail.update(inert(candidate_detail(candidate, position, self.interviews_of(candidate))))
        user = self.data.user if self.data else ""
        self.criterion_index = min(self.criterion_index, max(len(position.criteria) - 1, 0)) if position else 0
        scoring = self.focused is self.query_one("#criteria")
        strip = criteria_strip(position, candidate, user, self.criterion_index if scoring else None)
        self.query_one("#criteria", Static).update(inert(strip, one_line=True))

    def select_record(self, collection: str, record_id: int) -> bool:
        if self.data is None:
            return False
        if collection == "interviews":
            interview = next((i for i in self.data.interviews if i.id == record_id), None)
            record_id = interview.candidate_id if interview else record_id
        candidate = self.candidate(record_id) if collection in ("candidates", "interviews") else None
        if candidate is None:
            return collection == "positions" and self.choose_position(record_id)
        self.position_id = candidate.position_id
        self.show_all = self.show_all or candidate.is_closed
        self.show(self.data)
        table = self.query_one("#candidate-list", RecordTable)
        table.focus()
        return table.select_key(candidate.id)

    def choose_position(self, position_id: int) -> bool:
        self.position_id = position_id
        if self.data:
            self.show(self.data)
        return True

    # -- keys --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if not self.query("#candidate-list"):
            return False  # no access: only the app's keys work here
        if action in SCORING_ACTIONS:  # elsewhere the key goes on to the app; help still lists it
            return True if self.focused is self.query_one("#criteria") else None
        if action == "offer":  # o sorts other lists, and is a letter in the filter
            return self.focused in (self.query_one("#candidate-list"), self.query_one("#criteria"))
        return True

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def focus_moved(self) -> None:
        if self.data is not None and self.query("#criteria"):  # not when the section is closed to this user
            self.update_detail()

    def action_stop_scoring(self) -> None:
        self.query_one("#candidate-list").focus()

    def action_candidate(self, step: int) -> None:
        table = self.query_one("#candidate-list", RecordTable)
        (table.action_cursor_down if step > 0 else table.action_cursor_up)()

    def action_scroll_cv(self, pages: int) -> None:
        pane = self.query_one("#cv-pane")
        (pane.scroll_page_down if pages > 0 else pane.scroll_page_up)()

    def chosen(self) -> Candidate | None:
        candidate = self.selected_candidate()
        if candidate is None:
            self.notify("Choose a candidate first.", severity="warning")
        return candidate

    def action_position(self, step: int) -> None:
        if not self.data or not self.data.positions:
            return
        ids = [p.id for p in position_order(self.data.positions)]
        index = ids.index(self.position_id) if self.position_id in ids else 0
        self.position_id = ids[(index + step) % len(ids)]
        self.criterion_index = 0
        self.show(self.data)

    def action_criterion(self, step: int) -> None:
        position = self.position
        if position and position.criteria:
            self.criterion_index = (self.criterion_index + step) % len(position.criteria)
            self.update_detail()

    def action_score(self, value: str) -> None:
        candidate, position = self.chosen(), self.position
        if candidate is None or position is None or not position.criteria:
            return
        criterion = position.criteria[self.criterion_index].name
        store = self.store
        self.criterion_index = min(self.criterion_index + 1, len(position.criteria) - 1)  # on to the next criterion
        self.run_job(lambda: actions.set_score(store, candidate.id, criterion, int(value)))  # the strip shows it

    def action_all_candidates(self) -> None:
        self.show_all = not self.show_all
        if self.data:
            self.show(self.data)
        self.notify("Showing every candidate" if self.show_all else "Showing open candidates", timeout=2)

    # -- stages ------------------------------------------------------------------------
    def action_shortlist(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate:
            self.run_job(lambda: actions.shortlist(store, candidate.id), notice=f"Shortlisted {candidate.name}")

    def action_reject(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate is None:
            return

        def answered(reason: str | None) -> None:
            if reason is not None:
                self.run_job(lambda: actions.reject(store, candidate.id, reason), notice=f"Rejected {candidate.name}")

        self.app.push_screen(PromptModal(f"Why is {candidate.name} rejected?", placeholder="the reason (required)",
                                         check=lambda text: None if text.strip() else "Say why: the reason is required."), answered)

    def action_offer(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate is None:
            return

        def answered(terms: str | None) -> None:
            if terms is not None:
                self.run_job(lambda: actions.make_offer(store, candidate.id, terms), notice=f"Offer made to {candidate.name}")

        self.app.push_screen(PromptModal(f"Offer to {candidate.name}", placeholder="terms, e.g. salary and start (optional)"), answered)

    def action_hire(self) -> None:
        candidate, position, store = self.chosen(), self.position, self.store
        if candidate is None or position is None:
            return
        if not rules.STAGE_MOVES.can(candidate, Stage.HIRED):  # say so before anyone types a start date
            self.failed(RuleError(rules.refusal(candidate, Stage.HIRED)), "jobs")
            return
        form = ModelForm(
            Employee, title=f"Hire {candidate.name} as {position.title}", fields=["start_date", "role", "manager"],
            initial={"name": candidate.name, "role": position.title, "manager": position.hiring_manager},
            save=lambda edit: actions.hire(store, candidate.id, edit.record.start_date, edit.record.role, edit.record.manager),
        )
        self.app.push_screen(form, self.hired)

    def hired(self, employee: Any) -> None:
        if employee is not None:
            self.notify(f"{employee.name} is now on the staff list, starting {employee.start_date:%d %b %Y}", timeout=4)
            self.reload()

    # -- interviews --------------------------------------------------------------------
    def action_interview(self) -> None:
        candidate, position, store = self.chosen(), self.position, self.store
        if candidate is None:
            return
        panel = [n for n in (store.user, position.hiring_manager if position else "") if n]
        known = self.data.interviewers if self.data else []
        form = InterviewForm(
            store, title=f"Interview with {candidate.name}", initial={"candidate_id": candidate.id, "interviewers": panel},
            suggestions={"interviewers": known},
        )
        self.app.push_screen(form, self.saved)

    def action_feedback(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate is None:
            return
        interview = first_interview_to_rate(self.interviews_of(candidate), store.now())
        if interview is None:
            self.failed(RuleError(f"{candidate.name} has no interview that has taken place yet."), "jobs")
            return
        form = ModelForm(
            Interview, title=f"Feedback: {candidate.name}, {rules.slot_words(interview)}", record=interview,
            fields=["rating", "feedback"],
            save=lambda edit: actions.give_feedback(store, interview.id, edit.record.rating or 0, edit.record.feedback),
        )
        self.app.push_screen(form, self.saved)

    # -- compare -----------------------------------------------------------------------
    def action_mark(self) -> None:
        candidate = self.chosen()
        if candidate is None:
            return
        self.marked_id = None if self.marked_id == candidate.id else candidate.id
        if self.data:
            self.show(self.data)
        self.notify(f"Marked {candidate.name}: now v on another to compare" if self.marked_id else "Mark removed", timeout=3)

    def action_compare(self) -> None:
        first, second, position = self.candidate(self.marked_id), self.chosen(), self.position
        if second is None or position is None:
            return
        if first is None or first.id == second.id:
            self.notify("Mark one candidate with m, then press v on another.", severity="warning")
            return
        self.app.push_screen(ComparisonModal(compare(first, second, position.criteria)))

    # -- new and edit ------------------------------------------------------------------
    def action_new(self) -> None:
        if self.position_id is None:
            self.notify("Add a position first.", severity="warning")
            return
        repo = self.store.repo("candidates")
        form = ModelForm(Candidate, title=f"New candidate for {self.position.title}", initial={"position_id": self.position_id},
                         fields=[f for f in Candidate.form_fields if f != "position_id"], save=saving_to(repo))
        self.app.push_screen(form, self.saved)

    @on(DataTable.RowSelected, "#candidate-list")
    def edit(self) -> None:
        candidate = self.selected_candidate()
        if candidate is None:
            return
        repo = self.store.repo("candidates")
        form = ModelForm(Candidate, title=f"Candidate {candidate.name}", record=candidate,
                         save=saving_to(repo), reload=lambda: repo.get(candidate.id))
        self.app.push_screen(form, self.saved)

    # -- the week of interviews --------------------------------------------------------
    def action_week(self) -> None:
        from screens.interviews import InterviewsScreen

        self.app.push_screen(InterviewsScreen(), self.back_from_week)

    def back_from_week(self, chosen: tuple[int, bool] | None) -> None:
        """Enter or f in the week: the candidate, and for f the feedback form."""
        if chosen is not None and self.select_record("candidates", chosen[0]) and chosen[1]:
            self.action_feedback()
