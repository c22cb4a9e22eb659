"""What a machine, a meter reading, a maintenance plan and a repair ticket are."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from importlib import import_module

from pydantic import Field, ValidationInfo, field_validator, model_validator

from data.addresses import check_email, normalise_number
from data.engine.clock import utc_now
from data.engine.record import Lines, Model, Moment, Record, Voidable
from data.machines.troubleshooting import Symptom, symptom_words

MAX_COUNTER = 999_999_999  # nine digits: more than any copier counts in its life
MAX_PRICE = 1_000_000


class MachineKind(StrEnum):
    COPIER = "copier"
    PRINTER = "printer"
    FAX = "fax"
    SCANNER = "scanner"
    MULTIFUNCTION = "multifunction"


class MachineStatus(StrEnum):
    OK = "ok"
    NEEDS_ATTENTION = "needs_attention"
    DOWN = "down"
    RETIRED = "retired"


ADDRESS_READERS = {"snmp": "data.machines.printer_snmp", "ipp": "data.machines.printer_ipp"}  # imported when one is typed


class Machine(Record):
    asset_tag: str = Field(min_length=1, max_length=40)
    kind: MachineKind = MachineKind.PRINTER
    make: str = Field(default="", max_length=100)
    model: str = Field(default="", max_length=100)
    serial: str = Field(min_length=1, max_length=100)
    location: str = Field(default="", max_length=200)
    status: MachineStatus = MachineStatus.OK
    vendor: str = Field(default="", max_length=200, title="Service vendor")
    vendor_phone: str = Field(default="", max_length=40)
    vendor_email: str = Field(default="", max_length=200, title="Vendor e-mail")
    contract_end: date | None = Field(default=None, title="Contract/warranty end")
    snmp: str = Field(default="", max_length=300, title="SNMP address")  # host or host:port: polled when set
    ipp: str = Field(default="", max_length=300, title="IPP address")  # ipp://host/path or host[:port]: polled when no snmp
    # What the machine last said of itself when polled: a suggestion beside ``status``, which people set.
    reported_status: MachineStatus | None = None
    reported: str = Field(default="", max_length=500)  # "jammed, door open"
    polled_at: Moment | None = None
    retired_on: date | None = None  # kept with its history, out of the board
    retired_reason: str = Field(default="", max_length=500)

    form_fields = (
        "asset_tag", "kind", "make", "model", "serial", "location",
        "vendor", "vendor_phone", "vendor_email", "contract_end", "snmp", "ipp",
    )

    _phone = field_validator("vendor_phone", mode="before")(lambda cls, v: normalise_number(v or ""))
    _email = field_validator("vendor_email")(lambda cls, v: check_email(v))

    @field_validator("snmp", "ipp")
    @classmethod
    def _network_address(cls, value: str, info: ValidationInfo) -> str:
        if value.strip():  # the module that reads the machine says what is wrong with its address
            import_module(ADDRESS_READERS[info.field_name]).split_address(value)
        return value.strip()

    def label(self) -> str:
        return f"{self.asset_tag} {self.make} {self.model}".strip()


class MeterReading(Record, Voidable):
    machine_id: int
    taken_on: date
    total: int = Field(ge=0, le=MAX_COUNTER, title="Total pages")
    mono: int | None = Field(default=None, ge=0, le=MAX_COUNTER, title="Black-and-white pages")
    colour: int | None = Field(default=None, ge=0, le=MAX_COUNTER, title="Colour pages")
    scans: int | None = Field(default=None, ge=0, le=MAX_COUNTER)
    faxes: int | None = Field(default=None, ge=0, le=MAX_COUNTER)
    polled: bool = False  # read from the machine over the network, not typed
    # A wrong reading is voided, never deleted: kept in the history, left out of every figure.
    void_reason: str = Field(default="", max_length=500)
    voided_by: str = Field(default="", max_length=100)
    voided_at: Moment | None = None

    form_fields = ("machine_id", "taken_on", "total", "mono", "colour", "scans", "faxes")

    def label(self) -> str:
        return f"{self.total:,} on {self.taken_on:%d %b %Y}"

    @field_validator("mono", "colour")
    @classmethod
    def _parts_within_total(cls, value: int | None, info: ValidationInfo) -> int | None:
        total = info.data.get("total")
        parts = (value or 0) + (info.data.get("mono") or 0 if info.field_name == "colour" else 0)
        if total is not None and parts > total:
            counted = ("mono", "colour") if info.field_name == "colour" and info.data.get("mono") else (info.field_name,)
            said = " and ".join(COUNTER_WORDS[name] for name in counted) + " pages"
            raise ValueError(f"{said} ({parts:,}) cannot be more than the total ({total:,})")
        return value


COUNTER_WORDS = {"total": "total", "mono": "black-and-white", "colour": "colour", "scans": "scan", "faxes": "fax"}


class SupplyLevel(Record):
    """A supply's level as the machine reported it; a new record each time it changed."""

    machine_id: int
    at: Moment
    description: str = Field(max_length=200)  # as the machine names it: "Canon C-EXV51 Cyan Toner"
    kind: str = Field(default="toner", max_length=40)
    percent: int | None = Field(default=None, ge=0, le=100)  # None: the machine only says "some left"

    def label(self) -> str:
        return f"{self.description}: {'some left' if self.percent is None else f'{self.percent}%'}"


class MaintenanceVisit(Model):
    """One time a planned task was done."""

    done_on: date
    pages: int = Field(default=0, ge=0, le=MAX_COUNTER)  # the counter then, as near as known
    by: str = Field(default="", max_length=100)
    # What the plan said before, so a visit logged by mistake is taken back exactly.
    before_on: date | None = None
    before_pages: int = Field(default=0, ge=0, le=MAX_COUNTER)
    void_reason: str = Field(default="", max_length=500)
    voided_by: str = Field(default="", max_length=100)

    @property
    def is_void(self) -> bool:
        return bool(self.voided_by)


class MaintenancePlan(Record):
    machine_id: int
    task: str = Field(min_length=1, max_length=200)
    every_days: int | None = Field(default=None, ge=1, le=3660, title="Every (days)")
    every_pages: int | None = Field(default=None, ge=1, le=MAX_COUNTER, title="Every (pages)")
    last_done_on: date
    last_done_pages: int = Field(default=0, ge=0, le=MAX_COUNTER, title="Counter when last done")
    log: list[MaintenanceVisit] = Field(default_factory=list, max_length=10_000)  # when it was done, newest last
    # A plan no longer followed is removed from the machine's page and its due dates, its log kept.
    removed_on: date | None = None
    removed_by: str = Field(default="", max_length=100)

    form_fields = ("machine_id", "task", "every_days", "every_pages", "last_done_on", "last_done_pages")

    def label(self) -> str:
        return self.task

    @property
    def is_removed(self) -> bool:
        return self.removed_on is not None

    @model_validator(mode="after")
    def _needs_an_interval(self) -> MaintenancePlan:
        if self.every_days is None and self.every_pages is None:
            raise ValueError("say how often: every so many days, every so many pages, or both")
        return self


class DueBy(StrEnum):
    DAYS = "days"
    PAGES = "pages"


class TicketStatus(StrEnum):
    OPEN = "open"
    TROUBLESHOOTING = "troubleshooting"
    VENDOR_CALLED = "vendor_called"
    AWAITING_PARTS = "awaiting_parts"
    FIXED = "fixed"
    CLOSED = "closed"


WITH_VENDOR = frozenset({TicketStatus.VENDOR_CALLED, TicketStatus.AWAITING_PARTS})


class Ticket(Record, Voidable):
    machine_id: int
    reported_by: str = Field(default="", max_length=100)
    symptom: Symptom
    detail: Lines = Field(default="", max_length=1000, title="What was seen")
    steps_tried: list[str] = Field(default_factory=list)
    status: TicketStatus = TicketStatus.OPEN
    vendor_reference: str = Field(default="", max_length=100)
    cost: float = Field(default=0.0, ge=0, le=MAX_PRICE)
    opened_at: Moment = Field(default_factory=utc_now)  # reporting the fault sets the office's clock
    fixed_at: Moment | None = None
    closed_at: Moment | None = None
    service_sheet: Lines = Field(default="", max_length=20_000)
    # A ticket opened by mistake is voided, never deleted: kept in the history, out of every figure.
    void_reason: str = Field(default="", max_length=500)
    voided_by: str = Field(default="", max_length=100)
    voided_at: Moment | None = None

    form_fields = ("machine_id", "symptom", "detail", "vendor_reference", "cost")

    def label(self) -> str:
        return f"#{self.id} {symptom_words(self.symptom)}"

    @property
    def is_open(self) -> bool:
        return self.status not in (TicketStatus.FIXED, TicketStatus.CLOSED) and not self.is_void

    @property
    def with_vendor(self) -> bool:
        return self.status in WITH_VENDOR
