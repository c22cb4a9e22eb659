"""The bottom line of every screen: the keys that work here, the palette's on the right; a
click presses one.

It shows what Textual's Footer shows, drawn as one widget: the Footer makes a widget per key
and builds and styles them all again at every change of focus or bindings, which was a fifth of
a section's first visit and most of the palette's opening."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

PALETTE_EDGE = "▏"


class Key(NamedTuple):
    key: str  # as Textual names it, for a click to press
    display: str
    description: str
    enabled: bool


class KeyBar(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--edge"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        & > .key-bar--description { color: $footer-description-foreground; background: $footer-description-background; }
        & > .key-bar--edge { color: $foreground 20%; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of each key, for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def keys(self) -> tuple[list[Key], Key | None]:
        """The first binding of each action marked to show, in the order the screen has them;
        and the palette's, shown apart (None when it has none)."""
        def described(binding, enabled: bool) -> Key:
            return Key(binding.key, self.app.get_key_display(binding), binding.description, enabled)

        shown: dict[str, Key] = {}
        palette = None
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if key == self.app.COMMAND_PALETTE_BINDING:
                palette = described(binding, enabled) if self.app.ENABLE_COMMAND_PALETTE else None
            elif binding.show and binding.action not in shown:
                shown[binding.action] = described(binding, enabled)
        return list(shown.values()), palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        description_style = self.get_component_rich_style("key-bar--description", partial=True)
        self._spans = []
        bar = Text(no_wrap=True, overflow="crop", end="")
        keys, palette = self.keys()
        for key in keys:
            self._add(bar, key, f" {key.display} ", f"{key.description} ", key_style, description_style)
        if palette is None:
            return bar
        right = Text(PALETTE_EDGE, style=self.get_component_rich_style("key-bar--edge", partial=False), end="")
        room = max(0, self.size.width - len(f"{PALETTE_EDGE}{palette.display} {palette.description} "))
        bar.truncate(room, pad=True)
        self._spans = [span for span in self._spans if span[1] <= room]
        self._add(right, palette, palette.display, f" {palette.description} ", key_style, description_style, start=room)
        return bar + right

    def _add(self, text: Text, key: Key, display: str, description: str, key_style: Style,
             description_style: Style, start: int = 0) -> None:
        dim = Style() if key.enabled else Style(dim=True)
        begin = start + len(text)
        text.append(display, key_style + dim)
        text.append(description, description_style + dim)
        self._spans.append((begin, start + len(text), key.key))

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
