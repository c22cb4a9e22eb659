"""Stock: supply items, the movements that change what is on hand, orders, count sheets.

models (what a record is), rules (what may happen, and the order list's arithmetic: target
− on hand − on order, rounded up to whole packs), actions (what a person does to the store),
views (what a screen or the command line shows).
"""

from data.engine.collections import Collection
from data.stock.models import CountSession, Order, StockMovement, Supplier, SupplyItem
from data.stock.actions import check_suppliers
from data.stock.rules import order_is_closed

COLLECTIONS = [
    Collection("supplies", SupplyItem, "stock", "supply item",
               columns=("name", "category", "on_hand", "reorder_point", "target", "unit", "location", "supplier"),
               new_fields=(*SupplyItem.form_fields, "on_hand"), adder="data.stock.actions:add_opening_item"),
    # A movement is history once made: old ones go to the archive like closed records.
    Collection("stock_movements", StockMovement, "stock", "stock movement",
               columns=("item_id", "kind", "quantity", "at", "who", "person", "machine_id", "note"),
               is_closed=lambda movement: True, adder="data.stock.actions:add_movement",
               new_fields=("item_id", "kind", "quantity", "at", "who", "note", "order_id", "machine_id", "person")),
    Collection("orders", Order, "stock", "order", columns=("supplier", "status", "ordered_on", "received_on"),
               is_closed=order_is_closed, new_fields=(*Order.form_fields, "lines")),
    Collection("suppliers", Supplier, "stock", "supplier", columns=("name", "email", "phone", "lead_days"),
               check=check_suppliers),
    Collection("count_sessions", CountSession, "stock", "count", columns=("started_by", "finished", "finished_at"),
               is_closed=lambda s: s.finished, new_fields=(), made_by="a count is started with its key on the stock screen"),
]
