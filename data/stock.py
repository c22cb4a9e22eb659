"""Stock: supply items, the movements that change what is on hand, orders, count sheets.

``on_hand`` changes only through a movement (``record_movement``), so every number has a
history. The order list shows its arithmetic: target − on hand − on order, rounded up to
whole packs.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator

from data.agenda import TOP, AgendaEntry, AgendaGroup
from data.engine.clock import Moment, local, office_day
from data.engine.collections import Collection
from data.engine.errors import FieldError, NotFoundError, RuleError
from data.engine.record import STORED, Lines, Model, Record, error_sentence
from data.engine.text import spreadsheet_safe, visible

USE_WINDOW_DAYS = 90
MAX_UNITS = 1_000_000  # of one item, on a shelf, in a delivery or an order line
MAX_PRICE = 1_000_000


class SupplyCategory(StrEnum):
    PAPER = "paper"
    TONER = "toner"
    INK = "ink"
    PENS = "pens"
    OFFICE = "office"
    CLEANING = "cleaning"
    PARTS = "parts"


class SupplyItem(Record):
    name: str = Field(min_length=1, max_length=200)
    sku: str = Field(default="", max_length=60, title="SKU")
    category: SupplyCategory = SupplyCategory.OFFICE
    unit: str = Field(default="each", max_length=40)
    pack_size: int = Field(default=1, ge=1, le=100_000)
    location: str = Field(default="", max_length=100)
    on_hand: int = Field(default=0, ge=0, le=MAX_UNITS)
    reorder_point: int = Field(default=0, ge=0, le=MAX_UNITS)
    target: int = Field(default=0, ge=0, le=MAX_UNITS)
    supplier: str = Field(default="", max_length=200)
    unit_cost: float = Field(default=0.0, ge=0, le=MAX_PRICE)
    lead_days: int = Field(default=7, ge=0, le=365)
    fits: list[str] = Field(default_factory=list, title="Fits machines")  # asset tags

    form_fields = (
        "name", "sku", "category", "unit", "pack_size", "location", "reorder_point", "target",
        "supplier", "unit_cost", "lead_days", "fits",
    )

    # A field validator (not a model one) so the error sits under "target" in a form.
    @field_validator("target")
    @classmethod
    def _target_not_below_reorder_point(cls, target: int, info: ValidationInfo) -> int:
        reorder_point = info.data.get("reorder_point")
        if reorder_point is not None and target < reorder_point:
            raise ValueError(f"the target cannot be below the reorder point ({reorder_point})")
        return target

    def label(self) -> str:
        return self.name


class MovementKind(StrEnum):
    RECEIVED = "received"
    USED = "used"
    ADJUSTED = "adjusted"
    COUNTED = "counted"


class StockMovement(Record):
    item_id: int
    kind: MovementKind
    quantity: int = Field(ge=-MAX_UNITS, le=MAX_UNITS)  # received/used: the positive number of units; adjusted/counted: the signed change
    at: Moment
    who: str = ""
    note: str = Field(default="", max_length=500)
    order_id: int | None = None
    machine_id: int | None = None  # the Machine it went to
    person: str = Field(default="", max_length=200)

    @property
    def change(self) -> int:
        """The signed change this movement made to on_hand."""
        return -self.quantity if self.kind == MovementKind.USED else self.quantity


class OrderStatus(StrEnum):
    DRAFT = "draft"
    ORDERED = "ordered"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class OrderLine(Model):
    item_id: int
    name: str = ""
    quantity: int = Field(ge=1, le=MAX_UNITS)
    received: int = Field(default=0, ge=0, le=MAX_UNITS)

    @property
    def outstanding(self) -> int:
        return max(self.quantity - self.received, 0)


class Order(Record):
    supplier: str = Field(min_length=1, max_length=200)
    lines: list[OrderLine] = Field(default_factory=list)
    status: OrderStatus = OrderStatus.DRAFT
    ordered_on: Moment | None = None
    received_on: Moment | None = None
    cancelled_on: Moment | None = None
    note: Lines = Field(default="", max_length=1000)

    form_fields = ("supplier", "note")

    @field_validator("lines")
    @classmethod
    def _one_line_per_item(cls, lines: list[OrderLine]) -> list[OrderLine]:
        ids = [line.item_id for line in lines]
        if len(ids) != len(set(ids)):
            raise ValueError("an item appears on two lines of the order")
        return lines

    def label(self) -> str:
        return f"#{self.id} {self.supplier}"

    def line_for(self, item_id: int) -> OrderLine:
        for line in self.lines:
            if line.item_id == item_id:
                return line
        raise FieldError(received_field(item_id), f"Item #{item_id} is not on order {self.label()}.")


# Drafts count as on order too: otherwise a second look at the order list, before the
# draft is sent, would order the same shortfall again.
OPEN_ORDER = frozenset({OrderStatus.DRAFT, OrderStatus.ORDERED, OrderStatus.PARTLY_RECEIVED})
ORDER_MOVES: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.DRAFT: frozenset({OrderStatus.ORDERED, OrderStatus.CANCELLED}),
    OrderStatus.ORDERED: frozenset({OrderStatus.PARTLY_RECEIVED, OrderStatus.RECEIVED, OrderStatus.CANCELLED}),
    OrderStatus.PARTLY_RECEIVED: frozenset({OrderStatus.PARTLY_RECEIVED, OrderStatus.RECEIVED, OrderStatus.CANCELLED}),
    OrderStatus.RECEIVED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class CountSession(Record):
    """A count sheet in progress: the walk and what is counted so far, so it can resume."""

    started_by: str = ""
    item_ids: list[int] = Field(default_factory=list)  # the walk, in location order
    book: dict[int, int] = Field(default_factory=dict)  # item id → on hand when first counted
    counted: dict[int, int] = Field(default_factory=dict)  # item id → counted quantity
    finished: bool = False
    finished_at: Moment | None = None

    def label(self) -> str:
        return f"count #{self.id}"

    def next_item_id(self) -> int | None:
        """The first item of the walk not counted yet; None when every item is done."""
        return next((i for i in self.item_ids if i not in self.counted), None)

    def progress(self) -> tuple[int, int]:
        """(items counted, items on the sheet)."""
        return len(self.counted), len(self.item_ids)


# -- validation --------------------------------------------------------------------------


def whole_number(value: object, field: str, *, minimum: int | None = 0) -> int:
    """A typed quantity as an int, or FieldError: fractions, words and numbers below
    ``minimum`` are refused (``minimum=None`` allows any sign)."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(field, "Give a whole number, like 12.")
    if minimum is not None and value < minimum:
        raise FieldError(field, "It cannot be negative." if minimum == 0 else f"Give a number of at least {minimum}.")
    if abs(value) > MAX_UNITS:
        raise FieldError(field, f"Give a number of at most {MAX_UNITS:,}.")
    return value


def received_field(item_id: int) -> str:
    """The field a delivery's quantity for one order line is reported under."""
    return f"received.{item_id}"


def validated_item(values: Mapping[str, Any], context: dict | None = None) -> SupplyItem:
    """A SupplyItem from values, or FieldError naming the first bad field."""
    try:
        return SupplyItem.model_validate(dict(values), context=context)
    except ValidationError as error:
        first = error.errors()[0]
        raise FieldError(str(first["loc"][0]) if first["loc"] else "name", sentence(first)) from error


def sentence(detail: dict) -> str:
    said = error_sentence(detail)
    return said[:1].upper() + said[1:] + "."



# -- items -------------------------------------------------------------------------------


def add_item(store, values: Mapping[str, Any]) -> SupplyItem:
    """A new supply item; an opening on_hand is recorded as an adjustment, so it has a history."""
    item = validated_item({k: v for k, v in values.items() if k != "id"})
    opening = item.on_hand
    with store.transaction("stock"):
        item = store.repo("supplies").add(item.model_copy(update={"on_hand": 0}))
        if opening:
            item = record_movement(store, StockMovement(
                item_id=item.id, kind=MovementKind.ADJUSTED, quantity=opening, at=store.now(),
                who=store.user, note="opening stock",
            ))
    return item


def save_item(store, item: SupplyItem, *, force: bool = False, fields: Iterable[str] | None = None) -> SupplyItem:
    """Save an edited item's ``fields`` (ConflictError if changed meanwhile, unless ``force``).

    on_hand is always taken from the stored item: an overwrite must not undo a movement
    recorded since the form was opened.
    """
    fields = [f for f in (SupplyItem.editable_fields() if fields is None else fields) if f != "on_hand"]
    return store.repo("supplies").save(item, force=force, fields=fields)


def change_item(store, item_id: int, **changes: Any) -> SupplyItem:
    """Change fields of an item on its newest revision; FieldError names a refused field."""
    if "on_hand" in changes:
        raise FieldError("on_hand", "What is on hand changes only by a delivery, a use, a count or an adjustment.")
    items = store.repo("supplies")
    with store.transaction("stock"):
        item = items.get(item_id)
        for name, value in changes.items():
            try:
                setattr(item, name, value)  # the model's gate checks each value
            except ValidationError as error:
                raise FieldError(name, sentence(error.errors()[0])) from error
        checked = validated_item(item.model_dump(), context=STORED)  # and the rules across fields
        checked.id = item_id
        return items.save(checked, force=True)


def items_by_id(store) -> dict[int, SupplyItem]:
    return {item.id: item for item in store.repo("supplies").list()}


def needs_reorder(item: SupplyItem) -> bool:
    return item.on_hand <= item.reorder_point


# -- movements ---------------------------------------------------------------------------


def record_movement(store, movement: StockMovement) -> SupplyItem:
    """Add a movement and change the item's on_hand by it, in one transaction."""
    if movement.kind in (MovementKind.RECEIVED, MovementKind.USED) and movement.quantity < 1:
        raise FieldError("quantity", "Give a number above zero.")
    items = store.repo("supplies")
    with store.transaction("stock"):
        item = items.get(movement.item_id)
        new_level = item.on_hand + movement.change
        if new_level < 0:
            raise FieldError("quantity", f"Only {item.on_hand} {item.unit} of {item.name} on hand.")
        store.repo("stock_movements").add(movement)
        item.on_hand = new_level
        return items.save(item)


def use_item(store, item_id: int, quantity: object, *, person: str = "", machine_id: int | None = None, note: str = "") -> SupplyItem:
    """Issue items to a person or a machine: a "used" movement."""
    amount = whole_number(quantity, "quantity", minimum=1)
    if not person.strip() and machine_id is None:
        raise FieldError("person", "Say who took it, or which machine it went to.")
    if machine_id is not None:
        check_machine(store, machine_id)
    return record_movement(store, StockMovement(
        item_id=item_id, kind=MovementKind.USED, quantity=amount, at=store.now(), who=store.user,
        person=person, machine_id=machine_id, note=note,
    ))


def check_machine(store, machine_id: int) -> None:
    try:
        store.repo("machines").get(machine_id)
    except NotFoundError as error:
        raise FieldError("machine_id", f"There is no machine #{machine_id}.") from error


def adjust_item(store, item_id: int, change: object, note: str) -> SupplyItem:
    """Correct on_hand by a signed change (breakage, a found box), saying why."""
    if not note.strip():
        raise FieldError("note", "Say why the stock is adjusted.")
    amount = whole_number(change, "change", minimum=None)
    if amount == 0:
        raise FieldError("change", "An adjustment changes the stock by at least one.")
    return record_movement(store, StockMovement(
        item_id=item_id, kind=MovementKind.ADJUSTED, quantity=amount, at=store.now(), who=store.user, note=note,
    ))


def item_movements(store, item_id: int) -> list[StockMovement]:
    """An item's history, newest first."""
    return sorted(store.repo("stock_movements").find(item_id=item_id), key=lambda m: (m.at, m.id), reverse=True)


def level_history(item: SupplyItem, movements: Iterable[StockMovement]) -> list[tuple[datetime, int]]:
    """On-hand level after each of the item's movements, oldest first, ending at today's level."""
    own = sorted((m for m in movements if m.item_id == item.id), key=lambda m: (m.at, m.id or 0))
    level = item.on_hand - sum(m.change for m in own)
    points = []
    for movement in own:
        level += movement.change
        points.append((movement.at, level))
    return points


def daily_levels(item: SupplyItem, movements: Iterable[StockMovement], today: date, days: int = USE_WINDOW_DAYS) -> list[int]:
    """The level at the end of each of the last ``days`` days, oldest first: a sparkline's values."""
    movements = list(movements)
    points = level_history(item, movements)
    first_day = today - timedelta(days=days - 1)
    level = item.on_hand - sum(m.change for m in movements if m.item_id == item.id and office_day(m.at) >= first_day)
    by_day = {office_day(at): value for at, value in points}  # the last level of each day wins
    levels = []
    for offset in range(days):
        level = by_day.get(first_day + timedelta(days=offset), level)
        levels.append(level)
    return levels


def use_per_day(movements: Iterable[StockMovement], now: datetime) -> dict[int, float]:
    """Item id → average units used a day over the last 90 days."""
    since = now - timedelta(days=USE_WINDOW_DAYS)
    used: dict[int, int] = {}
    for movement in movements:
        if movement.kind == MovementKind.USED and since <= movement.at <= now:
            used[movement.item_id] = used.get(movement.item_id, 0) + movement.quantity
    return {item_id: total / USE_WINDOW_DAYS for item_id, total in used.items()}


def days_of_cover(on_hand: int, per_day: float) -> float | None:
    """Days until none is left at that rate of use; None when nothing is used."""
    return None if per_day <= 0 else on_hand / per_day


# -- the order list ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderArithmetic:
    target: int
    on_hand: int
    on_order: int
    pack_size: int
    shortfall: int  # target − on hand − on order, never below zero
    packs: int
    quantity: int  # packs × pack size

    def explain(self) -> str:
        packs = f"{self.packs} pack{'' if self.packs == 1 else 's'} of {self.pack_size}"
        return (
            f"target {self.target} − on hand {self.on_hand} − on order {self.on_order}"
            f" = {self.shortfall} → {packs} = {self.quantity}"
        )


def order_quantity(target: int, on_hand: int, on_order: int, pack_size: int) -> OrderArithmetic:
    """target − on hand − on order, never below zero, rounded up to whole packs."""
    if pack_size < 1:
        raise FieldError("pack_size", "The pack size must be at least 1.")
    shortfall = max(target - on_hand - on_order, 0)
    packs = math.ceil(shortfall / pack_size)
    return OrderArithmetic(target, on_hand, on_order, pack_size, shortfall, packs, packs * pack_size)


@dataclass(frozen=True)
class ReorderLine:
    item: SupplyItem
    arithmetic: OrderArithmetic
    per_day: float  # average use over the last 90 days
    days_of_cover: float | None

    @property
    def quantity(self) -> int:
        return self.arithmetic.quantity

    def explain(self) -> str:
        return self.arithmetic.explain()

    def cover_text(self) -> str:
        return "no use in 90 days" if self.days_of_cover is None else f"{self.days_of_cover:.0f} days of cover"


def on_order_by_item(orders: Iterable[Order]) -> dict[int, int]:
    """Item id → units ordered and not yet received, over the open orders."""
    totals: dict[int, int] = {}
    for order in orders:
        if order.status in OPEN_ORDER:
            for line in order.lines:
                totals[line.item_id] = totals.get(line.item_id, 0) + line.outstanding
    return totals


def reorder_list(items: Iterable[SupplyItem], orders: Iterable[Order], movements: Iterable[StockMovement], now: datetime) -> list[ReorderLine]:
    """Items at or below their reorder point with what to order, by supplier then name."""
    on_order = on_order_by_item(orders)
    per_day = use_per_day(movements, now)
    lines = []
    for item in items:
        if needs_reorder(item):
            arithmetic = order_quantity(item.target, item.on_hand, on_order.get(item.id, 0), item.pack_size)
            rate = per_day.get(item.id, 0.0)
            lines.append(ReorderLine(item, arithmetic, rate, days_of_cover(item.on_hand, rate)))
    return sorted(lines, key=lambda line: (line.item.supplier.casefold(), line.item.name.casefold()))


def current_reorder_list(store, now: datetime) -> list[ReorderLine]:
    return reorder_list(
        store.repo("supplies").list(), store.repo("orders").list(), store.repo("stock_movements").list(), now
    )


def reorder_text(lines: list[ReorderLine]) -> str:
    """The order list as plain text, one item a line (for `backoffice reorder`)."""
    if not lines:
        return "Nothing is at or below its reorder point.\n"
    out = [f"{len(lines)} item{'' if len(lines) == 1 else 's'} at or below the reorder point:"]
    for line in lines:
        item = line.item
        out.append(
            f"- {item.name} ({item.supplier or 'no supplier'}): order {line.quantity} {item.unit}"
            f" — {line.explain()}; {line.cover_text()}"
        )
    return "\n".join(out) + "\n"


# -- orders ------------------------------------------------------------------------------


def draft_orders(store, now: datetime, item_ids: Iterable[int] | None = None) -> list[Order]:
    """One draft order per supplier from the order list (only ``item_ids`` if given).

    The list is worked out again under the lock, so two people pressing the key at once
    do not order the same shortfall twice.
    """
    chosen = None if item_ids is None else set(item_ids)
    with store.transaction("stock"):
        by_supplier: dict[str, list[OrderLine]] = {}
        for line in current_reorder_list(store, now):
            if line.quantity > 0 and (chosen is None or line.item.id in chosen):
                by_supplier.setdefault(line.item.supplier or "(no supplier)", []).append(
                    OrderLine(item_id=line.item.id, name=line.item.name, quantity=line.quantity)
                )
        orders = [Order(supplier=supplier, lines=lines) for supplier, lines in by_supplier.items()]
        return store.repo("orders").add_many(orders) if orders else []


def status_words(status: OrderStatus) -> str:
    return status.value.replace("_", " ")


def move_order(order: Order, to: OrderStatus, now: datetime) -> None:
    """Change an order's status if that move is allowed, stamping its date; RuleError if not."""
    if to not in ORDER_MOVES[order.status]:
        raise RuleError(f"Order {order.label()} is {status_words(order.status)}; it cannot become {status_words(to)}.")
    if to == OrderStatus.ORDERED and not order.lines:
        raise RuleError(f"Order {order.label()} has no lines to order.")
    order.status = to
    if to == OrderStatus.ORDERED:
        order.ordered_on = now
    elif to == OrderStatus.RECEIVED:
        order.received_on = now
    elif to == OrderStatus.CANCELLED:
        order.cancelled_on = now


def place_order(store, order_id: int) -> Order:
    """A draft becomes ordered (sent to the supplier)."""
    return store.repo("orders").update(order_id, lambda o: move_order(o, OrderStatus.ORDERED, store.now()))


def cancel_order(store, order_id: int) -> Order:
    """What is not yet received is no longer on order."""
    return store.repo("orders").update(order_id, lambda o: move_order(o, OrderStatus.CANCELLED, store.now()))


def change_order_line(store, order_id: int, item_id: int, quantity: object) -> Order:
    """Change a draft's quantity for an item; 0 takes the line off."""
    amount = whole_number(quantity, "quantity")

    def change(order: Order) -> Order:
        if order.status != OrderStatus.DRAFT:
            raise RuleError(f"Order {order.label()} is {status_words(order.status)}; only a draft can be changed.")
        order.line_for(item_id)
        lines = [line.model_copy(update={"quantity": amount}) if line.item_id == item_id else line for line in order.lines]
        return order.model_copy(update={"lines": [line for line in lines if line.quantity > 0]})

    return store.repo("orders").update(order_id, change)


def receive(store, order_id: int, quantities: Mapping[int, object]) -> Order:
    """Receive a delivery against an order: item id → units that came now.

    Each unit becomes a "received" movement; the order becomes partly received or
    received. Any refused line refuses the whole delivery.
    """
    orders = store.repo("orders")
    with store.transaction("stock"):
        order = orders.get(order_id)
        if order.status not in (OrderStatus.ORDERED, OrderStatus.PARTLY_RECEIVED):
            raise RuleError(f"Order {order.label()} is {status_words(order.status)}; deliveries are received against a placed order.")
        amounts = delivery_amounts(order, quantities)
        if not any(amounts.values()):
            raise FieldError(received_field(next(iter(amounts), 0)), "Nothing was received: give at least one quantity.")
        for item_id, amount in amounts.items():
            if amount:
                record_movement(store, StockMovement(
                    item_id=item_id, kind=MovementKind.RECEIVED, quantity=amount, at=store.now(),
                    who=store.user, order_id=order_id,
                ))
        lines = [line.model_copy(update={"received": line.received + amounts.get(line.item_id, 0)}) for line in order.lines]
        order = order.model_copy(update={"lines": lines})
        done = all(line.outstanding == 0 for line in lines)
        move_order(order, OrderStatus.RECEIVED if done else OrderStatus.PARTLY_RECEIVED, store.now())
        return orders.save(order)


def delivery_amounts(order: Order, quantities: Mapping[int, object]) -> dict[int, int]:
    """Checked quantities per item: whole, not negative, not more than is still to come."""
    amounts = {}
    for item_id, raw in quantities.items():
        line = order.line_for(item_id)
        amount = whole_number(raw, received_field(item_id))
        if amount > line.outstanding:
            raise FieldError(
                received_field(item_id),
                f"Only {line.outstanding} of {line.name or f'item #{item_id}'} are still to come; {amount} is more than was ordered.",
            )
        amounts[item_id] = amount
    return amounts


def order_rows(order: Order, items: Mapping[int, SupplyItem]) -> list[dict[str, Any]]:
    rows = []
    for line in order.lines:
        item = items.get(line.item_id) or SupplyItem(name=line.name or f"item #{line.item_id}")
        rows.append({
            "sku": item.sku, "item": line.name or item.name, "quantity": line.quantity, "unit": item.unit,
            "pack_size": item.pack_size, "packs": math.ceil(line.quantity / item.pack_size),
            "unit_cost": f"{item.unit_cost:.2f}", "line_total": f"{item.unit_cost * line.quantity:.2f}",
        })
    return rows


def order_csv(order: Order, items: Mapping[int, SupplyItem]) -> str:
    """The order as CSV for a supplier's upload form or a spreadsheet."""
    rows = order_rows(order, items)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["sku", "item", "quantity", "unit", "pack_size", "packs", "unit_cost", "line_total"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(visible(v)) if isinstance(v, str) else v for k, v in row.items()} for row in rows)
    return out.getvalue()


def order_email(order: Order, items: Mapping[int, SupplyItem], sender: str) -> str:
    """The order as plain text, ready to paste into an e-mail to the supplier."""
    rows = order_rows(order, items)
    lines = []
    for row in rows:
        packs = f" ({row['packs']} × {row['pack_size']})" if row["pack_size"] > 1 else ""
        sku = f" [{row['sku']}]" if row["sku"] else ""
        lines.append(f"  - {row['quantity']} {row['unit']}{packs}  {row['item']}{sku}")
    total = sum(float(row["line_total"]) for row in rows)
    dated = f" of {local(order.ordered_on):%d %B %Y}" if order.ordered_on else ""
    return (
        f"Subject: Order {order.id}{dated}\n\n"
        f"Dear {order.supplier},\n\n"
        f"Please supply the following, quoting our order number {order.id}:\n\n"
        + "\n".join(lines)
        + f"\n\nExpected total at list prices: {total:.2f}\n"
        "Please confirm the delivery date.\n\n"
        f"Kind regards,\n{sender}\n"
    )


# -- exports -------------------------------------------------------------------------


def exports_folder(store) -> Path:
    return store.beside("exports")


def export_order(store, order_id: int, kind: str) -> tuple[Path, str]:
    """Write the order as CSV ("csv") or e-mail text ("email"); (where it went, the text)."""
    order = store.repo("orders").get(order_id)
    items = items_by_id(store)
    text = order_csv(order, items) if kind == "csv" else order_email(order, items, store.user)
    slug = re.sub(r"[^a-z0-9]+", "-", order.supplier.casefold()).strip("-") or "supplier"
    path = exports_folder(store) / f"order-{order.id}-{slug}.{'csv' if kind == 'csv' else 'txt'}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(visible(text), encoding="utf-8")  # for people: a control character shows as a symbol
    return path, text


# -- count sheet -------------------------------------------------------------------------


def start_count(store) -> CountSession:
    """Resume the count in progress, or start one over every item in location order."""
    sessions = store.repo("count_sessions")
    with store.transaction("stock"):
        unfinished = sessions.find(finished=False)
        if unfinished:
            return max(unfinished, key=lambda s: s.id)
        walk = sorted(store.repo("supplies").list(), key=lambda i: (i.location.casefold(), i.name.casefold(), i.id))
        return sessions.add(CountSession(started_by=store.user, item_ids=[i.id for i in walk]))


def record_count(store, session_id: int, item_id: int, counted: object) -> CountSession:
    """Record a counted quantity; a difference from the book becomes a "counted" movement.

    Counting an item again (a typo put right) corrects it against the same book figure.
    """
    quantity = whole_number(counted, "counted")
    sessions = store.repo("count_sessions")
    with store.transaction("stock"):
        session = sessions.get(session_id)
        if session.finished:
            raise RuleError(f"Count #{session_id} is finished; start a new count.")
        if item_id not in session.item_ids:
            raise RuleError(f"Item #{item_id} is not on count #{session_id}.")
        item = store.repo("supplies").get(item_id)
        difference = quantity - item.on_hand
        if difference:
            record_movement(store, StockMovement(
                item_id=item_id, kind=MovementKind.COUNTED, quantity=difference, at=store.now(),
                who=store.user, note=f"count #{session_id}: book {item.on_hand}, counted {quantity}",
            ))
        book = session.book.get(item_id, item.on_hand)
        session = session.model_copy(update={"book": {**session.book, item_id: book}, "counted": {**session.counted, item_id: quantity}})
        if session.next_item_id() is None:
            session = session.model_copy(update={"finished": True, "finished_at": store.now()})
        return sessions.save(session)


def finish_count(store, session_id: int) -> CountSession:
    """End a count early; the items not counted keep their book figure."""

    def finish(session: CountSession) -> None:
        if not session.finished:
            session.finished = True
            session.finished_at = store.now()

    return store.repo("count_sessions").update(session_id, finish)


@dataclass(frozen=True)
class CountRow:
    item: SupplyItem
    book: int  # on hand when counted; today's figure if not counted yet
    counted: int | None

    @property
    def difference(self) -> int:
        return 0 if self.counted is None else self.counted - self.book

    def explain(self) -> str:
        if self.counted is None:
            return f"{self.item.name}: not counted (book {self.book})"
        sign = "+" if self.difference > 0 else ""
        return f"{self.item.name}: book {self.book}, counted {self.counted}, difference {sign}{self.difference} {self.item.unit}"


def count_rows(session: CountSession, items: Mapping[int, SupplyItem]) -> list[CountRow]:
    """The sheet in walk order; items deleted since the count began are left out."""
    return [
        CountRow(items[i], session.book.get(i, items[i].on_hand), session.counted.get(i))
        for i in session.item_ids
        if i in items
    ]


def count_summary(session: CountSession, items: Mapping[int, SupplyItem]) -> list[CountRow]:
    """The counted items whose count differed from the book."""
    return [row for row in count_rows(session, items) if row.difference]


# -- dashboard ---------------------------------------------------------------------------


def agenda_groups(store, now: datetime) -> list[AgendaGroup]:
    low = sorted(
        (i for i in store.repo("supplies").list() if needs_reorder(i)),
        key=lambda i: (i.on_hand - i.reorder_point, i.name.casefold()),
    )
    entries = [
        AgendaEntry(f"{i.name}: {i.on_hand} {i.unit} left (reorder at {i.reorder_point})", "supplies", i.id, i.on_hand == 0)
        for i in low[:TOP]
    ]
    return [AgendaGroup("reorder", "Items at or below reorder point", "stock", len(low), entries)]


def order_is_closed(order: Order) -> bool:
    return order.status in (OrderStatus.RECEIVED, OrderStatus.CANCELLED)


COLLECTIONS = [
    Collection("supplies", SupplyItem, "stock", "supply item",
               columns=("name", "category", "on_hand", "reorder_point", "target", "unit", "location", "supplier")),
    # A movement is history once made: old ones go to the archive like closed records.
    Collection("stock_movements", StockMovement, "stock", "stock movement",
               columns=("item_id", "kind", "quantity", "at", "who", "person", "machine_id", "note"),
               is_closed=lambda movement: True),
    Collection("orders", Order, "stock", "order", columns=("supplier", "status", "ordered_on", "received_on"),
               is_closed=order_is_closed),
    Collection("count_sessions", CountSession, "stock", "count", columns=("started_by", "finished", "finished_at"),
               is_closed=lambda s: s.finished),
]
