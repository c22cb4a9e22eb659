"""The office's printer, through CUPS's ``lp``: a letter is printed as the file it was saved as."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from data.engine.errors import DataError


class PrintError(DataError):
    """The letter could not be printed; it stays saved."""


def can_print() -> bool:
    return shutil.which("lp") is not None


def print_file(path: Path) -> str:
    """Send ``path`` to the default printer; returns what lp said (its request id)."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError(f"This machine cannot print: the lp command of CUPS is not installed. The letter is saved at {path}.")
    try:
        done = subprocess.run([lp, str(path)], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PrintError(f"The printer did not take the letter ({error}). It is saved at {path}.") from error
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise PrintError(f"The printer refused the letter: {said[-1] if said else f'lp ended with {done.returncode}'}. "
                         f"It is saved at {path}.")
    return done.stdout.strip()
