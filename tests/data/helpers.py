"""Real processes for the storage tests, forked from the test so they start in milliseconds.

A forked child is a process of its own: its own memory, its own open files and locks, and
it can be killed with SIGKILL like any writer.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

Report = Callable[[str], None]


def backoffice(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the `backoffice` command as its own process, the way a script or cron would."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data", str(folder), *args],
        cwd=ROOT, capture_output=True, text=True,
    )


class Child:
    """A forked process running ``work(report)``; ``report(line)`` reaches the parent at once.

    It exits with 0 when ``work`` returns, with the code of a SystemExit, else 1.
    """

    def __init__(self, work: Callable[[Report], None]) -> None:
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read_end)
            os._exit(self._run(work, write_end))
        os.close(write_end)
        self._reports = os.fdopen(read_end, "r")

    @staticmethod
    def _run(work: Callable[[Report], None], write_end: int) -> int:
        try:
            work(lambda line: os.write(write_end, f"{line}\n".encode()))
        except SystemExit as stop:
            return int(stop.code or 0)
        except BaseException:
            traceback.print_exc()
            return 1
        return 0

    def next_report(self) -> str:
        """Wait for the child's next line ("" once it has exited)."""
        return self._reports.readline().rstrip("\n")

    def wait(self) -> tuple[int, list[str]]:
        """Its exit code and every line it reported that was not read yet."""
        rest = self._reports.read().splitlines()
        self._reports.close()
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status), rest

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)


class Gate:
    """Processes wait at the gate; opening it lets them all go at the same moment."""

    def __init__(self) -> None:
        self._go_read, self._go_write = os.pipe()

    def wait(self) -> None:
        os.read(self._go_read, 1)

    def open(self, waiting: int = 1) -> None:
        os.write(self._go_write, b"." * waiting)


class Account:
    """A staff member's account, by number: no groupadd needed. Commands run as it through
    setpriv; a forked child becomes it with ``become``."""

    def __init__(self, name: str, uid: int, *groups: int) -> None:
        self.name = name
        self.uid = uid
        self.groups = groups  # besides the account's own group, numbered like the account

    def setpriv(self) -> list[str]:
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", f"--groups={','.join(map(str, self.groups))}"]

    def become(self) -> None:
        os.setgroups(self.groups)
        os.setresgid(self.uid, self.uid, self.uid)
        os.setresuid(self.uid, self.uid, self.uid)

    def run(self, *command: str, umask: int = 0o002) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.setpriv(), *command], cwd=ROOT, capture_output=True, text=True, umask=umask,
            env={**os.environ, "HOME": "/tmp", "XDG_CONFIG_HOME": "/tmp/.config-of-nobody", "USER": self.name, "LOGNAME": self.name,
                 "XDG_CACHE_HOME": f"/tmp/.cache-of-{self.name}", "BACKOFFICE_HR_GROUP": str(HR_GROUP)},
        )

    def backoffice(self, folder: Path, *args: str, umask: int = 0o002) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "tui.cli", "--data", str(folder), *args, umask=umask)


OFFICE_GROUP, HR_GROUP = 61100, 61101
HARRIET = Account("harriet", 61001, OFFICE_GROUP, HR_GROUP)  # works in HR
ANN = Account("ann", 61002, OFFICE_GROUP)  # answers the phone; not in HR


def needs_accounts() -> None:
    """Skip, saying why, where commands cannot run as other staff accounts; in CI (CI=true),
    which runs as root, that is a failure."""
    import pytest

    why = ("needs root, to run commands as other staff accounts" if os.getuid() != 0 else
           "needs setpriv (util-linux) to run commands as other staff accounts" if shutil.which("setpriv") is None else "")
    if why and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why}; CI runs as root with util-linux")
    if why:
        pytest.skip(why)


def shared_folder(path: Path, group: int) -> Path:
    """A folder as the README sets one up: the group's, setgid, closed to everyone else."""
    path.mkdir()
    os.chown(path, 0, group)
    path.chmod(0o2770)
    return path


PROBE = """
import json, os, sys
opened = []
for path in sys.argv[1:]:
    try:
        if path.endswith("/"):
            os.listdir(path)
        else:
            os.close(os.open(path, os.O_RDONLY))
    except OSError:
        continue
    opened.append(path)
print(json.dumps(opened))
"""


def every_path(folder: Path) -> list[str]:
    """Every folder (ending in /) and file under ``folder``, listed as root."""
    found = []
    for parent, folders, files in os.walk(folder):
        found += [os.path.join(parent, name) + "/" for name in folders]
        found += [os.path.join(parent, name) for name in files]
    return found


def readable_by(account: Account, paths: list[str]) -> set[str]:
    """Which of ``paths`` the account may open for reading (folders: list)."""
    import json

    probe = account.run(sys.executable, "-I", "-S", "-c", PROBE, *paths)
    assert probe.returncode == 0, probe.stderr
    return set(json.loads(probe.stdout))
