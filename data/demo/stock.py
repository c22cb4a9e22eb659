"""Demo supplies with months of movements, some low, one order partly received."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from data.stock import MovementKind, Order, OrderLine, OrderStatus, StockMovement, SupplyCategory, SupplyItem
from data.store import Store

# name, sku, category, unit, pack, location, reorder point, target, supplier, cost, fits
ITEMS = [
    ("A4 copier paper 80 g", "PAP-A4-80", "paper", "ream", 5, "Store room, shelf 1", 20, 60, "Nordic Paper AB", 4.2, []),
    ("A3 copier paper 80 g", "PAP-A3-80", "paper", "ream", 5, "Store room, shelf 1", 4, 12, "Nordic Paper AB", 8.9, []),
    ("A4 paper 100 g, white", "PAP-A4-100", "paper", "ream", 5, "Store room, shelf 1", 3, 10, "Nordic Paper AB", 6.5, []),
    ("Letterheads A4", "PAP-LH", "paper", "ream", 1, "Store room, shelf 2", 2, 6, "Brightline Print", 18.0, []),
    ("Envelopes DL, window", "ENV-DL", "paper", "box of 500", 1, "Store room, shelf 2", 2, 6, "OfficeDirect", 14.0, []),
    ("Envelopes C4, brown", "ENV-C4", "paper", "box of 250", 1, "Store room, shelf 2", 1, 4, "OfficeDirect", 19.5, []),
    ("Sticky notes 76×76", "NOTE-76", "office", "pack of 12", 1, "Store room, drawer A", 3, 10, "OfficeDirect", 6.1, []),
    ("Ballpoint pens, blue", "PEN-BL", "pens", "box of 50", 1, "Store room, drawer A", 2, 5, "OfficeDirect", 9.9, []),
    ("Ballpoint pens, black", "PEN-BK", "pens", "box of 50", 1, "Store room, drawer A", 1, 4, "OfficeDirect", 9.9, []),
    ("Highlighters, 4 colours", "HL-4", "pens", "pack", 6, "Store room, drawer A", 4, 12, "OfficeDirect", 3.5, []),
    ("Whiteboard markers", "WB-4", "pens", "pack of 4", 3, "Store room, drawer A", 2, 8, "OfficeDirect", 4.8, []),
    ("Staples 26/6", "STP-26", "office", "box of 5000", 5, "Store room, drawer B", 3, 10, "OfficeDirect", 1.2, []),
    ("Paper clips 33 mm", "CLIP-33", "office", "box of 100", 10, "Store room, drawer B", 5, 20, "OfficeDirect", 0.6, []),
    ("Lever arch files A4", "FILE-LA", "office", "each", 10, "Store room, shelf 3", 10, 40, "OfficeDirect", 2.1, []),
    ("Suspension files", "FILE-SUS", "office", "box of 50", 1, "Store room, shelf 3", 1, 3, "OfficeDirect", 16.0, []),
    ("Printer labels 21/sheet", "LBL-21", "office", "box of 100 sheets", 1, "Store room, shelf 3", 1, 3, "OfficeDirect", 12.5, []),
    ("Toner Canon C-EXV 54 black", "TN-CEXV54K", "toner", "cartridge", 1, "Copy room cupboard", 2, 4, "Canon Business Direct", 58.0, ["CP-01"]),
    ("Toner Canon C-EXV 54 cyan", "TN-CEXV54C", "toner", "cartridge", 1, "Copy room cupboard", 1, 2, "Canon Business Direct", 74.0, ["CP-01"]),
    ("Toner Canon C-EXV 54 magenta", "TN-CEXV54M", "toner", "cartridge", 1, "Copy room cupboard", 1, 2, "Canon Business Direct", 74.0, ["CP-01"]),
    ("Toner Canon C-EXV 54 yellow", "TN-CEXV54Y", "toner", "cartridge", 1, "Copy room cupboard", 1, 2, "Canon Business Direct", 74.0, ["CP-01"]),
    ("Toner Ricoh MP 2014", "TN-MP2014", "toner", "cartridge", 1, "Copy room cupboard", 1, 3, "Ricoh Supplies", 32.0, ["CP-02"]),
    ("Toner HP 89A", "TN-HP89A", "toner", "cartridge", 1, "Copy room cupboard", 2, 4, "HP Store", 129.0, ["PR-01", "PR-02"]),
    ("Toner Brother TN-2420", "TN-2420", "toner", "cartridge", 1, "Copy room cupboard", 1, 3, "OfficeDirect", 49.0, ["PR-03"]),
    ("Fax film Brother PC-402RF", "FX-402", "ink", "roll", 2, "Copy room cupboard", 1, 4, "OfficeDirect", 18.0, ["FX-01"]),
    ("Ink Epson 603XL set", "INK-603XL", "ink", "set of 4", 1, "Copy room cupboard", 1, 2, "OfficeDirect", 45.0, ["MF-01"]),
    ("Drum unit Brother DR-2400", "DR-2400", "parts", "each", 1, "Copy room cupboard", 0, 1, "OfficeDirect", 79.0, ["PR-03"]),
    ("Waste toner box Canon", "WT-C", "parts", "each", 1, "Copy room cupboard", 1, 2, "Canon Business Direct", 12.0, ["CP-01"]),
    ("Screen cleaning wipes", "CLN-WIPE", "cleaning", "tub of 100", 1, "Store room, shelf 4", 1, 4, "CleanCo", 5.5, []),
    ("Hand sanitiser 500 ml", "CLN-SAN", "cleaning", "bottle", 6, "Store room, shelf 4", 4, 12, "CleanCo", 3.2, []),
    ("Kitchen roll", "CLN-KR", "cleaning", "pack of 6", 1, "Kitchen cupboard", 2, 6, "CleanCo", 4.9, []),
    ("Washing-up liquid", "CLN-WU", "cleaning", "bottle", 1, "Kitchen cupboard", 1, 3, "CleanCo", 1.6, []),
    ("Coffee beans 1 kg", "KIT-COF", "office", "bag", 1, "Kitchen cupboard", 2, 6, "Bean There Ltd", 16.0, []),
    ("Tea bags", "KIT-TEA", "office", "box of 240", 1, "Kitchen cupboard", 1, 4, "Bean There Ltd", 6.0, []),
    ("Milk, long life", "KIT-MLK", "office", "carton", 12, "Kitchen cupboard", 6, 24, "Bean There Ltd", 0.9, []),
    ("AA batteries", "BAT-AA", "office", "pack of 8", 1, "Store room, drawer B", 2, 5, "OfficeDirect", 5.0, []),
    ("USB sticks 32 GB", "USB-32", "office", "each", 5, "Store room, drawer B", 2, 10, "OfficeDirect", 6.0, []),
    ("Bin bags, 80 l", "CLN-BIN", "cleaning", "roll of 20", 1, "Store room, shelf 4", 2, 6, "CleanCo", 3.9, []),
    ("Notebooks A5", "NB-A5", "office", "each", 10, "Store room, shelf 3", 5, 30, "OfficeDirect", 1.9, []),
    ("Scissors", "SCI", "office", "each", 1, "Store room, drawer B", 1, 3, "OfficeDirect", 3.0, []),
    ("Correction tape", "COR-T", "pens", "pack of 10", 1, "Store room, drawer A", 1, 3, "OfficeDirect", 8.0, []),
]
# The machines demo creates these asset tags in this order, so machine ids are 1..8.
MACHINE_IDS = {"CP-01": 1, "CP-02": 2, "PR-01": 3, "PR-02": 4, "PR-03": 5, "FX-01": 6, "MF-01": 7, "SC-01": 8}
PEOPLE = ["Harriet Cole", "Tom Baines", "Marek Nowak", "Lucy Fernandes", "Grace Okafor", "Dan Whitfield"]


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    items, movements = [], []
    for n, (name, sku, category, unit, pack, location, point, target, supplier, cost, fits) in enumerate(ITEMS, start=1):
        history, on_hand = item_history(n, unit, point, target, pack, fits, now, rng)
        movements += history
        items.append(SupplyItem(
            name=name, sku=sku, category=SupplyCategory(category), unit=unit, pack_size=pack, location=location,
            on_hand=on_hand, reorder_point=point, target=target, supplier=supplier, unit_cost=cost,
            lead_days=rng.choice([2, 3, 5, 7]), fits=fits,
        ))
    store.repo("supplies").add_many(items)
    store.repo("stock_movements").add_many(movements)
    paper = Order(
        supplier="Nordic Paper AB", status=OrderStatus.PARTLY_RECEIVED, ordered_on=now - timedelta(days=6),
        lines=[OrderLine(item_id=1, name=ITEMS[0][0], quantity=40, received=20), OrderLine(item_id=2, name=ITEMS[1][0], quantity=10, received=0)],
    )
    store.repo("orders").add_many([paper])


def item_history(item_id, unit, point, target, pack, fits, now, rng) -> tuple[list[StockMovement], int]:
    """Six months of deliveries and use; a few items end at or below their reorder point."""
    level = 0
    moves = []
    day = now - timedelta(days=180)
    while day < now - timedelta(days=1):
        if level <= point:
            amount = max(target - level, pack)
            moves.append(StockMovement(item_id=item_id, kind=MovementKind.RECEIVED, quantity=amount, at=day, who="ann"))
            level += amount
        used = min(level, rng.choice([0, 0, 1, 1, 2]) * max(pack // 2, 1))
        if used:
            machine = MACHINE_IDS.get(fits[0]) if fits else None
            person = "" if machine else rng.choice(PEOPLE)
            moves.append(StockMovement(item_id=item_id, kind=MovementKind.USED, quantity=used, at=day + timedelta(hours=10),
                                       who="ann", machine_id=machine, person=person))
            level -= used
        day += timedelta(days=rng.randint(3, 9) if fits else rng.randint(2, 6))
    if item_id % 6 and level <= point:  # most items were topped up this week
        moves.append(StockMovement(item_id=item_id, kind=MovementKind.RECEIVED, quantity=target - level, at=now - timedelta(days=2), who="ann"))
        level = target
    if item_id % 6 == 0 and level > point:  # leave some below the reorder point
        drop = level - max(point - 1, 0)
        moves.append(StockMovement(item_id=item_id, kind=MovementKind.USED, quantity=drop, at=now - timedelta(hours=20), who="ann", person=rng.choice(PEOPLE)))
        level -= drop
    return moves, level
