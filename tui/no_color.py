"""NO_COLOR, and terminals of sixteen colours, that stay readable.

Textual honours NO_COLOR by turning every colour into the grey of its brightness. Red text
then comes out nearly as dark as a dark background, so an `URGENT` or `OVERDUE` mark would
all but vanish. This filter does the same greying, except that words whose grey is too close
to their background's become black or white: every mark stays legible, while rules, bars
and other drawing keep their quiet greys.

A terminal of sixteen colours (TERM=xterm, TEXTUAL_COLOR_SYSTEM=standard) has the same
trouble another way: each colour of the theme becomes the nearest of the sixteen, and the
footer's orange keys on its grey become red on grey, a suggestion's grey on the input's
grey. There the words whose two colours land too close become black or white.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.color import ColorSystem
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


class ReadableStandard(LineFilter):
    """Colours as they are, except words whose two colours are one of sixteen alike."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text, readable_in_sixteen(style, background) if style and any(c.isalnum() for c in text) else style, None)
                for text, style, _ in segments]


@lru_cache(1024)
def readable_in_sixteen(style: Style, background: Color) -> Style:
    if style.reverse or style.color is None:
        return style
    back = sixteen(style.bgcolor) if style.bgcolor else sixteen(background.rich_color)
    if abs(sixteen(style.color).brightness - back.brightness) >= MIN_CONTRAST:
        return style
    return style + Style(color="black" if back.brightness >= 0.5 else "bright_white")


def sixteen(color: RichColor) -> Color:
    """The colour a terminal of sixteen colours shows for ``color``."""
    return Color(*color.downgrade(ColorSystem.STANDARD).get_truecolor())


READABLE_STANDARD = ReadableStandard()
