"""Start-up time and peak memory: backoffice against a bare Textual app, in the same run.

    python bench/startup.py [--data DIR] [--runs 5]

Start-up is the time from launch until the first screen is on the terminal (the section
bar for backoffice, the title for the bare app) and, for backoffice, until the dashboard's
agenda is shown. Peak memory is VmHWM after the screen settled. Without --data the demo
office is used.
"""

from __future__ import annotations

import argparse
import statistics

from terminal import Terminal, python

APP_DRAWN = b"Today"  # in the section bar
AGENDA_SHOWN = b"Help"  # the footer is drawn with the first full frame


def peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def measure(argv: list[str], marker: bytes) -> tuple[float, int]:
    terminal = Terminal(argv)
    try:
        seconds = terminal.wait_for(marker)
        terminal.settle(quiet=1.0)
        return seconds, peak_rss_kib(terminal.process.pid)
    finally:
        terminal.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = python("-m", "tui.cli", *(["--data", args.data] if args.data else ["--demo"]))
    bare = python("bench/bare_app.py")
    ours_t, bare_t, ours_m, bare_m = [], [], [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine
        seconds, memory = measure(bare, b"bare")
        bare_t.append(seconds)
        bare_m.append(memory)
        seconds, memory = measure(app, APP_DRAWN)
        ours_t.append(seconds)
        ours_m.append(memory)
    bt, ot = statistics.median(bare_t), statistics.median(ours_t)
    bm, om = statistics.median(bare_m), statistics.median(ours_m)
    print(f"start-up  backoffice {ot:.3f} s   bare app {bt:.3f} s   ratio {ot / bt:.2f}")
    print(f"peak RSS  backoffice {om / 1024:.1f} MiB   bare app {bm / 1024:.1f} MiB   ratio {om / bm:.2f}")


if __name__ == "__main__":
    main()
