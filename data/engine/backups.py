"""Daily backup copies of the data files: ``backups/NAME-YYYY-MM-DD.json``, 14 kept.

A copy is named by the system's date, the day it was really taken, never by the clock a
program was given. A copy named after a day still to come (a clock that was wrong once) is
left alone, but is never taken for the newest backup nor counted among the 14 kept.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from data.engine.files import copy_like, fsync_folder

KEEP = 14


def today() -> date:
    """The system's date: what a backup is named after."""
    return date.today()


def backup_folder(data_file: Path) -> Path:
    return data_file.parent / "backups"


def day_of(backup: Path, data_file: Path) -> date | None:
    try:
        return date.fromisoformat(backup.stem.removeprefix(f"{data_file.stem}-"))
    except ValueError:
        return None


def backups_of(data_file: Path) -> list[Path]:
    """Backup copies of ``data_file`` taken up to today, oldest first."""
    folder = backup_folder(data_file)
    if not folder.is_dir():
        return []
    last_day = today()
    dated = ((day_of(p, data_file), p) for p in folder.glob(f"{data_file.stem}-*.json"))
    return [p for day, p in sorted((d, p) for d, p in dated if d is not None and d <= last_day)]


def newest_backup(data_file: Path) -> Path | None:
    found = backups_of(data_file)
    return found[-1] if found else None


def copy_aside(data_file: Path, target: Path) -> None:
    """Copy ``data_file`` to ``target``, as private as the data file from its first byte and
    never seen half-written. Call it holding the file's lock."""
    target.parent.mkdir(exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)  # cut short by a killed process: no copy is under way
    copy_like(data_file, partial)
    os.replace(partial, target)
    fsync_folder(target.parent)


def daily_backup(data_file: Path, keep: int = KEEP) -> Path | None:
    """Before the first save of the day, copy the file aside; prune to ``keep`` copies.
    Call it holding the file's lock."""
    if not data_file.exists():
        return None
    target = backup_folder(data_file) / f"{data_file.stem}-{today().isoformat()}.json"
    if target.exists():
        return None
    copy_aside(data_file, target)
    for old in backups_of(data_file)[:-keep]:
        old.unlink(missing_ok=True)
    # copies cut short by a killed process; the caller holds the file's lock, so no copy
    # is under way
    for leftover in target.parent.glob(f".{data_file.stem}-*.partial"):
        leftover.unlink(missing_ok=True)
    return target
