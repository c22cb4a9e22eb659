"""The audit trail: one JSON line per change, HR changes kept apart with the HR file."""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from data.domains import HR_DOMAIN
from data.storage import open_beside


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


def append(path: Path, entries: list[dict], data_file: Path) -> None:
    """Append whole lines in one write on an O_APPEND descriptor, so writers never interleave.
    A new log is as open as ``data_file``, the file whose changes it records."""
    if not entries:
        return
    payload = b"".join(orjson.dumps(e) + b"\n" for e in entries)
    fd = open_beside(path, os.O_WRONLY | os.O_APPEND, data_file)
    try:
        os.write(fd, payload)
    finally:
        os.close(fd)


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
