"""Demo supplies with months of movements, some low, one order partly received."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from data.engine.store import Store
from data.stock.models import MovementKind, Order, OrderLine, OrderStatus, StockMovement, Supplier, SupplyCategory, SupplyItem
from data.stock.rules import needs_reorder

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
    ("Roller kit Fujitsu fi-7160", "PA03670-0001", "parts", "kit", 1, "Copy room cupboard", 0, 1, "PrintFix Ltd", 42.0, ["SC-01"]),
]
# Seeding runs calls, stock, machines, people: the machines do not exist yet when toner
# use is recorded here. The machines demo creates these asset tags in this order, so in a
# fresh demo office their Machine ids are 1..8.
MACHINE_IDS = {"CP-01": 1, "CP-02": 2, "PR-01": 3, "PR-02": 4, "PR-03": 5, "FX-01": 6, "MF-01": 7, "SC-01": 8}
PEOPLE = ["Harriet Cole", "Tom Baines", "Marek Nowak", "Lucy Fernandes", "Grace Okafor", "Dan Whitfield"]
USERS = ["ann", "tom", "grace"]
ON_ORDER = {"PAP-A4-80": (40, 20), "PAP-A3-80": (10, 0)}  # sku → (ordered, received so far)


SUPPLIERS = [  # name, e-mail, phone, lead days
    ("OfficeDirect", "orders@officedirect.example", "020 7946 0410", 2),
    ("Nordic Paper AB", "order@nordicpaper.example", "+46 8 555 01 47", 10),
    ("Canon Business Direct", "supplies@canon-direct.example", "020 7946 0522", 5),
    ("CleanCo", "sales@cleanco.example", "020 7946 0633", 3),
    ("Bean There Ltd", "hello@beanthere.example", "020 7946 0744", 4),
    ("HP Store", "", "020 7946 0855", 7),
    ("PrintFix Ltd", "parts@printfix.example", "020 7946 0966", 14),
    ("Ricoh Supplies", "supplies@ricoh.example", "020 7946 0177", 5),
    ("Brightline Print", "orders@brightline.example", "020 7946 0288", 3),
]


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    store.repo("suppliers").add_many(
        Supplier(name=name, email=email, phone=phone, lead_days=days) for name, email, phone, days in SUPPLIERS
    )
    items = store.repo("supplies").add_many(
        SupplyItem(name=name, sku=sku, category=SupplyCategory(category), unit=unit, pack_size=pack, location=location,
                   reorder_point=point, target=target, supplier=supplier, unit_cost=cost,
                   lead_days=rng.choice([2, 3, 5, 7]), fits=fits)
        for name, sku, category, unit, pack, location, point, target, supplier, cost, fits in ITEMS
    )
    order = store.repo("orders").add(Order(
        supplier="Nordic Paper AB", status=OrderStatus.PARTLY_RECEIVED, ordered_on=now - timedelta(days=6),
        lines=[OrderLine(item_id=i.id, name=i.name, quantity=ON_ORDER[i.sku][0], received=ON_ORDER[i.sku][1]) for i in items if i.sku in ON_ORDER],
    ))
    movements = []
    for n, item in enumerate(items, start=1):
        history = item_history(item, now, rng, leave_low=n % 6 == 0 or item.sku in ON_ORDER)
        history += delivery_on_order(item, order.id, now, rng)
        movements += history
        item.on_hand = sum(m.change for m in history)
    store.repo("stock_movements").add_many(movements)
    for item in items:
        store.repo("supplies").save(item)


def item_history(item: SupplyItem, now: datetime, rng: random.Random, leave_low: bool) -> list[StockMovement]:
    """Six months of deliveries and use; most items topped up lately, some left low."""
    level, moves = 0, []
    day = now - timedelta(days=180)
    while day < now - timedelta(days=1):
        if level <= item.reorder_point:
            amount = max(item.target - level, item.pack_size)
            moves.append(movement(item, MovementKind.RECEIVED, amount, day, rng))
            level += amount
        used = min(level, rng.choice([0, 0, 1, 1, 2]) * max(item.pack_size // 2, 1))
        if used:
            moves.append(use(item, used, day + timedelta(hours=rng.randint(9, 16)), rng))
            level -= used
        day += timedelta(days=rng.randint(3, 9) if item.fits else rng.randint(2, 6))
    if not leave_low and needs_reorder(item.model_copy(update={"on_hand": level})):
        moves.append(movement(item, MovementKind.RECEIVED, item.target - level, now - timedelta(days=2), rng))
    elif leave_low and level > item.reorder_point:
        moves.append(use(item, level - max(item.reorder_point - 1, 0), now - timedelta(hours=20), rng))
    return moves


def delivery_on_order(item: SupplyItem, order_id: int, now: datetime, rng: random.Random) -> list[StockMovement]:
    """The part of the open paper order that came in, and the big print job that used it."""
    _, received = ON_ORDER.get(item.sku, (0, 0))
    if not received:
        return []
    arrived = movement(item, MovementKind.RECEIVED, received, now - timedelta(days=4), rng, order_id=order_id)
    report = use(item, received, now - timedelta(days=3), rng)
    report.note = "annual report print run"
    return [arrived, report]


def movement(item: SupplyItem, kind: MovementKind, quantity: int, at: datetime, rng: random.Random, **extra) -> StockMovement:
    return StockMovement(item_id=item.id, kind=kind, quantity=quantity, at=at, who=rng.choice(USERS), **extra)


def use(item: SupplyItem, quantity: int, at: datetime, rng: random.Random) -> StockMovement:
    """Toner and parts go to a machine they fit; everything else to a person."""
    if item.fits:
        return movement(item, MovementKind.USED, quantity, at, rng, machine_id=MACHINE_IDS[rng.choice(item.fits)])
    return movement(item, MovementKind.USED, quantity, at, rng, person=rng.choice(PEOPLE))
