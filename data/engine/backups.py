"""Daily backup copies of the data files: ``backups/NAME-YYYY-MM-DD.json``, 14 kept.

A copy is named by the system's date, the day it was really taken, never by the clock a
program was given. A copy named after a day still to come (a clock that was wrong once) is
left alone, but is never taken for the newest backup nor counted among the 14 kept.

A copy sits beside its data file, in ``backups/`` of the same folder, and is as private as
the data file from its first byte (``files.py``).
"""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

from data.engine.files import Access, Folder, copy_all, left_by_a_kill, refusal

KEEP = 14
FOLDER = "backups"


def today() -> date:
    """The system's date: what a backup is named after."""
    return date.today()


def backup_folder(data_file: Path) -> Path:
    return data_file.parent / FOLDER


def day_of(name: str, data_file: str) -> date | None:
    stem = data_file.removesuffix(".json")
    if not (name.startswith(f"{stem}-") and name.endswith(".json")):
        return None
    try:
        return date.fromisoformat(name.removeprefix(f"{stem}-").removesuffix(".json"))
    except ValueError:
        return None


def dated_copies(names: list[str], data_file: str) -> list[str]:
    """The names of the backup copies of ``data_file`` taken up to today, oldest first."""
    last_day = today()
    dated = ((day_of(name, data_file), name) for name in names)
    return [name for day, name in sorted((d, n) for d, n in dated if d is not None and d <= last_day)]


def backups_of(data_file: Path) -> list[Path]:
    """Backup copies of ``data_file`` taken up to today, oldest first (for messages)."""
    folder = backup_folder(data_file)
    try:
        names = os.listdir(folder) if not folder.is_symlink() else []
    except OSError:
        return []
    return [folder / name for name in dated_copies(names, data_file.name)]


def newest_backup(data_file: Path) -> Path | None:
    found = backups_of(data_file)
    return found[-1] if found else None


def open_backups(home: Folder) -> Folder:
    """The backup folder beside the data files of ``home``, made like it when missing."""
    return home.folder(FOLDER, make=Access.of_folder(home.stat()))


def copy_aside(home: Folder, name: str, target: str) -> None:
    """Copy the data file ``name`` to ``backups/target``, as private as the data file from its
    first byte and never seen half-written. Call it holding the file's lock."""
    source = home.open(name)
    try:
        with open_backups(home) as backups:
            backups.put(target, lambda fd: copy_all(source, fd), home.new_files)
            backups.sync()
    finally:
        os.close(source)


def daily_backup(home: Folder, name: str, keep: int = KEEP) -> str | None:
    """Before the first save of the day, copy the data file ``name`` aside; prune to ``keep``
    copies, and remove what a copy killed half-way left. Call it holding the file's lock (then
    no copy of this file is under way)."""
    if home.lstat(name) is None:
        return None
    stem = name.removesuffix(".json")
    target = f"{stem}-{today().isoformat()}.json"
    with open_backups(home) as backups:
        found = backups.lstat(target)
        if found is not None and not stat.S_ISREG(found.st_mode):
            raise refusal(backups.path / target, found)
        if found is not None:
            return None
    copy_aside(home, name, target)
    with open_backups(home) as backups:
        names = backups.names()
        for old in dated_copies(names, name)[:-keep]:
            backups.remove(old)
        for leftover in names:
            if left_by_a_kill(leftover, (stem,)):
                backups.remove(leftover)
    return target
