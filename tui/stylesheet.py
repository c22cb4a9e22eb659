"""Textual's stylesheet, each source parsed once."""

from __future__ import annotations

from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet


class ParsedOnceStylesheet(Stylesheet):
    """Textual's stylesheet, but a source already parsed is not parsed again.

    At each section's first visit Textual sets the stylesheet's variables, unchanged, which
    empties its cache of parsed sources, then reparses in a fresh stylesheet with an empty
    cache of its own, twice: every source of every widget met so far was parsed again, 30-70
    ms of each first visit. Here the cache is emptied only when the variables (the theme)
    change, and a reparse is a parse, which keeps the rules as they were if a source has an
    error, as a reparse does."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Textual keeps 64 parsed sources; a session meets 30 to 50, and once they outnumber
        # the cache, parsing them all in order would miss every time.
        self._parse_cache = LRUCache(256)

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:
            super().set_variables(variables)

    def reparse(self) -> None:
        self.parse()
