"""A disk that refuses a save — full, read-only — gets a sentence, and every file is left as
it was: the data, its audit log, its backups. On a small file system mounted for the test."""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest

from data.engine import audit
from data.engine.errors import StorageError
from data.engine.store import Store
from tests.data.helpers import backoffice


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"needs to mount a small file system (as root): {mounted.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "--lazy", str(disk)], check=True)  # the stores still hold their files open


@pytest.fixture
def office(small_disk, clock, system_day):
    store = Store(small_disk / "office", user="tester", clock=clock)
    store.repo("calls").add_many([{"caller": f"caller {n}", "message": "x" * 300} for n in range(50)])
    store.repo("calls").add({"caller": "the day's backup is taken"})
    return store


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def everything(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("first_save_of_the_day", [False, True], ids=["the file", "the backup"])
def test_a_full_disk_is_a_sentence_and_every_file_is_left_as_it_was(office, small_disk, system_day, first_save_of_the_day):
    if first_save_of_the_day:
        system_day.next()  # the save starts with a backup copy, which does not fit
    before = everything(office.folder)
    filler = fill(small_disk)

    with pytest.raises(StorageError) as refused:
        office.repo("calls").add({"caller": "Ann"})
    assert str(refused.value) == "Could not save calls.json: the disk is full. Nothing was changed."
    assert everything(office.folder) == before
    assert len(office.repo("calls").list()) == 51

    filler.unlink()
    office.repo("calls").add({"caller": "Ann"})  # tried again once there is room: one change, one line
    lines = audit.read(office.audit_file("calls"))
    assert [line["id"] for line in lines] == list(range(1, 53))


def test_the_command_says_the_disk_is_full_in_one_line(office, small_disk):
    fill(small_disk)
    result = backoffice(office.folder, "add", "calls", "caller=Ann")
    assert (result.returncode, result.stderr) == (1, "backoffice: Could not save calls.json: the disk is full. Nothing was changed.\n")


def test_a_read_only_file_system_is_a_sentence_and_reading_still_works(office, small_disk):
    before = everything(office.folder)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        with pytest.raises(StorageError) as refused:
            Store(office.folder).repo("calls").add({"caller": "Ann"})
        assert str(refused.value) == "Could not save calls.json: the file system is read-only. Nothing was changed."
        assert len(Store(office.folder).repo("calls").list()) == 51
        assert everything(office.folder) == before
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)


def test_a_new_office_on_a_read_only_file_system_is_a_sentence(small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        with pytest.raises(StorageError) as refused:
            Store(small_disk / "office")
        assert str(refused.value) == f"Could not start an office at {small_disk / 'office'}: the file system is read-only."
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert not (small_disk / "office").exists()
