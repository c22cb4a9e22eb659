"""What a supply item, a stock movement, an order and a count sheet are.

``on_hand`` changes only through a movement, so every number has a history.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from data.addresses import check_email, normalise_number
from data.engine.clock import local
from data.engine.errors import FieldError
from data.engine.record import Lines, Model, Moment, Record, Voidable

MAX_UNITS = 1_000_000  # of one item, on a shelf, in a delivery or an order line
MAX_PRICE = 1_000_000
DEFAULT_LEAD_DAYS = 7  # of an item whose supplier is not on the suppliers list


def received_field(item_id: int) -> str:
    """The field a delivery's quantity for one order line is reported under."""
    return f"received.{item_id}"


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
    lead_days: int | None = Field(default=None, ge=0, le=365)  # None: the supplier's
    fits: list[str] = Field(default_factory=list, title="Fits machines")  # asset tags
    # Order early enough: what is used while an order is on its way is ordered too.
    order_for_lead_time: bool = Field(default=False, title="Add use in lead time")

    form_fields = (
        "name", "sku", "category", "unit", "pack_size", "location", "reorder_point", "target",
        "supplier", "unit_cost", "lead_days", "order_for_lead_time", "fits",
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


class Supplier(Record):
    """Who supplies items: an item names its supplier, and an order keeps the name it was sent to."""

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")
    phone: str = Field(default="", max_length=40)
    lead_days: int = Field(default=DEFAULT_LEAD_DAYS, ge=0, le=365, title="Lead days")
    note: str = Field(default="", max_length=500)

    _phone = field_validator("phone", mode="before")(lambda cls, v: normalise_number(v or ""))
    _email = field_validator("email")(lambda cls, v: check_email(v))

    def label(self) -> str:
        return self.name


def lead_days(item: SupplyItem, suppliers: Mapping[str, Supplier]) -> int:
    """The item's own lead time, else its supplier's (``suppliers``: by casefolded name)."""
    if item.lead_days is not None:
        return item.lead_days
    supplier = suppliers.get(item.supplier.strip().casefold())
    return supplier.lead_days if supplier else DEFAULT_LEAD_DAYS


class MovementKind(StrEnum):
    RECEIVED = "received"
    USED = "used"
    ADJUSTED = "adjusted"
    COUNTED = "counted"
    REVERSAL = "reversal"  # undoes a mistaken movement, which stays in the history, voided


class StockMovement(Record, Voidable):
    item_id: int
    kind: MovementKind
    quantity: int = Field(ge=-MAX_UNITS, le=MAX_UNITS)  # received/used: the positive number of units; the others: the signed change
    at: Moment
    who: str = ""
    note: str = Field(default="", max_length=500)
    order_id: int | None = None
    machine_id: int | None = None  # the Machine it went to
    person: str = Field(default="", max_length=200)
    reverses: int | None = Field(default=None, ge=1)  # a reversal: the id of the movement it undoes
    # A mistaken movement is reversed, never edited: kept in the history, left out of use and forecasts.
    void_reason: str = Field(default="", max_length=500)
    voided_by: str = Field(default="", max_length=100)
    voided_at: Moment | None = None

    def label(self) -> str:
        return f"#{self.id} ({self.kind.value} {self.change:+d} on {local(self.at):%d %b %Y})"

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
