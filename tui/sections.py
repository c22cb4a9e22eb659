"""The sections of the app: one mode each, its key, and the collections it shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from tui.collector import set_aside

# Each section's screen module is imported when the section first opens, so start-up
# loads only the dashboard. The imports below are real ones: go-to-definition follows them.


def dashboard_screen() -> Screen:
    from screens.dashboard import DashboardScreen

    return DashboardScreen()


def calls_screen() -> Screen:
    from screens.calls import CallsScreen

    return CallsScreen()


def stock_screen() -> Screen:
    from screens.stock import StockScreen

    return StockScreen()


def machines_screen() -> Screen:
    from screens.machines import MachinesScreen

    return MachinesScreen()


def candidates_screen() -> Screen:
    from screens.candidates import CandidatesScreen

    return CandidatesScreen()


def staff_screen() -> Screen:
    from screens.staff import StaffScreen

    return StaffScreen()


@dataclass(frozen=True)
class Section:
    name: str  # the app mode
    key: str  # the default key; the keymap may change it (binding id "section.<name>")
    title: str
    short: str  # in the section bar
    make_screen: Callable[[], Screen]
    collections: tuple[str, ...] = ()
    domain: str = ""

    def new_screen(self) -> Screen:
        screen = self.make_screen()
        set_aside()  # the section lives as long as the app
        return screen

    @property
    def binding_id(self) -> str:
        return f"section.{self.name}"


SECTIONS = (
    Section("dashboard", "0", "Dashboard", "Today", dashboard_screen),
    Section("calls", "1", "Calls & faxes", "Calls", calls_screen, ("calls", "mail", "hr_mail", "faxes", "contacts"), "calls"),
    Section("stock", "2", "Stock", "Stock", stock_screen, ("supplies", "stock_movements", "orders", "suppliers"), "stock"),
    Section("machines", "3", "Machines", "Machines", machines_screen, ("machines", "tickets"), "machines"),
    Section("candidates", "4", "Candidates", "Candidates", candidates_screen, ("positions", "candidates", "interviews"), "people"),
    Section("staff", "5", "Staff", "Staff", staff_screen, ("employees", "staff_events"), "people"),
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
