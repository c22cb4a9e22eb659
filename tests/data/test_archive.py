"""The archive: closed, old records move out of the working file; nothing lost or doubled."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from data.calls.models import CallStatus
from data.engine import archive
from data.engine.archive_index import private_cache
from data.engine.collections import get_collection
from data.engine.store import Store

ROOT = Path(__file__).resolve().parents[2]
DAYS = 180


def office(store, clock):
    """Calls from two years back until now: every fourth one still open."""
    start = clock.now
    calls = store.repo("calls")
    for n in range(40):
        clock.now = start - timedelta(days=20 * n)
        call = calls.add({"caller": f"caller {n}", "message": f"about order {1000 + n}"})
        if n % 4:
            calls.update(call.id, lambda c: setattr(c, "status", CallStatus.DONE))
    clock.now = start
    return {c.id: c for c in calls.list()}


def expected_moves(calls, now):
    return {i for i, c in calls.items() if c.status == CallStatus.DONE and c.updated_at < now - timedelta(days=DAYS)}


def test_only_closed_old_records_move_and_history_search_finds_them(store, clock):
    calls = office(store, clock)
    moving = expected_moves(calls, clock.now)
    assert moving and len(moving) < len(calls)
    moved = archive.archive_old(store, clock.now, DAYS)
    assert moved["calls"] == len(moving)
    left = {c.id for c in store.repo("calls").list()}
    assert left == set(calls) - moving
    assert all(calls[i].status != CallStatus.DONE or calls[i].updated_at >= clock.now - timedelta(days=DAYS) for i in left)
    archived = {r.id for r in archive.archived_records(store, get_collection("calls"))}
    assert archived == moving
    target = min(moving)
    found = archive.search_history(store, {"calls"}, f"order {1000 + target - 1}")
    assert [record.id for _, record in found] == [target]
    years = {p.name for p in archive.archive_files(store, "calls")}
    assert years == {f"calls-{calls[i].updated_at.year}.json" for i in moving}


def test_a_new_record_never_takes_an_archived_records_id(store, clock):
    calls = store.repo("calls")
    first = calls.add({"caller": "old"})
    calls.update(first.id, lambda c: setattr(c, "status", CallStatus.DONE))
    clock.now += timedelta(days=DAYS + 1)
    archive.archive_old(store, clock.now, DAYS)
    assert calls.count() == 0
    assert calls.add({"caller": "new"}).id == first.id + 1


def test_a_run_stopped_between_archive_and_removal_loses_and_doubles_nothing(store, clock, monkeypatch):
    calls = office(store, clock)
    moving = expected_moves(calls, clock.now)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies after writing the archive file

    original_remove = type(store.database("calls").table("calls")).remove
    monkeypatch.setattr(type(store.database("calls").table("calls")), "remove", crash)
    with pytest.raises(KeyboardInterrupt):
        archive.archive_old(store, clock.now, DAYS)
    monkeypatch.setattr(type(store.database("calls").table("calls")), "remove", original_remove)

    assert {c.id for c in store.repo("calls").list()} == set(calls)  # nothing lost
    assert {r.id for r in archive.archived_records(store, get_collection("calls"))} == set()  # nothing doubled
    archive.archive_old(store, clock.now, DAYS)
    assert {c.id for c in store.repo("calls").list()} == set(calls) - moving
    assert {r.id for r in archive.archived_records(store, get_collection("calls"))} == moving


def test_an_archive_process_killed_at_random_moments_loses_and_doubles_nothing(tmp_path, clock):
    total = 3000
    rng = random.Random(3)
    for attempt in range(8):
        folder = tmp_path / f"office-{attempt}"
        Store(folder, user="setup", clock=clock).repo("calls").add_many(
            [{"caller": f"caller {n}", "status": "done" if n % 3 else "new"} for n in range(total)]
        )
        later = clock.now + timedelta(days=DAYS + 30)
        runner = subprocess.Popen([sys.executable, "-c", ARCHIVE_RUN, str(folder), later.isoformat()], cwd=ROOT)
        time.sleep(rng.uniform(0.3, 1.0))
        runner.send_signal(signal.SIGKILL)
        runner.wait()
        live = {c.id for c in Store(folder).repo("calls").list()}
        archived = [r.id for r in archive.archived_records(Store(folder), get_collection("calls"))]
        assert len(archived) == len(set(archived))
        assert live | set(archived) == set(range(1, total + 1))  # nothing lost
        assert not live & set(archived)  # nothing seen twice
        archive.archive_old(Store(folder), later, DAYS)  # the next run finishes the move
        assert {c.id for c in Store(folder).repo("calls").list()} == {n + 1 for n in range(total) if n % 3 == 0}
        stored = json.loads((folder / "calls.json").read_text())
        assert len(stored["calls"]) == total // 3


ARCHIVE_RUN = """
import sys
from datetime import datetime
from data.engine.archive import archive_old
from data.engine.store import Store
archive_old(Store(sys.argv[1]), datetime.fromisoformat(sys.argv[2]), 180)
"""


def test_history_search_by_the_index_finds_what_reading_every_year_file_finds(store, clock):
    calls = office(store, clock)
    hostile = calls[min(expected_moves(calls, clock.now))]
    store.repo("calls").update(hostile.id, lambda c: setattr(c, "message", "order [b]Kaput[/b] ÉTÉ"))
    clock.now += timedelta(days=DAYS + 1)
    archive.archive_old(store, clock.now, DAYS)
    index = private_cache(store) / "index-calls.sqlite"  # each user's own: SQLite would follow a planted link
    for text in ("order", "order 101", "caller 3", "[b]kaput", "été", "\x1b[2j", "nothing like it", "ORDER  1003"):
        by_index = archive.search_history(store, {"calls"}, text)
        with archive.open_archive(store, "calls") as year_files:
            by_reading = archive.scanned(store, "calls", year_files, text.casefold().split(), None)
        assert [(c.name, r.id) for c, r in by_index] == [(c.name, r.id) for c, r in by_reading], text
    assert index.exists() and not (archive.archive_folder(store, "calls") / "index-calls.sqlite").exists()
    assert archive.search_history(store, {"calls"}, "kaput")[0][1].message == "order [b]Kaput[/b] ÉTÉ"

    new = store.repo("calls").add({"caller": "late caller", "message": "about order 4242"})
    store.repo("calls").update(new.id, lambda c: setattr(c, "status", CallStatus.DONE))
    clock.now += timedelta(days=DAYS + 1)
    archive.archive_old(store, clock.now, DAYS)  # a year file changes: indexed again at the next search
    assert [r.id for _, r in archive.search_history(store, {"calls"}, "4242")] == [new.id]

    index.write_bytes(b"not a database at all" * 100)
    assert [r.id for _, r in archive.search_history(store, {"calls"}, "4242")] == [new.id]


def test_the_hr_archive_index_is_as_private_as_the_hr_file(tmp_path, clock):
    from data.candidates.models import Stage

    store = Store(tmp_path / "office", user="hr", clock=clock)
    position = store.repo("positions").add({"title": "Clerk"})
    store.repo("candidates").add({"name": "Ann Lee", "position_id": position.id, "stage": Stage.REJECTED})
    clock.now += timedelta(days=DAYS + 1)
    archive.archive_old(store, clock.now, DAYS)
    assert [r.name for _, r in archive.search_history(store, {"people"}, "ann")] == ["Ann Lee"]
    index = archive.archive_folder(store, "people") / "index-people.sqlite"
    assert index.parent.parent.name == "hr"
    assert index.stat().st_mode & 0o777 == store.storage("people").path.stat().st_mode & 0o777


def test_old_meter_readings_move_but_each_machine_keeps_its_last_to_check_the_next_against(store, clock):
    from data.engine.errors import FieldError
    from data.machines.actions import add_reading, void_reading
    from data.machines.models import Machine, MeterReading

    start = clock.now
    busy, idle = (store.repo("machines").add(Machine(asset_tag=tag, make="Canon", model="C1", serial=tag)) for tag in ("CP-01", "CP-02"))
    for n in range(12):  # a reading a month for a year, on both; the idle one stopped being read 8 months ago
        clock.now = start - timedelta(days=30 * (11 - n))
        add_reading(store, MeterReading(machine_id=busy.id, taken_on=clock.now.date(), total=1000 * (n + 1)))
        if n < 4:
            add_reading(store, MeterReading(machine_id=idle.id, taken_on=clock.now.date(), total=500 * (n + 1)))
    clock.now = start - timedelta(days=230)
    wrong = add_reading(store, MeterReading(machine_id=idle.id, taken_on=clock.now.date(), total=9_000_000), sure=True)
    void_reading(store, wrong.id, "typo")  # the latest, but voided: it is not what the next is checked against
    clock.now = start

    archive.archive_old(store, clock.now, DAYS)
    left = store.repo("meter_readings").list()
    assert {(r.machine_id, r.total) for r in left if r.machine_id == idle.id} == {(idle.id, 2000)}  # its last that counts
    assert all(r.taken_on >= (start - timedelta(days=DAYS)).date() for r in left if r.machine_id == busy.id)
    archived = list(archive.archived_records(store, get_collection("meter_readings")))
    assert len(archived) + len(left) == 12 + 4 + 1 and {r.total for r in archived} >= {1000, 500, 9_000_000}
    with pytest.raises(FieldError, match="read 2,000 on .*cannot go down to 1,999"):
        add_reading(store, MeterReading(machine_id=idle.id, taken_on=start.date(), total=1999))
