"""An employee's onboarding checklist: the open items first to the eye, each ticked by key."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from data.engine.store import Store
from data.staff import actions
from data.staff.models import ChecklistItem, Employee
from data.staff.templates import Template
from screens.letters import TemplateEditor
from tui.jobs import JobScreen, Reply
from tui.plain import plain, title
from tui.widgets.dialogs import Dialog


class Ticked(Reply):
    """The employee as saved with an item ticked or unticked."""


def item_line(item: ChecklistItem) -> Text:
    if item.done_on is None:
        return Text.assemble(("[ ] ", "bold"), plain(item.text, one_line=True))
    done = Text.assemble(("[x] ", "dim"), plain(item.text, "dim", one_line=True))
    done.append_text(plain(f"  {item.done_on:%d %b} {item.done_by}", "dim", one_line=True))
    return done


def summary(employee: Employee) -> str:
    open_items, every = len(employee.open_onboarding), len(employee.onboarding)
    if not every:
        return f"{employee.name} has no checklist: the template was empty when they started."
    return f"{open_items} of {every} still to do" if open_items else f"All {every} done"


class ChecklistModal(Dialog[None], JobScreen):
    """space or enter ticks the item under the cursor (or takes the tick back); saved at once."""

    CSS_PATH = "onboarding.tcss"
    BINDINGS = [
        Binding("space", "tick", "Tick", id="checklist.tick", tooltip="Done today, or not done after all"),
        Binding("j", "move('down')", "Down", show=False, id="checklist.down", tooltip="Next item"),
        Binding("k", "move('up')", "Up", show=False, id="checklist.up", tooltip="Previous item"),
        Binding("e", "edit_template", "Edit template", id="checklist.template",
                tooltip="The office's checklist, which new employees get from now on"),
        Binding("escape", "close", "Close", id="checklist.close", tooltip="Close"),
    ]

    def __init__(self, store: Store, employee: Employee) -> None:
        super().__init__()
        self.store = store
        self.employee = employee

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static("", id="checklist-summary", classes="intro")
            yield OptionList(id="checklist-items")
            yield Label("space tick   e edit the office's template   esc close", classes="keys")

    def on_mount(self) -> None:
        self.query_one(".form").border_title = title(f"Onboarding of {self.employee.name}")
        self.show_items()

    def show_items(self) -> None:
        items = self.query_one("#checklist-items", OptionList)
        highlighted = items.highlighted
        items.clear_options()
        items.add_options(Option(item_line(item)) for item in self.employee.onboarding)
        if self.employee.onboarding:
            items.highlighted = min(highlighted or 0, len(self.employee.onboarding) - 1)
        self.query_one("#checklist-summary", Static).update(plain(summary(self.employee)))

    def action_move(self, direction: str) -> None:
        items = self.query_one("#checklist-items", OptionList)
        items.action_cursor_down() if direction == "down" else items.action_cursor_up()

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_tick()

    def action_tick(self) -> None:
        index = self.query_one("#checklist-items", OptionList).highlighted
        if index is None or index >= len(self.employee.onboarding):
            return
        done = self.employee.onboarding[index].done_on is None
        store, employee_id = self.store, self.employee.id
        self.run_job(lambda: actions.tick(store, employee_id, index, done), Ticked, group="tick")  # type: ignore[arg-type]

    @on(Ticked)
    def ticked(self, message: Ticked) -> None:
        message.stop()
        self.employee = message.result
        self.show_items()

    def action_edit_template(self) -> None:
        self.app.push_screen(TemplateEditor(self.store, Template.ONBOARDING))

    def action_close(self) -> None:
        self.dismiss(None)
