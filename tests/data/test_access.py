"""A staff member outside HR: people.json is closed to them, everything else works.

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

from data.collections import collections_of
from data.store import Store

ROOT = Path(__file__).resolve().parents[2]
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_staff_member(*args: str) -> subprocess.CompletedProcess:
    prefix = NOBODY if os.getuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "tui.cli", *args],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HOME": "/tmp"},
    )


@pytest.fixture
def shared_folder():
    if os.getuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("needs setpriv to run a command as an unprivileged user")
    folder = Path(tempfile.mkdtemp(prefix="backoffice-access-"))
    folder.chmod(0o777)  # like a shared office folder; pytest's tmp_path is private
    yield folder
    shutil.rmtree(folder)


def hr_collection() -> str:
    names = [c.name for c in collections_of("people")]
    if not names:
        pytest.skip("no HR collection is registered yet")
    return names[0]


def test_people_json_unreadable_gives_no_access_and_the_rest_works(shared_folder):
    store = Store(shared_folder, user="hr")
    store.repo("calls").add({"caller": "Ann"})
    hr = hr_collection()
    store.file("people").write_text('{"_meta": {"1": {"schema_version": 1}}}')
    for name in ("calls.json", "calls.json.lock", "audit.jsonl"):
        (shared_folder / name).touch()
        (shared_folder / name).chmod(0o666)
    store.file("people").chmod(0o600)

    listed = as_staff_member("--data", str(shared_folder), "list", hr)
    assert listed.returncode == 1
    assert "no access to people.json" in listed.stderr
    assert "Traceback" not in listed.stderr

    assert as_staff_member("--data", str(shared_folder), "add", "calls", "caller=Bob").returncode == 0
    calls = as_staff_member("--data", str(shared_folder), "list", "calls", "--format", "csv")
    assert calls.returncode == 0 and "Bob" in calls.stdout and "Ann" in calls.stdout
