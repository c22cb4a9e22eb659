"""Programs the storage tests run as separate processes (python -m tests.data.workers …)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from data.store import Store


def wait_for_start(flag: Path) -> None:
    """Every writer waits for the same flag file, so they all start at one moment."""
    while not flag.exists():
        time.sleep(0.001)


def add_calls(folder: str, flag: str, count: str, name: str) -> None:
    store = Store(folder, user=name)
    repo = store.repo("calls")
    wait_for_start(Path(flag))
    for n in range(int(count)):
        repo.add({"caller": f"{name} {n}"})


def add_calls_by_cli(folder: str, flag: str, count: str, name: str) -> None:
    from tui.cli import main

    wait_for_start(Path(flag))
    for n in range(int(count)):
        if main(["--data", folder, "add", "calls", f"caller={name} {n}"]) != 0:
            raise SystemExit(1)


def add_forever(folder: str) -> None:
    """Add calls until killed; print each id once its save has returned."""
    repo = Store(folder, user="writer").repo("calls")
    n = 0
    while True:
        record = repo.add({"caller": f"writer {n}", "message": "x" * (n % 500)})
        print(record.id, flush=True)
        n += 1


def edit_message(folder: str, record_id: str, message: str, ready: str, go: str) -> None:
    """Open a record, say so, wait for the go flag, then save it."""
    from data.errors import ConflictError

    repo = Store(folder, user=f"editor-{message}").repo("calls")
    call = repo.get(int(record_id))
    Path(ready).touch()
    wait_for_start(Path(go))
    call.message = message
    try:
        repo.save(call)
    except ConflictError as error:
        print(f"conflict: {error}", flush=True)
        raise SystemExit(3) from error
    print("saved", flush=True)


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
