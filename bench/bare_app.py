"""The baseline of the benches: a bare Textual app with a Header, an empty DataTable and a Footer.

    python bench/bare_app.py            the bare app (startup.py, idle.py)
    python bench/bare_app.py --modes    six modes on keys 0-5, as many screens as backoffice has
                                        sections, each a table of 200 rows; enter opens a row in a
                                        dialog, escape closes it; ctrl+p is Textual's palette
"""

import sys
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static


class BareApp(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        self.title = "bare"


class RowDialog(ModalScreen[None]):
    BINDINGS: ClassVar = [Binding("escape", "app.pop_screen", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(self.text)


class ModeScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns("Who", "What", "When")
        table.add_rows((f"Person {i}", f"Record {i} of mode {self.name}", f"{i % 28 + 1} Nov") for i in range(200))
        yield table
        yield Footer()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(RowDialog(" ".join(map(str, event.data_table.get_row(event.row_key)))))


def mode(name: str) -> type[ModeScreen]:
    return lambda: ModeScreen(name=name)  # type: ignore[return-value]


class ModesApp(App):
    MODES: ClassVar = {str(n): mode(str(n)) for n in range(6)}
    BINDINGS: ClassVar = [Binding(str(n), f"switch_mode('{n}')", f"Mode {n}") for n in range(6)]

    def on_mount(self) -> None:
        self.title = "bare"
        self.switch_mode("0")


if __name__ == "__main__":
    (ModesApp if "--modes" in sys.argv else BareApp)().run()
