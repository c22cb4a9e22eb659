"""RecordTable: a DataTable of records keyed by id, updated in place (dolphie's diff-update).

Rows are given as (key, cells); ``set_rows`` adds, changes and removes rows by key inside
one batch, keeps the cursor on the same record and leaves the scroll where it was. ``/``
opens a filter bar that narrows the rows as you type; ``o`` sorts by the next column.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Sequence
from itertools import zip_longest
from typing import Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Input
from textual.widgets.data_table import RowDoesNotExist, RowKey
from textual.widgets.data_table import Row as DataRow

from tui.plain import inert, plain
from tui.widgets.fields import PlainInput
from tui.widgets.steady import reads_the_same

Row = tuple[Hashable, Sequence[Any]] | tuple[Hashable, Sequence[Any], str]  # (key, cells[, words only the filter sees])


def as_text(value: Any) -> Text:
    """Cells show text as written, on one line: ``[bold]`` stays ``[bold]``, a control
    character shows as a symbol."""
    if isinstance(value, Text):
        return inert(value, one_line=True)
    return plain(value, one_line=True)


def sort_value(text: Text) -> tuple[int, float | str]:
    plain = text.plain.strip()
    try:
        return (0, float(plain.replace(",", "")))
    except ValueError:
        return (1, plain.casefold())


REMOVED_ONE_BY_ONE = 20
FILTER_PAUSE = 0.08  # seconds between keys that make them one burst of typing


class FilterBar(PlainInput):
    """Narrows a RecordTable as you type; enter keeps the filter, escape clears it."""

    DEFAULT_CSS = """
    FilterBar { height: 1; border: none; padding: 0 1; background: $boost; }
    FilterBar:focus { border: none; }
    """
    BINDINGS = [
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
        Binding("enter", "keep", "Keep filter", id="filter.keep"),
    ]

    def __init__(self, table: RecordTable) -> None:
        super().__init__(placeholder="filter: type words to narrow the list", compact=True)
        self.table = table

    _pending: Timer | None = None
    _last_key_at = 0.0

    @on(Input.Changed)
    def narrow_soon(self, event: Input.Changed) -> None:
        """A key after a pause narrows the list at once; keys typed in a burst narrow it
        once the typing pauses, so no key waits for the narrowing of the one before."""
        event.stop()
        if self._pending is not None:
            self._pending.stop()
        now = time.monotonic()
        in_a_burst = now - self._last_key_at < FILTER_PAUSE
        self._last_key_at = now
        if in_a_burst:
            self._pending = self.set_timer(FILTER_PAUSE, self.narrow)
        else:
            self.narrow()

    def narrow(self) -> None:
        self._pending = None
        if self.table.filter_text != self.value:
            self.table.filter_text = self.value

    def action_keep(self) -> None:
        self.narrow()
        if not self.value:
            self.display = False
        self.table.focus()

    def action_clear(self) -> None:
        self.value = ""
        self.narrow()
        self.display = False
        self.table.focus()


class RecordTable(DataTable):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g", "first", "Top", show=False, id="table.top"),
        Binding("G", "last", "Bottom", show=False, id="table.bottom"),
        Binding("slash", "filter", "Filter", key_display="/", id="table.filter"),
        Binding("o", "sort", "Sort", show=False, tooltip="Sort by the next column", id="table.sort"),
    ]

    def __init__(self, columns: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        """``columns``: (key, label) pairs."""
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.column_specs = list(columns)
        self._rows: dict[Hashable, list[Text]] = {}
        self._order: list[Hashable] = []
        self._key_of: dict[str, Hashable] = {}  # the table's string keys → the caller's keys
        self._words: dict[Hashable, str] = {}
        self._unread: Iterable[Row] | None = None  # rows given while out of sight
        self._filter = ""
        self._sort_column: int | None = None
        self._sort_reverse = False

    def on_mount(self) -> None:
        for key, label in self.column_specs:
            self.add_column(label, key=key)

    # -- what the screen calls ---------------------------------------------------------
    def set_rows(self, rows: Iterable[Row]) -> None:
        """Show exactly these rows, in this order (unless the user sorted by a column).

        A table out of sight (on a tab not chosen) takes them when it is shown: the rows,
        often given as a generator, are not even made until then."""
        self._unread = rows
        if self._in_sight():
            self._catch_up()

    def _in_sight(self) -> bool:
        return all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    def _catch_up(self) -> None:
        if self._unread is None:
            return
        rows, self._unread = self._unread, None
        self._rows = {}
        self._order = []
        self._words = {}
        for key, cells, *unseen in rows:  # a row may bring words the filter finds it by though not shown
            self._rows[key] = texts = [as_text(c) for c in cells]
            self._words[key] = "\0".join([*(t.plain for t in texts), *unseen]).casefold()  # what the filter looks in
            self._order.append(key)
        self._key_of = {str(k): k for k in self._order}
        self._refresh_rows()

    def on_show(self) -> None:
        self._catch_up()

    @property
    def selected_key(self) -> Hashable | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except RowDoesNotExist:
            return None
        return self._key_of.get(key.value, key.value)

    def select_key(self, key: Hashable) -> bool:
        self._catch_up()
        try:
            index = self.get_row_index(str(key))
        except RowDoesNotExist:
            return False
        self.move_cursor(row=index)
        return True

    @property
    def filter_text(self) -> str:
        return self._filter

    @filter_text.setter
    def filter_text(self, text: str) -> None:
        self._filter = text
        self._refresh_rows()

    @property
    def visible_keys(self) -> list[Hashable]:
        self._catch_up()
        keys = (self.coordinate_to_cell_key((i, 0)).row_key.value for i in range(self.row_count))
        return [self._key_of.get(k, k) for k in keys]

    # -- the diff ----------------------------------------------------------------------
    def _wanted(self) -> list[Hashable]:
        words = self._filter.casefold().split()
        keys = [k for k in self._order if all(w in self._words[k] for w in words)] if words else list(self._order)
        if self._sort_column is not None:
            column = self._sort_column
            keys.sort(key=lambda k: sort_value(self._rows[k][column]), reverse=self._sort_reverse)
        return keys

    def _refresh_rows(self) -> None:
        if not self.columns:
            return
        selected = self.selected_key
        wanted = self._wanted()
        wanted_set = {str(k) for k in wanted}
        column_keys = [key for key, _ in self.column_specs]
        with self.app.batch_update():
            going = [row_key for row_key in self.rows if row_key.value not in wanted_set]
            if len(going) > REMOVED_ONE_BY_ONE:
                self.clear()  # removing a row renumbers every row after it: many at once is quicker anew
            else:
                for row_key in going:
                    self.remove_row(row_key)
            new = []
            for key in wanted:
                cells = self._rows[key]
                row_key = str(key)
                if row_key in self.rows:
                    for column, cell in zip(column_keys, cells):
                        if not reads_the_same(self.get_cell(row_key, column), cell):  # a row struck through since, too
                            self.update_cell(row_key, column, cell, update_width=True)
                else:
                    new.append((row_key, cells))
            self._add_rows(new)
            self._apply_order([str(k) for k in wanted])
            self._fit_columns(wanted)
            if selected is not None and str(selected) in wanted_set:
                self.select_key(selected)

    def _add_rows(self, rows: list[tuple[str, list[Text]]]) -> None:
        """DataTable.add_row for many rows at once. Row by row, it set the cursor again and
        listed the columns anew for each: half of showing the 600 rows of `a` on Calls."""
        if not rows:
            return
        columns = self.ordered_columns
        was_empty = not self.row_count
        for key, cells in rows:
            row_key = RowKey(key)  # new: _refresh_rows updates the rows it has
            self._row_locations[row_key] = len(self.rows)
            self._data[row_key] = {column.key: cell for column, cell in zip_longest(columns, cells)}
            self.rows[row_key] = DataRow(row_key, 1, None, False)
            self._new_rows.add(row_key)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

    def _fit_columns(self, keys: list[Hashable]) -> None:
        # DataTable measures new rows when it is next idle, which a busy start can
        # postpone past the first paint; we know the cells, so widen the columns now.
        for index, (column_key, _) in enumerate(self.column_specs):
            column = self.columns[column_key]  # type: ignore[index]
            widest = max((self._rows[k][index].cell_len for k in keys), default=0)
            column.content_width = max(column.content_width, widest)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # Every row is one line and _fit_columns widened the columns from the cells already:
        # DataTable measuring each new row again was most of a filter's or a reload's time.
        super()._update_dimensions(())

    def _apply_order(self, keys: list[str]) -> None:
        # DataTable has no public "put rows in this order"; this is what its sort() does.
        from textual._two_way_dict import TwoWayDict

        locations = self._row_locations
        if len(locations) == len(keys) and all(locations.get(k) == i for i, k in enumerate(keys)):
            return  # already so: a new order would have every line drawn anew
        self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(keys)})
        self._update_count += 1
        self.refresh()

    # -- keys --------------------------------------------------------------------------
    def action_first(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)

    def action_filter(self) -> None:
        bar = next(iter(self.parent.query(FilterBar)), None) if self.parent else None
        if bar is None or bar.table is not self:
            bar = FilterBar(self)
            self.parent.mount(bar, before=self)
        bar.display = True
        bar.focus()

    def action_sort(self) -> None:
        columns = len(self.column_specs)
        self._sort_column = 0 if self._sort_column is None else self._sort_column + 1
        if self._sort_column >= columns:
            self._sort_column = None
        self._refresh_rows()
        name = "the queue order" if self._sort_column is None else self.column_specs[self._sort_column][1]
        self.notify(f"Sorted by {name}", timeout=2)

    @on(DataTable.HeaderSelected)
    def sort_by_header(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if self._sort_column == event.column_index:
            self._sort_reverse = not self._sort_reverse
        else:
            self._sort_column, self._sort_reverse = event.column_index, False
        self._refresh_rows()
