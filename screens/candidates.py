"""Candidates: CV triage per position — scores, shortlist, reject, compare, interviews, offer, hire."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from data.addresses import readable_number
from data.candidates import actions, rules
from data.candidates.cv_import import CvOutcome, import_cvs, open_cv
from data.candidates.retention import erase_candidate
from data.candidates.models import Candidate, Interview, Position, PositionStatus, Stage
from data.candidates.views import (
    CandidatesView,
    candidates_view,
    compare,
    first_interview_to_rate,
    position_order,
)
from data.engine.clock import local
from data.engine.errors import RuleError
from data.engine.states import words
from data.engine.text import visible
from data.staff.letters import offer_letter
from data.staff.models import Employee
from screens.base import SectionScreen
from screens.candidate_dialogs import ComparisonModal, CvForm, InterviewForm, cv_report, mail_invitations, score_words
from screens.letters import LetterModal
from tui.jobs import Reply
from tui.plain import inert
from tui.widgets.dialogs import ConfirmModal
from tui.widgets.key_bar import KeyBar
from tui.widgets.model_form import ModelForm, saving_to
from tui.widgets.path_suggester import PathSuggester
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar
from tui.widgets.steady import refill

SCORE_KEYS = "12345"
NAMED_AT_MOST = 5  # in a question about many candidates, the others are counted
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
        return Text("No openings yet: p, then n adds one.", style="dim")
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
    if candidate.erased_at:
        text.append(f"Personal data erased {local(candidate.erased_at):%d %b %Y}; kept: stages, dates, scores\n", style="dim")
    if candidate.stage == Stage.REJECTED and candidate.reject_reason:
        text.append(f"Rejected: {candidate.reject_reason}\n", style="red")
    if candidate.offer_terms and candidate.stage in (Stage.OFFER, Stage.HIRED):
        text.append(f"Offer: {candidate.offer_terms}\n", style="yellow")
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


def criteria_strip(position: Position | None, candidate: Candidate | None, user: str, focused: int | None, width: int = 80) -> Text:
    """The scores the user gave the candidate; while scoring, the criterion the digits score is lit.
    Names are shortened so that every criterion fits the width."""
    if position is None or not position.criteria:
        return Text(" This position has no criteria to score.", style="dim")
    mine = candidate.scores.get(user, {}) if candidate else {}
    hint = "  1–5 score ←→ j/k esc" if focused is not None else "  tab: score"
    longest = max(len(c.name) for c in position.criteria)
    room = (width - len(hint)) // len(position.criteria) - 4  # " name 5 " around each
    shown = max(min(longest, room), 3)
    strip = Text("")
    for index, criterion in enumerate(position.criteria):
        name = criterion.name if len(criterion.name) <= shown else criterion.name[:shown - 1] + "…"
        strip.append(f" {name} {mine.get(criterion.name, '·')} ", style="bold reverse" if index == focused else "")
    return strip.append(hint, style="dim")


class CvRead(Reply):
    """One CV file read, for its form."""


class StillInTheRunning(Reply):
    """(the opening just filled, the candidates still open on it)."""


class CvsImported(Reply):
    """A folder of CVs imported: what became of each file."""


class ScoreBar(Static, can_focus=True):
    """Focus it (tab) to score: the digits then score the lit criterion instead of switching sections."""


class CandidatesScreen(SectionScreen):
    CSS_PATH = "candidates.tcss"
    domains = frozenset({"people"})
    BINDINGS = [
        *(Binding(key, f"score({key})", f"Score {key}", show=False, id=f"candidates.score_{key}",
                  tooltip=f"In the score bar (tab): {key} of 5") for key in SCORE_KEYS),
        Binding("left", "criterion(-1)", "Previous criterion", show=False, id="candidates.previous_criterion",
                tooltip="In the score bar"),
        Binding("right", "criterion(1)", "Next criterion", show=False, id="candidates.next_criterion",
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
        Binding("S", "screening", "Screening", show=False, id="candidates.screening", tooltip="The CV is being looked at"),
        Binding("r", "reject", "Reject", id="candidates.reject", tooltip="Reject the candidate, saying why"),
        Binding("R", "reconsider", "Reconsider", show=False, id="candidates.reconsider",
                tooltip="A rejected candidate is looked at again (back to screening)"),
        Binding("w", "withdrew", "Withdrew", show=False, id="candidates.withdrew", tooltip="The candidate withdrew"),
        Binding("i", "interview", "Interview", id="candidates.interview", tooltip="Book a slot, clashes refused"),
        Binding("f", "feedback", "Feedback", show=False, id="candidates.feedback", tooltip="Rating after the interview"),
        Binding("o", "offer", "Offer", priority=True, id="candidates.offer", tooltip="Make the candidate an offer"),
        Binding("h", "hire", "Hire", id="candidates.hire", tooltip="Offer accepted: make an employee"),
        Binding("L", "letter", "Offer letter", show=False, id="candidates.letter",
                tooltip="The offer letter from the office's template, to read, save and print"),
        Binding("m", "mark", "Mark", show=False, id="candidates.mark", tooltip="Mark one to compare"),
        Binding("v", "compare", "Compare", id="candidates.compare", tooltip="The marked one beside this one"),
        Binding("n", "new", "New", show=False, id="candidates.new", tooltip="A new candidate for this position"),
        Binding("p", "openings", "Openings", id="candidates.openings", tooltip="Openings: add, edit criteria, close, reopen"),
        Binding("E", "erase", "Erase data", show=False, id="candidates.erase",
                tooltip="Erase the candidate's personal data on their request (asks first)"),
        Binding("I", "import_cvs", "Import CVs", show=False, id="candidates.import_cvs",
                tooltip="A CV file (PDF, DOCX, ODT, text) or a folder of them, as candidates for this position"),
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
        self.scoring_order: list = []  # the list's order when scoring began (tab), held until it ends
        self.show_all = False
        self.detail_id: int | None = None  # the candidate whose CV is shown

    def compose(self) -> ComposeResult:
        yield SectionBar("candidates")
        yield Static(id="position-line")
        with Horizontal(id="triage"):
            with Vertical(id="list-pane"):  # the / filter opens above the list, inside its pane
                yield RecordTable([("score", "Score"), ("name", "Name"), ("stage", "Stage")], id="candidate-list")
            with VerticalScroll(id="cv-pane", can_focus=False):  # space and b scroll it
                yield Static(id="cv")
        yield ScoreBar(id="criteria", markup=False)
        yield KeyBar()

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
        rows = (candidate_row(c, rules.weighted_score(c, criteria), c.id == self.marked_id) for c in self.in_order(shown, criteria))
        self.query_one("#candidate-list", RecordTable).set_rows(rows)
        refill(self.query_one("#position-line", Static), inert(position_line(position, len(shown), len(applicants)), one_line=True))
        self.update_detail()

    def in_order(self, shown: list[Candidate], criteria: list) -> list[Candidate]:
        """Best score first; while scoring, the order scoring began with, so that j goes on to
        the candidate who was below — a score that re-ranks the list re-ranks it afterwards."""
        ranked = rules.ranked(shown, criteria)
        if not self.scoring_order:
            return ranked
        held = {candidate_id: n for n, candidate_id in enumerate(self.scoring_order)}
        return sorted(ranked, key=lambda c: held.get(c.id, len(held)))

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
            refill(detail, Text("No candidates here." if position else "", style="dim"))
        else:
            refill(detail, inert(candidate_detail(candidate, position, self.interviews_of(candidate))))
        user = self.data.user if self.data else ""
        self.criterion_index = min(self.criterion_index, max(len(position.criteria) - 1, 0)) if position else 0
        scoring = self.focused is self.query_one("#criteria")
        strip = criteria_strip(position, candidate, user, self.criterion_index if scoring else None, self.size.width)
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
        if self.in_trouble or not self.query("#candidate-list"):
            return False  # cannot be shown, or no access: only the app's keys work here
        if action in SCORING_ACTIONS:  # elsewhere the key goes on to the app; help still lists it
            return True if self.focused is self.query_one("#criteria") else None
        if action == "offer":  # o sorts other lists, and is a letter in the filter
            return self.focused in (self.query_one("#candidate-list"), self.query_one("#criteria"))
        return True

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def focus_moved(self) -> None:
        if self.data is None or not self.query("#criteria"):  # not when the section is closed to this user
            return
        scoring = self.focused is self.query_one("#criteria")
        if scoring and not self.scoring_order:
            self.scoring_order = self.query_one("#candidate-list", RecordTable).visible_keys
        elif not scoring and self.scoring_order:
            self.scoring_order = []
            self.show(self.data)  # ranked again, by the scores just given
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
    def ask_if_skipping(self, candidate: Candidate, to: Stage, go: Callable[[bool], None]) -> None:
        """``go(sure)``, after asking when the move skips a step of the usual way."""
        skipped = rules.skipped_steps(candidate, to, self.interviews_of(candidate)) if rules.STAGE_MOVES.can(candidate, to) else ""
        if skipped:
            self.app.push_screen(ConfirmModal(f"{skipped} {to.value.capitalize()} anyway?"), lambda sure: sure and go(True))
        else:
            go(False)

    def action_shortlist(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate:
            self.ask_if_skipping(candidate, Stage.SHORTLISTED, lambda sure: self.run_job(
                lambda: actions.shortlist(store, candidate.id, sure=sure), notice=f"Shortlisted {candidate.name}"))

    def action_screening(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate:
            self.run_job(lambda: actions.screen(store, candidate.id), notice=f"{candidate.name}: screening")

    def action_withdrew(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate is None:
            return

        def answered(note: str | None) -> None:
            if note is not None:
                self.run_job(lambda: actions.withdraw(store, candidate.id, note), notice=f"{candidate.name} withdrew")

        self.app.push_screen(PromptModal(f"{candidate.name} withdrew: why? (enter to skip)", placeholder="took another job…"), answered)

    def action_reconsider(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate:
            self.run_job(lambda: actions.reconsider(store, candidate.id), notice=f"{candidate.name}: looked at again")

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

        def ask_terms(sure: bool) -> None:
            def answered(terms: str | None) -> None:
                if terms is not None:
                    self.run_job(lambda: actions.make_offer(store, candidate.id, terms, sure), notice=f"Offer made to {candidate.name}")

            self.app.push_screen(PromptModal(f"Offer to {candidate.name}", value=candidate.offer_terms,
                                             placeholder="terms: salary, hours, start date"), answered)

        self.ask_if_skipping(candidate, Stage.OFFER, ask_terms)

    def action_hire(self) -> None:
        candidate, position, store = self.chosen(), self.position, self.store
        if candidate is None or position is None:
            return
        if not rules.STAGE_MOVES.can(candidate, Stage.HIRED):  # say so before anyone types a start date
            self.failed(RuleError(rules.refusal(candidate, Stage.HIRED)), "jobs")
            return
        form = ModelForm(
            Employee, title=f"Hire {candidate.name} as {position.title}", fields=["start_date", "role", "manager"],
            initial={"name": visible(candidate.name, one_line=True), "role": visible(position.title, one_line=True),
                     "manager": visible(position.hiring_manager, one_line=True)},  # a new record's text is plain
            save=lambda edit: actions.hire(store, candidate.id, edit.record.start_date, edit.record.role, edit.record.manager),
        )
        self.app.push_screen(form, lambda employee: self.hired(employee, position))

    def action_letter(self) -> None:
        candidate, position, store = self.chosen(), self.position, self.store
        if candidate is None or position is None:
            return
        office = self.app.settings.office  # type: ignore[attr-defined]
        self.app.push_screen(LetterModal(store, lambda: offer_letter(store, candidate, position, office)))

    def hired(self, employee: Any, position: Position) -> None:
        if employee is not None:
            self.notify(f"{employee.name} is now on the staff list, starting {employee.start_date:%d %b %Y}", timeout=4)
            self.reload()
            store = self.store
            self.run_job(lambda: (position, actions.still_open_if_filled(store, position.id)), StillInTheRunning)

    @on(StillInTheRunning)
    def offer_to_reject_the_rest(self, message: StillInTheRunning) -> None:
        """The opening is filled: the others still in the running are told no in one go, if
        the person says so (some offices keep a runner-up a while)."""
        message.stop()
        position, rest = message.result
        if not rest:
            return
        store, names = self.store, ", ".join(c.name for c in rest[:NAMED_AT_MOST])
        names += f" and {len(rest) - NAMED_AT_MOST} more" if len(rest) > NAMED_AT_MOST else ""
        question = (f"{position.title} is filled. Reject the {len(rest)} still in the running — {names} — "
                    f"saying \"{actions.POSITION_FILLED}\"? Their booked interviews are cancelled.")

        def reject_them() -> str:
            rejected, cancelled = actions.reject_the_rest(store, position.id)
            said = f"Rejected {len(rejected)}"
            return f"{said}; {cancelled} interview(s) cancelled, {mail_invitations(store, self.app)}" if cancelled else said

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_job(reject_them)

        self.app.push_screen(ConfirmModal(question, "Reject the rest?"), answered)

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
    def action_openings(self) -> None:
        from screens.openings import OpeningsScreen

        self.app.push_screen(OpeningsScreen(), lambda position_id: position_id is not None and self.choose_position(position_id))

    def opening_choices(self) -> dict[str, list[tuple[str, int]]]:
        positions = position_order(self.data.positions) if self.data else []
        return {"position_id": [(f"{p.title} ({p.status.value})" if p.status != PositionStatus.OPEN else p.title, p.id) for p in positions]}

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
        form = ModelForm(Candidate, title=f"Candidate {candidate.name}", record=candidate, choices=self.opening_choices(),
                         save=saving_to(repo), reload=lambda: repo.get(candidate.id))
        self.app.push_screen(form, self.saved)

    # -- erasing on request ------------------------------------------------------------
    def action_erase(self) -> None:
        candidate, store = self.chosen(), self.store
        if candidate is None:
            return
        if candidate.erased_at:
            self.notify(f"{candidate.name}: already erased.", severity="warning")
            return
        withdraws = "" if candidate.is_closed else " They are withdrawn from the opening, and booked interviews cancelled."
        question = (f"Erase {candidate.name}'s personal data — name, contact details, CV and file, comments — for good?"
                    f"{withdraws} Stages, dates and scores stay for statistics.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_job(lambda: erase_candidate(store, candidate.id), notice=f"Erased {candidate.name}'s personal data")

        self.app.push_screen(ConfirmModal(question, f"Erase {candidate.name}?"), answered)

    # -- CVs from files --------------------------------------------------------------------
    def action_import_cvs(self) -> None:
        position = self.position
        if position is None:
            self.notify("Add a position first.", severity="warning")
            return

        def answered(typed: str | None) -> None:
            if typed and typed.strip():
                self.read_cvs(Path(typed.strip()).expanduser(), position)

        self.app.push_screen(PromptModal(f"CVs for {position.title}: a file or a folder", placeholder="path, e.g. ~/cvs/",
                                         suggester=PathSuggester()), answered)

    def read_cvs(self, path: Path, position: Position) -> None:
        store = self.store
        if path.is_dir():
            self.run_job(lambda: import_cvs(store, str(position.id), [path]), CvsImported)
        else:
            self.run_job(lambda: open_cv(path), CvRead)

    @on(CvRead)
    def confirm_cv(self, message: CvRead) -> None:
        message.stop()
        position = self.position
        if position is not None:
            form = CvForm(self.store, message.result, position.id, title=f"New candidate for {position.title}")
            self.app.push_screen(form, self.cv_taken)

    def cv_taken(self, outcome: CvOutcome | None) -> None:
        if outcome is not None:
            self.notify(outcome.line(), timeout=6)
            self.reload()

    @on(CvsImported)
    def say_what_became_of_the_cvs(self, message: CvsImported) -> None:
        message.stop()
        self.app.push_screen(cv_report(message.result))
        self.reload()

    # -- the week of interviews --------------------------------------------------------
    def action_week(self) -> None:
        from screens.interviews import InterviewsScreen

        self.app.push_screen(InterviewsScreen(), self.back_from_week)

    def back_from_week(self, chosen: tuple[int, bool] | None) -> None:
        """Enter or f in the week: the candidate, and for f the feedback form."""
        if chosen is not None and self.select_record("candidates", chosen[0]) and chosen[1]:
            self.action_feedback()
