"""The baseline of the benches: a bare Textual app with a Header, an empty DataTable and a Footer."""

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class BareApp(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        self.title = "bare"


if __name__ == "__main__":
    BareApp().run()
