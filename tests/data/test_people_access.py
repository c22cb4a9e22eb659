"""HR records are closed to staff outside HR: one clear sentence for them, everything else works.

CI runs as root, and root reads every file, so the commands run as an unprivileged user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from data.candidates.models import Candidate, Position
from data.engine.store import Store

ROOT = Path(__file__).resolve().parents[2]
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def office():
    """A shared office folder with HR data that only HR may read."""
    if os.getuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("needs setpriv to run a command as an unprivileged user")
    folder = Path(tempfile.mkdtemp(prefix="backoffice-people-"))
    folder.chmod(0o777)  # pytest's tmp_path is private to its owner
    hr = Store(folder, user="grace")
    position = hr.repo("positions").add(Position(title="Office Assistant"))
    hr.repo("candidates").add(Candidate(name="Ann Lee", position_id=position.id, cv_text="Private CV"))
    hr.file("people").chmod(0o600 if os.getuid() == 0 else 0o000)
    yield folder
    shutil.rmtree(folder)


def outside_hr(folder: Path, *args: str) -> subprocess.CompletedProcess:
    prefix = NOBODY if os.getuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "tui.cli", "--data", str(folder), *args],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HOME": "/tmp", "XDG_CONFIG_HOME": "/tmp/.config-of-nobody"},
    )


def test_listing_candidates_without_access_says_so_in_one_sentence(office):
    listed = outside_hr(office, "list", "candidates")
    assert listed.returncode == 1
    assert listed.stdout == ""
    assert listed.stderr.splitlines() == ["backoffice: You have no access to people.json."]


def test_calls_still_work_for_someone_outside_hr(office):
    added = outside_hr(office, "add", "calls", "caller=Bob Ray", "message=Please ring back")
    assert added.returncode == 0, added.stderr
    listed = outside_hr(office, "list", "calls", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert "Bob Ray" in listed.stdout and "Please ring back" in listed.stdout


def test_the_agenda_leaves_hr_out_for_someone_outside_hr(office):
    agenda = outside_hr(office, "agenda")
    assert agenda.returncode == 0, agenda.stderr
    assert "Callbacks overdue" in agenda.stdout
    assert "Interviews today" not in agenda.stdout and "Traceback" not in agenda.stderr


def test_hr_itself_still_reads_the_candidates(office):
    if os.getuid() != 0:
        pytest.skip("the file is closed to this user too when not run as root")
    listed = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(office), "list", "candidates"],
                            cwd=ROOT, capture_output=True, text=True)
    assert listed.returncode == 0 and "Ann Lee" in listed.stdout
