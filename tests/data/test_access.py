"""What a staff account sees of files it may not read or change.

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

from data.candidates.models import Position
from data.engine.store import Store
from tests.data.helpers import ROOT

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_staff_member(folder: Path, *args: str) -> subprocess.CompletedProcess:
    prefix = NOBODY if os.getuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "tui.cli", "--data", str(folder), *args],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HOME": "/tmp", "XDG_CONFIG_HOME": "/tmp/.config-of-nobody"},
    )


def close_to_staff(path: Path) -> None:
    path.chmod(0o600 if os.getuid() == 0 else 0o000)


@pytest.fixture
def shared_folder():
    """A shared office folder with calls and HR records; pytest's tmp_path is private."""
    if os.getuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("needs setpriv to run a command as an unprivileged user")
    folder = Path(tempfile.mkdtemp(prefix="backoffice-access-"))
    folder.chmod(0o777)
    umask = os.umask(0)  # as if every staff member were in the office group
    try:
        hr = Store(folder, user="grace")
        hr.repo("calls").add({"caller": "Ann"})
        hr.repo("positions").add(Position(title="Office Assistant"))
    finally:
        os.umask(umask)
    yield folder
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    shutil.rmtree(folder)


def test_hr_records_say_no_access_and_the_rest_keeps_working(shared_folder):
    close_to_staff(shared_folder / "hr" / "people.json")
    before = (shared_folder / "hr" / "people.json").read_bytes()

    for args in (("list", "positions"), ("add", "positions", "title=Driver")):
        refused = as_staff_member(shared_folder, *args)
        assert refused.returncode == 1
        assert refused.stderr.splitlines() == ["backoffice: You have no access to people.json."]
    assert (shared_folder / "hr" / "people.json").read_bytes() == before

    assert as_staff_member(shared_folder, "add", "calls", "caller=Bob").returncode == 0
    calls = as_staff_member(shared_folder, "list", "calls", "--format", "csv")
    assert calls.returncode == 0 and "Ann" in calls.stdout and "Bob" in calls.stdout
    check = as_staff_member(shared_folder, "check")
    assert check.returncode == 0
    assert "people.json: skipped, You have no access to people.json." in check.stdout


@pytest.mark.parametrize("backed_up_today", [False, True])
def test_a_folder_closed_for_writing_refuses_changes_in_a_sentence(shared_folder, backed_up_today):
    if backed_up_today:  # then the first thing written is the temp file beside calls.json
        Store(shared_folder, user="grace").repo("calls").add({"caller": "Cid"})
    shared_folder.chmod(0o755)
    before = (shared_folder / "calls.json").read_bytes()
    added = as_staff_member(shared_folder, "add", "calls", "caller=Bob")
    assert added.returncode == 1
    refused = shared_folder if backed_up_today else shared_folder / "backups"
    assert added.stderr.splitlines() == [f"backoffice: You may not change calls.json: no write access to {refused}."]
    assert (shared_folder / "calls.json").read_bytes() == before
    listed = as_staff_member(shared_folder, "list", "calls", "--format", "csv")
    assert listed.returncode == 0 and "Ann" in listed.stdout


def test_an_audit_log_closed_for_writing_stops_the_change_before_it_is_made(shared_folder):
    (shared_folder / "calls-audit.jsonl").chmod(0o644)
    before = (shared_folder / "calls.json").read_bytes()
    added = as_staff_member(shared_folder, "add", "calls", "caller=Bob")
    assert added.returncode == 1
    assert added.stderr.splitlines() == [
        f"backoffice: You may not change calls.json: no write access to {shared_folder / 'calls-audit.jsonl'}."
    ]
    assert (shared_folder / "calls.json").read_bytes() == before
