"""Backups are named by the day they were really taken: a process with a wrong clock can
neither name one after a day to come nor, with one left from before, crowd out real ones."""

from __future__ import annotations

from datetime import datetime

import pytest

from data.engine import backups
from data.engine.errors import DataFileError
from data.engine.store import Store


def names(store: Store) -> list[str]:
    return sorted(p.name for p in (store.folder / "backups").glob("calls-*.json"))


def test_a_save_by_a_clock_far_ahead_names_its_backup_by_the_systems_date(tmp_path, system_day):
    wrong = Store(tmp_path / "office", clock=lambda: datetime(2099, 1, 1, 9, 0))
    wrong.repo("calls").add({"caller": "Ann"})
    wrong.repo("calls").add({"caller": "Bob"})
    assert names(wrong) == ["calls-2026-03-10.json"]


def test_a_backup_named_after_a_day_to_come_is_never_the_newest_and_crowds_out_none(store, system_day):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    (store.folder / "backups").mkdir()
    (store.folder / "backups" / "calls-2099-01-01.json").write_text("{}")  # left by a wrong clock
    for day in range(20):
        system_day.next()
        calls.add({"caller": f"day {day}"})

    real = [name for name in names(store) if not name.startswith("calls-2099")]
    assert len(real) == backups.KEEP
    assert real[-1] == f"calls-{system_day().isoformat()}.json"
    assert "calls-2099-01-01.json" in names(store)  # left alone, but not counted
    assert backups.newest_backup(store.file("calls")).name == real[-1]

    store.file("calls").write_bytes(b'{"calls": {"1": ')
    with pytest.raises(DataFileError, match=f"the newest backup is .*{real[-1]}"):
        calls.list()
