"""Stock: supply items, the movements that change what is on hand, orders, count sheets.

``on_hand`` changes only through a movement (``record_movement``), so every number has a
history. The order list shows its arithmetic: target − on hand − on order, rounded up to
whole packs.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from data.agenda import AgendaEntry, AgendaGroup
from data.collections import Collection
from data.errors import FieldError, RuleError
from data.record import Record

USE_WINDOW_DAYS = 90


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
    on_hand: int = Field(default=0, ge=0)
    reorder_point: int = Field(default=0, ge=0)
    target: int = Field(default=0, ge=0)
    supplier: str = Field(default="", max_length=200)
    unit_cost: float = Field(default=0.0, ge=0)
    lead_days: int = Field(default=7, ge=0, le=365)
    fits: list[str] = Field(default_factory=list, title="Fits machines")

    form_fields = (
        "name", "sku", "category", "unit", "pack_size", "location", "reorder_point", "target",
        "supplier", "unit_cost", "lead_days", "fits",
    )

    @model_validator(mode="after")
    def _target_not_below_reorder_point(self) -> SupplyItem:
        if self.target < self.reorder_point:
            raise ValueError("the target cannot be below the reorder point")
        return self

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
    quantity: int  # received/used: the positive number of units; adjusted/counted: the signed change
    at: datetime
    who: str = ""
    note: str = Field(default="", max_length=500)
    order_id: int | None = None
    machine_id: int | None = None
    person: str = Field(default="", max_length=200)

    @property
    def change(self) -> int:
        return -self.quantity if self.kind == MovementKind.USED else self.quantity


class OrderStatus(StrEnum):
    DRAFT = "draft"
    ORDERED = "ordered"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class OrderLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: int
    name: str = ""
    quantity: int = Field(ge=1)
    received: int = Field(default=0, ge=0)

    @property
    def outstanding(self) -> int:
        return max(self.quantity - self.received, 0)


class Order(Record):
    supplier: str = Field(min_length=1, max_length=200)
    lines: list[OrderLine] = Field(default_factory=list)
    status: OrderStatus = OrderStatus.DRAFT
    ordered_on: datetime | None = None
    received_on: datetime | None = None
    note: str = Field(default="", max_length=1000)

    form_fields = ("supplier", "note")

    def label(self) -> str:
        return f"#{self.id} {self.supplier}"


OPEN_ORDER = {OrderStatus.DRAFT, OrderStatus.ORDERED, OrderStatus.PARTLY_RECEIVED}


class CountSession(Record):
    """A count sheet in progress: which items are counted so far, so it can resume."""

    started_by: str = ""
    item_ids: list[int] = Field(default_factory=list)  # the walk, in location order
    counted: dict[str, int] = Field(default_factory=dict)  # item id → counted quantity
    differences: dict[str, int] = Field(default_factory=dict)  # item id → counted − book
    finished: bool = False

    @property
    def next_index(self) -> int:
        return len(self.counted)


# -- the order list ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLineSuggestion:
    item: SupplyItem
    on_order: int
    shortfall: int
    packs: int
    quantity: int
    days_of_cover: float | None

    def explain(self) -> str:
        return (
            f"target {self.item.target} − on hand {self.item.on_hand} − on order {self.on_order}"
            f" = {self.shortfall} → {self.packs} pack{'s' if self.packs != 1 else ''}"
            f" of {self.item.pack_size} = {self.quantity}"
        )


def order_quantity(target: int, on_hand: int, on_order: int, pack_size: int) -> tuple[int, int, int]:
    """(shortfall, packs, quantity): target − on hand − on order, never below zero,
    rounded up to whole packs."""
    if pack_size < 1:
        raise FieldError("pack_size", "The pack size must be at least 1.")
    shortfall = max(target - on_hand - on_order, 0)
    packs = math.ceil(shortfall / pack_size)
    return shortfall, packs, packs * pack_size


def on_order_by_item(orders: Iterable[Order]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for order in orders:
        if order.status in (OrderStatus.ORDERED, OrderStatus.PARTLY_RECEIVED, OrderStatus.DRAFT):
            for line in order.lines:
                totals[line.item_id] = totals.get(line.item_id, 0) + line.outstanding
    return totals


def daily_use(movements: Iterable[StockMovement], item_id: int, now: datetime) -> float:
    since = now - timedelta(days=USE_WINDOW_DAYS)
    used = sum(m.quantity for m in movements if m.item_id == item_id and m.kind == MovementKind.USED and m.at >= since)
    return used / USE_WINDOW_DAYS


def days_of_cover(on_hand: int, use_per_day: float) -> float | None:
    return None if use_per_day <= 0 else on_hand / use_per_day


def needs_reorder(item: SupplyItem) -> bool:
    return item.on_hand <= item.reorder_point


def order_list(items: Iterable[SupplyItem], orders: Iterable[Order], movements: Iterable[StockMovement], now: datetime) -> list[OrderLineSuggestion]:
    on_order = on_order_by_item(orders)
    movements = list(movements)
    lines = []
    for item in items:
        if not needs_reorder(item):
            continue
        pending = on_order.get(item.id or 0, 0)
        shortfall, packs, quantity = order_quantity(item.target, item.on_hand, pending, item.pack_size)
        cover = days_of_cover(item.on_hand, daily_use(movements, item.id or 0, now))
        lines.append(OrderLineSuggestion(item, pending, shortfall, packs, quantity, cover))
    return sorted(lines, key=lambda line: (line.item.supplier.casefold(), line.item.name.casefold()))


def order_list_text(lines: list[OrderLineSuggestion]) -> str:
    if not lines:
        return "Nothing is at or below its reorder point.\n"
    out = []
    for line in lines:
        cover = "no recent use" if line.days_of_cover is None else f"{line.days_of_cover:.0f} days of cover"
        out.append(f"{line.item.name} ({line.item.supplier or 'no supplier'}): order {line.quantity} {line.item.unit} — {line.explain()}; {cover}")
    return "\n".join(out) + "\n"


# -- movements ---------------------------------------------------------------------------


def check_quantity(value: object, field: str = "quantity", allow_zero: bool = False) -> int:
    if isinstance(value, float) and not value.is_integer() or isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        raise FieldError(field, "Give a whole number.")
    number = int(value)  # type: ignore[arg-type]
    if number < 0 or (number == 0 and not allow_zero):
        raise FieldError(field, "Give a number above zero." if not allow_zero else "A count cannot be negative.")
    return number


def record_movement(store, movement: StockMovement) -> SupplyItem:
    """Add a movement and change the item's on_hand by it, in one transaction."""
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
    amount = check_quantity(quantity)
    movement = StockMovement(
        item_id=item_id, kind=MovementKind.USED, quantity=amount, at=store.now(), who=store.user,
        person=person, machine_id=machine_id, note=note,
    )
    return record_movement(store, movement)


def adjust_item(store, item_id: int, change: int, note: str) -> SupplyItem:
    if not note.strip():
        raise FieldError("note", "Say why the stock is adjusted.")
    movement = StockMovement(item_id=item_id, kind=MovementKind.ADJUSTED, quantity=change, at=store.now(), who=store.user, note=note)
    return record_movement(store, movement)


def level_history(item: SupplyItem, movements: Iterable[StockMovement]) -> list[tuple[datetime, int]]:
    """On-hand level after each movement, oldest first, ending at today's level."""
    own = sorted((m for m in movements if m.item_id == item.id), key=lambda m: m.at)
    level = item.on_hand - sum(m.change for m in own)
    points = []
    for movement in own:
        level += movement.change
        points.append((movement.at, level))
    return points


# -- orders and deliveries ---------------------------------------------------------------


def draft_orders(store, lines: list[OrderLineSuggestion]) -> list[Order]:
    """One draft order per supplier from the order list."""
    by_supplier: dict[str, list[OrderLine]] = {}
    for line in lines:
        if line.quantity > 0:
            by_supplier.setdefault(line.item.supplier or "(no supplier)", []).append(
                OrderLine(item_id=line.item.id or 0, name=line.item.name, quantity=line.quantity)
            )
    orders = [Order(supplier=supplier, lines=order_lines) for supplier, order_lines in by_supplier.items()]
    return store.repo("orders").add_many(orders) if orders else []


def place_order(order: Order, now: datetime) -> None:
    if order.status != OrderStatus.DRAFT:
        raise RuleError(f"Only a draft order can be placed; this one is {order.status.value.replace('_', ' ')}.")
    if not order.lines:
        raise RuleError("The order has no lines.")
    order.status = OrderStatus.ORDERED
    order.ordered_on = now


def receive(store, order_id: int, quantities: dict[int, object]) -> Order:
    """Receive a delivery against an order: item id → quantity received now."""
    orders = store.repo("orders")
    with store.transaction("stock"):
        order = orders.get(order_id)
        if order.status not in (OrderStatus.ORDERED, OrderStatus.PARTLY_RECEIVED):
            raise RuleError(f"Deliveries are received against a placed order; this one is {order.status.value.replace('_', ' ')}.")
        lines = {line.item_id: line for line in order.lines}
        for item_id, raw in quantities.items():
            amount = check_quantity(raw, allow_zero=True)
            line = lines.get(item_id)
            if line is None:
                raise FieldError("quantity", f"Item #{item_id} is not on this order.")
            if amount > line.outstanding:
                raise FieldError("quantity", f"Only {line.outstanding} of {line.name} are still to come; {amount} is more than was ordered.")
            if amount:
                record_movement(store, StockMovement(
                    item_id=item_id, kind=MovementKind.RECEIVED, quantity=amount, at=store.now(),
                    who=store.user, order_id=order_id,
                ))
                line.received += amount
        order = orders.get(order_id).model_copy(update={"lines": list(lines.values())})
        done = all(line.outstanding == 0 for line in order.lines)
        order.status = OrderStatus.RECEIVED if done else OrderStatus.PARTLY_RECEIVED
        if done:
            order.received_on = store.now()
        return orders.save(order)


def order_csv(order: Order, items: dict[int, SupplyItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sku", "item", "quantity", "unit", "unit_cost"])
    for line in order.lines:
        item = items.get(line.item_id)
        writer.writerow([item.sku if item else "", line.name, line.quantity, item.unit if item else "", item.unit_cost if item else ""])
    return out.getvalue()


def order_email(order: Order, items: dict[int, SupplyItem], sender: str) -> str:
    rows = []
    for line in order.lines:
        item = items.get(line.item_id)
        sku = f" ({item.sku})" if item and item.sku else ""
        unit = item.unit if item else ""
        rows.append(f"  - {line.quantity} {unit} {line.name}{sku}")
    return (
        f"Dear {order.supplier},\n\nPlease supply the following (our order {order.id}):\n\n"
        + "\n".join(rows)
        + f"\n\nThank you,\n{sender}\n"
    )


# -- count sheet -------------------------------------------------------------------------


def start_count(store) -> CountSession:
    """Resume the count in progress, or start one over every item in location order."""
    sessions = store.repo("count_sessions")
    with store.transaction("stock"):
        unfinished = [s for s in sessions.list() if not s.finished]
        if unfinished:
            return unfinished[-1]
        items = sorted(store.repo("supplies").list(), key=lambda i: (i.location.casefold(), i.name.casefold()))
        return sessions.add(CountSession(started_by=store.user, item_ids=[i.id for i in items]))


def record_count(store, session_id: int, item_id: int, counted: object) -> CountSession:
    """Record a counted quantity; a difference from the book becomes a 'counted' movement."""
    quantity = check_quantity(counted, "counted", allow_zero=True)
    sessions = store.repo("count_sessions")
    with store.transaction("stock"):
        session = sessions.get(session_id)
        item = store.repo("supplies").get(item_id)
        difference = quantity - item.on_hand
        if difference:
            record_movement(store, StockMovement(
                item_id=item_id, kind=MovementKind.COUNTED, quantity=difference, at=store.now(),
                who=store.user, note=f"count: book {item.on_hand}, counted {quantity}",
            ))
        session = sessions.get(session_id)
        session.counted = {**session.counted, str(item_id): quantity}
        session.differences = {**session.differences, str(item_id): difference}
        session.finished = len(session.counted) >= len(session.item_ids)
        return sessions.save(session)


# -- dashboard ---------------------------------------------------------------------------


def agenda_groups(store, now: datetime) -> list[AgendaGroup]:
    low = sorted((i for i in store.repo("supplies").list() if needs_reorder(i)), key=lambda i: (i.on_hand - i.reorder_point, i.name))
    entries = [AgendaEntry(f"{i.name} — {i.on_hand} {i.unit} left (reorder at {i.reorder_point})", "supplies", i.id, i.on_hand == 0) for i in low]
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
    Collection("count_sessions", CountSession, "stock", "count", columns=("started_by", "finished"),
               is_closed=lambda s: s.finished),
]
