"""Stored text that holds escape sequences and markup, shown in every view of the app.

The office is the demo office with every text field of every record hand-edited to hold a
tag, markup (``[b]`` … ``[/b]``) and control sequences (set the terminal's title, wipe the
screen, C1 controls). A person goes through each section by the keys; after each step the
screen as it would be drawn is checked: no control character from the data reaches it, the
markup reads literally, and the app is still running.
"""

from __future__ import annotations

import re
import time

import pytest

from data.demo import build_demo
from data.engine.store import Store
from tests.conftest import NOW, Clock
from tests.hostile import PAYLOAD, SHOWN_PAYLOAD, poison_office
from tui.app import BackOfficeApp
from tui.settings import Settings

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SIZE = (80, 24)


class Tour:
    """Presses keys like a person, and checks every screen it comes to."""

    def __init__(self, pilot, tags) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.tags = tags
        self.views: dict[str, set[str]] = {}  # view → fields it showed

    async def settle(self, seconds: float = 10.0) -> str:
        """Until what the keys set going is done and drawn: no work left running, and the
        screen the same over two refreshes in a row. Returns the screen as it would be drawn."""
        deadline = time.monotonic() + seconds
        drawn, unchanged = None, 0
        while time.monotonic() < deadline:
            await self.pilot.pause()
            await self.app.workers.wait_for_complete()
            screen = self.app.export_screenshot()
            unchanged = unchanged + 1 if screen == drawn else 0
            if unchanged == 2:
                return screen
            drawn = screen
        raise AssertionError(f"the screen was still changing after {seconds} s")

    async def see(self, view: str, *keys: str) -> str:
        await self.pilot.press(*keys)
        screen = await self.settle()
        assert self.app.is_running, f"the app stopped at {view}"
        leaked = sorted({f"U+{ord(c):04X}" for c in CONTROL.findall(screen)})
        assert not leaked, f"{view}: control characters reached the terminal: {leaked}"
        self.views[view] = self.tags.seen_in(screen)
        return screen

    async def back_to(self, screen_name: str) -> None:
        """Escape from whatever opened, to the screen named."""
        for _ in range(4):
            if type(self.app.screen).__name__ == screen_name:
                return
            await self.pilot.press("escape")
            await self.settle()
        assert type(self.app.screen).__name__ == screen_name

    async def discard_to(self, screen_name: str) -> None:
        """Like ``back_to``, throwing away whatever a form holds when it asks."""
        for _ in range(6):
            if type(self.app.screen).__name__ == screen_name:
                return
            await self.pilot.press("y" if type(self.app.screen).__name__ == "ConfirmModal" else "escape")
            await self.settle()
        assert type(self.app.screen).__name__ == screen_name

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)

    @property
    def fields_times_views(self) -> int:
        return sum(len(fields) for fields in self.views.values())


@pytest.fixture
def hostile_office(tmp_path):
    store = Store(tmp_path / "office", user="reception", clock=Clock(NOW))
    build_demo(store, NOW)
    tags = poison_office(store)
    return store, tags


async def run_tour(hostile_office, tour_steps) -> Tour:
    store, tags = hostile_office
    # No polling: the poisoned SNMP addresses would be written back as "not answering" mid-tour,
    # reloading the board under the keys; what a poll makes of hostile input is test_polling's.
    app = BackOfficeApp(store, Settings(fax_command="", poll_minutes=0))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        tour = Tour(pilot, tags)
        await tour.settle()
        app.clear_notifications()  # "Started a new office" would cover the bottom lines for 10 s
        await tour_steps(tour)
        assert app.is_running
    return tour


async def calls_steps(tour: Tour) -> None:
    screen = await tour.see("dashboard", "0")
    assert SHOWN_PAYLOAD in screen  # the markup and the escapes read literally
    screen = await tour.see("message queue and call detail", "1")
    assert "calls.message" in tour.views["message queue and call detail"]
    await tour.see("call form", "enter")
    await tour.see("back", "escape")
    await tour.see("pass-on prompt", "p")
    await tour.type("T")
    await tour.see("pass-on prompt with a suggestion")
    await tour.see("discard question", "escape")
    await tour.see("back", "y")
    await tour.see("note prompt", "t")
    await tour.see("back", "escape")
    await tour.see("calls for one person", "w", "T", "enter")
    await tour.see("every call", "w", "ctrl+u", "enter", "a")
    await tour.see("call slip", "c")
    await tour.see("back", "escape")
    screen = await tour.see("mail queue and its detail", "right_square_bracket")
    assert {"mail.subject", "mail.sender", "mail.text"} <= tour.views["mail queue and its detail"]
    await tour.see("the conversation to read", "enter")
    await tour.see("back", "escape")
    await tour.see("mail pass-on prompt", "p")
    await tour.see("back", "escape")
    await tour.see("mail note prompt", "t")
    await tour.see("back", "escape")
    await tour.see("mail for one person", "w", "T", "enter")
    await tour.see("all mail", "w", "ctrl+u", "enter", "a")
    await tour.see("faxes and fax detail", "right_square_bracket")
    await tour.see("fax form", "enter")
    await tour.see("back", "escape")
    await tour.see("fax number prompt", "e")
    await tour.see("back", "escape")
    await tour.see("directory", "right_square_bracket")
    await tour.see("contact form", "enter")
    await tour.see("back", "escape")
    await tour.see("palette found a record", "ctrl+p", *"T1")
    await tour.see("the record it opened", "enter")
    await tour.see("help", "question_mark")
    await tour.see("back", "escape")


async def stock_steps(tour: Tour) -> None:
    await tour.see("supplies", "2")
    await tour.see("filtered supplies", "slash", "T", "enter")
    await tour.see("unfiltered", "slash", "escape")
    await tour.see("item detail and movements", "enter")
    await tour.see("back", "escape")
    await tour.see("item form", "e")
    await tour.see("back", "escape")
    await tour.see("use form", "u")
    await tour.see("back", "escape")
    await tour.see("adjust form", "a")
    await tour.see("back", "escape")
    await tour.see("order list and its arithmetic", "l")
    await tour.see("draft question", "d")
    await tour.see("back", "n")
    await tour.see("orders and order detail", "O")
    await tour.see("order as e-mail", "m")
    await tour.see("back", "escape")
    await tour.see("receive form", "r")
    await tour.see("back", "escape")
    await tour.see("cancel question", "X")
    await tour.see("back", "n")
    await tour.see("count sheet", "C")
    await tour.see("back", "escape")
    await tour.see("suppliers", "S")
    await tour.see("supplier form", "enter")
    await tour.see("back", "escape")
    await tour.see("supplies again", "s")
    await tour.see("use form", "u")
    await tour.pilot.press("tab")  # from the quantity to the person
    await tour.type("Ann")
    await tour.see("refused machine, named", "ctrl+s")  # the item fits a machine whose tag is hostile too
    await tour.pilot.press("end", "ctrl+u")  # the refusal put the cursor in that field
    screen = await tour.see("notice naming the item", "ctrl+s")
    assert "Issued:" in screen
    await tour.see("item form", "e")
    colleague = Store(tour.app.store.folder, user=f"T99{PAYLOAD}", clock=Clock(NOW))
    item = colleague.repo("supplies").get(int(tour.app.screen.record.id))
    colleague.repo("supplies").save(item.model_copy(update={"lead_days": item.lead_days + 1}))
    await tour.type("X")
    await tour.see("conflict naming the colleague", "ctrl+s")
    assert "T99[b]" in tour.app.export_screenshot()


async def machines_steps(tour: Tour) -> None:
    await tour.see("machine board", "3")
    await tour.see("machine form", "e")
    await tour.see("back", "escape")
    await tour.see("fault: symptoms", "f")
    await tour.see("fault: what is seen", "enter")
    await tour.see("back", "escape")
    await tour.see("reading form", "r")
    await tour.see("back", "escape")
    await tour.see("fixed form", "x")
    await tour.back_to("MachinesScreen")
    for number in range(1, 8):  # down first, then those needing attention, then the rest
        await tour.see(f"machine page {number}", "enter")
        await tour.see(f"ticket sheet {number}", "s")
        await tour.back_to("MachineScreen")
        await tour.see(f"checklist {number}", "t")
        await tour.back_to("MachineScreen")
        await tour.see(f"maintenance {number}", "m")
        await tour.back_to("MachineScreen")
        await tour.see(f"maintenance plans {number}", "P")
        await tour.see(f"plan form {number}", "e")
        await tour.back_to("MachinesScreen")
        await tour.see(f"board, machine {number + 1}", "j")
    await tour.see("retire prompt", "R")
    await tour.type("sold [b]to[/b]")
    await tour.see("retired and hidden", "enter")
    await tour.see("retired shown", "a")


async def hire_an_offered_one(tour: Tour) -> None:
    """To a candidate with an offer (every name reads the same here), hire them: the opening
    fills, and the others still in the running are named in a question."""
    from tui.widgets.record_table import RecordTable

    for _ in range(4):
        screen = tour.app.screen
        keys = screen.query_one("#candidate-list", RecordTable).visible_keys
        offered = next((n for n, key in enumerate(keys) if screen.candidate(key).stage == "offer"), None)
        if offered is not None:
            break
        await tour.see("next position", "right_square_bracket")
    assert offered is not None
    await tour.see("hire form", "g", *["j"] * offered, "h")
    await tour.type("2027-01-04")
    await tour.see("reject the rest question", "ctrl+s")


async def people_steps(tour: Tour) -> None:
    await tour.see("candidates and CV", "4")
    await tour.see("candidate form", "enter")
    await tour.see("back", "escape")
    await tour.see("reject prompt", "r")
    await tour.see("back", "escape")
    await tour.see("offer prompt", "o")
    await tour.see("back", "escape")
    await tour.see("interview form", "i")
    await tour.see("back", "escape")
    await tour.see("scoring", "tab")
    await tour.see("candidates again", "escape")
    await tour.see("comparison", "m", "j", "v")
    await tour.see("back", "escape")
    await tour.see("all candidates", "a")
    await tour.see("refusal naming the candidate", "h")
    await tour.see("back", "escape")
    await tour.see("openings", "p")
    await tour.see("opening form", "e")
    await tour.back_to("OpeningsScreen")
    await tour.see("triage from openings", "enter")
    await tour.see("next position", "right_square_bracket")
    tour.app.clear_notifications()  # "Marked …" from the comparison would cover the detail line
    await tour.see("week of interviews", "W", "j", "j")
    assert {"candidates.name", "interviews.interviewers", "interviews.place", "positions.title"} <= tour.views["week of interviews"]
    await tour.see("move form", "m")
    await tour.see("back", "escape")
    await tour.see("cancel question", "x")
    await tour.see("back", "n")
    await tour.see("whom to book", "n")
    assert {"candidates.name", "positions.title"} <= tour.views["whom to book"]
    await tour.see("booking form", "enter")
    await tour.back_to("InterviewsScreen")
    await tour.see("next week", "right_square_bracket")
    await tour.see("weeks before", "left", "left")
    await tour.see("candidate from the week", "t", "j", "j", "enter")
    await tour.see("staff and timeline", "5")
    await tour.see("timeline", "enter")
    await tour.see("employee form", "escape", "e")
    await tour.see("back", "escape")
    await tour.see("training form", "t")
    await tour.see("back", "escape")
    await tour.see("warning form", "w")
    await tour.see("back", "escape")
    await tour.see("termination form", "T")
    await tour.see("back", "escape")
    await tour.discard_to("StaffScreen")  # a form that took a key as typed asks first
    await tour.see("onboarding checklist", "O")
    await tour.see("checklist ticked", "space")
    await tour.see("onboarding template", "e")
    await tour.back_to("StaffScreen")
    await tour.see("details corrected", "e")
    await tour.type("X")
    await tour.see("correction reason prompt", "ctrl+s")
    await tour.type("typo")
    await tour.see("correction saved", "enter")
    for _ in range(14):  # down the list to someone whose file ends with a warning
        await tour.see("timeline, last entry and its notes", "escape", "j", "enter", "G")
        assert type(tour.app.screen).__name__ == "StaffScreen"
        event = tour.app.screen.selected_event()
        if event is not None and event.kind == "warning":
            break
    assert {"staff_events.notes", "staff_events.issued_by"} <= tour.views["timeline, last entry and its notes"]
    await tour.see("warning letter to read", "L")
    assert "employees.name" in tour.views["warning letter to read"]
    await tour.see("letter template", "e")
    await tour.back_to("StaffScreen")
    await tour.see("void prompt", "v")
    await tour.type("wrong [b]person[/b]")
    screen = await tour.see("voided entry, struck through", "enter")
    assert "person[/b]" in screen
    await tour.see("event correction form", "k", "e")
    await tour.see("back", "escape")
    await tour.see("offer letter of a candidate", "4", "L")
    await tour.back_to("CandidatesScreen")
    await hire_an_offered_one(tour)
    assert type(tour.app.screen).__name__ == "ConfirmModal"
    assert "candidates.name" in tour.views["reject the rest question"]
    await tour.see("back", "n")


async def history_steps(tour: Tour) -> None:
    from data.engine.archive import archive_old

    archive_old(tour.app.store, NOW.replace(year=NOW.year + 2), 1)  # everything closed is history now
    for key in "12345":
        await tour.see(f"history search, section {key}", key, "H")
        await tour.type("T")
        await tour.see(f"history found, section {key}", "enter")
        await tour.see(f"history record, section {key}", "j")
        await tour.see("back", "escape")


@pytest.mark.parametrize("steps", [calls_steps, stock_steps, machines_steps, people_steps, history_steps],
                         ids=["calls", "stock", "machines", "people", "history"])
async def test_every_view_shows_stored_hostile_text_inert(hostile_office, steps):
    tour = await run_tour(hostile_office, steps)
    shown = set().union(*tour.views.values())
    assert shown, "no hostile field reached a screen: the tour saw nothing"
    print(f"\n{steps.__name__}: {len(tour.views)} views, {len(shown)} fields, {tour.fields_times_views} fields × views")
