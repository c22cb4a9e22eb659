"""HR records stay with HR: a colleague outside HR tries every file the office folder holds.

The folder is set up as the README says, an HR member does two days' work (so a backup is
taken), an archive run and a command-line add, and then a colleague outside HR tries to open
every file and list every folder there is (found as root). The same while a backup copy is
being written, stopped at each step. Both ways hr/ comes to be: made as the README says, and made
by the program at HR's first save.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from data.candidates import actions as hiring
from data.candidates.models import Candidate, Position
from data.engine import backups
from data.engine.archive import archive_old
from data.engine.store import Store
from data.staff import actions as staff
from data.staff.letters import event_letter, save_letter
from data.staff.models import Employee, WarningLevel
from tests.data.helpers import (
    ANN,
    HARRIET,
    HR_GROUP,
    OFFICE_GROUP,
    Child,
    Report,
    every_path,
    needs_accounts,
    readable_by,
    shared_folder,
)

DAY_ONE = datetime(2026, 3, 10, 9, 0)
SECRET = "SECRET"  # in every CV and rejection reason, and nowhere else
HR_NAME = re.compile(r"^\.?people[-.]")


def is_hr(path: str, folder: Path) -> bool:
    relative = Path(path).relative_to(folder)
    return relative.parts[0] in ("hr", "letters", "templates") or bool(HR_NAME.match(relative.name))


@pytest.fixture(params=[0o022, 0o002], ids=["umask 022", "umask 002"])
def umask(request) -> int:
    return request.param


@pytest.fixture(params=["hr folder", "made by the app"])
def layout(request) -> str:
    return request.param


@pytest.fixture
def office(layout):
    needs_accounts()
    base = Path(tempfile.mkdtemp(prefix="backoffice-privacy-"))
    base.chmod(0o755)
    folder = shared_folder(base / "office", OFFICE_GROUP)
    if layout == "hr folder":
        shared_folder(folder / "hr", HR_GROUP)  # as the README says; else HR's first save makes it
    yield folder
    shutil.rmtree(base)


def as_harriet(folder: Path, umask: int, day: date, work) -> Child:
    """Run ``work(store, report)`` in a child process of HR's account, on ``day``."""

    def child(report: Report) -> None:
        HARRIET.become()
        os.umask(umask)
        backups.today = lambda: day  # the day the system says it is, in this process
        now = datetime.combine(day, DAY_ONE.time())
        work(Store(folder, user="harriet", clock=lambda: now, hr_group=HR_GROUP), report)

    return Child(child)


def first_day(store: Store, report: Report) -> None:
    position = store.repo("positions").add(Position(title="Office Assistant"))
    store.repo("candidates").add_many([
        Candidate(name=f"Applicant {n}", position_id=position.id, cv_text=f"{SECRET} CV {n}") for n in range(3)
    ])
    hiring.shortlist(store, 1, sure=True)


def second_day(store: Store, report: Report) -> None:
    hiring.reject(store, 2, f"{SECRET} reason")  # the first save of the day: a backup
    later = store.now() + timedelta(days=200)
    assert archive_old(store, later, 180)["people"] == 1
    employee = staff.add_employee(store, Employee(name="Priya Shah", start_date=DAY_ONE.date()))  # the checklist's template
    warning = staff.issue_warning(store, employee.id, WarningLevel.VERBAL, f"{SECRET} warning")
    save_letter(store, event_letter(store, warning.id, "Harbour Supplies Ltd"))


def a_day_of_hr_work(folder: Path, umask: int) -> None:
    for day, work in ((DAY_ONE.date(), first_day), (DAY_ONE.date() + timedelta(days=1), second_day)):
        code, lines = as_harriet(folder, umask, day, work).wait()
        assert code == 0, lines
    added = HARRIET.backoffice(folder, "add", "candidates", "name=Applicant 4", "position_id=1",
                               f"cv_text={SECRET} CV 4", umask=umask)
    assert added.returncode == 0, added.stderr
    cv = folder.parent / "applicant-5.txt"  # as it came by mail: anyone may read it there
    cv.write_text(f"Applicant Five\n{SECRET} CV 5\n")
    imported = HARRIET.backoffice(folder, "import-cvs", "1", str(cv), umask=umask)
    assert imported.returncode == 0, imported.stderr


def test_nothing_of_hr_is_readable_outside_hr(office, layout, umask):
    a_day_of_hr_work(office, umask)

    paths = every_path(office)
    hr_files = {Path(p).relative_to(office).as_posix() for p in paths if is_hr(p, office)}
    home = "hr/"
    for made in ("people.json", "people-audit.jsonl", "people.json.lock", "backups/people-2026-03-11.json",
                 "archive/people-2026.json", "templates/onboarding.txt", "templates/warning-letter.txt",
                 "letters/2026-03-11-warning-priya-shah-employee-1.txt"):
        assert f"{home}{made}" in hr_files  # the work made every kind of file
    assert [p for p in paths if "/cvs/" in p and p.endswith(".txt")]  # and a kept CV
    readable = readable_by(ANN, paths)
    assert {p for p in readable if is_hr(p, office)} == set()
    assert [p for p in readable if not p.endswith("/") and SECRET in Path(p).read_text(errors="replace")] == []

    listed = ANN.backoffice(office, "list", "candidates", umask=umask)
    assert (listed.returncode, listed.stderr) == (1, "backoffice: You have no access to people.json.\n")


def test_outside_hr_nobody_renames_or_deletes_an_hr_file(office, umask):
    a_day_of_hr_work(office, umask)
    for path in [p for p in every_path(office) if is_hr(p, office) and not p.endswith("/")]:
        renamed = ANN.run("mv", path, f"{office}/taken")
        removed = ANN.run("rm", "-f", path)
        assert renamed.returncode != 0 and removed.returncode != 0, path
        assert os.path.exists(path)


def stop_at_every_step_of_a_copy(report: Report) -> None:
    """In this process: stop after each step on a temp file (a backup copy or a new data file)."""
    watched: set[int] = set()
    real = {name: getattr(os, name) for name in ("open", "close", "fchown", "fchmod", "fsync", "write")}

    def stop(step: str) -> None:
        report(step)
        os.kill(os.getpid(), signal.SIGSTOP)

    def opening(path, flags, mode=0o777, *, dir_fd=None):
        fd = real["open"](path, flags, mode, dir_fd=dir_fd)
        if str(path).endswith(".tmp"):
            watched.add(fd)
            stop(f"created {path}")
        return fd

    def step(name):
        def call(fd, *args):
            real[name](fd, *args)
            if fd in watched:
                stop(f"{name} of {fd}")
        return call

    def closing(fd):
        watched.discard(fd)
        real["close"](fd)

    def writing(fd, data):
        written = real["write"](fd, data)
        if fd in watched:
            stop("copied")
        return written

    os.open, os.close, os.write = opening, closing, writing
    for name in ("fchown", "fchmod", "fsync"):
        setattr(os, name, step(name))


def test_a_backup_copy_is_never_readable_outside_hr_while_it_is_written(office, umask):
    code, lines = as_harriet(office, umask, DAY_ONE.date(), first_day).wait()
    assert code == 0, lines

    def next_day(store: Store, report: Report) -> None:
        stop_at_every_step_of_a_copy(report)
        hiring.reject(store, 2, f"{SECRET} reason")  # the first save of the day: a backup
        report("done")

    child = as_harriet(office, umask, DAY_ONE.date() + timedelta(days=1), next_day)
    steps = []
    while (step := child.next_report()) not in ("done", ""):
        os.waitpid(child.pid, os.WUNTRACED)  # it has stopped itself
        paths = every_path(office)
        assert any(p.endswith(".tmp") for p in paths), step
        assert {p for p in readable_by(ANN, paths) if is_hr(p, office)} == set(), step
        steps.append(step)
        os.kill(child.pid, signal.SIGCONT)
    assert child.wait()[0] == 0
    assert [s for s in steps if s.startswith("created .people-") and s.endswith(".tmp")]  # a backup was copied
    assert "copied" in steps and len(steps) >= 8


def test_every_file_made_for_a_data_file_has_its_mode_and_group(store, clock, system_day):
    group = os.getgid() if os.getuid() != 0 else 100  # root may give any group
    people = store.file("people")
    people.parent.mkdir(mode=0o700)  # hr/ as the app makes it for one person alone
    people.write_text('{"_meta": {"1": {"schema_version": 1}}}')
    os.chown(people, -1, group)
    people.chmod(0o640)
    store.repo("positions").add(Position(title="Driver"))
    # schema 1 written above: a migration, with its backup copy
    store.repo("candidates").add(Candidate(name="Ann", position_id=1))
    system_day.next()
    hiring.reject(store, 1, "no licence")
    archive_old(store, clock.now + timedelta(days=200), 180)

    made = {p.relative_to(people.parent).as_posix(): os.stat(p) for p in people.parent.rglob("*") if p.is_file()}
    assert set(made) == {"people.json", "people.json.lock", "people-audit.jsonl", "backups/people.schema-1.json",
                         "backups/people-2026-03-10.json", "backups/people-2026-03-11.json", "archive/people-2026.json",
                         "archive/index-people.sqlite"}
    for name, st in made.items():
        expected = 0o600 if name.endswith(".lock") else 0o640  # a lock: only for those who may write
        assert (name, stat.S_IMODE(st.st_mode), st.st_gid) == (name, expected, group)
