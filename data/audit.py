"""The audit trail: one JSON line per change, HR changes kept apart with the HR file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from data.domains import HR_DOMAIN
from data.errors import NoAccessError
from data.files import open_beside


def audit_file(folder: Path, domain: str) -> Path:
    return folder / ("people-audit.jsonl" if domain == HR_DOMAIN else "audit.jsonl")


def entry(time: str, user: str, collection: str, record_id: int, action: str, changed: list[str]) -> dict:
    return {
        "time": time,
        "user": user,
        "collection": collection,
        "id": record_id,
        "action": action,
        "changed": changed,
    }


@contextmanager
def appending(path: Path, data_file: Path) -> Iterator[Callable[[list[dict]], None]]:
    """Open the log before a change to ``data_file`` is committed: a log this user may not
    write then stops the change, instead of the change going unrecorded.

    Each call appends whole lines in one write on an O_APPEND descriptor, so writers never
    interleave. A new log is as private as ``data_file``, the file whose changes it records.
    """
    try:
        fd = open_beside(path, os.O_WRONLY | os.O_APPEND, data_file)
    except PermissionError as error:
        raise NoAccessError(f"You may not change {data_file.name}: no write access to {path}.") from error
    try:
        yield lambda entries: os.write(fd, b"".join(orjson.dumps(e) + b"\n" for e in entries))
    finally:
        os.close(fd)


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
