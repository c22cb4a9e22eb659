"""What a person does to stock in the store: one transaction each, the store first, then the
record's id (or the new record), then what the person typed; each returns what was saved."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from data.engine.errors import FieldError, NotFoundError, RuleError
from data.engine.record import STORED, error_sentence
from data.engine.repository import Repository
from data.engine.states import words
from data.engine.store import Store
from data.engine.text import upper_first, visible
from data.stock import rules, views
from data.stock.models import CountSession, MovementKind, Order, OrderLine, OrderStatus, StockMovement, Supplier, SupplyItem, received_field


def check_suppliers(repo: Repository, suppliers: list[Supplier]) -> None:
    """The collection's rule, under the lock: a supplier's name is its own."""
    writing = {s.id for s in suppliers if s.id is not None}
    known = [s for s in repo.list() if s.id not in writing]
    for supplier in suppliers:
        rules.check_supplier_name(supplier, known)
        known.append(supplier)


def validated_item(values: Mapping[str, Any], context: dict | None = None) -> SupplyItem:
    """A SupplyItem from values, or FieldError naming the first bad field."""
    try:
        return SupplyItem.model_validate(dict(values), context=context)
    except ValidationError as error:
        first = error.errors()[0]
        raise FieldError(str(first["loc"][0]) if first["loc"] else "name", sentence(first)) from error


def sentence(detail: dict) -> str:
    return upper_first(error_sentence(detail)) + "."


def add_item(store: Store, values: Mapping[str, Any]) -> SupplyItem:
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


def save_item(store: Store, item: SupplyItem, *, force: bool = False, fields: Iterable[str] | None = None) -> SupplyItem:
    """Save an edited item's ``fields`` (ConflictError if changed meanwhile, unless ``force``).

    on_hand is always taken from the stored item: an overwrite must not undo a movement
    recorded since the form was opened.
    """
    fields = [f for f in (SupplyItem.editable_fields() if fields is None else fields) if f != "on_hand"]
    return store.repo("supplies").save(item, force=force, fields=fields)


def change_item(store: Store, item_id: int, **changes: Any) -> SupplyItem:
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


def add_opening_item(store: Store, item: SupplyItem) -> SupplyItem:
    return add_item(store, item.model_dump())


def record_movement(store: Store, movement: StockMovement) -> SupplyItem:
    """Add a movement and change the item's on_hand by it, in one transaction."""
    return move_stock(store, movement)[0]


def add_movement(store: Store, movement: StockMovement) -> StockMovement:
    """A movement from outside (add, import): what is on hand changes with it, as by a key,
    and a supply goes only to a machine it fits (`--as-is` takes it as it was)."""
    if movement.kind == MovementKind.USED and movement.machine_id is not None:
        check_machine(store, movement.machine_id)
        check_fits(store, movement.item_id, movement.machine_id)
    return move_stock(store, movement)[1]


def move_stock(store: Store, movement: StockMovement, *, check_kind: bool = True) -> tuple[SupplyItem, StockMovement]:
    if movement.kind in (MovementKind.RECEIVED, MovementKind.USED) and movement.quantity < 1:
        raise FieldError("quantity", "Give a number above zero.")
    if check_kind and (movement.kind == MovementKind.REVERSAL or movement.is_void):
        raise FieldError("kind", "A movement is reversed with its key on the item's page, or `backoffice stock void-movement`.")
    items = store.repo("supplies")
    with store.transaction("stock"):
        item = items.get(movement.item_id)
        new_level = item.on_hand + movement.change
        if new_level < 0:
            raise FieldError("quantity", f"Only {item.on_hand} {item.unit} of {item.name} on hand.")
        added = store.repo("stock_movements").add(movement)
        item.on_hand = new_level
        return items.save(item), added


def reverse_movement(store: Store, movement_id: int, reason: str) -> StockMovement:
    """Undo a mistaken movement with the reason: it stays in the history, voided, and a
    "reversal" movement takes its change back off on_hand in the same transaction. A
    delivery's units are off its order again, so they are still to come."""
    if not reason.strip():
        raise FieldError("reason", "Say why the movement is wrong.")
    movements = store.repo("stock_movements")
    with store.transaction("stock"):
        movement = movements.get(movement_id)
        item = store.repo("supplies").get(movement.item_id)
        rules.check_reversal(movement, item)
        movement.void(reason, store.user, store.now())
        movements.save(movement)
        move_stock(store, StockMovement(
            item_id=item.id, kind=MovementKind.REVERSAL, quantity=-movement.change, at=store.now(), who=store.user,
            note=reason.strip(), order_id=movement.order_id, machine_id=movement.machine_id, person=movement.person,
            reverses=movement.id,
        ), check_kind=False)
        if movement.order_id is not None and movement.kind == MovementKind.RECEIVED:
            orders = store.repo("orders")
            orders.save(rules.undo_delivery(orders.get(movement.order_id), item.id, movement.quantity))
        return movement


class UnlikelyMachine(FieldError):
    """A supply issued to a machine it is not said to fit: issued only once someone is sure."""


def check_fits(store: Store, item_id: int, machine_id: int) -> None:
    """UnlikelyMachine when the item names the machines it fits and this is not one of them
    (an item that names none may go to any machine)."""
    item = store.repo("supplies").get(item_id)
    machine = store.repo("machines").get(machine_id)
    if not item.fits or machine.asset_tag.casefold() in {tag.casefold() for tag in item.fits}:
        return
    model = f"{machine.make} {machine.model}".strip()
    raise UnlikelyMachine("machine_id", f"{item.name} fits {', '.join(item.fits)}, not {machine.asset_tag}"
                                        + (f" ({model})." if model else "."))


def use_item(store: Store, item_id: int, quantity: object, *, person: str = "", machine_id: int | None = None, note: str = "",
             sure: bool = False) -> SupplyItem:
    """Issue items to a person or a machine: a "used" movement. To a machine the item is not
    said to fit, only when ``sure`` (UnlikelyMachine otherwise)."""
    amount = rules.whole_number(quantity, "quantity", minimum=1)
    if not person.strip() and machine_id is None:
        raise FieldError("person", "Say who took it, or which machine it went to.")
    if machine_id is not None:
        check_machine(store, machine_id)
        if not sure:
            check_fits(store, item_id, machine_id)
    return record_movement(store, StockMovement(
        item_id=item_id, kind=MovementKind.USED, quantity=amount, at=store.now(), who=store.user,
        person=person, machine_id=machine_id, note=note,
    ))


def check_machine(store: Store, machine_id: int) -> None:
    try:
        store.repo("machines").get(machine_id)
    except NotFoundError as error:
        raise FieldError("machine_id", f"There is no machine #{machine_id}.") from error


def adjust_item(store: Store, item_id: int, change: object, note: str) -> SupplyItem:
    """Correct on_hand by a signed change (breakage, a found box), saying why."""
    if not note.strip():
        raise FieldError("note", "Say why the stock is adjusted.")
    amount = rules.whole_number(change, "change", minimum=None)
    if amount == 0:
        raise FieldError("change", "An adjustment changes the stock by at least one.")
    return record_movement(store, StockMovement(
        item_id=item_id, kind=MovementKind.ADJUSTED, quantity=amount, at=store.now(), who=store.user, note=note,
    ))


def draft_orders(store: Store, now: datetime, item_ids: Iterable[int] | None = None) -> list[Order]:
    """One draft order per supplier from the order list (only ``item_ids`` if given).

    The list is worked out again under the lock, so two people pressing the key at once
    do not order the same shortfall twice.
    """
    chosen = None if item_ids is None else set(item_ids)
    with store.transaction("stock"):
        by_supplier: dict[str, list[OrderLine]] = {}
        for line in views.current_reorder_list(store, now):
            if line.quantity > 0 and (chosen is None or line.item.id in chosen):
                by_supplier.setdefault(line.item.supplier or "(no supplier)", []).append(
                    OrderLine(item_id=line.item.id, name=line.item.name, quantity=line.quantity)
                )
        orders = [Order(supplier=supplier, lines=lines) for supplier, lines in by_supplier.items()]
        return store.repo("orders").add_many(orders) if orders else []


def place_order(store: Store, order_id: int) -> Order:
    """A draft becomes ordered (sent to the supplier)."""
    return store.repo("orders").update(order_id, lambda o: rules.move_order(o, OrderStatus.ORDERED, store.now()))


def cancel_order(store: Store, order_id: int) -> Order:
    """What is not yet received is no longer on order."""
    return store.repo("orders").update(order_id, lambda o: rules.move_order(o, OrderStatus.CANCELLED, store.now()))


def change_order_line(store: Store, order_id: int, item_id: int, quantity: object) -> Order:
    """Change a draft's quantity for an item; 0 takes the line off."""
    amount = rules.whole_number(quantity, "quantity")

    def change(order: Order) -> Order:
        if order.status != OrderStatus.DRAFT:
            raise RuleError(f"Order {order.label()} is {words(order.status)}; only a draft can be changed.")
        order.line_for(item_id)
        lines = [line.model_copy(update={"quantity": amount}) if line.item_id == item_id else line for line in order.lines]
        return order.model_copy(update={"lines": [line for line in lines if line.quantity > 0]})

    return store.repo("orders").update(order_id, change)


def receive(store: Store, order_id: int, quantities: Mapping[int, object]) -> Order:
    """Receive a delivery against an order: item id → units that came now.

    Each unit becomes a "received" movement; the order becomes partly received or
    received. Any refused line refuses the whole delivery.
    """
    orders = store.repo("orders")
    with store.transaction("stock"):
        order = orders.get(order_id)
        if order.status not in (OrderStatus.ORDERED, OrderStatus.PARTLY_RECEIVED):
            raise RuleError(f"Order {order.label()} is {words(order.status)}; deliveries are received against a placed order.")
        amounts = rules.delivery_amounts(order, quantities)
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
        rules.move_order(order, OrderStatus.RECEIVED if done else OrderStatus.PARTLY_RECEIVED, store.now())
        return orders.save(order)


def export_order(store: Store, order_id: int, kind: str) -> tuple[Path, str]:
    """Write the order as CSV ("csv") or e-mail text ("email"); (where it went, the text)."""
    order = store.repo("orders").get(order_id)
    items = views.items_by_id(store)
    text = views.order_csv(order, items) if kind == "csv" else views.order_email(order, items, store.user)
    slug = re.sub(r"[^a-z0-9]+", "-", order.supplier.casefold()).strip("-") or "supplier"
    name = f"order-{order.id}-{slug}.{'csv' if kind == 'csv' else 'txt'}"
    return store.write_output("exports", name, visible(text)), text  # for people: a control character shows as a symbol


def order_for_mail(store: Store, order_id: int) -> tuple[str, str]:
    """(subject, text) of the order as an e-mail to its supplier."""
    order = store.repo("orders").get(order_id)
    text = views.order_email(order, views.items_by_id(store), store.user)
    subject, _, body = text.partition("\n\n")
    return subject.removeprefix("Subject: "), body


def start_count(store: Store) -> CountSession:
    """Resume the count in progress, or start one over every item in location order."""
    sessions = store.repo("count_sessions")
    with store.transaction("stock"):
        unfinished = sessions.find(finished=False)
        if unfinished:
            return max(unfinished, key=lambda s: s.id)
        walk = sorted(store.repo("supplies").list(), key=lambda i: (i.location.casefold(), i.name.casefold(), i.id))
        return sessions.add(CountSession(started_by=store.user, item_ids=[i.id for i in walk]))


def record_count(store: Store, session_id: int, item_id: int, counted: object) -> CountSession:
    """Record a counted quantity; a difference from the book becomes a "counted" movement.

    Counting an item again (a typo put right) corrects the first count by the difference
    between the two: what was delivered or used since the first count stays counted.
    """
    quantity = rules.whole_number(counted, "counted")
    sessions = store.repo("count_sessions")
    with store.transaction("stock"):
        session = sessions.get(session_id)
        if session.finished:
            raise RuleError(f"Count #{session_id} is finished; start a new count.")
        if item_id not in session.item_ids:
            raise RuleError(f"Item #{item_id} is not on count #{session_id}.")
        item = store.repo("supplies").get(item_id)
        before = session.counted.get(item_id)
        if before is None:
            difference, note = quantity - item.on_hand, f"count #{session_id}: book {item.on_hand}, counted {quantity}"
        else:
            difference, note = quantity - before, f"count #{session_id}: counted {quantity}, not {before}"
        if difference:
            record_movement(store, StockMovement(
                item_id=item_id, kind=MovementKind.COUNTED, quantity=difference, at=store.now(), who=store.user, note=note,
            ))
        book = session.book.get(item_id, item.on_hand)
        session = session.model_copy(update={"book": {**session.book, item_id: book}, "counted": {**session.counted, item_id: quantity}})
        if session.next_item_id() is None:
            session = session.model_copy(update={"finished": True, "finished_at": store.now()})
        return sessions.save(session)


def finish_count(store: Store, session_id: int) -> CountSession:
    """End a count early; the items not counted keep their book figure."""

    def finish(session: CountSession) -> None:
        if not session.finished:
            session.finished = True
            session.finished_at = store.now()

    return store.repo("count_sessions").update(session_id, finish)


def machine_by_tag(store: Store, asset_tag: str) -> int | None:
    """The id of the machine with this asset tag (as typed, any case); None when empty."""
    tag = asset_tag.strip()
    if not tag:
        return None
    found = [m for m in store.repo("machines").list() if m.asset_tag.casefold() == tag.casefold()]
    if not found:
        raise FieldError("machine_id", f"No machine has the asset tag {tag}.")
    return found[0].id


def issue(store: Store, item_id: int, quantity: object, *, person: str = "", asset_tag: str = "", note: str = "",
          sure: bool = False) -> SupplyItem:
    """Issue items to a person, or to the machine with this asset tag."""
    return use_item(store, item_id, quantity, person=person, machine_id=machine_by_tag(store, asset_tag), note=note, sure=sure)


def change_draft(store: Store, order_id: int, quantities: Mapping[int, object]) -> Order:
    """New quantities for a draft's lines (item id → quantity; 0 takes a line off), all or nothing."""
    order = None
    with store.transaction("stock"):
        for item_id, quantity in quantities.items():
            try:
                order = change_order_line(store, order_id, item_id, quantity)
            except FieldError as error:
                raise FieldError(f"line.{item_id}", str(error)) from None
    return order
