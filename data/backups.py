"""Daily backup copies of the data files: ``backups/NAME-YYYY-MM-DD.json``, 14 kept."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

KEEP = 14


def backup_folder(data_file: Path) -> Path:
    return data_file.parent / "backups"


def backups_of(data_file: Path) -> list[Path]:
    """Backup copies of ``data_file``, oldest first (the names sort by date)."""
    folder = backup_folder(data_file)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{data_file.stem}-*.json"))


def newest_backup(data_file: Path) -> Path | None:
    found = backups_of(data_file)
    return found[-1] if found else None


def copy_aside(data_file: Path, target: Path) -> None:
    """Copy ``data_file`` to ``target`` so that ``target`` is never seen half-written."""
    target.parent.mkdir(exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copy2(data_file, partial)
    os.replace(partial, target)


def daily_backup(data_file: Path, today: date, keep: int = KEEP) -> Path | None:
    """Before the first save of ``today``, copy the file aside; prune to ``keep`` copies.
    Call it holding the file's lock."""
    if not data_file.exists():
        return None
    target = backup_folder(data_file) / f"{data_file.stem}-{today.isoformat()}.json"
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
