"""Setting a tab's label or a Static's content lays the whole screen out again, even when
it reads the same, and a section's reload (after a colleague's change, say) sets every label
and detail it shows: half of what a reload cost on a ten-year office. These leave alone what
would read the same."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Static, Tab


def reads_the_same(shown: object, new: object) -> bool:
    if isinstance(shown, Text) and isinstance(new, Text):
        return shown == new and shown.style == new.style  # Text's == leaves out its style
    if isinstance(shown, Content) and isinstance(new, Content):
        return shown == new and shown.spans == new.spans  # Content's == compares the words only
    return isinstance(shown, str) and isinstance(new, str) and shown == new


def relabel(tab: Tab, label: Content) -> None:
    if not reads_the_same(tab.label, label):
        tab.label = label


def refill(static: Static, content: VisualType) -> None:
    if not reads_the_same(static.content, content):
        static.update(content)
