"""The storage file by file: atomic and kept as it was, backups, schema, audit."""

from __future__ import annotations

import json
import os
import stat

import pytest

from data.candidates.models import Position
from data.engine import audit, migrations
from data.engine.errors import DataFileError, NewerSchemaError


def test_a_truncated_file_is_named_left_untouched_and_its_backup_named(store, system_day):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    system_day.next()
    calls.add({"caller": "Bob"})  # first save of the day: yesterday's file is copied aside
    path = store.file("calls")
    torn = path.read_bytes()[:-20]
    path.write_bytes(torn)
    with pytest.raises(DataFileError) as error:
        calls.add({"caller": "Cid"})
    message = str(error.value)
    assert "calls.json" in message and "cannot be read" in message
    assert "backups/calls-2026-03-11.json" in message
    assert path.read_bytes() == torn
    with pytest.raises(DataFileError):
        calls.list()


def test_an_empty_file_is_refused_too(store):
    store.file("calls").write_bytes(b"")
    with pytest.raises(DataFileError, match="empty"):
        store.repo("calls").add({"caller": "Ann"})
    assert store.file("calls").read_bytes() == b""


def test_a_save_keeps_the_files_mode_and_group(store):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    path = store.file("calls")
    os.chmod(path, 0o640)
    group = os.getgid() if os.getuid() != 0 else 100  # root may give any group
    os.chown(path, -1, group)
    calls.add({"caller": "Bob"})
    after = os.stat(path)
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert after.st_gid == group


def test_one_backup_a_day_and_fourteen_kept(store, system_day):
    calls = store.repo("calls")
    calls.add({"caller": "first"})
    for day in range(20):
        system_day.next()
        calls.add({"caller": f"day {day}"})
        calls.add({"caller": f"day {day} again"})
    kept = sorted(p.name for p in (store.folder / "backups").glob("calls-*.json"))
    assert len(kept) == 14
    assert kept[-1] == f"calls-{system_day().isoformat()}.json"
    newest = json.loads((store.folder / "backups" / kept[-1]).read_text())
    assert "day 18 again" in {c["caller"] for c in newest["calls"].values()}  # taken before today's saves
    assert "day 19" not in {c["caller"] for c in newest["calls"].values()}


def test_a_file_from_a_newer_program_is_refused_for_writing(store):
    store.repo("calls").add({"caller": "Ann"})
    path = store.file("calls")
    data = json.loads(path.read_text())
    data["_meta"]["1"]["schema_version"] = migrations.SCHEMA_VERSION + 1
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer backoffice"):
        store.repo("calls").add({"caller": "Bob"})
    assert path.read_bytes() == before
    assert [c.caller for c in store.repo("calls").list()] == ["Ann"]  # reading still works


def test_an_old_file_is_migrated_once_after_a_backup(store, monkeypatch):
    store.repo("calls").add({"caller": "Ann"})
    old = migrations.SCHEMA_VERSION
    runs = []

    def to_next(tables):
        runs.append(store.storage("calls").lock.held)
        for doc in tables["calls"].values():
            doc["caller"] = doc["caller"].upper()

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", old + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, old, to_next)
    store.repo("calls").add({"caller": "Bob"})
    store.repo("calls").add({"caller": "Cid"})
    assert runs == [True]  # once, under the lock
    assert [c.caller for c in store.repo("calls").list()] == ["ANN", "Bob", "Cid"]
    assert migrations.file_version(json.loads(store.file("calls").read_text())) == old + 1
    saved = json.loads((store.folder / "backups" / f"calls.schema-{old}.json").read_text())
    assert saved["calls"]["1"]["caller"] == "Ann"


def test_a_file_of_schema_1_is_taken_up_to_date_and_its_records_keep_their_values(store):
    store.file("calls").write_text(json.dumps({"_meta": {"1": {"schema_version": 1}}, "calls": {"1": {"caller": "Ann"}}}))
    store.repo("calls").add({"caller": "Bob"})
    assert migrations.file_version(json.loads(store.file("calls").read_text())) == migrations.SCHEMA_VERSION
    assert [c.caller for c in store.repo("calls").list()] == ["Ann", "Bob"]
    assert (store.folder / "backups" / "calls.schema-1.json").exists()


def test_every_change_is_one_audit_line(store):
    calls = store.repo("calls")
    call = calls.add({"caller": "Ann"})
    call.message = "call back"
    call = calls.save(call)
    calls.delete(call)
    lines = audit.read(store.folder / "calls-audit.jsonl")
    assert [(line["action"], line["id"], line["user"], line["collection"]) for line in lines] == [
        ("add", call.id, "tester", "calls"),
        ("save", call.id, "tester", "calls"),
        ("delete", call.id, "tester", "calls"),
    ]
    assert lines[1]["changed"] == ["message"]


def test_a_failed_transaction_writes_nothing(store):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    before = store.file("calls").read_bytes()
    with pytest.raises(RuntimeError):
        with store.transaction("calls"):
            calls.add({"caller": "Bob"})
            raise RuntimeError("the user's rule said no")
    assert store.file("calls").read_bytes() == before
    assert [c.caller for c in calls.list()] == ["Ann"]


def test_hr_changes_go_to_their_own_log_and_a_batch_is_a_line_per_record(store):
    store.repo("calls").add_many([{"caller": "Ann"}, {"caller": "Bob"}])
    store.repo("positions").add(Position(title="Driver"))
    assert [(line["collection"], line["id"]) for line in audit.read(store.folder / "calls-audit.jsonl")] == [
        ("calls", 1), ("calls", 2),
    ]
    assert [(line["collection"], line["action"]) for line in audit.read(store.folder / "hr" / "people-audit.jsonl")] == [
        ("positions", "add"),
    ]


@pytest.mark.parametrize(("mode", "log_mode", "lock_mode"), [(0o660, 0o660, 0o660), (0o640, 0o640, 0o600)])
def test_the_hr_log_is_as_closed_as_the_hr_file_and_only_its_writers_may_lock_it(store, mode, log_mode, lock_mode):
    people = store.file("people")
    people.parent.mkdir(mode=0o700)  # hr/ as the app makes it for one person alone
    people.write_text('{"_meta": {"1": {"schema_version": 1}}}')
    people.chmod(mode)
    group = os.getgid() if os.getuid() != 0 else 100
    os.chown(people, -1, group)
    store.repo("positions").add(Position(title="Driver"))
    for beside, expected in (("people-audit.jsonl", log_mode), ("people.json.lock", lock_mode)):
        made = os.stat(people.parent / beside)
        assert (stat.S_IMODE(made.st_mode), made.st_gid) == (expected, group)


def test_a_backup_copy_cut_short_is_cleared_by_the_next_days_copy(store, system_day):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    cut_short = store.folder / "backups" / ".calls-2026-03-09.json.0123456789ab.tmp"
    cut_short.parent.mkdir()
    cut_short.write_text('{"calls": {"1": {"call')
    system_day.next()
    calls.add({"caller": "Bob"})
    assert sorted(p.name for p in cut_short.parent.iterdir()) == ["calls-2026-03-11.json"]
