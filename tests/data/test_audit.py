"""The audit log and the data always agree: a change is in both or in neither, whatever
kills a save, and a failed append is a sentence, never a duplicate line."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import time
from pathlib import Path

from data.engine import audit, storage
from data.engine.errors import StorageError
from data.engine.migrations import meta
from data.engine.store import Store
from tests.data.helpers import Child, Report

KILLS = 60


def audit_lines(folder: Path) -> list[dict]:
    return audit.read(folder / "calls-audit.jsonl")


def recorded_audit_size(folder: Path) -> int:
    return meta(json.loads((folder / "calls.json").read_text()))["audit_size"]


def assert_audit_and_data_agree(folder: Path) -> None:
    """Every record has one audit line per revision, and every line a record to show for it."""
    calls = json.loads((folder / "calls.json").read_text())["calls"]
    lines: dict[int, int] = {}
    for line in audit_lines(folder):
        lines[line["id"]] = lines.get(line["id"], 0) + 1
    assert lines == {int(i): doc["rev"] for i, doc in calls.items()}


def add_and_change_until_killed(folder: Path, report: Report) -> None:
    calls = Store(folder, user="writer").repo("calls")
    rng = random.Random(os.getpid())
    n = 0
    while True:
        if n % 3 == 0 or calls.count() == 0:
            calls.add({"caller": f"caller {n}", "message": "x" * rng.randrange(400)})
        else:
            calls.update(rng.randrange(1, calls.count() + 1), lambda c: setattr(c, "message", f"change {n}"))
        report(str(n))
        n += 1


def test_audit_and_data_agree_after_a_writer_is_killed_at_random_moments(tmp_path):
    folder = tmp_path / "office"
    Store(folder).repo("calls").add({"caller": "first"})
    rng = random.Random(12)
    caught_between = 0
    for _ in range(KILLS):
        writer = Child(lambda report: add_and_change_until_killed(folder, report))
        writer.next_report()  # past start-up, inside its loop of saves
        time.sleep(rng.uniform(0, 0.02))  # a random moment: nothing to wait for
        writer.kill()
        writer.wait()
        if (folder / "calls-audit.jsonl").stat().st_size > recorded_audit_size(folder):
            caught_between += 1  # killed after its audit lines, before its file
        with Store(folder).transaction("calls"):  # the next transaction, whoever runs it
            pass
        assert_audit_and_data_agree(folder)
    assert caught_between > 0  # else this test never saw the case it is about


def die_between_audit_and_file(folder: Path, report: Report) -> None:
    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    storage.replace_atomically = killed
    Store(folder, user="writer").repo("calls").add({"caller": "never saved"})


def test_the_lines_of_a_save_killed_before_its_file_was_replaced_are_cut_by_the_next_save(store):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    before = (store.folder / "calls-audit.jsonl").read_bytes()
    code, _ = Child(lambda report: die_between_audit_and_file(store.folder, report)).wait()
    assert code == -signal.SIGKILL
    assert len(audit_lines(store.folder)) == 2  # its line is there, its change is not
    assert [c.caller for c in calls.list()] == ["Ann"]

    calls.add({"caller": "Bob"})
    assert [(line["id"], line["action"]) for line in audit_lines(store.folder)] == [(1, "add"), (2, "add")]
    assert (store.folder / "calls-audit.jsonl").read_bytes().startswith(before)
    assert_audit_and_data_agree(store.folder)


def test_an_audit_file_shorter_than_recorded_is_continued(store):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    calls.add({"caller": "Bob"})
    log = store.folder / "calls-audit.jsonl"
    log.rename(store.folder / "calls-audit.jsonl.1")  # rotated by an administrator
    calls.add({"caller": "Cid"})
    assert [line["id"] for line in audit_lines(store.folder)] == [3]
    calls.add({"caller": "Dee"})
    assert [line["id"] for line in audit_lines(store.folder)] == [3, 4]


def save_with_the_audit_file_at_its_limit(folder: Path, report: Report) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    limit = (folder / "calls-audit.jsonl").stat().st_size + 20  # not room for one more line
    assert (folder / "calls.json").stat().st_size < limit
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        Store(folder, user="writer").repo("calls").update(1, lambda c: setattr(c, "message", "second"))
    except StorageError as error:
        report(str(error))


def test_an_audit_append_that_fails_changes_nothing_and_the_retry_writes_one_line(store):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    for n in range(30):  # an audit log longer than the data file
        calls.update(1, lambda c: setattr(c, "message", f"draft {n}"))
    log, data = (store.folder / "calls-audit.jsonl").read_bytes(), store.file("calls").read_bytes()

    code, said = Child(lambda report: save_with_the_audit_file_at_its_limit(store.folder, report)).wait()
    assert code == 0
    assert said == ["Could not save calls.json: the file would be larger than this system allows. Nothing was changed."]
    assert (store.folder / "calls-audit.jsonl").read_bytes() == log
    assert store.file("calls").read_bytes() == data

    calls.update(1, lambda c: setattr(c, "message", "second"))
    assert len(audit_lines(store.folder)) == 32
    assert_audit_and_data_agree(store.folder)


def test_the_data_file_records_the_length_of_its_audit_file(store):
    store.repo("calls").add_many([{"caller": "Ann"}, {"caller": "Bob"}])
    assert recorded_audit_size(store.folder) == (store.folder / "calls-audit.jsonl").stat().st_size > 0
