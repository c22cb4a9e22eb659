"""Several real processes on the same data folder: nothing lost, nothing torn."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import threading
import time
from pathlib import Path

import pytest

from data.engine.check import check_folder
from data.engine.errors import ConflictError
from data.engine.store import Store
from tests.data.helpers import Child, Gate, Report, backoffice

WRITERS = 8
EACH = 100


def add_through_repository(folder: Path, name: str, gate: Gate, report: Report) -> None:
    calls = Store(folder, user=name).repo("calls")
    report("ready")
    gate.wait()
    for n in range(EACH):
        report(str(calls.add({"caller": f"{name} {n}"}).id))


def add_through_command(folder: Path, name: str, gate: Gate, report: Report) -> None:
    from tui.cli import main

    os.environ["LANGUAGE"] = "C"  # argparse looks for translations on every parser it builds
    report("ready")
    gate.wait()
    for n in range(EACH):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            if main(["--data", str(folder), "add", "calls", f"caller={name} {n}"]) != 0:
                raise SystemExit(1)
        report(printed.getvalue().strip())


@pytest.mark.parametrize("writer", [add_through_repository, add_through_command], ids=["repository", "command"])
def test_eight_processes_adding_at_once_lose_nothing(tmp_path, writer):
    folder = tmp_path / "office"
    gate = Gate()
    children = [Child(lambda report, n=n: writer(folder, f"w{n}", gate, report)) for n in range(WRITERS)]
    assert [child.next_report() for child in children] == ["ready"] * WRITERS
    gate.open(WRITERS)
    reported: list[int] = []
    for child in children:
        code, lines = child.wait()
        assert code == 0
        reported += map(int, lines)

    data = json.loads((folder / "calls.json").read_text())
    stored = [int(i) for i in data["calls"]]
    assert len(stored) == WRITERS * EACH
    assert sorted(reported) == sorted(stored)  # every id handed out once, and each is there
    callers = {doc["caller"] for doc in data["calls"].values()}
    assert callers == {f"w{w} {n}" for w in range(WRITERS) for n in range(EACH)}


def test_threads_of_one_process_adding_at_once_lose_nothing(tmp_path):
    """The app saves from worker threads, sharing its store or opening another."""
    folder = tmp_path / "office"
    shared = Store(folder, user="app")
    stores = [shared, shared, Store(folder, user="a"), Store(folder, user="b")]
    start = threading.Barrier(len(stores))
    added: list[int] = []

    def add(store: Store, name: str) -> None:
        calls = store.repo("calls")
        start.wait()
        added.extend(calls.add({"caller": f"{name} {n}"}).id for n in range(25))

    threads = [threading.Thread(target=add, args=(store, f"t{i}")) for i, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = [int(i) for i in json.loads((folder / "calls.json").read_text())["calls"]]
    assert sorted(added) == sorted(stored) and len(set(stored)) == 100


def add_until_killed(folder: Path, report: Report) -> None:
    """Report each id once its save has returned."""
    calls = Store(folder, user="writer").repo("calls")
    n = 0
    while True:
        report(str(calls.add({"caller": f"writer {n}", "message": "x" * (n % 500)}).id))
        n += 1


def test_a_writer_killed_at_random_moments_never_tears_the_file(tmp_path):
    folder = tmp_path / "office"
    rng = random.Random(2)
    stored: set[int] = set()
    for _ in range(50):
        writer = Child(lambda report: add_until_killed(folder, report))
        committed = {int(writer.next_report())}  # it is past start-up, inside its save loop
        time.sleep(rng.uniform(0, 0.03))
        writer.kill()
        committed |= {int(line) for line in writer.wait()[1]}

        data = json.loads((folder / "calls.json").read_text())  # always parses
        now_stored = {int(i) for i in data["calls"]}
        assert now_stored >= stored | committed  # every save that returned is there
        assert len(now_stored - stored - committed) <= 1  # at most the save in flight
        stored = now_stored
        assert check_folder(Store(folder)) == ([], [])
    check = backoffice(folder, "check")
    assert check.returncode == 0, check.stderr
    assert len(list(folder.glob(".calls.json.*.tmp"))) <= 1  # only the last writer's, if any
    Store(folder).repo("calls").add({"caller": "after the crashes"})
    assert list(folder.glob(".calls.json.*.tmp")) == []


def edit_message(folder: Path, record_id: int, message: str, gate: Gate, report: Report) -> None:
    """Open a record, say so, wait at the gate, then save it."""
    calls = Store(folder, user=f"editor-{message}").repo("calls")
    call = calls.get(record_id)
    report("opened")
    gate.wait()
    call.message = message
    try:
        calls.save(call)
    except ConflictError as error:
        report(f"{error.changed_by}|{error}")
        raise SystemExit(3) from error
    report("saved")


def test_two_saves_from_the_same_revision_the_second_is_told_and_the_first_survives(tmp_path):
    folder = tmp_path / "office"
    call = Store(folder, user="setup").repo("calls").add({"caller": "Ann"})
    first_gate, second_gate = Gate(), Gate()
    first = Child(lambda report: edit_message(folder, call.id, "first", first_gate, report))
    second = Child(lambda report: edit_message(folder, call.id, "second", second_gate, report))
    assert first.next_report() == second.next_report() == "opened"  # both hold revision 1

    first_gate.open()
    assert first.wait() == (0, ["saved"])
    second_gate.open()
    code, lines = second.wait()

    stored = Store(folder).repo("calls").get(call.id)
    assert stored.message == "first" and stored.updated_by == "editor-first"
    assert code == 3
    changed_by, message = lines[0].split("|")
    assert changed_by == "editor-first"
    assert f"changed by editor-first at {stored.updated_at:%Y-%m-%d %H:%M}" in message
