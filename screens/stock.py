"""Stock: the supplies list, the order list with its arithmetic, orders and deliveries,
issuing and adjusting, the item detail with its level over time, and the count sheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Sparkline, Static, TabbedContent, TabPane

from data import stock as rules
from data.engine.clock import local
from data.engine.errors import FieldError
from data.stock import CountSession, Order, OrderStatus, ReorderLine, StockMovement, SupplyItem
from screens.base import TabbedSection, describe
from tui.messages import JobFinished
from tui.plain import inert, plain, title
from tui.widgets.dialogs import ConfirmModal, close_unless_typed
from tui.widgets.fields import PlainInput, PlainTextArea
from tui.widgets.model_form import ModelForm
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar

ITEM_ACTIONS = {"new", "edit", "use", "adjust"}
ORDER_LIST_ACTIONS = {"draft"}
ORDER_ACTIONS = {"place", "edit_draft", "receive", "export_csv", "export_email", "cancel_order"}


# -- what the section shows ----------------------------------------------------------------


@dataclass
class StockData:
    items: list[SupplyItem]
    orders: list[Order]
    order_list: list[ReorderLine]
    now: datetime

    def item(self, item_id: int | None) -> SupplyItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def order(self, order_id: int | None) -> Order | None:
        return next((o for o in self.orders if o.id == order_id), None)


def load_stock(store) -> StockData:
    items = store.repo("supplies").list()
    orders = store.repo("orders").list()
    now = store.now()
    return StockData(items, orders, rules.reorder_list(items, orders, store.repo("stock_movements").list(), now), now)


def on_hand_cell(item: SupplyItem) -> Text:
    if item.on_hand == 0:
        return Text(f"{item.on_hand} OUT", style="bold red")
    if rules.needs_reorder(item):
        return Text(f"{item.on_hand} LOW", style="bold yellow")
    return Text(str(item.on_hand))


def item_row(item: SupplyItem) -> tuple[int, list]:
    name = Text(item.name, style="bold" if rules.needs_reorder(item) else "")
    return item.id, [name, on_hand_cell(item), item.reorder_point, item.target, item.location, item.unit]


def reorder_row(line: ReorderLine) -> tuple[int, list]:
    sums = line.arithmetic
    arithmetic = f"{sums.target}−{sums.on_hand}−{sums.on_order}={sums.shortfall} → {sums.packs}×{sums.pack_size}"
    quantity = Text(str(line.quantity), style="bold" if line.quantity else "dim")
    cover = "no use" if line.days_of_cover is None else f"{line.days_of_cover:.0f} d"
    return line.item.id, [line.item.name, quantity, arithmetic, cover, line.item.supplier]


def reorder_detail(line: ReorderLine) -> Text:
    item = line.item
    text = Text()
    text.append(f"{item.name}: order {line.quantity} {item.unit}\n", style="bold")
    text.append(line.explain() + "\n")
    text.append(f"{line.cover_text()} at {line.per_day:.2f} a day; {item.supplier or 'no supplier'}, {item.lead_days} days lead",
                style="dim")
    return inert(text)


ORDER_STYLE = {OrderStatus.DRAFT: "dim", OrderStatus.ORDERED: "yellow", OrderStatus.PARTLY_RECEIVED: "bold yellow",
               OrderStatus.RECEIVED: "green", OrderStatus.CANCELLED: "dim strike"}


def order_row(order: Order) -> tuple[int, list]:
    to_come = sum(line.outstanding for line in order.lines) if not rules.order_is_closed(order) else 0
    status = Text(rules.status_words(order.status), style=ORDER_STYLE.get(order.status, ""))
    ordered = f"{local(order.ordered_on):%Y-%m-%d}" if order.ordered_on else ""
    return order.id, [f"#{order.id}", order.supplier, status, len(order.lines), to_come, ordered]


def order_detail(order: Order) -> Text:
    text = Text()
    text.append(f"Order #{order.id} to {order.supplier}: {rules.status_words(order.status)}\n", style="bold")
    for line in order.lines:
        text.append(f"  {line.name:<34.34} ordered {line.quantity:>4}  received {line.received:>4}  to come {line.outstanding:>4}\n")
    return inert(text)


# -- issuing and receiving: what the entry forms call ---------------------------------------------


def machine_id_for(store, asset_tag: str) -> int | None:
    tag = asset_tag.strip()
    if not tag:
        return None
    found = [m for m in store.repo("machines").list() if m.asset_tag.casefold() == tag.casefold()]
    if not found:
        raise FieldError("machine_id", f"No machine has the asset tag {tag}.")
    return found[0].id


def issue(store, item_id: int, values: dict[str, str]) -> SupplyItem:
    machine_id = machine_id_for(store, values["machine_id"])
    return rules.use_item(store, item_id, values["quantity"], person=values["person"], machine_id=machine_id, note=values["note"])


def change_draft(store, order_id: int, values: dict[str, str]) -> Order:
    """New quantities for a draft's lines (0 takes a line off), all or nothing."""
    order = None
    with store.transaction("stock"):
        for name, value in values.items():
            try:
                order = rules.change_order_line(store, order_id, int(name.removeprefix("line.")), value)
            except FieldError as error:
                raise FieldError(name, str(error)) from None
    return order


def receive_delivery(store, order_id: int, values: dict[str, str]) -> Order:
    quantities = {int(name.removeprefix("received.")): value or "0" for name, value in values.items()}
    return rules.receive(store, order_id, quantities)


# -- a small form of typed lines ------------------------------------------------------------------


@dataclass
class Entry:
    name: str  # the field a refusal (FieldError) names
    label: str
    value: str = ""
    placeholder: str = ""


class EntryForm(ModalScreen[Any]):
    """A few lines to type and one data-layer call: ``submit(values)`` runs in a thread on
    ctrl+s or enter on the last line. A refused value shows under its line and nothing is
    changed; the form dismisses with the call's result."""

    CSS_PATH = "stock.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="stock.form.save", tooltip="Check and save"),
        Binding("escape", "close", "Close", id="stock.form.close", tooltip="Close without saving (asks first if you typed)"),
    ]

    def __init__(self, title: str, entries: list[Entry], submit: Callable[[dict[str, str]], Any], intro: str = "") -> None:
        super().__init__()
        self.form_title = title
        self.entries = entries
        self.submit = submit
        self.intro = intro

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = title(self.form_title)
            if self.intro:
                yield Static(plain(self.intro), classes="intro")
            for index, entry in enumerate(self.entries):
                with Horizontal(classes="entry-row"):
                    yield Label(plain(entry.label, one_line=True), classes="entry-label")
                    yield PlainInput(entry.value, placeholder=entry.placeholder, id=f"entry-{index}", compact=True)
                yield Static("", id=f"error-{index}", classes="entry-error")
            yield Static("", id="entry-form-error", classes="entry-error")
            yield Label("enter next / save   ctrl+s save   esc close", classes="form-keys")

    def on_mount(self) -> None:
        self._pristine = self.values()

    def input_of(self, name: str) -> Input:
        return self.query_one(f"#entry-{self.index_of(name)}", Input)

    def error_of(self, name: str) -> Static:
        index = self.index_of(name)
        return self.query_one("#entry-form-error" if index is None else f"#error-{index}", Static)

    def index_of(self, name: str | None) -> int | None:
        return next((i for i, e in enumerate(self.entries) if e.name == name), None)

    def values(self) -> dict[str, str]:
        return {e.name: self.query_one(f"#entry-{i}", Input).value for i, e in enumerate(self.entries)}

    @on(Input.Submitted)
    def next_or_save(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"entry-{len(self.entries) - 1}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        for error in self.query(".entry-error"):
            error.display = False
        self.save_in_background(self.values())

    @work(thread=True, exclusive=True, group="entry-save", exit_on_error=False)
    def save_in_background(self, values: dict[str, str]) -> None:
        try:
            result = self.submit(values)
        except Exception as error:  # shown on the form, never a traceback
            result = error
        self.post_message(JobFinished(result, self.after_save))

    @on(JobFinished)
    def job_finished(self, message: JobFinished) -> None:
        message.stop()
        message.then(message.result)

    def after_save(self, result: Any) -> None:
        if not isinstance(result, Exception):
            self.dismiss(result)
            return
        field_name = getattr(result, "field", None)
        message = self.error_of(field_name)
        message.update(plain(describe(result)))
        message.display = True
        if self.index_of(field_name) is not None:
            self.input_of(field_name).focus()

    def action_close(self) -> None:
        typed = self.values() != self._pristine
        close_unless_typed(self.app, typed, lambda: self.dismiss(None))


class TextModal(ModalScreen[None]):
    """Text to read and copy (select it, ctrl+c), and where its file went."""

    CSS_PATH = "stock.tcss"
    BINDINGS = [Binding("escape", "close", "Close", id="stock.text.close", tooltip="Close")]

    def __init__(self, title: str, text: str, where: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = title(self.title_text)
            yield PlainTextArea(self.text, read_only=True, soft_wrap=True, id="text-body")
            yield Static(plain(self.where), classes="where")
            yield Label("select and ctrl+c to copy   esc close", classes="form-keys")

    def action_close(self) -> None:
        self.dismiss(None)


# -- the item detail -----------------------------------------------------------------------------


@dataclass
class ItemHistory:
    item: SupplyItem
    movements: list[StockMovement]  # newest first
    levels: list[tuple[datetime, int]]  # after each movement, oldest first
    daily: list[int]  # the level at the end of each of the last 90 days
    machine_tags: dict[int, str] = field(default_factory=dict)


def load_history(store, item_id: int) -> ItemHistory:
    item = store.repo("supplies").get(item_id)
    movements = rules.item_movements(store, item_id)
    tags = {m.id: m.asset_tag for m in store.repo("machines").list()}
    return ItemHistory(item, movements, rules.level_history(item, movements),
                       rules.daily_levels(item, movements, store.today()), tags)


def item_fields(item: SupplyItem) -> Text:
    text = Text()
    text.append(item.name, style="bold")
    text.append(f"  {item.sku or 'no SKU'} · {item.category.value}\n", style="dim")
    text.append("On hand ")
    text.append_text(on_hand_cell(item))
    text.append(f" {item.unit} · reorder at {item.reorder_point} · target {item.target}\n")
    text.append(f"Pack of {item.pack_size} · {item.location or 'no location'} · {item.supplier or 'no supplier'}"
                f" · {item.unit_cost:.2f} each · {item.lead_days} days lead\n")
    if item.fits:
        text.append(f"Fits {', '.join(item.fits)}\n")
    return inert(text)


def movement_row(movement: StockMovement, level: int | str, tags: dict[int, str]) -> tuple[int, list]:
    went_to = tags.get(movement.machine_id or 0, "") or movement.person or (f"order #{movement.order_id}" if movement.order_id else "")
    to = " — ".join(part for part in (went_to, movement.note) if part)
    return movement.id, [f"{local(movement.at):%Y-%m-%d %H:%M}", movement.kind.value, f"{movement.change:+d}", level, movement.who, to]


class ItemDetail(ModalScreen[None]):
    """One item: its fields, its level over the last 90 days, and every movement."""

    CSS_PATH = "stock.tcss"
    BINDINGS = [Binding("escape", "close", "Close", id="stock.detail.close", tooltip="Back to the list")]

    def __init__(self, history: ItemHistory) -> None:
        super().__init__()
        self.history = history

    def compose(self) -> ComposeResult:
        history = self.history
        with Vertical() as frame:
            frame.border_title = title(history.item.name)
            yield Static(item_fields(history.item), id="item-fields")
            daily = history.daily
            yield Label(f"Level, last {len(daily)} days: low {min(daily)}, high {max(daily)}, now {history.item.on_hand}",
                        classes="spark-label", markup=False)
            yield Sparkline(daily, summary_function=min, id="level-sparkline")
            yield RecordTable([("at", "When"), ("kind", "Kind"), ("change", "±"), ("level", "Level"), ("who", "Who"),
                               ("to", "To / note")], id="movements")
            yield Label("j/k move   esc close", classes="form-keys")

    def on_mount(self) -> None:
        history = self.history
        oldest_first = sorted(history.movements, key=lambda m: (m.at, m.id or 0))
        level_after = {m.id: level for m, (_, level) in zip(oldest_first, history.levels)}
        table = self.query_one("#movements", RecordTable)
        table.set_rows(movement_row(m, level_after.get(m.id, ""), history.machine_tags) for m in history.movements)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


# -- the count sheet -------------------------------------------------------------------------------


class CountSheet(Screen[None]):
    """Walks the items in location order; type what is there, enter moves on. Leaving keeps
    the count, and opening it again resumes at the first item not yet counted."""

    CSS_PATH = "stock.tcss"
    BINDINGS = [
        Binding("escape", "leave", "Leave (resumes later)", id="stock.count.leave",
                tooltip="Leave the count; it resumes where it stopped"),
        Binding("up", "step(-1)", "Back", id="stock.count.back", tooltip="Go back to count an item again"),
        Binding("down", "step(1)", "Forward", show=False, id="stock.count.forward",
                tooltip="Forward again, up to the first item not counted"),
        Binding("ctrl+f", "finish", "Finish now", id="stock.count.finish",
                tooltip="End the count here; items not counted keep their book figure"),
    ]

    def __init__(self, store) -> None:
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
                yield Label("Counted", classes="entry-label")
                yield PlainInput(placeholder="the quantity on the shelf", id="counted", compact=True)
            yield Static("", id="count-error", classes="entry-error")
            yield Label("enter next   ↑ back to count again   ctrl+f finish now   esc leave", classes="form-keys", id="count-keys")
            yield Static("", id="count-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#count-summary").display = False
        store = self.store
        self.count_in_background(lambda: rules.start_count(store))

    @work(thread=True, exclusive=True, group="count", exit_on_error=False)
    def count_in_background(self, job: Callable[[], CountSession]) -> None:
        try:
            result: Any = (job(), rules.items_by_id(self.store))
        except Exception as error:  # said under the entry, never a traceback
            result = error
        self.post_message(JobFinished(result, self.counted))

    @on(JobFinished)
    def job_finished(self, message: JobFinished) -> None:
        message.stop()
        message.then(message.result)

    def counted(self, result: Any) -> None:
        if isinstance(result, Exception):
            error = self.query_one("#count-error", Static)
            error.update(plain(describe(result)))
            error.display = True
            return
        self.session, self.items = result
        self.refresh_bindings()
        self.query_one("#count-error").display = False
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
        self.query_one("#count-progress", Static).update(
            f"Count sheet: item {walk.index(self.current) + 1} of {len(walk)}{again}")
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
        index = min(max(walk.index(self.current) + step, 0), last)
        self.current = walk[index]
        self.query_one("#count-error").display = False
        self.show_current()

    @on(Input.Submitted, "#counted")
    def record(self, event: Input.Submitted) -> None:
        event.stop()
        if self.session is None or self.current is None:
            return
        store, session_id, item_id, value = self.store, self.session.id, self.current, event.value
        self.count_in_background(lambda: rules.record_count(store, session_id, item_id, value))

    def action_finish(self) -> None:
        if self.session is None or self.session.finished:
            return
        store, session_id = self.store, self.session.id

        def answered(yes: bool | None) -> None:
            if yes:
                self.count_in_background(lambda: rules.finish_count(store, session_id))

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


# -- the section -------------------------------------------------------------------------------


class StockScreen(TabbedSection):
    CSS_PATH = "stock.tcss"
    domains = frozenset({"stock"})
    first_tab = "supplies"
    tab_actions = {"supplies": ITEM_ACTIONS, "order-list": ORDER_LIST_ACTIONS, "orders": ORDER_ACTIONS}
    BINDINGS = [
        Binding("n", "new", "New", id="stock.new", tooltip="Add a supply item"),
        Binding("e", "edit", "Edit", show=False, id="stock.edit", tooltip="Edit the item's details"),
        Binding("u", "use", "Use", id="stock.use", tooltip="Issue items to a person or a machine"),
        Binding("a", "adjust", "Adjust", id="stock.adjust", tooltip="Correct the stock with a reason"),
        Binding("d", "draft", "Draft orders", id="stock.draft", tooltip="Create draft orders, one per supplier, from the order list"),
        Binding("E", "edit_draft", "Edit draft", show=False, id="stock.edit_draft",
                tooltip="Change the quantities on a draft order (0 takes a line off)"),
        Binding("p", "place", "Place", id="stock.place", tooltip="Place the draft order with the supplier"),
        Binding("r", "receive", "Receive", id="stock.receive", tooltip="Receive a delivery against the order, in part or in full"),
        Binding("x", "export_csv", "CSV", id="stock.export_csv", tooltip="Write the order as a CSV file"),
        Binding("m", "export_email", "E-mail", id="stock.export_email", tooltip="The order as e-mail text to copy"),
        Binding("X", "cancel_order", "Cancel order", show=False, id="stock.cancel_order",
                tooltip="What has not arrived is no longer on order"),
        Binding("C", "count", "Count", id="stock.count", tooltip="The count sheet: walk the shelves and type what is there"),
        Binding("s", "tab('supplies')", "Supplies", show=False, id="stock.supplies", tooltip="The supplies list"),
        Binding("l", "tab('order-list')", "Order list", id="stock.order_list", tooltip="What to order, with the arithmetic"),
        Binding("O", "tab('orders')", "Orders", id="stock.orders", tooltip="Orders: place, receive, export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: StockData | None = None

    def compose(self) -> ComposeResult:
        yield SectionBar("stock")
        with TabbedContent(id="stock-tabs"):
            with TabPane("Supplies", id="supplies"):
                yield RecordTable([("name", "Item"), ("on_hand", "On hand"), ("reorder", "Reorder"), ("target", "Target"),
                                   ("location", "Location"), ("unit", "Unit")], id="items")
            with TabPane("Order list", id="order-list"):
                yield RecordTable([("name", "Item"), ("quantity", "Order"), ("sums", "Target−on hand−on order"),
                                   ("cover", "Cover"), ("supplier", "Supplier")], id="reorder")
                yield Static(id="reorder-detail")
            with TabPane("Orders", id="orders"):
                yield RecordTable([("id", "#"), ("supplier", "Supplier"), ("status", "Status"), ("lines", "Lines"),
                                   ("to_come", "To come"), ("ordered", "Ordered")], id="order-table")
                yield Static(id="order-detail")
        yield Footer()

    # -- loading and showing -------------------------------------------------------------
    def fetch(self) -> StockData:
        return load_stock(self.store)

    def show(self, data: StockData) -> None:
        self.data = data
        items = sorted(data.items, key=lambda i: (not rules.needs_reorder(i), i.name.casefold()))
        self.query_one("#items", RecordTable).set_rows(item_row(i) for i in items)
        self.query_one("#reorder", RecordTable).set_rows(reorder_row(line) for line in data.order_list)
        orders = sorted(data.orders, key=lambda o: (rules.order_is_closed(o), -(o.id or 0)))
        self.query_one("#order-table", RecordTable).set_rows(order_row(o) for o in orders)
        tabs = self.query_one(TabbedContent)
        low = sum(1 for i in data.items if rules.needs_reorder(i))
        tabs.get_tab("supplies").label = f"Supplies ({len(data.items)}, {low} low)"
        tabs.get_tab("order-list").label = f"Order list ({sum(1 for line in data.order_list if line.quantity)})"
        tabs.get_tab("orders").label = f"Orders ({sum(1 for o in data.orders if not rules.order_is_closed(o))} open)"
        self.update_details()

    @on(DataTable.RowHighlighted)
    def update_details(self) -> None:
        line = self.selected_reorder_line()
        self.query_one("#reorder-detail", Static).update(
            reorder_detail(line) if line else Text("Nothing is at or below its reorder point.", style="dim"))
        order = self.selected_order()
        self.query_one("#order-detail", Static).update(order_detail(order) if order else Text("No orders yet.", style="dim"))

    def selected_key(self, table_id: str) -> int | None:
        key = self.query_one(f"#{table_id}", RecordTable).selected_key
        return int(key) if key is not None else None

    def selected_item(self) -> SupplyItem | None:
        item = self.data.item(self.selected_key("items")) if self.data else None
        if item is None:
            self.notify("Choose an item first.", severity="warning")
        return item

    def selected_order(self) -> Order | None:
        return self.data.order(self.selected_key("order-table")) if self.data else None

    def selected_reorder_line(self) -> ReorderLine | None:
        key = self.selected_key("reorder")
        return next((line for line in self.data.order_list if line.item.id == key), None) if self.data else None

    def select_record(self, collection: str, record_id: int) -> bool:
        tab, table_id = ("orders", "order-table") if collection == "orders" else ("supplies", "items")
        try:
            self.query_one(TabbedContent).active = tab
            table = self.query_one(f"#{table_id}", RecordTable)
        except NoMatches:  # not composed yet: asked again once the rows are loaded
            return False
        if table.select_key(record_id):
            table.focus()
            return True
        return False

    # -- tabs ------------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    # -- items -----------------------------------------------------------------------------
    def action_new(self) -> None:
        store = self.store
        form = ModelForm(SupplyItem, title="New supply item", suggestions=self.suggestions(),
                         save=lambda edit: rules.add_item(store, edit.record.model_dump()))
        self.app.push_screen(form, self.saved)

    def action_edit(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        store, repo = self.store, self.store.repo("supplies")

        def open_form(fresh: SupplyItem) -> None:
            form = ModelForm(SupplyItem, title=f"Supply item {fresh.name}", record=fresh, suggestions=self.suggestions(),
                             save=lambda edit: rules.save_item(store, edit.record, force=edit.overwrite, fields=edit.changed),
                             reload=lambda: repo.get(fresh.id))
            self.app.push_screen(form, self.saved)

        self.run_job(lambda: repo.get(item.id), open_form)

    def suggestions(self) -> dict[str, list[str]]:
        items = self.data.items if self.data else []
        return {name: sorted({getattr(i, name) for i in items if getattr(i, name)}) for name in ("location", "supplier", "unit")}

    def action_use(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        store = self.store
        entries = [Entry("quantity", "Quantity", "1"), Entry("person", "To person", placeholder="who took it"),
                   Entry("machine_id", "To machine", ", ".join(item.fits[:1]), "asset tag, e.g. CP-01"), Entry("note", "Note")]
        intro = f"{item.name}: {item.on_hand} {item.unit} on hand" + (f"; fits {', '.join(item.fits)}" if item.fits else "")
        self.app.push_screen(EntryForm(f"Use {item.name}", entries, lambda values: issue(store, item.id, values), intro),
                             lambda done: self.item_changed(done, "Issued"))

    def action_adjust(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        store = self.store
        entries = [Entry("change", "Change", placeholder="-3 takes away, 5 adds"), Entry("note", "Reason", placeholder="why: broken, found, …")]

        def adjust(values: dict[str, str]) -> SupplyItem:
            return rules.adjust_item(store, item.id, values["change"], values["note"])

        self.app.push_screen(EntryForm(f"Adjust {item.name}", entries, adjust, f"{item.name}: {item.on_hand} {item.unit} on hand"),
                             lambda done: self.item_changed(done, "Adjusted"))

    def item_changed(self, item: SupplyItem | None, verb: str) -> None:
        if item is not None:
            self.notify(f"{verb}: {item.name} now {item.on_hand} {item.unit}", timeout=3)
            self.reload()

    @on(DataTable.RowSelected)
    def open_detail(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id not in ("items", "reorder"):
            return
        key = self.selected_key(event.data_table.id)
        if key is not None:
            store = self.store
            self.run_job(lambda: load_history(store, key), lambda history: self.app.push_screen(ItemDetail(history)))

    # -- the order list and orders ---------------------------------------------------------
    def action_draft(self) -> None:
        lines = [line for line in self.data.order_list if line.quantity] if self.data else []
        if not lines:
            self.notify("Nothing to order: every low item is already on order.", severity="warning")
            return
        suppliers = len({line.item.supplier for line in lines})
        store = self.store

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_job(lambda: rules.draft_orders(store, store.now()), self.drafted)

        self.app.push_screen(ConfirmModal(f"Create draft orders for {len(lines)} items from {suppliers} suppliers?"), answered)

    def drafted(self, orders: list[Order]) -> None:
        self.notify(f"{len(orders)} draft orders made; place them on the Orders tab (O)", timeout=5)

    def order_job(self, job: Callable[[int], Any], then: Callable[[Any], None] | None = None, done: str = "") -> None:
        order = self.selected_order()
        if order is None:
            self.notify("Choose an order first.", severity="warning")
            return
        self.run_job(lambda: job(order.id), then, done)

    def action_place(self) -> None:
        store = self.store
        self.order_job(lambda order_id: rules.place_order(store, order_id), done="Order placed")

    def action_edit_draft(self) -> None:
        order = self.selected_order()
        if order is None:
            return
        if order.status != OrderStatus.DRAFT or not order.lines:
            self.notify("Only the lines of a draft order can be changed.", severity="warning")
            return
        store = self.store
        entries = [Entry(f"line.{line.item_id}", line.name[:28], str(line.quantity)) for line in order.lines]
        self.app.push_screen(EntryForm(f"Draft order #{order.id}", entries, lambda values: change_draft(store, order.id, values),
                                       f"{order.supplier}: the quantity of each line; 0 takes it off."), self.saved)

    def action_cancel_order(self) -> None:
        order = self.selected_order()
        if order is None:
            return
        store = self.store

        def answered(yes: bool | None) -> None:
            if yes:
                self.order_job(lambda order_id: rules.cancel_order(store, order_id), done="Order cancelled")

        self.app.push_screen(ConfirmModal(f"Cancel order #{order.id} to {order.supplier}? What has not arrived is no longer on order."), answered)

    def action_receive(self) -> None:
        order = self.selected_order()
        if order is None:
            return
        to_come = [line for line in order.lines if line.outstanding]
        if not to_come:
            self.notify("Nothing is still to come on this order.", severity="warning")
            return
        store = self.store
        entries = [Entry(rules.received_field(line.item_id), line.name[:28], str(line.outstanding), f"up to {line.outstanding}")
                   for line in to_come]
        self.app.push_screen(EntryForm(f"Delivery for order #{order.id}", entries,
                                       lambda values: receive_delivery(store, order.id, values),
                                       f"{order.supplier}: type what arrived on each line (0 for nothing)."),
                             self.received)

    def received(self, order: Order | None) -> None:
        if order is not None:
            self.notify(f"Order #{order.id} is {rules.status_words(order.status)}", timeout=4)
            self.reload()

    def action_export_csv(self) -> None:
        store = self.store
        self.order_job(lambda order_id: rules.export_order(store, order_id, "csv"),
                       lambda result: self.notify(f"Order written to {result[0]}", timeout=10))

    def action_export_email(self) -> None:
        store = self.store
        self.order_job(lambda order_id: rules.export_order(store, order_id, "email"),
                       lambda result: self.app.push_screen(TextModal("E-mail to the supplier", result[1], f"Also saved in {result[0]}")))

    # -- the count sheet -------------------------------------------------------------------
    def action_count(self) -> None:
        self.app.push_screen(CountSheet(self.store), lambda _: self.reload())
