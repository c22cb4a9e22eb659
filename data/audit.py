"""The audit trail: one JSON line per change, HR changes kept apart with the HR file."""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from data.domains import HR_DOMAIN


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


def append(path: Path, entries: list[dict]) -> None:
    """Append whole lines in one write on an O_APPEND descriptor, so writers never interleave."""
    if not entries:
        return
    payload = b"".join(orjson.dumps(e) + b"\n" for e in entries)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        os.write(fd, payload)
    finally:
        os.close(fd)


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
