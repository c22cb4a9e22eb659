"""What a copier or printer says of itself, however it was asked (SNMP or IPP): the shape
polling records, and the care every word from the machine gets on the way in."""

from __future__ import annotations

from dataclasses import dataclass, field

from data.engine.text import visible

SOME_LEFT = -3  # the level of a supply the machine only says "some left" of
MAX_ROWS = 64  # markers, supplies or reasons of one machine: a copier has a dozen
MAX_TEXT = 200


@dataclass(frozen=True)
class SupplyReport:
    description: str
    kind: str
    level: int  # in units of max_capacity; SOME_LEFT when the machine only says "some left"
    max_capacity: int

    @property
    def percent(self) -> int | None:
        if self.level < 0 or self.max_capacity <= 0:
            return None
        return round(100 * min(self.level, self.max_capacity) / self.max_capacity)


@dataclass(frozen=True)
class PrinterReport:
    total: int | None  # the page counter of the first marker
    supplies: list[SupplyReport] = field(default_factory=list)
    device_state: str = "unknown"  # running, warning, down; idle, printing, stopped…
    errors: list[str] = field(default_factory=list)  # "jammed", "low toner"…
    description: str = ""


def machine_text(text: str, limit: int = MAX_TEXT) -> str:
    """Text from a machine on the network, its control characters made visible so that it is
    stored and shown inert, and no longer than a field holds."""
    return visible(text, one_line=True).strip()[:limit]


def as_int(value: object, default: int = 0) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return default
