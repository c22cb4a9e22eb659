"""Several real processes on the same data folder: nothing lost, nothing torn."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data.store import Store

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 8
EACH = 100


def start(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.data.workers", *args], cwd=ROOT, text=True, **kwargs
    )


def run_writers(tmp_path: Path, program: str) -> Path:
    folder = tmp_path / "office"
    flag = tmp_path / "go"
    writers = [start(program, str(folder), str(flag), str(EACH), f"w{n}") for n in range(WRITERS)]
    time.sleep(1.0)  # let every process import and open the store before the start flag
    flag.touch()
    for writer in writers:
        assert writer.wait(timeout=300) == 0
    return folder


@pytest.mark.parametrize("program", ["add_calls", "add_calls_by_cli"])
def test_eight_processes_adding_at_once_lose_nothing(tmp_path, program):
    folder = run_writers(tmp_path, program)
    data = json.loads((folder / "calls.json").read_text())
    ids = [int(i) for i in data["calls"]]
    assert len(ids) == WRITERS * EACH
    assert len(set(ids)) == len(ids)
    callers = {doc["caller"] for doc in data["calls"].values()}
    assert callers == {f"w{w} {n}" for w in range(WRITERS) for n in range(EACH)}
    assert Store(folder).repo("calls").count() == WRITERS * EACH


def test_a_writer_killed_at_random_moments_never_tears_the_file(tmp_path):
    folder = tmp_path / "office"
    rng = random.Random(1)
    committed: set[int] = set()
    for _ in range(50):
        writer = start("add_forever", str(folder), stdout=subprocess.PIPE)
        time.sleep(rng.uniform(0.25, 0.6))  # past start-up, somewhere inside a save
        writer.send_signal(signal.SIGKILL)
        output, _ = writer.communicate()
        committed |= {int(line) for line in output.split()}
        if not (folder / "calls.json").exists():  # killed before its first save
            assert not committed
            continue
        data = json.loads((folder / "calls.json").read_text())  # always parses
        stored = {int(i) for i in data["calls"]}
        assert committed <= stored  # every save that returned is there
        assert len(stored - committed) <= 1  # at most the save in flight is unreported
        committed = stored
    check = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data", str(folder), "check"], cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    leftovers = [p for p in os.listdir(folder) if p.endswith(".tmp")]
    assert len(leftovers) <= 50  # a killed writer may leave its temp file; never the data file


def test_two_saves_from_the_same_revision_the_second_is_told_and_the_first_survives(tmp_path):
    folder = tmp_path / "office"
    call = Store(folder, user="setup").repo("calls").add({"caller": "Ann"})
    ready_a, ready_b, go_a, go_b = (tmp_path / n for n in ("ready-a", "ready-b", "go-a", "go-b"))
    first = start("edit_message", str(folder), str(call.id), "first", str(ready_a), str(go_a), stdout=subprocess.PIPE)
    second = start("edit_message", str(folder), str(call.id), "second", str(ready_b), str(go_b), stdout=subprocess.PIPE)
    deadline = time.time() + 30
    while not (ready_a.exists() and ready_b.exists()) and time.time() < deadline:
        time.sleep(0.01)
    go_a.touch()
    out_first, _ = first.communicate(timeout=30)
    go_b.touch()
    out_second, _ = second.communicate(timeout=30)
    assert first.returncode == 0 and "saved" in out_first
    assert second.returncode == 3
    assert "changed by editor-first at" in out_second
    assert Store(folder).repo("calls").get(call.id).message == "first"
