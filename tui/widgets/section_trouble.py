"""A section that cannot be shown says why in its place; the rest of the app goes on.

What went wrong in our own code is written, with its traceback but none of the data's words,
to a log file of the person's own (not the shared data folder), so that it can be sent with a
report.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from textual.widgets import Static

from data.engine.errors import DataError
from data.engine.text import visible
from tui.plain import plain

LOG_NAME = "errors.log"
LOG_LIMIT = 1_000_000  # bytes; past it the log starts anew, the one before kept as errors.log.1


class SectionTrouble(Static):
    DEFAULT_CSS = """
    SectionTrouble { padding: 1 2; height: 1fr; color: $warning; }
    """

    def __init__(self, sentence: str) -> None:
        super().__init__(plain(sentence))
        self.sentence = sentence

    def say(self, sentence: str) -> None:
        if sentence != self.sentence:
            self.sentence = sentence
            self.update(plain(sentence))


def trouble_sentence(section: str, error: Exception, drawing: bool) -> str:
    """What a person reads in place of the section: what failed, why, and what still works."""
    if isinstance(error, DataError):  # the data layer's own sentence: a damaged file, a lock held too long
        return f"{section} cannot be shown: {error}\n\nThe other sections work: choose one above."
    doing = "drawing what it read" if drawing else "reading it"
    why = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return (f"{section} cannot be shown: backoffice failed while {doing} ({why}). Nothing was changed.\n\n"
            f"The other sections work: choose one above. {kept_for_a_report(section, error)}")


def kept_for_a_report(section: str, error: Exception) -> str:
    try:
        where = write_to_log(section, error)
    except OSError as failure:
        return f"The details could not be written down ({failure.strerror or failure})."
    return f"The details are in {where}, for a report."


def log_file() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("backoffice", appauthor=False)) / LOG_NAME


def write_to_log(section: str, error: Exception) -> Path:
    """Append the failure and where it happened to the person's own log, private to them. The
    error's own words are left out: they may quote the data (an HR record's values among them),
    which is kept only where its file is."""
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists() and path.stat().st_size > LOG_LIMIT:
        os.replace(path, path.with_name(LOG_NAME + ".1"))
    told = "".join(where_it_failed(error))
    entry = f"--- {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z} {section}\n{visible(told)}\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as log:
        log.write(entry)
    return path


def where_it_failed(error: BaseException) -> list[str]:
    """The traceback of ``error`` and of what caused it, each error by its type alone."""
    lines = []
    while error is not None:
        lines[:0] = [*traceback.format_tb(error.__traceback__), f"{type(error).__module__}.{type(error).__qualname__}\n"]
        error = error.__cause__ or error.__context__
        if error is not None:
            lines.insert(0, "which followed:\n")
    return ["Traceback (most recent call last):\n", *lines]
