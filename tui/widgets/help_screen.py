"""The help screen: every key of the screen beneath and of the app, with the binding id
a keymap in settings.toml uses to change it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label

from tui.widgets.dialogs import Dialog

PLACES = ("This screen", "In the list", "Everywhere")
KEY_WIDTH, DOES_WIDTH, ID_WIDTH = 11, 25, 29  # with their padding and a scroll bar, 73 of a 74-column box


@dataclass(frozen=True)
class KeyRow:
    place: str  # one of PLACES
    keys: str
    does: str
    about: str  # the binding's tooltip: said under the table for the row the cursor is on
    binding_id: str


def key_rows(screen: Screen) -> list[KeyRow]:
    """One row per binding active on ``screen``, its keys together, in PLACES order."""
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
        place = PLACES[2] if node is app else PLACES[0] if node is screen else PLACES[1]
        rows.append(KeyRow(place, " ".join(dict.fromkeys(keys)), binding.description, binding.tooltip, binding.id or ""))
    return sorted(rows, key=lambda row: PLACES.index(row.place))


class HelpScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,question_mark,f1,q", "close", "Close help", id="help.close"),
        Binding("j", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="help.up"),
    ]

    def __init__(self, beneath: Screen) -> None:
        super().__init__()
        self.beneath = beneath
        self.abouts: dict[str, str] = {}  # row key → tooltip

    def compose(self) -> ComposeResult:
        with Vertical(classes="form help") as box:
            box.border_title = "Keys"
            table: DataTable = DataTable(cursor_type="row")
            table.add_column("Key", width=KEY_WIDTH)
            table.add_column("Does", width=DOES_WIDTH)
            table.add_column("Id for the keymap", width=ID_WIDTH)
            place = ""
            for index, row in enumerate(key_rows(self.beneath)):
                if row.place != place:
                    place = row.place
                    table.add_row(Text(place, style="bold underline"), "", "")
                table.add_row(Text(row.keys, style="bold"), Text(row.does), Text(row.binding_id), key=str(index))
                self.abouts[str(index)] = row.about
            yield table
            yield Label("", id="about", markup=False)
            yield Label('esc close   a key of your own: settings.toml, [keymap] "id" = "key"', classes="keys", markup=False)

    @on(DataTable.RowHighlighted)
    def say_what_it_does(self, event: DataTable.RowHighlighted) -> None:
        self.query_one("#about", Label).update(self.abouts.get(event.row_key.value or "", ""))

    def action_scroll(self, direction: str) -> None:
        table = self.query_one(DataTable)
        (table.action_cursor_down if direction == "down" else table.action_cursor_up)()

    def action_close(self) -> None:
        self.dismiss(None)
