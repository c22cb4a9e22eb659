"""The lists' filter: what a person types narrows a long list, and clearing it brings back
every row in its order, the cursor on the row it was on."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.tui.test_shell import wait_for
from tui.widgets.record_table import RecordTable

ROWS = [(n, [f"caller {n}", "Sales" if n % 3 else "Accounts [b]", f"0161 496 {n:04}"]) for n in range(1, 601)]


class ListApp(App):
    def compose(self) -> ComposeResult:
        yield RecordTable([("caller", "Caller"), ("team", "Team"), ("number", "Number")])

    def on_mount(self) -> None:
        self.query_one(RecordTable).set_rows(ROWS)


def shown(table: RecordTable) -> list[int]:
    return table.visible_keys


def holding(*words: str) -> list[int]:
    """The rows in which every word is found in some column."""
    return [n for n, cells in ROWS if all(any(w in c.casefold() for c in cells) for w in words)]


async def test_typing_narrows_a_long_list_and_escape_brings_every_row_back_in_order():
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(RecordTable)
        table.focus()
        table.select_key(300)
        await pilot.press("slash", *"accounts [b]")
        assert await wait_for(pilot, lambda: shown(table) == [n for n in range(1, 601) if n % 3 == 0] == holding("accounts", "[b]"))
        await pilot.press("space", *"caller 3")  # more words narrow further, in any column
        assert await wait_for(pilot, lambda: shown(table) == holding("accounts", "[b]", "caller", "3"))
        assert 300 in shown(table) and len(shown(table)) < 200
        assert table.selected_key == 300
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: shown(table) == list(range(1, 601)))
        assert table.selected_key == 300
        table.set_rows(ROWS[:5])  # the list changes under a cleared filter: exactly the new rows
        assert shown(table) == [1, 2, 3, 4, 5]


async def test_a_key_typed_after_a_pause_narrows_the_list_at_once():
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(RecordTable)
        table.focus()
        await pilot.press("slash")
        app.simulate_key("7")  # pilot.press would wait a while after the key
        await pilot.pause(0.02)
        assert shown(table) == holding("7")  # not waiting for more keys
        await pilot.pause(0.2)
        app.simulate_key("7")
        await pilot.pause(0.02)
        assert shown(table) == holding("77")


class TabsApp(App):
    """Two lists on tabs, as the sections have them: the second out of sight at first."""

    def compose(self) -> ComposeResult:
        from textual.widgets import TabbedContent, TabPane

        with TabbedContent():
            with TabPane("Calls", id="calls"):
                yield RecordTable([("caller", "Caller")], id="first")
            with TabPane("Faxes", id="faxes"):
                yield RecordTable([("caller", "Caller"), ("team", "Team"), ("number", "Number")], id="second")


async def test_a_list_on_a_tab_out_of_sight_shows_the_latest_rows_it_was_given_when_its_tab_opens():
    from textual.widgets import TabbedContent

    app = TabsApp()
    async with app.run_test(size=(80, 24)) as pilot:
        second = app.query_one("#second", RecordTable)
        second.set_rows(ROWS)
        second.set_rows(row for row in ROWS[:50])  # changed again before anyone looked
        app.query_one(TabbedContent).active = "faxes"
        assert await wait_for(pilot, lambda: second.row_count == 50)
        assert shown(second) == list(range(1, 51))
        assert "caller 7" in "".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_record_chosen_on_a_tab_out_of_sight_is_under_the_cursor_when_its_tab_opens():
    from textual.widgets import TabbedContent

    app = TabsApp()
    async with app.run_test(size=(80, 24)) as pilot:
        second = app.query_one("#second", RecordTable)
        second.set_rows(ROWS)
        assert second.select_key(420)  # as the palette does, before showing the tab
        app.query_one(TabbedContent).active = "faxes"
        await pilot.pause(0.1)
        assert second.selected_key == 420


async def test_rows_put_into_an_empty_list_read_as_given_and_the_first_is_highlighted():
    highlighted: list[str] = []

    class WatchedList(ListApp):
        def on_data_table_row_highlighted(self, event: RecordTable.RowHighlighted) -> None:
            highlighted.append(event.row_key.value)

    app = WatchedList()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(RecordTable)
        assert await wait_for(pilot, lambda: highlighted == ["1"])  # a detail under the list learns of it
        assert table.row_count == 600
        assert [cell.plain for cell in table.get_row("250")] == ROWS[249][1]
        table.set_rows([(0, ["caller 0", "Sales", "0161 496 0000"]), *ROWS])  # a new first row, the rest kept
        assert shown(table)[:2] == [0, 1] and table.selected_key == 1
