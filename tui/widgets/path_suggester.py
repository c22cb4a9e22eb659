"""Suggests the rest of a file or folder name as a path is typed, as a shell's tab would."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the folder changes under us

    async def get_suggestion(self, value: str) -> str | None:
        typed = Path(value).expanduser()
        if not value or typed.is_file():
            return None
        if typed.is_dir():
            return None if value.endswith("/") else value + "/"
        try:
            names = sorted(e.name + ("/" if e.is_dir() else "") for e in os.scandir(typed.parent)
                           if typed.name.startswith(".") or not e.name.startswith("."))
        except OSError:
            return None
        rest = next((n[len(typed.name):] for n in names if n.startswith(typed.name) and n != typed.name), None)
        return value + rest if rest else None
