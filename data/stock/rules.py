"""What may happen to stock, and the arithmetic of the order list: pure functions."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from data.engine.clock import office_day
from data.engine.errors import FieldError, RuleError
from data.engine.states import Moves, words
from data.stock.models import (
    MAX_UNITS,
    CountSession,
    MovementKind,
    Order,
    OrderStatus,
    StockMovement,
    Supplier,
    SupplyItem,
    lead_days,
    received_field,
)

USE_WINDOW_DAYS = 90
# Drafts count as on order too: otherwise a second look at the order list, before the
# draft is sent, would order the same shortfall again.
OPEN_ORDER = frozenset({OrderStatus.DRAFT, OrderStatus.ORDERED, OrderStatus.PARTLY_RECEIVED})


def order_refusal(order: Order, to: OrderStatus) -> str:
    return f"Order {order.label()} is {words(order.status)}; it cannot become {words(to)}."


ORDER_MOVES = Moves({
    OrderStatus.DRAFT: frozenset({OrderStatus.ORDERED, OrderStatus.CANCELLED}),
    OrderStatus.ORDERED: frozenset({OrderStatus.PARTLY_RECEIVED, OrderStatus.RECEIVED, OrderStatus.CANCELLED}),
    OrderStatus.PARTLY_RECEIVED: frozenset({OrderStatus.PARTLY_RECEIVED, OrderStatus.RECEIVED, OrderStatus.CANCELLED}),
    OrderStatus.RECEIVED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}, order_refusal)


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


def check_supplier_name(supplier: Supplier, others: Iterable[Supplier]) -> None:
    """No two suppliers share a name (in any case): items and orders name them."""
    for other in others:
        if other.id != supplier.id and other.name.strip().casefold() == supplier.name.strip().casefold():
            raise FieldError("name", f"There is already a supplier named {other.name}.")


def suppliers_by_name(suppliers: Iterable[Supplier]) -> dict[str, Supplier]:
    return {s.name.strip().casefold(): s for s in suppliers}


def needs_reorder(item: SupplyItem) -> bool:
    return item.on_hand <= item.reorder_point


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
        if movement.kind == MovementKind.USED and not movement.is_void and since <= movement.at <= now:
            used[movement.item_id] = used.get(movement.item_id, 0) + movement.quantity
    return {item_id: total / USE_WINDOW_DAYS for item_id, total in used.items()}


def days_of_cover(on_hand: int, per_day: float) -> float | None:
    """Days until none is left at that rate of use; None when nothing is used."""
    return None if per_day <= 0 else on_hand / per_day


@dataclass(frozen=True)
class LeadTimeUse:
    """What an item is expected to use while an order for it is on its way."""

    days: int
    per_day: float

    @property
    def units(self) -> int:
        return math.ceil(self.days * self.per_day - 1e-9)  # a fraction of a unit is still a unit to have

    def explain(self) -> str:
        return f"{self.units} used in {self.days} lead days ({self.per_day:.2f} a day)"


@dataclass(frozen=True)
class OrderArithmetic:
    target: int
    on_hand: int
    on_order: int
    pack_size: int
    shortfall: int  # target − on hand − on order + soon needed + use in the lead time, never below zero
    packs: int
    quantity: int  # packs × pack size
    soon_needed: tuple[str, ...] = ()  # machines that report this supply low, in words: one unit each
    lead_use: LeadTimeUse | None = None  # for an item ordered for its lead time too

    def explain(self) -> str:
        packs = f"{self.packs} pack{'' if self.packs == 1 else 's'} of {self.pack_size}"
        needed = f" + {len(self.soon_needed)} soon needed ({'; '.join(self.soon_needed)})" if self.soon_needed else ""
        lead = f" + {self.lead_use.explain()}" if self.lead_use else ""
        return (
            f"target {self.target} − on hand {self.on_hand} − on order {self.on_order}{needed}{lead}"
            f" = {self.shortfall} → {packs} = {self.quantity}"
        )


def order_quantity(target: int, on_hand: int, on_order: int, pack_size: int, soon_needed: Sequence[str] = (),
                   lead_use: LeadTimeUse | None = None) -> OrderArithmetic:
    """target − on hand − on order + one for each machine that reports it low + what the
    lead time will use (when asked for), never below zero, rounded up to whole packs."""
    if pack_size < 1:
        raise FieldError("pack_size", "The pack size must be at least 1.")
    extra = len(soon_needed) + (lead_use.units if lead_use else 0)
    shortfall = max(target - on_hand - on_order + extra, 0)
    packs = math.ceil(shortfall / pack_size)
    return OrderArithmetic(target, on_hand, on_order, pack_size, shortfall, packs, packs * pack_size, tuple(soon_needed), lead_use)


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


def reorder_list(items: Iterable[SupplyItem], orders: Iterable[Order], movements: Iterable[StockMovement], now: datetime,
                 soon_needed: Mapping[int, Sequence[str]] | None = None,
                 suppliers: Iterable[Supplier] = ()) -> list[ReorderLine]:
    """Items at or below their reorder point — counting out what machines reporting it low
    will soon take (``soon_needed``: item id → those machines, in words), and for an item
    ordered for its lead time, what it will use until an order arrives — with what to
    order, by supplier then name."""
    on_order = on_order_by_item(orders)
    per_day = use_per_day(movements, now)
    by_name = suppliers_by_name(suppliers)
    soon_needed = soon_needed or {}
    lines = []
    for item in items:
        needed = soon_needed.get(item.id, ())  # type: ignore[arg-type]
        rate = per_day.get(item.id, 0.0)
        lead_use = LeadTimeUse(lead_days(item, by_name), rate) if item.order_for_lead_time and rate else None
        if item.on_hand - len(needed) - (lead_use.units if lead_use else 0) <= item.reorder_point:
            arithmetic = order_quantity(item.target, item.on_hand, on_order.get(item.id, 0), item.pack_size, needed, lead_use)
            lines.append(ReorderLine(item, arithmetic, rate, days_of_cover(item.on_hand, rate)))
    return sorted(lines, key=lambda line: (line.item.supplier.casefold(), line.item.name.casefold()))


def check_reversal(movement: StockMovement, item: SupplyItem) -> None:
    """RuleError unless the movement may be reversed: not a reversal, not reversed yet, and
    undoing it leaves the item's stock at zero or more."""
    if movement.kind == MovementKind.REVERSAL:
        raise RuleError(f"Movement {movement.label()} is itself a reversal; record the movement again instead.")
    if movement.is_void:
        raise RuleError(f"Movement {movement.label()} was already reversed by {movement.voided_by}: {movement.void_reason}")
    if item.on_hand - movement.change < 0:
        raise RuleError(
            f"Reversing movement {movement.label()} would take {item.name} below zero: only {item.on_hand} {item.unit} left."
        )


def undo_delivery(order: Order, item_id: int, amount: int) -> Order:
    """The order with ``amount`` of an item no longer received: still to come, so the order
    is back to ordered or partly received (a cancelled order stays cancelled)."""
    line = order.line_for(item_id)
    lines = [ln.model_copy(update={"received": max(ln.received - amount, 0)}) if ln is line else ln for ln in order.lines]
    order = order.model_copy(update={"lines": lines})
    if order.status != OrderStatus.CANCELLED:
        anything = any(ln.received for ln in lines)
        order.status = OrderStatus.PARTLY_RECEIVED if anything else OrderStatus.ORDERED
        order.received_on = None
    return order


def move_order(order: Order, to: OrderStatus, now: datetime) -> None:
    """Change an order's status if that move is allowed, stamping its date; RuleError if not."""
    ORDER_MOVES.check(order, to)
    if to == OrderStatus.ORDERED and not order.lines:
        raise RuleError(f"Order {order.label()} has no lines to order.")
    order.status = to
    if to == OrderStatus.ORDERED:
        order.ordered_on = now
    elif to == OrderStatus.RECEIVED:
        order.received_on = now
    elif to == OrderStatus.CANCELLED:
        order.cancelled_on = now


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


def order_is_closed(order: Order) -> bool:
    return order.status in (OrderStatus.RECEIVED, OrderStatus.CANCELLED)
