"""The top line of every section: the sections with their keys, the current one lit; a click opens one."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import Static

from tui.keymap import keys_for
from tui.sections import SECTIONS


class SectionBar(Static):
    DEFAULT_CSS = """
    SectionBar { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current
        self._spans: list[tuple[int, int, str]] = []  # (start, end, section) of each label, for clicks

    def key_of(self, section) -> str:
        """The section's first key, as the keymap in the settings has it."""
        keymap = getattr(getattr(self.app, "settings", None), "keymap", {})
        key = keys_for(section.binding_id, section.key, keymap)[0]
        return self.app.get_key_display(Binding(key, ""))

    def render(self) -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for section in SECTIONS:
            lit = section.name == self.current
            start = len(bar)
            bar.append(f" {self.key_of(section)} ", style="bold reverse" if lit else "bold")
            bar.append(f"{section.short} ", style="bold" if lit else "")
            self._spans.append((start, len(bar), section.name))
        if getattr(self.app, "demo", False):
            bar.append(" DEMO ", style="bold reverse")
        return bar

    def on_click(self, event: events.Click) -> None:
        for start, end, name in self._spans:
            if start <= event.x < end:
                self.app.switch_mode(name)
                return

