"""A machine's maintenance plans: what is done to it how often, when each falls due, and the
log of when each was done; added, edited and removed by key."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from data.machines import actions
from data.machines.forecasts import MaintenanceDue
from data.machines.models import MaintenancePlan
from data.machines.views import PlansPage, plans_page
from screens.base import SectionScreen
from tui.plain import inert
from tui.widgets.dialogs import ConfirmModal
from tui.widgets.key_bar import KeyBar
from tui.widgets.model_form import ModelForm, saving_to
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar

PLAN_FIELDS = ["task", "every_days", "every_pages", "last_done_on", "last_done_pages"]


def every_words(plan: MaintenancePlan) -> str:
    parts = [f"{plan.every_days} days" if plan.every_days else "", f"{plan.every_pages:,} pages" if plan.every_pages else ""]
    return " or ".join(p for p in parts if p)


def due_cell(due: MaintenanceDue) -> Text:
    if due.is_due:
        return Text("DUE", style="bold red")
    if due.due_on:
        return Text(f"{due.due_on:%d %b %Y}")
    return Text(f"in {due.pages_left:,} pages" if due.pages_left is not None else "")


def plan_row(due: MaintenanceDue) -> tuple[int, list]:
    plan = due.plan
    return plan.id, [plan.task, due_cell(due), f"{plan.last_done_on:%d %b %Y}", every_words(plan)]  # type: ignore[return-value]


def removed_row(plan: MaintenancePlan) -> tuple[int, list]:
    removed = Text(f"removed {plan.removed_on:%d %b %Y} ({plan.removed_by})", style="dim")
    return plan.id, [Text(plan.task, style="dim strike"), removed, f"{plan.last_done_on:%d %b %Y}", every_words(plan)]  # type: ignore[return-value]


def log_text(plan: MaintenancePlan) -> Text:
    """When the plan was done, newest first."""
    text = Text.assemble((plan.task, "bold"), ": ")
    if not plan.log:
        return text.append(f"last done {plan.last_done_on:%d %b %Y} (before the log began)", style="dim")
    for number, visit in enumerate(reversed(plan.log)):
        said = f"{visit.done_on:%d %b %Y} at {visit.pages:,} pages" + (f" by {visit.by}" if visit.by else "")
        text.append("; " if number else "done ")
        if visit.is_void:
            text.append(said, style="dim strike").append(f" (not done: {visit.void_reason}, {visit.voided_by})", style="dim")
        else:
            text.append(said)
    return text


class PlansScreen(SectionScreen):
    CSS_PATH = "machines.tcss"
    domains = frozenset({"machines"})
    BINDINGS = [
        Binding("escape", "back", "Machine", id="plans.back", tooltip="Back to the machine's page"),
        Binding("n", "new", "New plan", id="plans.new", tooltip="Plan a task every so many days or pages"),
        Binding("e", "edit", "Edit", id="plans.edit", tooltip="Change the task, how often, or when it was last done"),
        Binding("m", "done", "Done today", id="plans.done", tooltip="The task was done today: logged, next due moves on"),
        Binding("d", "remove", "Remove", id="plans.remove", tooltip="The plan is no longer followed (its log is kept)"),
        Binding("v", "void_visit", "Not done", show=False, id="plans.void_visit",
                tooltip="The last 'done' was logged by mistake: take it back with the reason"),
    ]

    def __init__(self, machine_id: int) -> None:
        super().__init__()
        self.machine_id = machine_id
        self.data: PlansPage | None = None

    def compose(self) -> ComposeResult:
        yield SectionBar("machines")
        yield Static(id="plans-title")
        yield RecordTable([("task", "Task"), ("due", "Next due"), ("last", "Last done"), ("every", "Every")], id="plans")
        yield Static(id="plan-log")
        yield KeyBar()

    def fetch(self) -> PlansPage:
        return plans_page(self.store, self.machine_id)

    def show(self, data: PlansPage) -> None:
        self.data = data
        self.query_one("#plans-title", Static).update(inert(Text(f"Maintenance plans — {data.machine.label()}", style="bold")))
        rows = [plan_row(due) for due in data.dues] + [removed_row(plan) for plan in data.removed]
        self.query_one("#plans", RecordTable).set_rows(rows)
        self.show_log()

    def selected_plan(self) -> MaintenancePlan | None:
        return self.data.plan(self.query_one("#plans", RecordTable).selected_key) if self.data else None

    @on(DataTable.RowHighlighted)
    def show_log(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            line = Text("No plan yet: n plans a task (a drum every 50,000 pages, a clean every 90 days).", style="dim")
        else:
            line = log_text(plan)
        self.query_one("#plan-log", Static).update(inert(line))

    def followed_plan(self) -> MaintenancePlan | None:
        plan = self.selected_plan()
        if plan is None or plan.is_removed:
            self.notify("Choose a plan that is followed.", severity="warning")
            return None
        return plan

    def action_back(self) -> None:
        self.dismiss()

    def action_new(self) -> None:
        if self.data is None:
            return
        store = self.store
        form = ModelForm(MaintenancePlan, title=f"New plan — {self.data.machine.asset_tag}", fields=PLAN_FIELDS,
                         initial={"machine_id": self.machine_id, "last_done_on": store.today(), "last_done_pages": self.data.counter},
                         save=lambda edit: actions.add_plan(store, edit.record))
        self.app.push_screen(form, self.saved)

    def action_edit(self) -> None:
        plan = self.followed_plan()
        if plan is None:
            return
        repo = self.store.repo("maintenance_plans")
        form = ModelForm(MaintenancePlan, title=f"Plan: {plan.task}", record=plan, fields=PLAN_FIELDS,
                         save=saving_to(repo), reload=lambda: repo.get(plan.id))
        self.app.push_screen(form, self.saved)

    def action_done(self) -> None:
        plan = self.followed_plan()
        if plan is not None:
            self.run_job(lambda: actions.maintenance_done(self.store, plan.id), notice=f"{plan.task}: done today")

    def action_remove(self) -> None:
        plan = self.followed_plan()
        if plan is None:
            return

        def remove(yes: bool | None) -> None:
            if yes:
                self.run_job(lambda: actions.remove_plan(self.store, plan.id), notice=f"Plan {plan.task} removed")

        self.app.push_screen(ConfirmModal(f"Stop following the plan {plan.task}? Its log is kept."), remove)

    def action_void_visit(self) -> None:
        plan = self.followed_plan()
        if plan is None:
            return

        def take_back(reason: str | None) -> None:
            if reason is not None:
                self.run_job(lambda: actions.void_last_visit(self.store, plan.id, reason), notice=f"{plan.task}: the last visit taken back")

        self.app.push_screen(PromptModal(f"Why was {plan.task} not done after all?", placeholder="pressed on the wrong plan…",
                                         check=lambda text: None if text.strip() else "Say why the maintenance was not done."), take_back)
