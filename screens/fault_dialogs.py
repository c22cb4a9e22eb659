"""The dialogs of a fault: its checklist of usual fixes, and the service-call sheet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static

from data.engine.states import words
from data.machines.models import Ticket
from data.machines.troubleshooting import symptom_words
from tui.jobs import JobScreen, Reply
from tui.plain import plain
from tui.widgets.dialogs import Dialog


def ticket_so_far(ticket: Ticket) -> str:
    """What is known of a ticket before the checklist ends in a service-call sheet."""
    tried = "\n".join(f"  - {s}" for s in ticket.steps_tried) or "  (none)"
    seen = f"Seen: {ticket.detail}\n" if ticket.detail else ""
    return f"{symptom_words(ticket.symptom)}: {words(ticket.status)}\n{seen}Tried:\n{tried}\n"


def step_line(step: str, ticked: bool) -> Text:
    return Text.assemble(("[x] " if ticked else "[ ] ", "bold green" if ticked else "dim"), plain(step))


class ChecklistModal(Dialog[tuple[str | None, list[str]]]):
    """The usual fixes for a fault, ticked as they are tried; then fixed or not."""

    BINDINGS = [
        Binding("j", "move('down')", "Down", show=False, id="checklist.down", tooltip="Next step"),
        Binding("k", "move('up')", "Up", show=False, id="checklist.up", tooltip="Previous step"),
        Binding("space", "tick", "Tick", id="checklist.tick", tooltip="Tick (or untick) the step as tried"),
        Binding("f", "finish('fixed')", "Fixed", id="checklist.fixed", tooltip="It works again: the ticket is closed"),
        Binding("v", "finish('not fixed')", "Not fixed", id="checklist.not_fixed",
                tooltip="Nothing helped: the machine is down and the vendor is called"),
        Binding("escape", "finish(None)", "Later", id="checklist.later", tooltip="Keep the ticks; the ticket stays open"),
    ]

    def __init__(self, title: str, steps: Sequence[str], tried: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.steps = list(steps) + [s for s in tried if s not in steps]
        self.tried = set(tried)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form checklist"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield OptionList(*(step_line(s, s in self.tried) for s in self.steps), id="steps")
            yield Label("space tick a step   f fixed   v not fixed: call the vendor   esc later", classes="keys")

    def action_move(self, direction: str) -> None:
        steps = self.query_one(OptionList)
        steps.action_cursor_down() if direction == "down" else steps.action_cursor_up()

    @on(OptionList.OptionSelected)
    def action_tick(self) -> None:
        steps = self.query_one(OptionList)
        index = steps.highlighted
        if index is None:
            return
        step = self.steps[index]
        self.tried ^= {step}
        steps.replace_option_prompt_at_index(index, step_line(step, step in self.tried))
        steps.refresh()  # replacing a prompt does not repaint the list by itself

    def action_finish(self, outcome: str | None) -> None:
        self.dismiss((outcome, [s for s in self.steps if s in self.tried]))


class Written(Reply):
    """Where the service-call sheet's file went."""


class SheetModal(Dialog[None], JobScreen):
    """A ticket's service-call sheet (or what is known so far); w writes it to a file."""

    BINDINGS = [
        Binding("w", "write", "Write to file", id="sheet.write", tooltip="Save the sheet as a text file to mail or print"),
        Binding("escape,enter", "dismiss(None)", "Close", id="sheet.close", tooltip="Back to the machines"),
    ]

    def __init__(self, title: str, text: str, write: Callable[[], Path] | None) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(classes="form sheet"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            with VerticalScroll():
                yield Static(plain(self.text), id="sheet-text")
            yield Static("", id="sheet-where")
            yield Label("w write to a file   enter close" if self.write else "enter close", classes="keys")

    def action_write(self) -> None:
        if self.write is not None:
            self.run_job(self.write, Written, group="write", exclusive=True)

    @on(Written)
    def written(self, message: Written) -> None:
        message.stop()
        self.query_one("#sheet-where", Static).update(plain(f"Written to {message.result}", style="green"))
