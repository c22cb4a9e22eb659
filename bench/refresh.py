"""Seconds from another process's save to the row on screen (target: at most 1 s), and the
CPU the watching session spends on it (target: at most 0.05 CPU-seconds).

    python bench/refresh.py [--data DIR] [--runs 5]

The app shows the calls section; a second process adds a call with `backoffice add`;
we time from the moment that command returns until the caller's name is on the terminal,
and count the CPU the app used from the save until it has settled again. With --data the
calls are added to that office: give it a copy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from terminal import TICK, Terminal, cpu_ticks, python


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="backoffice-refresh-"))
    terminal = Terminal(python("-m", "tui.cli", "--data", str(folder)))
    seconds, cpu = [], []
    try:
        terminal.wait_for(b"Today")
        terminal.settle(quiet=1.0)
        os.write(terminal.master, b"1")  # to the calls section
        terminal.settle(quiet=1.0)
        for run in range(args.runs):
            name = f"Refresh{run}Marker{os.getpid()}"  # never on screen before this run
            subprocess.run(python("-m", "tui.cli", "--data", str(folder), "add", "calls", f"caller={name}", "priority=urgent"), check=True, capture_output=True)
            saved, ticks = time.perf_counter(), cpu_ticks(terminal.process.pid)
            terminal.wait_for(name.encode(), timeout=10)
            seconds.append(time.perf_counter() - saved)
            terminal.settle(quiet=0.5)
            cpu.append((cpu_ticks(terminal.process.pid) - ticks) * TICK)
    finally:
        terminal.close()
        if not args.data:
            shutil.rmtree(folder)
    print(f"refresh  median {statistics.median(seconds):.2f} s  worst {max(seconds):.2f} s  over {len(seconds)} saves")
    print(f"its cost to the watching session  median {statistics.median(cpu):.3f} CPU-s  worst {max(cpu):.3f}")


if __name__ == "__main__":
    main()
