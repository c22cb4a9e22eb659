"""The app in a real terminal (a pseudo-terminal of 80x24), on an office whose stored text
is hostile: every byte the app writes is read, and none of the data's control sequences
is among them."""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, datetime
from fcntl import ioctl
from pathlib import Path

import pytest

from data.demo import build_demo
from data.engine.store import Store
from tests.conftest import NOW, Clock
from tests.hostile import poison_office

ROOT = Path(__file__).resolve().parents[2]
ENTER, ESCAPE, CTRL_Q = "\r", "\x1b", "\x11"
# What the hostile text would send if it reached the terminal as it is stored.
LEAKS = {
    "title change": b"\x1b]0;pwned",
    "screen wipe": b"\x1b[2J\xc2\x9b",
    "C1 CSI": b"\xc2\x9b",
    "C1 OSC": b"\xc2\x9d",
    "right-to-left override": "\u202e".encode(),
}


class Terminal:
    """A program running in a pseudo-terminal, driven by the bytes its keys send."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)) -> None:
        self.master, slave = pty.openpty()
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                        start_new_session=True)
        os.close(slave)
        self.output = bytearray()

    def read_until_quiet(self, quiet: float = 0.4, limit: float = 10.0) -> None:
        """Read what the program writes until it has been quiet for ``quiet`` seconds."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], quiet)
            if not ready:
                return
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the program has ended
                return
            if not chunk:
                return
            self.output += chunk

    def started(self, limit: float = 60.0) -> None:
        """Read until the app has drawn its first screen (a key sent before it is the terminal's,
        not the app's: ctrl+q would be taken for flow control), then until it is quiet."""
        deadline = time.monotonic() + limit
        while b"Today" not in self.output and time.monotonic() < deadline:
            self.read_until_quiet(0.5, limit=deadline - time.monotonic())
            if self.process.poll() is not None:
                break
        self.read_until_quiet(0.5)

    def press(self, *keys: str) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            self.read_until_quiet()

    def close(self) -> int:
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # never left running behind a failed test
            raise
        finally:
            self.read_until_quiet(0.1)
            os.close(self.master)
        return code


@pytest.fixture
def hostile_folder(tmp_path) -> Path:
    store = Store(tmp_path / "office", user="reception", clock=Clock(NOW))
    build_demo(store, NOW)
    poison_office(store)
    return store.folder


def test_no_control_sequence_from_the_data_reaches_a_real_terminal(hostile_folder, tmp_path):
    env = {**os.environ, "TERM": "xterm-256color", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "BACKOFFICE_FAX_COMMAND": ""}
    terminal = Terminal([sys.executable, "-m", "tui.cli", "--data", str(hostile_folder)], env)
    terminal.started()
    terminal.press("1", ENTER, ESCAPE, "]", ENTER, ESCAPE, "]")
    terminal.press("2", ENTER, ESCAPE, "l", "O", "m", ESCAPE)
    terminal.press("3", ENTER, "s", ESCAPE, ESCAPE)
    terminal.press("4", ENTER, ESCAPE, "5", ENTER, "0")
    terminal.press(CTRL_Q)
    assert terminal.close() == 0, bytes(terminal.output[-2000:]).decode(errors="replace")
    output = bytes(terminal.output)
    leaked = [name for name, sequence in LEAKS.items() if sequence in output]
    assert not leaked, f"reached the terminal: {leaked}"
    assert "␛]0;pwned".encode() in output  # the text was on screen, its escapes made visible
    assert b"Traceback" not in output


def demo_session(tmp_path, *flags: str) -> tuple[str, int]:
    env = {**os.environ, "TERM": "xterm-256color", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    terminal = Terminal([sys.executable, "-m", "tui.cli", "--demo", *flags], env)
    terminal.started()
    terminal.press(CTRL_Q)
    code = terminal.close()
    return bytes(terminal.output).decode(errors="replace"), code


def demo_folder(said: str) -> Path:
    import re

    return Path(re.search(r"the demo office is in (\S+)", said).group(1))


def test_the_demo_says_where_it_is_and_is_removed_when_the_app_closes(tmp_path):
    said, code = demo_session(tmp_path)
    assert code == 0
    assert "removed the demo office (--keep keeps it)" in said
    assert not demo_folder(said).exists()


def test_the_demo_is_kept_when_asked(tmp_path):
    said, code = demo_session(tmp_path, "--keep")
    folder = demo_folder(said)
    try:
        assert code == 0 and folder.is_dir() and (folder / "calls.json").exists()
        assert f"the demo office is kept in {folder}" in said
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def test_a_colleagues_change_that_leaves_the_list_as_it_is_sends_nothing_to_the_terminal(tmp_path):
    from data.engine.archive import archive_once_a_day

    store = Store(tmp_path / "office", user="reception", clock=Clock(NOW))
    build_demo(store, NOW)
    archive_once_a_day(Store(store.folder, user="reception"), datetime.now(UTC), 180)  # the day's run, not mid-test

    def colleague(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(store.folder), *args], check=True, capture_output=True)

    env = {**os.environ, "TERM": "xterm-256color", "XDG_CONFIG_HOME": str(tmp_path / "config"), "BACKOFFICE_FAX_COMMAND": ""}
    terminal = Terminal([sys.executable, "-m", "tui.cli", "--data", str(store.folder)], env)
    terminal.started()
    terminal.press("1")
    terminal.read_until_quiet(1.5)
    sent = len(terminal.output)
    colleague("add", "contacts", "name=Zed Contact")  # in the directory, a tab not shown
    terminal.read_until_quiet(2.5)  # the app looks at the files every second
    unchanged = bytes(terminal.output[sent:])
    colleague("add", "calls", "caller=Zed Caller", "priority=urgent")
    terminal.read_until_quiet(2.5)
    terminal.press(CTRL_Q)
    assert terminal.close() == 0
    assert unchanged == b""  # over SSH, a list drawn again is kilobytes for nothing
    assert b"Zed Caller" in terminal.output[sent:]  # a change to the list is shown
