"""HR's files live in hr/, a folder the program makes private to HR; an office from before it is
read where its people.json is, its HR saves refused, and `backoffice check` says how to move it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from data.candidates import actions as hiring
from data.candidates.models import Candidate, Position
from data.engine import audit
from data.engine.archive import archive_old
from data.engine.check import check_folder
from data.engine.privacy import HrFolderError
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


@pytest.mark.parametrize("group", ["no-such-group-here", 100], ids=["no hr group", "an hr group"])
def test_the_hr_folder_is_made_by_the_first_hr_save_private_or_hrs_own(tmp_path, group):
    store = Store(tmp_path / "office", hr_group=group)
    assert store.repo("positions").list() == []
    assert not (store.folder / "hr").exists()  # reading makes nothing
    before = os.umask(0o002)  # the umask does not decide: an open umask opens no HR file
    try:
        store.repo("positions").add(Position(title="Driver"))
    finally:
        os.umask(before)
    made, people = os.stat(store.folder / "hr"), os.stat(store.file("people"))
    if group == 100:  # root may give any group; a member of HR gives HR's
        assert (stat.S_IMODE(made.st_mode), made.st_gid) == (0o2770, 100)
        assert (stat.S_IMODE(people.st_mode), people.st_gid) == (0o660, 100)
    else:  # one person alone: theirs only
        assert (stat.S_IMODE(made.st_mode), made.st_uid) == (0o700, os.geteuid())
        assert stat.S_IMODE(people.st_mode) == 0o600


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


def test_an_office_from_before_hr_is_read_and_its_hr_saves_refused_until_check_s_commands_move_it(
        tmp_path, clock, system_day):
    needs_accounts()  # the commands give hr/ to the hr group, which only root may do
    folder = tmp_path / "office"
    an_office_from_before(folder, clock)
    (folder / "cvs").mkdir()  # a CV kept beside people.json by an earlier backoffice
    (folder / "cvs" / "0a1b.pdf").write_bytes(b"%PDF-1.4 Ann's CV")
    store = Store(folder, user="harriet", clock=clock, hr_group=HR_GROUP)
    assert [c.name for c in store.repo("candidates").list()] == ["Ann", "Bob"]
    with pytest.raises(HrFolderError, match="people.json is kept in .* itself, where anyone who may save a call") as refused:
        hiring.shortlist(store, 1, sure=True)
    archive_old(store, clock.now + timedelta(days=200), 180)  # HR's part is left for later
    assert not (folder / "hr").exists() and not (folder / "archive" / "people-2026.json").exists()

    problems, _ = check_folder(store)
    assert problems == [str(refused.value)]
    commands = [line.strip() for line in problems[0].splitlines()[1:]]
    assert commands[0] == f"cd {folder}" and "mv cvs hr/" in commands
    subprocess.run(["sh", "-e", "-c", "\n".join(commands)], check=True)

    assert check_folder(store) == ([], [])
    hiring.shortlist(store, 1, sure=True)
    archive_old(store, clock.now + timedelta(days=200), 180)
    assert files_under(folder / "hr") == {
        "people.json", "people.json.lock", "people-audit.jsonl", "backups/people-2026-03-01.json",
        "backups/people-2026-03-10.json", "archive/people-2026.json", "archive/index-people.sqlite", "cvs/0a1b.pdf",
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


def test_in_an_office_from_before_hrs_attachments_among_the_offices_are_not_taken_for_orphans(tmp_path, clock):
    from data.candidates.traces import orphans
    from data.mail.models import Attachment, Mail

    folder = tmp_path / "office"
    an_office_from_before(folder, clock)
    cv = Attachment(name="cv.pdf", file="7-1-1.pdf", size=9, content_type="application/pdf")
    tables = json.loads((folder / "people.json").read_text())
    tables["hr_mail"] = {"1": Mail(mailbox="jobs", sender="ann@example.com", subject="CV", attachments=[cv]).body()}
    (folder / "people.json").write_text(json.dumps(tables))
    (folder / "attachments" / "jobs").mkdir(parents=True)
    kept = folder / "attachments" / "jobs" / cv.file
    kept.write_bytes(b"%PDF-1.4 ")
    then = kept.stat().st_mtime - 7200
    os.utime(kept, (then, then))

    store = Store(folder, clock=clock)
    assert orphans(store, clock.now.replace(year=2030)) == []
