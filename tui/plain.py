"""Stored and typed text on screen: always plain text, never markup, never a terminal command.

Every widget that shows what a person or an outside system wrote gets it through one of
these: ``[bold]`` and ``[/b]`` show as typed, and a control character left in stored text
shows as a symbol (ESC as ␛) instead of reaching the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from data.engine.text import visible


def plain(value: object, style: str = "", *, one_line: bool = False) -> Text:
    """``value`` as text that is shown exactly as written."""
    return Text("" if value is None else visible(str(value), one_line=one_line), style=style)


def inert(text: Text, *, one_line: bool = False) -> Text:
    """An assembled ``Text`` with its styles kept and its control characters made visible
    (each becomes one symbol, so the styled spans still fit)."""
    safe = text.copy()
    safe.plain = visible(text.plain, one_line=one_line)
    return safe


def title(value: object) -> Content:
    """For border titles and tab labels, which Textual would otherwise read as markup."""
    return Content(visible(str(value), one_line=True))


def clipped(text: str, width: int = 20) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis where it was cut: for columns
    that must leave room for the others at 80 columns."""
    return text if len(text) <= width else text[: width - 1] + "…"
