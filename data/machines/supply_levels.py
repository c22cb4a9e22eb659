"""Supply levels the machines report: the latest of each, which are low, and which stock item
replaces a low one (the one that fits the machine, of the same colour)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from data.machines.models import Machine, MachineStatus, SupplyLevel
from data.stock.models import SupplyItem

LOW_PERCENT = 10  # at or below, a supply is low: the order list and the dashboard say so
COLOURS = ("black", "cyan", "magenta", "yellow")


@dataclass(frozen=True)
class LowSupply:
    machine: Machine
    level: SupplyLevel

    def words(self) -> str:
        return f"{self.machine.asset_tag} {self.level.description} at {self.level.percent}%"


def latest_levels(levels: Iterable[SupplyLevel]) -> dict[int, list[SupplyLevel]]:
    """Machine id → the newest level of each of its supplies, in the machine's order."""
    newest: dict[tuple[int, str], SupplyLevel] = {}
    for level in sorted(levels, key=lambda lv: (lv.at, lv.id or 0)):
        newest[(level.machine_id, level.description)] = level
    by_machine: dict[int, list[SupplyLevel]] = {}
    for level in sorted(newest.values(), key=lambda lv: lv.id or 0):
        by_machine.setdefault(level.machine_id, []).append(level)
    return by_machine


def short_label(level: SupplyLevel) -> str:
    """'cyan 6%' where the machine names a colour, else its own name for the supply."""
    amount = "some left" if level.percent is None else f"{level.percent}%"
    return f"{colour_of(level.description) or level.description} {amount}"


def is_low(level: SupplyLevel) -> bool:
    return level.percent is not None and level.percent <= LOW_PERCENT


def low_supplies(machines: Iterable[Machine], levels: Iterable[SupplyLevel]) -> list[LowSupply]:
    latest = latest_levels(levels)
    return [LowSupply(machine, level) for machine in machines if machine.status != MachineStatus.RETIRED
            for level in latest.get(machine.id, []) if is_low(level)]


def colour_of(text: str) -> str:
    words = text.casefold().replace("-", " ").split()
    return next((colour for colour in COLOURS if colour in words), "")


def replacement(low: LowSupply, items: Iterable[SupplyItem]) -> SupplyItem | None:
    """The stock item that fits the machine and is of the low supply's colour; when neither
    names a colour, the one item that fits."""
    fitting = [item for item in items if low.machine.asset_tag in item.fits]
    colour = colour_of(low.level.description)
    same = [item for item in fitting if colour_of(item.name) == colour]
    if same:
        return same[0]
    return fitting[0] if len(fitting) == 1 and not colour else None


def wanted_for_low_supplies(machines: Iterable[Machine], levels: Iterable[SupplyLevel],
                            items: Iterable[SupplyItem]) -> dict[int, list[str]]:
    """Stock item id → the low supplies it will soon replace, in words."""
    items = list(items)
    wanted: dict[int, list[str]] = {}
    for low in low_supplies(machines, levels):
        item = replacement(low, items)
        if item is not None and item.id is not None:
            wanted.setdefault(item.id, []).append(low.words())
    return wanted
