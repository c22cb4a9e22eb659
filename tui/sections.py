"""The sections of the app: one mode each, its key, and the collections it shows."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    name: str  # the app mode
    key: str
    title: str
    short: str  # in the section bar
    screen: str  # "module:Class", imported when the section is first opened
    collections: tuple[str, ...] = ()
    domain: str = ""

    def make_screen(self) -> Screen:
        module, _, cls = self.screen.partition(":")
        return getattr(import_module(module), cls)()


SECTIONS = (
    Section("dashboard", "0", "Dashboard", "Today", "screens.dashboard:DashboardScreen"),
    Section("calls", "1", "Calls & faxes", "Calls", "screens.calls:CallsScreen", ("calls", "faxes", "contacts"), "calls"),
    Section("stock", "2", "Stock", "Stock", "screens.stock:StockScreen", ("supplies", "stock_movements", "orders"), "stock"),
    Section("machines", "3", "Machines", "Machines", "screens.machines:MachinesScreen", ("machines", "tickets"), "machines"),
    Section("candidates", "4", "Candidates", "Candidates", "screens.candidates:CandidatesScreen", ("positions", "candidates", "interviews"), "people"),
    Section("staff", "5", "Staff", "Staff", "screens.staff:StaffScreen", ("employees", "staff_events"), "people"),
)

BY_NAME = {section.name: section for section in SECTIONS}


def section_of(collection: str, domain: str = "") -> Section:
    """The section that shows a collection (by name, else by its data file)."""
    for section in SECTIONS:
        if collection in section.collections:
            return section
    for section in SECTIONS:
        if domain and section.domain == domain:
            return section
    return SECTIONS[0]
