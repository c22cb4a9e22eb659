"""Run a program in a pseudo-terminal of 80x24 and watch what it writes (for the benches)."""

from __future__ import annotations

import compileall
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def project_compiled(checkout: Path = ROOT) -> None:
    """Write the project's byte code as an installed app's first run would, so that a machine
    set not to write it (PYTHONDONTWRITEBYTECODE) does not time compiling at every start."""
    for package in ("tui", "screens", "data"):
        compileall.compile_dir(checkout / package, quiet=1)


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str] | None = None, size=(80, 24), cwd: Path = ROOT) -> None:
        """``argv`` run in ``cwd``: `python -m tui.cli` there runs that checkout's code."""
        project_compiled(cwd)
        self.master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=full_env, cwd=cwd, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()
        self.last_write = self.started  # when the program last wrote anything

    def read_for(self, seconds: float) -> bytes:
        """Everything written during the next ``seconds``."""
        got = bytearray()
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    break
                got += chunk
                self.last_write = time.perf_counter()
        self.output += got
        return bytes(got)

    def wait_for(self, needle: bytes, timeout: float = 30.0) -> float:
        """Seconds from start until ``needle`` appeared in the output."""
        end = time.perf_counter() + timeout
        while needle not in self.output and time.perf_counter() < end:
            self.read_for(0.02)
        if needle not in self.output:
            raise TimeoutError(f"{needle!r} did not appear")
        return time.perf_counter() - self.started

    def settle(self, quiet: float = 1.5, timeout: float = 30.0) -> None:
        """Wait until the program has written nothing for ``quiet`` seconds."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if not self.read_for(quiet):
                return

    def press(self, keys: bytes) -> float:
        """Send ``keys`` as typed; the moment they were sent."""
        self.read_for(0)  # what came before is not the answer to these keys
        os.write(self.master, keys)
        return time.perf_counter()

    def settled_after(self, sent: float, quiet: float = 0.15, timeout: float = 120.0) -> float:
        """Seconds from ``sent`` to the last byte written before the screen settled.

        Settled: nothing written for ``quiet`` seconds, while the program used at most one
        clock tick of CPU and none of its threads was running at the end, so a program busy
        without drawing is not taken for one that is done. 0 if nothing was written.
        """
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            ticks = cpu_ticks(self.process.pid)
            if not self.read_for(quiet) and cpu_ticks(self.process.pid) - ticks <= 1 and not running(self.process.pid):
                return max(self.last_write - sent, 0.0)
        raise TimeoutError(f"still busy {timeout:.0f} s after the key")

    def rest(self, window: float = 1.0, timeout: float = 120.0) -> None:
        """Wait for a window in which the program used next to no CPU: two ticks a second at
        most, for a blinking cursor still draws (the palette's input over a full table costs
        about a tick and a half a second)."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            ticks = cpu_ticks(self.process.pid)
            self.read_for(window)
            if cpu_ticks(self.process.pid) - ticks <= max(2, 2 * window):
                return

    def memory_kib(self) -> dict[str, int]:
        """VmRSS, VmHWM and Private of the program, in KiB."""
        return memory_kib(self.process.pid)

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        os.close(self.master)


TICK = 1 / os.sysconf("SC_CLK_TCK")  # seconds


def cpu_ticks(pid: int) -> int:
    """User and system CPU of a process and all its threads, in clock ticks (usually 10 ms)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def running(pid: int) -> bool:
    """Whether any thread of the process is on a CPU or waiting for one."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if task.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0] == "R":
                return True
        except OSError:  # the thread ended meanwhile
            continue
    return False


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM, and Private: the memory no other process shares, what each further
    session on the office box costs (RSS counts the shared libraries in every session)."""
    with open(f"/proc/{pid}/status") as status:
        kib = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith(("VmRSS:", "VmHWM:"))}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        kib["Private"] = sum(int(line.split()[1]) for line in rollup if line.startswith(("Private_Clean:", "Private_Dirty:")))
    return kib


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
