"""NO_COLOR that stays readable.

Textual honours NO_COLOR by turning every colour into the grey of its brightness. Red text
then comes out nearly as dark as a dark background, so an `URGENT` or `OVERDUE` mark would
all but vanish. This filter does the same greying, except that words whose grey is too close
to their background's become black or white: every mark stays legible, while rules, bars
and other drawing keep their quiet greys.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, monochrome_style

MIN_CONTRAST = 0.4  # in brightness, 0 (black) to 1 (white)
BLACK, WHITE = Color(0, 0, 0), Color(255, 255, 255)


class ReadableGrey(LineFilter):
    """Every colour grey, and no word grey on a grey like itself."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text, grey(text, style, background), None) for text, style, _ in segments]


def grey(text: str, style: Style | None, background: Color) -> Style | None:
    if style is None:
        return None
    if style.reverse or not any(char.isalnum() for char in text):
        return monochrome_style(style)
    return readable_grey(style, background)


@lru_cache(1024)
def readable_grey(style: Style, background: Color) -> Style:
    back = (Color.from_rich_color(style.bgcolor) if style.bgcolor else background).monochrome
    fore = Color.from_rich_color(style.color).monochrome if style.color else None
    if fore is not None and abs(fore.brightness - back.brightness) < MIN_CONTRAST:
        fore = WHITE if back.brightness < 0.5 else BLACK
    return style + Style.from_color(
        fore.rich_color if fore is not None else None,
        back.rich_color if style.bgcolor else None,
    )


READABLE_GREY = ReadableGrey()
