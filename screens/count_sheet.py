"""The count sheet: walk the shelves in location order, type what is there, enter moves on.
Leaving keeps the count; opening it again resumes at the first item not yet counted."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from data.engine.store import Store
from data.stock import actions, rules
from data.stock.models import CountSession, SupplyItem
from data.stock.views import items_by_id
from tui.jobs import JobScreen, Reply, describe
from tui.plain import inert, plain
from tui.widgets.dialogs import ConfirmModal
from tui.widgets.fields import PlainInput
from tui.widgets.key_bar import KeyBar
from tui.widgets.section_bar import SectionBar


class Counted(Reply):
    """(the count session as saved, the supply items by id)."""


class CountSheet(JobScreen):
    CSS_PATH = "count_sheet.tcss"
    BINDINGS = [
        Binding("escape", "leave", "Leave (resumes later)", id="stock.count.leave",
                tooltip="Leave the count; it resumes where it stopped"),
        Binding("up", "step(-1)", "Back", id="stock.count.back", tooltip="Go back to count an item again"),
        Binding("down", "step(1)", "Forward", show=False, id="stock.count.forward",
                tooltip="Forward again, up to the first item not counted"),
        Binding("ctrl+f", "finish", "Finish now", id="stock.count.finish",
                tooltip="End the count here; items not counted keep their book figure"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.session: CountSession | None = None
        self.items: dict[int, SupplyItem] = {}
        self.current: int | None = None  # the item id on screen

    def compose(self) -> ComposeResult:
        yield SectionBar("stock")
        with Vertical(id="count-sheet"):
            yield Static("Count sheet: loading…", id="count-progress")
            yield Static("", id="count-item")
            with Horizontal(id="count-entry"):
                yield Label("Counted", classes="field-label")
                yield PlainInput(placeholder="the quantity on the shelf", id="counted", compact=True)
            yield Static("", id="count-error", classes="field-error")
            yield Label("enter next   ↑ back to count again   ctrl+f finish now   esc leave", classes="keys", id="count-keys")
            yield Static("", id="count-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#count-summary").display = False
        self.count(lambda store: actions.start_count(store))

    def count(self, step) -> None:
        """Run a step of the count in a thread; the sheet follows what it saved."""
        store = self.store
        self.run_job(lambda: (step(store), items_by_id(store)), Counted, group="count", exclusive=True)

    def failed(self, error: Exception, group: str) -> None:
        """Said under the entry, where the next number is typed."""
        message = self.query_one("#count-error", Static)
        message.update(plain(describe(error)))
        message.add_class("-shown")

    @on(Counted)
    def counted(self, message: Counted) -> None:
        message.stop()
        self.session, self.items = message.result
        self.refresh_bindings()
        self.query_one("#count-error").remove_class("-shown")
        self.current = self.first_not_counted()
        if self.session.finished or self.current is None:
            self.show_summary()
        else:
            self.show_current()

    def walk(self) -> list[int]:
        """The sheet's items still in the office, in location order."""
        return [i for i in self.session.item_ids if i in self.items] if self.session else []

    def first_not_counted(self) -> int | None:
        return next((i for i in self.walk() if i not in self.session.counted), None)

    def show_current(self) -> None:
        walk, item = self.walk(), self.items[self.current]
        counted_before = self.session.counted.get(self.current)
        again = f"; counted {counted_before} before, type it again to put it right" if counted_before is not None else ""
        self.query_one("#count-progress", Static).update(f"Count sheet: item {walk.index(self.current) + 1} of {len(walk)}{again}")
        text = Text()
        text.append(f"{item.location or 'No location'}\n", style="bold")
        text.append(item.name, style="bold")
        text.append(f"  ({item.sku or 'no SKU'}), counted in {item.unit}\n")
        self.query_one("#count-item", Static).update(inert(text))
        entry = self.query_one("#counted", Input)
        entry.value = ""
        entry.focus()

    def action_step(self, step: int) -> None:
        if self.current is None:
            return
        walk = self.walk()
        last = walk.index(self.first_not_counted()) if self.first_not_counted() is not None else len(walk) - 1
        self.current = walk[min(max(walk.index(self.current) + step, 0), last)]
        self.query_one("#count-error").remove_class("-shown")
        self.show_current()

    @on(Input.Submitted, "#counted")
    def record(self, event: Input.Submitted) -> None:
        event.stop()
        if self.session is None or self.current is None:
            return
        session_id, item_id, value = self.session.id, self.current, event.value
        self.count(lambda store: actions.record_count(store, session_id, item_id, value))

    def action_finish(self) -> None:
        if self.session is None or self.session.finished:
            return
        session_id = self.session.id

        def answered(yes: bool | None) -> None:
            if yes:
                self.count(lambda store: actions.finish_count(store, session_id))

        self.app.push_screen(ConfirmModal("Finish the count now? The items not counted keep their book figure."), answered)

    def show_summary(self) -> None:
        for part in ("#count-entry", "#count-item", "#count-keys"):
            self.query_one(part).display = False
        counted, total = self.session.progress()
        self.query_one("#count-progress", Static).update(f"Count finished: {counted} of {total} items counted")
        summary = Text()
        differences = rules.count_summary(self.session, self.items)
        if not differences:
            summary.append("Every count matched the book.\n" if counted else "Nothing was counted.\n")
        for row in differences:
            summary.append(f"{row.item.name:<36.36} book {row.book:>5}  counted {row.counted:>5}  ")
            summary.append(f"{row.difference:+d}\n", style="bold red" if row.difference < 0 else "bold green")
        summary.append("\nThe differences are booked as adjustments. esc closes.", style="dim")
        widget = self.query_one("#count-summary", Static)
        widget.update(inert(summary))
        widget.display = True
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("step", "finish"):
            return self.session is not None and not self.session.finished
        return True

    def action_leave(self) -> None:
        self.dismiss(None)
