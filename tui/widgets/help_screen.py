"""The help screen: every key of the screen beneath and of the app, from the bindings."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label

from tui.widgets.dialogs import Dialog


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(where, keys, what) for each binding active on ``screen``, the app's last."""
    app = screen.app
    grouped: dict[tuple[int, str, str], tuple[object, Binding, list[str]]] = {}
    for key, active in screen.active_bindings.items():
        if not active.binding.description:
            continue
        node, binding, keys = grouped.setdefault(
            (id(active.node), active.binding.action, active.binding.description),
            (active.node, active.binding, []),
        )
        keys.append(app.get_key_display(Binding(key, binding.action)))
    rows = []
    for node, binding, keys in grouped.values():
        what = binding.description + (f" — {binding.tooltip}" if binding.tooltip else "")
        where = "everywhere" if node is app else "this screen" if node is screen else "in the list"
        rows.append((where, " ".join(dict.fromkeys(keys)), what))
    order = {"this screen": 0, "everywhere": 1, "in the list": 2}
    return sorted(rows, key=lambda row: order[row[0]])


class HelpScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,question_mark,f1,q", "close", "Close help", id="help.close"),
        Binding("j", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="help.up"),
    ]

    def __init__(self, beneath: Screen) -> None:
        super().__init__()
        self.beneath = beneath

    def compose(self) -> ComposeResult:
        with Vertical(classes="form help"):
            yield Label("Keys", classes="dialog-title")
            table: DataTable = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Where", "Does")
            for where, keys, what in binding_rows(self.beneath):
                table.add_row(Text(keys, style="bold"), Text(where, style="dim"), Text(what))
            yield table
            yield Label("esc close   ctrl+p command palette", classes="keys")

    def action_scroll(self, direction: str) -> None:
        table = self.query_one(DataTable)
        (table.action_cursor_down if direction == "down" else table.action_cursor_up)()

    def action_close(self) -> None:
        self.dismiss(None)
