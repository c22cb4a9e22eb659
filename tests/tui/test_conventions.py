"""Conventions users expect of a terminal app: keys they can change and see, a section bar
that follows them and answers a click, a bottom line of the keys that work here, marks that
read without colour, a dashboard that shows every group on one 80x24 screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from data.calls.models import CallStatus, FaxStatus, Priority
from data.candidates.models import Stage
from data.machines.models import MachineStatus
from data.staff.rules import Mark
from tests.conftest import NOW as NOW_AT
from tests.tui.conftest import SIZE
from tests.tui.test_shell import palette_choice, wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.help_screen import HelpScreen
from tui.widgets.section_bar import SectionBar


def screen_lines(app) -> list[str]:
    """The text on the terminal, line by line, as a person reads it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def app_with(store, **settings) -> BackOfficeApp:
    return BackOfficeApp(store, Settings(fax_command="", **settings))


def warnings(app) -> list[str]:
    return [notice.message for notice in app._notifications if notice.severity == "warning"]


async def test_a_keymap_mistake_and_an_unknown_theme_are_named_in_one_notice_and_the_app_opens(store):
    app = app_with(store, theme="solarised", keymap={"section.stok": "f3", "section.calls": "n", "section.stock": "f4"})
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: warnings(app))
        [notice] = warnings(app)
        assert "there is no theme 'solarised'" in notice
        assert "no binding has the id 'section.stok'" in notice
        assert "n for section.calls is taken by calls.new" in notice
        assert "section.stock" not in notice  # f4 is free: a good remap is not a problem
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: app.current_mode == "stock")


async def test_a_sound_keymap_says_nothing(store):
    app = app_with(store, keymap={"section.stock": "f3", "app.help": "f1"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.current_mode == "calls")
        await app.workers.wait_for_complete()
        assert warnings(app) == []


async def test_the_section_bar_shows_remapped_keys_and_opens_a_section_when_clicked(store):
    app = app_with(store, keymap={"section.stock": "f3", "section.machines": "ctrl+e"})
    async with app.run_test(size=SIZE) as pilot:
        bar = screen_lines(app)[0]
        assert " f3 Stock " in bar and " ^e Machines " in bar and " 1 Calls " in bar
        await pilot.click(SectionBar, offset=(bar.index("Stock"), 0))
        assert await wait_for(pilot, lambda: app.current_mode == "stock")
        bar = screen_lines(app)[0]
        await pilot.click(SectionBar, offset=(bar.index("Staff"), 0))
        assert await wait_for(pilot, lambda: app.current_mode == "staff")


async def test_the_bottom_line_shows_the_keys_of_the_tab_and_presses_one_when_clicked(store):
    from screens.call_slip import CallSlip
    from tui.widgets.key_bar import KeyBar

    app = app_with(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: " m Message taken " in screen_lines(app)[-1])
        keys = screen_lines(app)[-1]
        assert "Reply" not in keys and keys.rstrip().endswith("▏^p palette")
        await pilot.press("right_square_bracket")
        assert await wait_for(pilot, lambda: " r Reply " in screen_lines(app)[-1])  # the Mail tab's
        assert "Message taken" not in screen_lines(app)[-1]
        await pilot.press("left_square_bracket")
        assert await wait_for(pilot, lambda: " m Message taken " in screen_lines(app)[-1])
        await pilot.click(KeyBar, offset=(screen_lines(app)[-1].index(" n New") + 1, 0))
        assert await wait_for(pilot, lambda: isinstance(app.screen, CallSlip))


async def test_nothing_slides_the_tab_underline_is_under_the_new_tab_at_once(store):
    """Over SSH every frame of an animation is bytes on the wire and a screen that keeps
    drawing after a key."""
    from textual.widgets import Tabs
    from textual.widgets._tabs import Underline

    app = app_with(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: " m Message taken " in screen_lines(app)[-1])
        app.simulate_key("right_square_bracket")  # pilot.press would wait for animations to end
        await pilot.pause(0.1)
        tab = app.screen.query_one(Tabs).active_tab
        underline = app.screen.query_one(Underline)
        start, end = tab.virtual_region.shrink(tab.styles.gutter).column_span
        assert (underline.highlight_start, underline.highlight_end) == (start, end)
        assert not app.animator.is_being_animated(underline, "highlight_start")


async def test_help_gives_each_key_its_binding_id_as_the_keymap_has_it(store):
    app = app_with(store, keymap={"calls.new": "f2"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.current_mode == "calls")
        await pilot.press("question_mark")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one("DataTable")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["f2", "New", "calls.new"] in rows
        assert ["? f1", "Help", "app.help"] in rows
        places = [row[0] for row in rows if row[1:] == ["", ""]]
        assert places == ["This screen", "In the list", "Everywhere"]
        assert all(len(line) <= 80 for line in screen_lines(app))
        assert any("calls.new" in line for line in screen_lines(app))  # the id column is on screen, not cut


MARKS = {
    "call status": lambda: [call_status(s) for s in CallStatus] + [overdue_call()],
    "call priority": lambda: [priority_cell(p) for p in Priority],
    "fax status": lambda: [fax_status_cell(s) for s in FaxStatus],
    "stock on hand": lambda: [on_hand(0), on_hand(2), on_hand(50)],
    "machine status": lambda: [machine_status(s) for s in MachineStatus],
    "staff timeline": lambda: [mark_cell(m) for m in Mark],
    "candidate stage": lambda: [stage_cell(s) for s in Stage],
}


@pytest.mark.parametrize("kind", MARKS)
def test_each_mark_says_its_state_in_words_not_only_in_colour(kind):
    """With NO_COLOR or 16 colours only the text is left: each state must read differently."""
    shown = [text.plain for text in MARKS[kind]()]
    assert len(set(shown)) == len(shown), shown


async def test_the_dashboard_shows_a_line_for_every_group_at_80x24(demo_store):
    for n in range(15):  # far more than fits: overdue callbacks
        demo_store.repo("calls").add({"caller": f"Caller {n}", "status": CallStatus.CALLBACK,
                                      "callback_due": demo_store.now() - timedelta(hours=n + 1)})
    from data.agenda import build_agenda

    titles = [group.title for group in build_agenda(demo_store)]
    app = BackOfficeApp(demo_store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: any("Callbacks overdue" in line for line in screen_lines(app)))
        lines = screen_lines(app)
        assert len(titles) >= 6
        for title in titles:
            assert any(title in line for line in lines), f"{title} is not on the screen"
        overdue = next(line for line in lines if "Callbacks overdue" in line)
        assert overdue.split()[0] == str(sum(1 for c in demo_store.repo("calls").list() if c.callback_due and
                                              c.callback_due < demo_store.now() and c.status == CallStatus.CALLBACK))
        assert "more" in overdue  # the count comes first; what does not fit is said
        agenda = app.screen.query_one("#agenda")
        assert agenda.option_count <= agenda.scrollable_content_region.height  # nothing below the fold


# The mark functions under test, each as its screen shows it.
def call_status(status):
    from data.calls.models import Call
    from screens.calls import status_cell

    return status_cell(Call(caller="Ann", status=status), NOW_AT)


def overdue_call():
    from data.calls.models import Call
    from screens.calls import status_cell

    return status_cell(Call(caller="Ann", status=CallStatus.CALLBACK, callback_due=NOW_AT - timedelta(hours=1)), NOW_AT)


def priority_cell(priority):
    from screens.calls import priority_cell

    return priority_cell(priority)


def fax_status_cell(status):
    from data.calls.models import INCOMING_STATUSES, Fax
    from screens.calls import fax_status_cell

    direction = "incoming" if status in INCOMING_STATUSES else "outgoing"
    return fax_status_cell(Fax(recipient="Ann", fax_number="0123 456", document="/tmp/a.pdf", status=status, direction=direction))


def on_hand(count):
    from data.stock.models import SupplyItem
    from screens.stock import on_hand_cell

    return on_hand_cell(SupplyItem(name="Paper", on_hand=count, reorder_point=5, target=20))


def machine_status(status):
    from screens.machines import status_cell

    return status_cell(status)


def mark_cell(mark):
    from datetime import date

    from screens.staff import timeline_row
    from data.staff.rules import TimelineEntry, TimelineKind

    return timeline_row(0, TimelineEntry(on=date(2026, 3, 1), kind=TimelineKind.TRAINING, mark=mark, text="x"))[1][1]


def stage_cell(stage):
    from data.candidates.models import Candidate
    from screens.candidates import candidate_row

    return candidate_row(Candidate(name="Ann", position_id=1, stage=stage), None, False)[1][2]



async def test_with_no_color_an_urgent_mark_is_as_legible_as_plain_text(store, monkeypatch):
    """Textual greys every colour by brightness: red text on a dark ground comes out almost
    invisible. The app keeps words legible (and leaves drawing such as rules quiet)."""
    from rich.segment import Segment
    from rich.style import Style
    from textual.color import Color

    monkeypatch.setenv("NO_COLOR", "1")
    app = app_with(store)
    async with app.run_test(size=SIZE):
        ground = Color.parse("#1e1e1e")
        shown = []
        for segments in ([Segment("URGENT", Style.parse("bold red on #1e1e1e"))], [Segment("━━━", Style.parse("#2a2a2a"))]):
            for line_filter in app.get_line_filters():
                segments = line_filter.apply(segments, ground)
            shown.append(segments[0].style)
        urgent, rule = shown
        assert abs(Color.from_rich_color(urgent.color).brightness - ground.brightness) >= 0.4
        assert urgent.bold and Color.from_rich_color(urgent.color).monochrome == Color.from_rich_color(urgent.color)
        assert abs(Color.from_rich_color(rule.color).brightness - ground.brightness) < 0.1  # a rule stays quiet


async def test_on_sixteen_colours_the_footer_keys_and_suggestions_stay_legible(store, monkeypatch):
    """A terminal of sixteen colours (TERM=xterm) shows the theme's orange keys on grey as red
    on grey, a suggestion's grey on the input's grey: such words become black or white."""
    from rich.segment import Segment
    from rich.style import Style
    from textual import constants
    from textual.color import Color

    from tui.no_color import sixteen

    monkeypatch.setattr(constants, "COLOR_SYSTEM", "standard")
    app = app_with(store)
    async with app.run_test(size=SIZE):
        ground = Color.parse("#121212")
        for text, style, keeps in (("o", "bold #ffa62b on #242f38", False), ("k17/", "#808080 on #5a5a5a", False),
                                   ("Calls", "#e0e0e0 on #121212", True)):
            segments = [Segment(text, Style.parse(style))]
            for line_filter in app.get_line_filters():
                segments = line_filter.apply(segments, ground)
            shown = segments[0].style
            assert abs(sixteen(shown.color).brightness - sixteen(shown.bgcolor).brightness) >= 0.4, text
            assert (shown == Style.parse(style)) is keeps and bool(shown.bold) == ("bold" in style)


async def test_a_theme_chosen_in_the_palette_restyles_the_sections_seen_and_those_not_seen_yet(store):
    app = app_with(store, theme="textual-dark")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.current_mode == "calls")
        dark = app.screen.styles.background
        await pilot.press("ctrl+p", *"theme")
        assert await wait_for(pilot, lambda: "theme" in palette_choice(app).lower())
        await pilot.press("enter", *"textual-light")
        assert await wait_for(pilot, lambda: palette_choice(app) == "textual-light")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.theme == "textual-light")
        light = app.screen.styles.background
        assert light != dark
        await pilot.press("2")
        assert await wait_for(pilot, lambda: app.current_mode == "stock")
        assert app.screen.styles.background == light
