"""The audit trail: one JSON line per change, one file per data file, beside it.

``calls-audit.jsonl`` records the changes to ``calls.json``, ``hr/people-audit.jsonl`` those
to ``hr/people.json``. A transaction's lines are appended, and on disk, before its data file
is replaced, and the data file records how long its audit file was then (see
``SafeJSONStorage``): the two always agree.
"""

from __future__ import annotations

from pathlib import Path

import orjson


def audit_file(data_file: Path) -> Path:
    return data_file.with_name(f"{data_file.stem}-audit.jsonl")


def entry(time: str, user: str, collection: str, record_id: int, action: str, changed: list[str]) -> dict:
    return {
        "time": time,
        "user": user,
        "collection": collection,
        "id": record_id,
        "action": action,
        "changed": changed,
    }


def lines(entries: list[dict]) -> bytes:
    return b"".join(orjson.dumps(e) + b"\n" for e in entries)


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
