"""Stock: the supplies list, the order list with its arithmetic, orders and deliveries,
issuing and adjusting, and an item's page with its level over time. (The count sheet has a
screen of its own: screens/count_sheet.py.)"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Label, Sparkline, Static, TabbedContent, TabPane

from data.addresses import readable_number
from data.engine.clock import local
from data.engine.states import words
from data.stock import actions, rules
from data.engine.store import Store
from data.stock.models import MovementKind, Order, OrderStatus, StockMovement, Supplier, SupplyItem, received_field
from data.stock.rules import ReorderLine
from data.stock.views import ItemHistory, StockView, item_history, stock_view, supplier_address
from screens.base import TabbedSection
from screens.count_sheet import CountSheet
from tui.jobs import JobScreen, Reply
from tui.messages import DataChanged
from tui.plain import clipped, inert, plain, title
from tui.widgets.dialogs import ConfirmModal, Dialog
from tui.widgets.entry_form import Entry, EntryForm
from tui.widgets.key_bar import KeyBar
from tui.widgets.model_form import ModelForm, saving_to
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar
from tui.widgets.steady import refill, relabel
from tui.widgets.text_modal import TextModal

ITEM_ACTIONS = {"use", "adjust"}
EDIT_TABS = ("supplies", "suppliers")  # n and e work on the supply items, and on the suppliers
ORDER_LIST_ACTIONS = {"draft"}
ORDER_ACTIONS = {"place", "edit_draft", "receive", "export_csv", "export_email", "send_order", "cancel_order"}
ORDER_STYLE = {OrderStatus.DRAFT: "dim", OrderStatus.ORDERED: "yellow", OrderStatus.PARTLY_RECEIVED: "bold yellow",
               OrderStatus.RECEIVED: "green", OrderStatus.CANCELLED: "dim strike"}


def on_hand_cell(item: SupplyItem) -> Text:
    if item.on_hand == 0:
        return Text(f"{item.on_hand} OUT", style="bold red")
    if rules.needs_reorder(item):
        return Text(f"{item.on_hand} LOW", style="bold yellow")
    return Text(str(item.on_hand))


def cover_cell(days: float | None) -> str:
    return "no use" if days is None else f"{days:.0f} d"


def item_row(item: SupplyItem, cover: float | None) -> tuple[int, list]:
    name = Text(item.name, style="bold" if rules.needs_reorder(item) else "")
    return item.id, [name, on_hand_cell(item), cover_cell(cover), item.reorder_point, item.target,
                     clipped(item.location, 14), item.unit]


def reorder_row(line: ReorderLine) -> tuple[int, list]:
    sums = line.arithmetic
    needed = f"+{len(sums.soon_needed)}" if sums.soon_needed else ""
    lead = f"+{sums.lead_use.units}" if sums.lead_use else ""
    arithmetic = f"{sums.target}−{sums.on_hand}−{sums.on_order}{needed}{lead}={sums.shortfall} → {sums.packs}×{sums.pack_size}"
    quantity = Text(str(line.quantity), style="bold" if line.quantity else "dim")
    return line.item.id, [line.item.name, quantity, arithmetic, cover_cell(line.days_of_cover), line.item.supplier]


def reorder_detail(line: ReorderLine, lead_days: int) -> Text:
    item = line.item
    text = Text()
    text.append(f"{item.name}: order {line.quantity} {item.unit}\n", style="bold")
    text.append(line.explain() + "\n")
    text.append(f"{line.cover_text()} at {line.per_day:.2f} a day; {item.supplier or 'no supplier'}, {lead_days} days lead",
                style="dim")
    return inert(text)


def supplier_row(supplier: Supplier) -> tuple[int, list]:
    return supplier.id, [supplier.name, supplier.email, readable_number(supplier.phone), supplier.lead_days, supplier.note]


def order_row(order: Order) -> tuple[int, list]:
    to_come = sum(line.outstanding for line in order.lines) if not rules.order_is_closed(order) else 0
    status = Text(words(order.status), style=ORDER_STYLE.get(order.status, ""))
    ordered = f"{local(order.ordered_on):%Y-%m-%d}" if order.ordered_on else ""
    return order.id, [f"#{order.id}", order.supplier, status, len(order.lines), to_come, ordered]


def order_detail(order: Order) -> Text:
    text = Text()
    text.append(f"Order #{order.id} to {order.supplier}: {words(order.status)}\n", style="bold")
    for line in order.lines:
        text.append(f"  {line.name:<34.34} ordered {line.quantity:>4}  received {line.received:>4}  to come {line.outstanding:>4}\n")
    return inert(text)


def item_fields(history: ItemHistory) -> Text:
    item = history.item
    text = Text()
    text.append(item.name, style="bold")
    text.append(f"  {item.sku or 'no SKU'} · {item.category.value}\n", style="dim")
    text.append("On hand ")
    text.append_text(on_hand_cell(item))
    cover = rules.days_of_cover(item.on_hand, history.per_day)
    used = "no use in 90 days" if cover is None else f"{cover:.0f} days of cover at {history.per_day:.2f} a day"
    text.append(f" {item.unit} · reorder at {item.reorder_point} · target {item.target} · {used}\n")
    lead = f"{history.lead_days} days lead" + (" (the supplier's)" if item.lead_days is None else "")
    text.append(f"Pack of {item.pack_size} · {item.location or 'no location'} · {item.supplier or 'no supplier'}"
                f" · {item.unit_cost:.2f} each · {lead}\n")
    if item.fits:
        text.append(f"Fits {', '.join(item.fits)}\n")
    return inert(text)


def movement_row(movement: StockMovement, level: int | str, tags: dict[int, str]) -> tuple[int, list]:
    """A movement in the item's history: a reversed one struck through, with why and who."""
    went_to = tags.get(movement.machine_id or 0, "") or movement.person or (f"order #{movement.order_id}" if movement.order_id else "")
    if movement.kind == MovementKind.REVERSAL:
        went_to = f"reverses #{movement.reverses}"
    to = " — ".join(part for part in (went_to, movement.note) if part)
    cells = [f"{local(movement.at):%Y-%m-%d %H:%M}", movement.kind.value, f"{movement.change:+d}", level, movement.who]
    if movement.is_void:
        struck = [plain(cell, "dim strike", one_line=True) for cell in cells]
        return movement.id, [*struck, plain(f"reversed: {movement.void_reason} ({movement.voided_by})", "dim", one_line=True)]
    return movement.id, [*cells, to]


def line_quantities(values: dict[str, str], prefix: str) -> dict[int, str]:
    """An entry form's lines named ``prefix`` + item id → item id → what was typed."""
    return {int(name.removeprefix(prefix)): value for name, value in values.items()}


class ItemToEdit(Reply):
    """The newest revision of the item a person is about to edit."""


class ItemPage(Reply):
    """An item's history, for its page."""


class ItemDetail(Dialog[None], JobScreen):
    """One item: its fields, its level over the last 90 days, and every movement; ``v``
    reverses the movement under the cursor."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="stock.detail.close", tooltip="Back to the list"),
        Binding("v", "reverse", "Reverse", id="stock.detail.reverse",
                tooltip="A mistaken movement: reverse it with the reason (it stays in the history)"),
    ]

    def __init__(self, store: Store, history: ItemHistory) -> None:
        super().__init__()
        self.store = store
        self.history = history

    def compose(self) -> ComposeResult:
        with Vertical(classes="form item-detail") as frame:
            frame.border_title = title(self.history.item.name)
            yield Static(id="item-fields")
            yield Label(id="level-label", classes="intro")
            yield Sparkline([], summary_function=min, id="level-sparkline")
            yield RecordTable([("at", "When"), ("kind", "Kind"), ("change", "±"), ("level", "Level"), ("who", "Who"),
                               ("to", "To / note")], id="movements")
            yield Label("j/k move   v reverse   esc close", classes="keys")

    def on_mount(self) -> None:
        self.show(self.history)
        self.query_one("#movements", RecordTable).focus()

    def show(self, history: ItemHistory) -> None:
        self.history = history
        self.query_one("#item-fields", Static).update(item_fields(history))
        daily = history.daily
        self.query_one("#level-label", Label).update(
            f"Level, last {len(daily)} days: low {min(daily)}, high {max(daily)}, now {history.item.on_hand}")
        self.query_one("#level-sparkline", Sparkline).data = daily
        level_after = history.level_after()
        table = self.query_one("#movements", RecordTable)
        table.set_rows(movement_row(m, level_after.get(m.id, ""), history.machine_tags) for m in history.movements)

    @on(DataChanged)
    def data_changed(self, message: DataChanged) -> None:
        if "stock" in message.domains:
            self.reload()

    def reload(self) -> None:
        store, item_id = self.store, self.history.item.id
        self.run_job(lambda: item_history(store, item_id), ItemPage, group="load", exclusive=True)

    @on(ItemPage)
    def reloaded(self, message: ItemPage) -> None:
        message.stop()
        self.show(message.result)

    def changed(self, result: Any) -> None:
        self.reload()

    def action_reverse(self) -> None:
        key = self.query_one("#movements", RecordTable).selected_key
        movement = next((m for m in self.history.movements if m.id == key), None)
        if movement is None or movement.is_void or movement.kind == MovementKind.REVERSAL:
            self.notify("Choose a movement that was not reversed, in the list.", severity="warning")
            return
        store = self.store

        def reverse(reason: str | None) -> None:
            if reason is not None:
                self.run_job(lambda: actions.reverse_movement(store, movement.id, reason),  # type: ignore[arg-type]
                             notice=f"Movement {movement.label()} reversed")

        question = f"Why is {movement.kind.value} {movement.change:+d} on {local(movement.at):%d %b} wrong?"
        self.app.push_screen(PromptModal(question, placeholder="typed 20 for 2, went to the wrong machine",
                                         check=lambda text: None if text.strip() else "Say why the movement is wrong."), reverse)

    def action_close(self) -> None:
        self.dismiss(None)


class Drafted(Reply):
    """The draft orders made from the order list."""


class OrderExported(Reply):
    """(where the order's file went, its text), and how it is shown: "csv" or "email"."""

    def __init__(self, result: Any, kind: str) -> None:
        super().__init__(result)
        self.kind = kind


class SupplierAddress(Reply):
    """(the order, the supplier's e-mail address — its own, else the directory's — or "")."""


class SupplierToEdit(Reply):
    """The newest revision of the supplier a person is about to edit."""


class StockScreen(TabbedSection):
    CSS_PATH = "stock.tcss"
    domains = frozenset({"stock", "machines"})  # machines reporting toner low change the order list
    first_tab = "supplies"
    tab_actions = {"supplies": ITEM_ACTIONS, "order-list": ORDER_LIST_ACTIONS, "orders": ORDER_ACTIONS}
    BINDINGS = [
        Binding("n", "new", "New", id="stock.new", tooltip="Add a supply item (on the Suppliers tab: a supplier)"),
        Binding("e", "edit", "Edit", show=False, id="stock.edit", tooltip="Edit the item's (or the supplier's) details"),
        Binding("u", "use", "Use", id="stock.use", tooltip="Issue items to a person or a machine"),
        Binding("a", "adjust", "Adjust", id="stock.adjust", tooltip="Correct the stock with a reason"),
        Binding("d", "draft", "Draft orders", id="stock.draft", tooltip="Create draft orders, one per supplier, from the order list"),
        Binding("E", "edit_draft", "Edit draft", show=False, id="stock.edit_draft",
                tooltip="Change the quantities on a draft order (0 takes a line off)"),
        Binding("p", "place", "Place", id="stock.place", tooltip="Place the draft order with the supplier"),
        Binding("r", "receive", "Receive", id="stock.receive", tooltip="Receive a delivery against the order, in part or in full"),
        Binding("x", "export_csv", "CSV", id="stock.export_csv", tooltip="Write the order as a CSV file"),
        Binding("m", "export_email", "E-mail", id="stock.export_email", tooltip="The order as e-mail text to copy"),
        Binding("M", "send_order", "Send", show=False, id="stock.send_order", tooltip="Send the order to the supplier by e-mail"),
        Binding("X", "cancel_order", "Cancel order", show=False, id="stock.cancel_order",
                tooltip="What has not arrived is no longer on order"),
        Binding("C", "count", "Count", id="stock.count", tooltip="The count sheet: walk the shelves and type what is there"),
        Binding("s", "tab('supplies')", "Supplies", show=False, id="stock.supplies", tooltip="The supplies list"),
        Binding("l", "tab('order-list')", "Order list", id="stock.order_list", tooltip="What to order, with the arithmetic"),
        Binding("O", "tab('orders')", "Orders", id="stock.orders", tooltip="Orders: place, receive, export"),
        Binding("S", "tab('suppliers')", "Suppliers", show=False, id="stock.suppliers",
                tooltip="Suppliers: e-mail, phone, lead time"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: StockView | None = None

    def compose(self) -> ComposeResult:
        yield SectionBar("stock")
        with TabbedContent(id="stock-tabs"):
            with TabPane("Supplies", id="supplies"):
                yield RecordTable([("name", "Item"), ("on_hand", "On hand"), ("cover", "Cover"), ("reorder", "Reorder"),
                                   ("target", "Target"), ("location", "Location"), ("unit", "Unit")], id="items")
            with TabPane("Order list", id="order-list"):
                yield RecordTable([("name", "Item"), ("quantity", "Order"), ("sums", "Target−on hand−on order"),
                                   ("cover", "Cover"), ("supplier", "Supplier")], id="reorder")
                yield Static(id="reorder-detail")
            with TabPane("Orders", id="orders"):
                yield RecordTable([("id", "#"), ("supplier", "Supplier"), ("status", "Status"), ("lines", "Lines"),
                                   ("to_come", "To come"), ("ordered", "Ordered")], id="order-table")
                yield Static(id="order-detail")
            with TabPane("Suppliers", id="suppliers"):
                yield RecordTable([("name", "Supplier"), ("email", "E-mail"), ("phone", "Phone"), ("lead", "Lead days"),
                                   ("note", "Note")], id="supplier-table")
        yield KeyBar()

    # -- loading and showing -------------------------------------------------------------
    def fetch(self) -> StockView:
        return stock_view(self.store)

    def show(self, data: StockView) -> None:
        self.data = data
        items = sorted(data.items, key=lambda i: (not rules.needs_reorder(i), i.name.casefold()))
        self.query_one("#items", RecordTable).set_rows(item_row(i, data.cover(i)) for i in items)
        self.query_one("#reorder", RecordTable).set_rows(reorder_row(line) for line in data.order_list)
        orders = sorted(data.orders, key=lambda o: (rules.order_is_closed(o), -(o.id or 0)))
        self.query_one("#order-table", RecordTable).set_rows(order_row(o) for o in orders)
        suppliers = sorted(data.suppliers, key=lambda s: s.name.casefold())
        self.query_one("#supplier-table", RecordTable).set_rows(supplier_row(s) for s in suppliers)
        tabs = self.query_one(TabbedContent)
        relabel(tabs.get_tab("supplies"), title(f"Supplies ({len(data.items)}, {data.low} low)"))
        relabel(tabs.get_tab("order-list"), title(f"Order list ({len(data.to_order)})"))
        relabel(tabs.get_tab("orders"), title(f"Orders ({data.open_orders} open)"))
        relabel(tabs.get_tab("suppliers"), title(f"Suppliers ({len(data.suppliers)})"))
        self.update_details()

    @on(DataTable.RowHighlighted)
    def update_details(self) -> None:
        line = self.data.reorder_line(self.selected_key("reorder")) if self.data else None
        refill(self.query_one("#reorder-detail", Static),
               reorder_detail(line, self.data.lead_days(line.item)) if line and self.data else Text("Nothing is at or below its reorder point.", style="dim"))
        order = self.selected_order()
        refill(self.query_one("#order-detail", Static), order_detail(order) if order else Text("No orders yet.", style="dim"))

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

    def chosen_order(self) -> Order | None:
        order = self.selected_order()
        if order is None:
            self.notify("Choose an order first.", severity="warning")
        return order

    def select_record(self, collection: str, record_id: int) -> bool:
        tab, table_id = {"orders": ("orders", "order-table"), "suppliers": ("suppliers", "supplier-table")}.get(
            collection, ("supplies", "items"))
        try:
            self.query_one(TabbedContent).active = tab
            table = self.query_one(f"#{table_id}", RecordTable)
        except NoMatches:  # not composed yet: asked again once the rows are loaded
            return False
        if table.select_key(record_id):
            table.focus()
            return True
        return False

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("new", "edit"):
            return (self.current_tab() if self.is_mounted else self.first_tab) in EDIT_TABS
        return super().check_action(action, parameters)

    # -- items -----------------------------------------------------------------------------
    def action_new(self) -> None:
        if self.current_tab() == "suppliers":
            self.new_supplier()
            return
        form = ModelForm(SupplyItem, title="New supply item", suggestions=self.data.suggestions() if self.data else {},
                         save=lambda edit: actions.add_item(self.store, edit.record.model_dump()))
        self.app.push_screen(form, self.saved)

    def action_edit(self) -> None:
        if self.current_tab() == "suppliers":
            self.edit_supplier()
        elif item := self.selected_item():
            repo = self.store.repo("supplies")
            self.run_job(lambda: repo.get(item.id), ItemToEdit)

    @on(ItemToEdit)
    def edit_item(self, message: ItemToEdit) -> None:
        fresh = message.result
        store = self.store
        form = ModelForm(SupplyItem, title=f"Supply item {fresh.name}", record=fresh,
                         suggestions=self.data.suggestions() if self.data else {},
                         save=lambda edit: actions.save_item(store, edit.record, force=edit.overwrite, fields=edit.changed),
                         reload=lambda: store.repo("supplies").get(fresh.id))
        self.app.push_screen(form, self.saved)

    def action_use(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        store = self.store
        entries = [Entry("quantity", "Quantity", "1"), Entry("person", "To person", placeholder="who took it"),
                   Entry("machine_id", "To machine", ", ".join(item.fits[:1]), "asset tag, e.g. CP-01"), Entry("note", "Note")]
        intro = f"{item.name}: {item.on_hand} {item.unit} on hand" + (f"; fits {', '.join(item.fits)}" if item.fits else "")

        doubted: dict[str, str] = {}  # the machine asked about: ctrl+s again with it means it is right

        def issue(values: dict[str, str]) -> SupplyItem:
            tag = values["machine_id"].strip().casefold()
            try:
                return actions.issue(store, item.id, values["quantity"], person=values["person"],
                                     asset_tag=values["machine_id"], note=values["note"], sure=tag == doubted.get("tag"))
            except actions.UnlikelyMachine as error:
                doubted["tag"] = tag
                raise actions.UnlikelyMachine("machine_id", f"{error} If it is right, ctrl+s issues it.") from None

        self.app.push_screen(EntryForm(f"Use {item.name}", entries, issue, intro), lambda done: self.item_changed(done, "Issued"))

    def action_adjust(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        store = self.store
        entries = [Entry("change", "Change", placeholder="-3 takes away, 5 adds"), Entry("note", "Reason", placeholder="why: broken, found, …")]
        form = EntryForm(f"Adjust {item.name}", entries, lambda values: actions.adjust_item(store, item.id, values["change"], values["note"]),
                         f"{item.name}: {item.on_hand} {item.unit} on hand")
        self.app.push_screen(form, lambda done: self.item_changed(done, "Adjusted"))

    def item_changed(self, item: SupplyItem | None, verb: str) -> None:
        if item is not None:
            self.notify(f"{verb}: {item.name} now {item.on_hand} {item.unit}", timeout=3)
            self.reload()

    @on(DataTable.RowSelected)
    def open_detail(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "supplier-table":
            self.edit_supplier()
            return
        if event.data_table.id not in ("items", "reorder"):
            return
        key = self.selected_key(event.data_table.id)
        if key is not None:
            store = self.store
            self.run_job(lambda: item_history(store, key), ItemPage)

    @on(ItemPage)
    def show_item(self, message: ItemPage) -> None:
        message.stop()
        self.app.push_screen(ItemDetail(self.store, message.result), lambda _: self.reload())

    # -- suppliers -------------------------------------------------------------------------
    def new_supplier(self) -> None:
        self.app.push_screen(ModelForm(Supplier, title="New supplier", save=saving_to(self.store.repo("suppliers"))), self.saved)

    def edit_supplier(self) -> None:
        supplier = self.data.supplier(self.selected_key("supplier-table")) if self.data else None
        if supplier is None:
            self.notify("Choose a supplier first.", severity="warning")
            return
        repo = self.store.repo("suppliers")
        self.run_job(lambda: repo.get(supplier.id), SupplierToEdit)

    @on(SupplierToEdit)
    def supplier_form(self, message: SupplierToEdit) -> None:
        message.stop()
        fresh, repo = message.result, self.store.repo("suppliers")
        form = ModelForm(Supplier, title=f"Supplier {fresh.name}", record=fresh, save=saving_to(repo),
                         reload=lambda: repo.get(fresh.id))
        self.app.push_screen(form, self.saved)

    # -- the order list and orders ---------------------------------------------------------
    def action_draft(self) -> None:
        lines = self.data.to_order if self.data else []
        if not lines:
            self.notify("Nothing to order: every low item is already on order.", severity="warning")
            return
        suppliers = len({line.item.supplier for line in lines})
        store = self.store

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_job(lambda: actions.draft_orders(store, store.now()), Drafted)

        self.app.push_screen(ConfirmModal(f"Create draft orders for {len(lines)} items from {suppliers} suppliers?"), answered)

    @on(Drafted)
    def drafted(self, message: Drafted) -> None:
        message.stop()
        self.notify(f"{len(message.result)} draft orders made; place them on the Orders tab (O)", timeout=5)
        self.reload()

    def action_place(self) -> None:
        if order := self.chosen_order():
            self.run_job(lambda: actions.place_order(self.store, order.id), notice="Order placed")

    def action_edit_draft(self) -> None:
        order = self.chosen_order()
        if order is None:
            return
        if order.status != OrderStatus.DRAFT or not order.lines:
            self.notify("Only the lines of a draft order can be changed.", severity="warning")
            return
        store = self.store
        entries = [Entry(f"line.{line.item_id}", line.name[:28], str(line.quantity)) for line in order.lines]
        form = EntryForm(f"Draft order #{order.id}", entries,
                         lambda values: actions.change_draft(store, order.id, line_quantities(values, "line.")),
                         f"{order.supplier}: the quantity of each line; 0 takes it off.")
        self.app.push_screen(form, self.saved)

    def action_cancel_order(self) -> None:
        order = self.chosen_order()
        if order is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_job(lambda: actions.cancel_order(self.store, order.id), notice="Order cancelled")

        question = f"Cancel order #{order.id} to {order.supplier}? What has not arrived is no longer on order."
        self.app.push_screen(ConfirmModal(question), answered)

    def action_receive(self) -> None:
        order = self.chosen_order()
        if order is None:
            return
        to_come = [line for line in order.lines if line.outstanding]
        if not to_come:
            self.notify("Nothing is still to come on this order.", severity="warning")
            return
        store = self.store
        entries = [Entry(received_field(line.item_id), line.name[:28], str(line.outstanding), f"up to {line.outstanding}")
                   for line in to_come]

        def receive(values: dict[str, str]) -> Order:
            quantities = {item_id: typed or "0" for item_id, typed in line_quantities(values, "received.").items()}
            return actions.receive(store, order.id, quantities)

        form = EntryForm(f"Delivery for order #{order.id}", entries, receive,
                         f"{order.supplier}: type what arrived on each line (0 for nothing).")
        self.app.push_screen(form, self.received)

    def received(self, order: Order | None) -> None:
        if order is not None:
            self.notify(f"Order #{order.id} is {words(order.status)}", timeout=4)
            self.reload()

    def action_export_csv(self) -> None:
        if order := self.chosen_order():
            self.run_job(lambda: actions.export_order(self.store, order.id, "csv"), lambda done: OrderExported(done, "csv"))

    def action_export_email(self) -> None:
        if order := self.chosen_order():
            self.run_job(lambda: actions.export_order(self.store, order.id, "email"), lambda done: OrderExported(done, "email"))

    def action_send_order(self) -> None:
        from screens.mail_tab import sending_mailbox

        order = self.chosen_order()
        box = sending_mailbox(self, None)
        if order is not None and box is not None:
            self.run_job(lambda: (order, supplier_address(self.store, order.supplier)), SupplierAddress)

    @on(SupplierAddress)
    def ask_where_to_send(self, message: SupplierAddress) -> None:
        from data.addresses import check_email
        from screens.mail_tab import mail_the_order, sending_mailbox

        message.stop()
        order, address = message.result
        box = sending_mailbox(self, None)

        def check(text: str) -> str | None:
            try:
                check_email(text.strip())
            except ValueError as error:
                return str(error)
            return None if text.strip() else "Say where to send it."

        def chosen(to: str | None) -> None:
            if to and box is not None:
                self.run_job(lambda: mail_the_order(self.store, box, order.id, to.strip()), notice=f"Order #{order.id} sent to {to.strip()}")

        self.app.push_screen(PromptModal(f"Send order #{order.id} to {order.supplier} at", value=address, check=check), chosen)

    @on(OrderExported)
    def exported(self, message: OrderExported) -> None:
        message.stop()
        where, text = message.result
        if message.kind == "csv":
            self.notify(f"Order written to {where}", timeout=10)
        else:
            self.app.push_screen(TextModal("E-mail to the supplier", text, f"Also saved in {where}"))

    # -- the count sheet -------------------------------------------------------------------
    def action_count(self) -> None:
        self.app.push_screen(CountSheet(self.store), lambda _: self.reload())
