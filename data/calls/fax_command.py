"""Sending a fax through the fax server's command (HylaFAX's ``sendfax`` by default).

The command template is split like a shell would and then filled in, so no shell ever sees
a number or a file name: each is always one argument, however it is spelt.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

from data.calls.models import Fax
from data.calls.rules import SEND_TIMEOUT
from data.engine.errors import RuleError
from data.engine.text import visible

PLACEHOLDERS = ("number", "file", "recipient")
Runner = Callable[..., subprocess.CompletedProcess]


class Outcome:
    """What running the command came to: sent, or a problem and whether to try again."""

    def __init__(self, problem: str = "", retry: bool = True) -> None:
        self.problem = problem
        self.retry = retry

    @property
    def sent(self) -> bool:
        return not self.problem


def split_template(template: str) -> list[str]:
    """The command template's words; RuleError when it cannot be used."""
    try:
        words = shlex.split(template)
        for word in words:
            word.format(**{name: "" for name in PLACEHOLDERS})
    except (ValueError, KeyError, IndexError) as error:
        raise RuleError(
            f"The fax command {template!r} cannot be used ({error}); "
            "write it like: sendfax -n -d {number} {file}"
        ) from error
    if not words:
        raise RuleError("No fax command is set up: send the fax on the machine and mark it sent by hand.")
    return words


def fax_command(template: str, fax: Fax) -> list[str]:
    values = {"number": fax.fax_number, "file": str(Path(fax.document).expanduser()), "recipient": fax.recipient}
    return [part.format(**values) for part in split_template(template)]


def run_fax_command(template: str, fax: Fax, run: Runner = subprocess.run) -> Outcome:
    try:
        result = run(fax_command(template, fax), capture_output=True, text=True, timeout=SEND_TIMEOUT)
    except OSError as error:  # the command is missing or may not be run: retrying will not help
        problem = f"command not found: {error.filename}" if isinstance(error, FileNotFoundError) else str(error)
        return Outcome(problem, retry=False)
    except subprocess.TimeoutExpired:
        return Outcome(f"no answer within {SEND_TIMEOUT} s")
    if result.returncode == 0:
        return Outcome()
    said = result.stderr or result.stdout or f"exit status {result.returncode}"
    return Outcome(visible(said))  # the server's words, stored as text that drives no terminal
