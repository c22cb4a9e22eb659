"""The top line of every section: the sections with their keys, the current one lit."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.sections import SECTIONS


class SectionBar(Static):
    DEFAULT_CSS = """
    SectionBar { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def render(self) -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis")
        for section in SECTIONS:
            lit = section.name == self.current
            bar.append(f" {section.key} ", style="bold reverse" if lit else "bold")
            bar.append(f"{section.short} ", style="bold" if lit else "")
        if getattr(self.app, "demo", False):
            bar.append(" DEMO ", style="bold reverse")
        return bar
