"""Run a program in a pseudo-terminal of 80x24 and watch what it writes (for the benches)."""

from __future__ import annotations

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


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str] | None = None, size=(80, 24)) -> None:
        self.master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=full_env, cwd=ROOT, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()

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

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        os.close(self.master)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
