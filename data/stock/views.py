"""What the stock section, the order list, an item's page, the dashboard and the command
line show."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from data.agenda import TOP, AgendaEntry, AgendaGroup
from data.engine.clock import local
from data.engine.store import Store
from data.engine.text import spreadsheet_safe, visible
from data.stock import rules
from data.stock.models import Order, StockMovement, Supplier, SupplyItem, lead_days
from data.stock.rules import ReorderLine


def items_by_id(store: Store) -> dict[int, SupplyItem]:
    return {item.id: item for item in store.repo("supplies").list()}


def item_movements(store: Store, item_id: int) -> list[StockMovement]:
    """An item's history, newest first."""
    return sorted(store.repo("stock_movements").find(item_id=item_id), key=lambda m: (m.at, m.id), reverse=True)


def current_reorder_list(store: Store, now: datetime) -> list[ReorderLine]:
    items = store.repo("supplies").list()
    return rules.reorder_list(items, store.repo("orders").list(), store.repo("stock_movements").list(), now,
                              soon_needed(store, items), store.repo("suppliers").list())


def soon_needed(store: Store, items: list[SupplyItem]) -> dict[int, list[str]]:
    """Stock item id → the machines that report it low over the network, in words."""
    from data.machines.supply_levels import wanted_for_low_supplies  # the machines' views import this module

    return wanted_for_low_supplies(store.repo("machines").list(), store.repo("supply_levels").list(), items)


def supplier_address(store: Store, name: str) -> str:
    """Where an order to this supplier is e-mailed: the supplier's own address, else the
    directory's, else ""."""
    from data.calls.views import directory_address

    supplier = rules.suppliers_by_name(store.repo("suppliers").list()).get(name.strip().casefold())
    return (supplier.email if supplier else "") or directory_address(store.repo("contacts").list(), name)


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


def agenda_groups(store: Store, now: datetime) -> list[AgendaGroup]:
    low = sorted(
        (i for i in store.repo("supplies").list() if rules.needs_reorder(i)),
        key=lambda i: (i.on_hand - i.reorder_point, i.name.casefold()),
    )
    entries = [
        AgendaEntry(f"{i.name}: {i.on_hand} {i.unit} left (reorder at {i.reorder_point})", "supplies", i.id, i.on_hand == 0)
        for i in low[:TOP]
    ]
    return [AgendaGroup("reorder", "Items at or below reorder point", "stock", len(low), entries)]


@dataclass(frozen=True)
class StockView:
    items: list[SupplyItem]
    orders: list[Order]
    order_list: list[ReorderLine]
    now: datetime
    suppliers: list[Supplier] = field(default_factory=list)
    per_day: dict[int, float] = field(default_factory=dict)  # item id → average use over the last 90 days

    def supplier(self, supplier_id: int | None) -> Supplier | None:
        return next((s for s in self.suppliers if s.id == supplier_id), None)

    def cover(self, item: SupplyItem) -> float | None:
        return rules.days_of_cover(item.on_hand, self.per_day.get(item.id, 0.0))

    def lead_days(self, item: SupplyItem) -> int:
        return lead_days(item, rules.suppliers_by_name(self.suppliers))

    def item(self, item_id: int | None) -> SupplyItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def order(self, order_id: int | None) -> Order | None:
        return next((o for o in self.orders if o.id == order_id), None)

    def reorder_line(self, item_id: int | None) -> ReorderLine | None:
        return next((line for line in self.order_list if line.item.id == item_id), None)

    @property
    def low(self) -> int:
        return sum(1 for i in self.items if rules.needs_reorder(i))

    @property
    def to_order(self) -> list[ReorderLine]:
        return [line for line in self.order_list if line.quantity]

    @property
    def open_orders(self) -> int:
        return sum(1 for o in self.orders if not rules.order_is_closed(o))

    def suggestions(self) -> dict[str, list[str]]:
        """What was typed before into the fields a form completes; the suppliers on the list too."""
        typed = {name: {getattr(i, name) for i in self.items if getattr(i, name)} for name in ("location", "supplier", "unit")}
        typed["supplier"] |= {s.name for s in self.suppliers}
        return {name: sorted(values) for name, values in typed.items()}


def stock_view(store: Store) -> StockView:
    items = store.repo("supplies").list()
    orders = store.repo("orders").list()
    suppliers = store.repo("suppliers").list()
    movements = store.repo("stock_movements").list()
    now = store.now()
    lines = rules.reorder_list(items, orders, movements, now, soon_needed(store, items), suppliers)
    return StockView(items, orders, lines, now, suppliers, rules.use_per_day(movements, now))


@dataclass(frozen=True)
class ItemHistory:
    item: SupplyItem
    movements: list[StockMovement]  # newest first
    levels: list[tuple[datetime, int]]  # after each movement, oldest first
    daily: list[int]  # the level at the end of each of the last 90 days
    machine_tags: dict[int, str] = field(default_factory=dict)
    per_day: float = 0.0  # average use over the last 90 days
    lead_days: int = 0  # its own, else its supplier's

    def level_after(self) -> dict[int, int]:
        """Movement id → the level it left."""
        oldest_first = sorted(self.movements, key=lambda m: (m.at, m.id or 0))
        return {m.id: level for m, (_, level) in zip(oldest_first, self.levels)}


def item_history(store: Store, item_id: int) -> ItemHistory:
    item = store.repo("supplies").get(item_id)
    movements = item_movements(store, item_id)
    tags = {m.id: m.asset_tag for m in store.repo("machines").list()}
    return ItemHistory(item, movements, rules.level_history(item, movements),
                       rules.daily_levels(item, movements, store.today()), tags,
                       rules.use_per_day(movements, store.now()).get(item_id, 0.0),
                       lead_days(item, rules.suppliers_by_name(store.repo("suppliers").list())))


def toner_issued(store: Store) -> tuple[list[StockMovement], dict[int, SupplyItem]]:
    """What the machines' toner forecasts need: the movements of supplies to machines (a
    reversed one never went), and the supply items by id."""
    movements = store.repo("stock_movements").find(lambda m: m.machine_id is not None and not m.is_void)
    return movements, items_by_id(store)
