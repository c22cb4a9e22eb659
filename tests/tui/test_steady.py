"""A label or detail set to what it already reads is left alone; any other change shows."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from tui.widgets.steady import reads_the_same


def test_the_same_words_in_the_same_styles_read_the_same():
    assert reads_the_same(Text("No open calls.", style="dim"), Text("No open calls.", style="dim"))
    assert reads_the_same(Text.assemble(("3", "bold"), " late"), Text.assemble(("3", "bold"), " late"))
    assert reads_the_same(Content("Messages (3)"), Content("Messages (3)"))
    assert reads_the_same("plain", "plain")


def test_a_change_of_words_or_of_style_alone_is_a_change():
    assert not reads_the_same(Text("Messages (3)"), Text("Messages (4)"))
    assert not reads_the_same(Text("No open calls.", style="dim"), Text("No open calls."))  # Text's == would say equal
    assert not reads_the_same(Text.assemble(("3", "bold"), " late"), Text.assemble(("3", "red"), " late"))
    assert not reads_the_same(Content("Mail (2)"), Content.styled("Mail (2)", "bold"))  # Content's == would say equal
    assert not reads_the_same(Text("same"), "same")  # a different kind of content is drawn anew
