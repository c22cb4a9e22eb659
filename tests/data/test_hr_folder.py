"""HR's files live in hr/, a folder the office can close to staff outside HR; an office from
before keeps working where its people.json is, and `backoffice check` says how to move it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

from data.candidates import actions as hiring
from data.candidates.models import Candidate, Position
from data.engine import audit
from data.engine.archive import archive_old
from data.engine.check import check_folder
from data.engine.store import Store
from tests.data.helpers import HR_GROUP, needs_accounts


def hire_and_reject(store: Store) -> None:
    position = store.repo("positions").add(Position(title="Driver"))
    store.repo("candidates").add_many([Candidate(name=n, position_id=position.id) for n in ("Ann", "Bob")])
    hiring.reject(store, 2, "no licence")


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_every_hr_file_is_in_the_hr_folder(store, clock, system_day):
    store.repo("calls").add({"caller": "Ann"})
    hire_and_reject(store)
    system_day.next()
    store.repo("calls").add({"caller": "Bob"})
    hiring.shortlist(store, 1, sure=True)
    archive_old(store, clock.now + timedelta(days=200), 180)

    assert store.file("people") == store.folder / "hr" / "people.json"
    assert files_under(store.folder / "hr") == {
        "people.json", "people.json.lock", "people-audit.jsonl", "backups/people-2026-03-10.json",
        "backups/people-2026-03-11.json", "archive/people-2026.json", "archive/index-people.sqlite",
    }
    assert [name for name in files_under(store.folder) if "people" in name and not name.startswith("hr/")] == []
    assert [line["action"] for line in audit.read(store.folder / "hr" / "people-audit.jsonl")] == [
        "add", "add", "add", "save", "save",
    ]


def test_the_hr_folder_is_made_by_the_first_hr_save_with_the_umask_and_the_folders_group(store):
    group = 100
    os.chown(store.folder, -1, group)
    store.folder.chmod(0o2770)
    assert store.repo("positions").list() == []
    assert not (store.folder / "hr").exists()  # reading makes nothing
    before = os.umask(0o027)
    try:
        store.repo("positions").add(Position(title="Driver"))
    finally:
        os.umask(before)
    made = os.stat(store.folder / "hr")
    assert stat.S_IMODE(made.st_mode) == 0o2750  # the umask's bits, and setgid like its folder
    assert made.st_gid == group


def an_office_from_before(folder: Path, clock) -> None:
    """What an earlier backoffice left: people.json beside calls.json, its log and backups."""
    old = Store(folder, user="harriet", clock=clock)
    old.repo("calls").add({"caller": "Ann"})
    hire_and_reject(old)
    for name in ("people.json", "people.json.lock", "people-audit.jsonl"):
        (folder / "hr" / name).rename(folder / name)
    (folder / "backups").mkdir(exist_ok=True)
    (folder / "hr" / "backups" / next((folder / "hr" / "backups").iterdir()).name).rename(
        folder / "backups" / "people-2026-03-01.json"
    )
    for leftover in sorted((folder / "hr").rglob("*"), reverse=True):
        leftover.rmdir() if leftover.is_dir() else leftover.unlink()
    (folder / "hr").rmdir()


def test_an_office_from_before_keeps_its_hr_files_where_they_are(tmp_path, clock, system_day):
    folder = tmp_path / "office"
    an_office_from_before(folder, clock)
    store = Store(folder, user="harriet", clock=clock)
    assert [c.name for c in store.repo("candidates").list()] == ["Ann", "Bob"]
    hiring.shortlist(store, 1, sure=True)
    archive_old(store, clock.now + timedelta(days=200), 180)
    assert not (folder / "hr").exists()
    assert store.file("people") == folder / "people.json"
    assert [line["action"] for line in audit.read(folder / "people-audit.jsonl")][-1] == "save"
    assert (folder / "archive" / "people-2026.json").exists()


def test_check_says_how_to_move_hr_files_from_before_and_the_commands_do_it(tmp_path, clock, system_day):
    needs_accounts()  # the commands give hr/ to the hr group, which only root may do
    folder = tmp_path / "office"
    an_office_from_before(folder, clock)
    archive_old(Store(folder, clock=clock), clock.now + timedelta(days=200), 180)
    problems, notes = check_folder(Store(folder))
    assert problems == []
    assert notes[0].startswith("people.json is kept in the data folder itself, where anyone who may save a call")
    commands = [line.strip() for line in notes[0].splitlines()[1:]]
    assert commands[0] == f"cd {folder}"

    script = "\n".join(commands).replace("chgrp -R hr ", f"chgrp -R {HR_GROUP} ")  # the group by its number
    subprocess.run(["sh", "-e", "-c", script], check=True)

    store = Store(folder, user="harriet", clock=clock)
    assert check_folder(store) == ([], [])
    assert [c.name for c in store.repo("candidates").list()] == ["Ann"]  # Bob is archived
    hiring.shortlist(store, 1, sure=True)
    assert files_under(folder / "hr") == {
        "people.json", "people.json.lock", "people-audit.jsonl", "backups/people-2026-03-01.json",
        "backups/people-2026-03-10.json", "archive/people-2026.json",
    }
    assert [p for p in files_under(folder) if "people" in p and not p.startswith("hr/")] == []
    for path in (folder / "hr").rglob("*"):
        assert path.stat().st_gid == HR_GROUP and not path.stat().st_mode & 0o007
    assert len(audit.read(folder / "hr" / "people-audit.jsonl")) == 5  # the log went along and goes on


def test_a_people_json_left_beside_the_hr_folder_is_noted_and_not_used(store):
    store.repo("positions").add(Position(title="Driver"))
    (store.folder / "people.json").write_text(json.dumps({"positions": {"1": {"title": "Stale"}}}))
    assert Store(store.folder).repo("positions").get(1).title == "Driver"
    problems, notes = check_folder(Store(store.folder))
    assert problems == []
    assert notes == [
        "people.json in the data folder is not used: HR records are in hr/people.json. "
        "Move it away once you are sure it holds nothing the other lacks."
    ]


def test_a_new_office_has_no_note(tmp_path):
    store = Store(tmp_path / "office")
    store.repo("positions").add(Position(title="Driver"))
    assert check_folder(Store(tmp_path / "office")) == ([], [])
