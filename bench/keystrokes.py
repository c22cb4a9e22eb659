"""Key press to settled screen in the real app, beside a bare Textual app in the same run.

    python bench/office.py /tmp/ten --years 10       # a ten-year office (about half a minute)
    python bench/keystrokes.py --data /tmp/ten [--runs 3] [--filter 42] [--search "Caller 1617"]
    git worktree add /tmp/before REV && python bench/keystrokes.py --data /tmp/ten --before /tmp/before

Each run opens backoffice on the office in a pseudo-terminal of 80x24 and goes through a
working session: the dashboard, Calls (1) with done calls shown (a), the filter (/, two keys,
escape), a call opened (enter) and closed, the other sections (2-5, then 0 and 1 again),
the palette (ctrl+p, a word typed, escape) and the archive search (H, a word, enter). Then
the same session, as far as it goes, in a bare Textual app with six modes
(`bench/bare_app.py --modes`). Last, `backoffice add` as a whole process (the checkout's,
`python -m tui.cli add`) against a bare `python -c pass`, on a copy of the office's working files.
With --before, another checkout's session runs in the same turns (first and second in turn), and a
last table holds this checkout against it: on a noisy machine the only fair before and after.

A key's time is from its sending to the last byte written before the screen settled:
nothing written for 150 ms while the program used at most one tick of CPU and no thread was
running (so a program busy without drawing is not taken for done). Start-up is from launch
to the filled dashboard (its last line), the bare app's to its title. Memory is VmRSS, VmHWM and the
private memory (what no other process shares) from /proc after the session. Each figure is the median and the worst over the runs
(a row that pools several keys, over all of them), with the bare app's beside it and the
ratio, and the CPU time the program used meanwhile (from /proc; less at the mercy of a busy
machine than the wall clock, and counting up to one tick of the quiet window); key times are also held against the goals of issue 18, the worst standing for the
p95. Before the runs, the day's archive run is done once, as the app would do it at its first
start of the day, so no measured session does it.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from terminal import ROOT, TICK, Terminal, cpu_ticks, python

sys.path.insert(0, str(ROOT))

from data.engine.archive import archive_once_a_day
from data.engine.store import Store

ENTER, ESCAPE, CTRL_P = b"\r", b"\x1b", b"\x10"
# no fax server, no machines polled, no settings file: the session does only what it is asked
QUIET_OFFICE = {"BACKOFFICE_FAX_SERVER": "", "BACKOFFICE_FAX_COMMAND": "", "BACKOFFICE_POLL_MINUTES": "0"}
DASHBOARD_FILLED = b"Offers waiting"  # the dashboard's last line

# (figure, unit, goal): goals of issue 18 (seconds for keys, ratios for the rest)
ROWS = [
    ("start-up to first paint", "s", None),
    ("start-up to the filled dashboard", "s", "1.3x"),
    ("peak memory at start (VmHWM)", "MiB", None),
    ("1 first visit of Calls", "s", 0.2),
    ("a show done calls too", "s", 0.2),
    ("/ opens the filter", "s", 0.1),
    ("/ filter, first key", "s", 0.1),
    ("/ filter, second key", "s", 0.1),
    ("escape clears the filter", "s", 0.1),
    ("enter opens a record", "s", 0.2),
    ("escape back to the list (record, palette)", "s", 0.2),
    ("section switch, first visit (2-5)", "s", 0.2),
    ("section switch, visited before (0, 1)", "s", 0.2),
    ("ctrl+p palette opens", "s", 0.2),
    ("palette: a word typed", "s", 0.1),
    ("H archive search: enter to results", "s", 0.3),
    ("memory after the session (VmRSS)", "MiB", "1.4x"),
    ("peak memory after the session (VmHWM)", "MiB", None),
    ("private memory after the session (not shared)", "MiB", None),
    ("`backoffice add` as a process", "s", "4x"),
]


class Session:
    """One program in a terminal; what it takes is added to ``figures``."""

    def __init__(self, argv: list[str], figures: dict[str, list[float]], env: dict[str, str] | None = None,
                 checkout: Path = ROOT) -> None:
        self.terminal = Terminal(argv, env=env, cwd=checkout)
        self.figures = figures

    def cpu(self) -> float:
        return cpu_ticks(self.terminal.process.pid) * TICK

    def started(self, figure: str, marker: bytes) -> None:
        self.figures[figure].append(self.terminal.wait_for(marker, timeout=120))
        self.figures[figure + " cpu"].append(self.cpu())

    def key(self, keys: bytes, figure: str | None = None, expect: bytes | None = None) -> None:
        """Press ``keys``, time the settling under ``figure``, then let the program rest."""
        before, cpu = len(self.terminal.output), self.cpu()
        seconds = self.terminal.settled_after(self.terminal.press(keys))
        cpu = self.cpu() - cpu
        if expect is not None and expect not in self.terminal.output[before:]:
            raise RuntimeError(f"after {keys!r}: {expect!r} was not drawn; the session has lost its way")
        if figure:
            self.figures[figure].append(seconds)
            self.figures[figure + " cpu"].append(cpu)
        self.terminal.rest(window=2.5)  # past any notice's timeout, so its going is not timed

    def memory(self, rss: str | None, hwm: str) -> None:
        kib = self.terminal.memory_kib()
        if rss:
            self.figures[rss].append(kib["VmRSS"] / 1024)
            self.figures["private memory after the session (not shared)"].append(kib["Private"] / 1024)
        self.figures[hwm].append(kib["VmHWM"] / 1024)

    def close(self) -> None:
        self.terminal.close()


def backoffice_session(folder: Path, config: Path, figures: dict[str, list[float]], args: argparse.Namespace,
                       checkout: Path = ROOT) -> None:
    env = {**QUIET_OFFICE, "XDG_CONFIG_HOME": str(config)}
    session = Session(python("-m", "tui.cli", "--data", str(folder)), figures, env, checkout)
    try:
        session.started("start-up to first paint", b"Today")
        session.started("start-up to the filled dashboard", DASHBOARD_FILLED)
        session.terminal.rest(window=2.5)
        session.memory(None, "peak memory at start (VmHWM)")
        session.key(b"1", "1 first visit of Calls", expect=b"Messages (")
        session.key(b"a", "a show done calls too", expect=b"done calls too")
        session.key(b"/", "/ opens the filter", expect=b"filter")
        session.key(args.filter[0].encode(), "/ filter, first key")
        session.key(args.filter[1].encode(), "/ filter, second key")
        session.key(ESCAPE, "escape clears the filter")
        session.key(ENTER, "enter opens a record")
        session.key(ESCAPE, "escape back to the list (record, palette)")
        for section in b"2345":
            session.key(bytes([section]), "section switch, first visit (2-5)")
        for section in b"01":
            session.key(bytes([section]), "section switch, visited before (0, 1)")
        session.key(CTRL_P, "ctrl+p palette opens")
        session.key(args.search.encode(), "palette: a word typed")
        session.key(ESCAPE, "escape back to the list (record, palette)")
        session.key(b"H", expect=b"archived")
        session.key(args.search.encode())
        session.key(ENTER, "H archive search: enter to results", expect=b"History")
        session.key(ESCAPE)
        session.memory("memory after the session (VmRSS)", "peak memory after the session (VmHWM)")
    finally:
        session.close()


def bare_session(figures: dict[str, list[float]], args: argparse.Namespace) -> None:
    session = Session(python("bench/bare_app.py", "--modes"), figures)
    try:
        session.started("start-up to first paint", b"bare")
        for figure in ("start-up to the filled dashboard", "start-up to the filled dashboard cpu"):
            figures[figure].append(figures[figure.replace("the filled dashboard", "first paint")][-1])
        session.terminal.rest(window=2.5)
        session.memory(None, "peak memory at start (VmHWM)")
        session.key(b"1", "1 first visit of Calls")
        for mode in b"2345":
            session.key(bytes([mode]), "section switch, first visit (2-5)")
        for mode in b"01":
            session.key(bytes([mode]), "section switch, visited before (0, 1)")
        session.key(ENTER, "enter opens a record")
        session.key(ESCAPE, "escape back to the list (record, palette)")
        session.key(CTRL_P, "ctrl+p palette opens")
        session.key(args.search.encode(), "palette: a word typed")
        session.key(ESCAPE, "escape back to the list (record, palette)")
        session.memory("memory after the session (VmRSS)", "peak memory after the session (VmHWM)")
    finally:
        session.close()


def day_archived(folder: Path) -> None:
    """The app's daily archive run, done now so that no measured session does it."""
    store = Store(folder, user="bench")
    archive_once_a_day(store, store.now(), 180)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], figures: dict[str, list[float]], figure: str, checkout: Path = ROOT) -> None:
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run(argv, check=True, capture_output=True, cwd=checkout)
    figures[figure].append(time.perf_counter() - start)
    figures[figure + " cpu"].append(children_cpu() - cpu)


def add_processes(folder: Path, runs: int, checkouts: dict[Path, dict[str, list[float]]], bare: dict[str, list[float]]) -> None:
    """`backoffice add calls` of each checkout against `python -c pass`, in turns, on a copy of
    the working files."""
    figure = "`backoffice add` as a process"
    with tempfile.TemporaryDirectory(prefix="backoffice-keys-") as scratch:
        copy = Path(scratch) / "office"
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("archive", "backups"))
        for run in range(runs):
            timed([sys.executable, "-c", "pass"], bare, figure)
            for checkout, figures in checkouts.items():
                timed([*python("-m", "tui.cli"), "--data", str(copy), "add", "calls",
                       f"caller=Bench Caller {run}", "number=01614960000"], figures, figure, checkout)


def shown(values: list[float], unit: str) -> str:
    if not values:
        return "—"
    if unit == "s":
        return f"{statistics.median(values) * 1000:,.0f} ms / {max(values) * 1000:,.0f}"
    return f"{statistics.median(values):.1f} / {max(values):.1f} {unit}"


def verdict(values: list[float], base: list[float], goal: float | str | None) -> str:
    if goal is None or not values:
        return ""
    if isinstance(goal, str):
        if not base:
            return f"≤ {goal}"
        ratio = statistics.median(values) / statistics.median(base)
        return f"≤ {goal}: {'met' if ratio <= float(goal[:-1]) else 'missed'}"
    return f"≤ {goal * 1000:.0f} ms: {'met' if max(values) <= goal else 'missed'}"


def ratio(mine: list[float], base: list[float]) -> str:
    return f"{statistics.median(mine) / statistics.median(base):.2f}×" if mine and base else ""


def cpu_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms" if values else ""


def report(ours: dict[str, list[float]], base: dict[str, list[float]], title: str,
           names: tuple[str, str] = ("backoffice", "bare Textual app"), goals: bool = True) -> None:
    print(f"\n{title}\n")
    print(f"| what | {names[0]}: median / worst | its CPU | {names[1]}: median / worst | its CPU "
          "| ratio of medians | ratio of CPU |" + (" goal |" if goals else ""))
    print("| --- " * (7 + goals) + "|")
    for figure, unit, goal in ROWS:
        mine, theirs = ours.get(figure, []), base.get(figure, [])
        mine_cpu, theirs_cpu = ours.get(figure + " cpu", []), base.get(figure + " cpu", [])
        print(f"| {figure} | {shown(mine, unit)} | {cpu_ms(mine_cpu)} | {shown(theirs, unit)} | {cpu_ms(theirs_cpu)} "
              f"| {ratio(mine, theirs)} | {ratio(mine_cpu, theirs_cpu)} |" + (f" {verdict(mine, theirs, goal)} |" if goals else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an office made by bench/office.py")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--filter", default="42", help="two keys typed into the calls filter")
    parser.add_argument("--search", default="Caller 1617", help="the word(s) for the palette and H")
    parser.add_argument("--before", type=Path, help="another checkout (git worktree add DIR REV), run in the same turns")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # the programs in the terminals are closed too
    if len(args.filter) != 2:
        parser.error("--filter: two keys")
    day_archived(args.data)
    ours: dict[str, list[float]] = defaultdict(list)
    bare: dict[str, list[float]] = defaultdict(list)
    checkouts = {ROOT: ours}
    if args.before:
        checkouts[args.before.resolve()] = before = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="backoffice-keys-config-") as config:
        for run in range(args.runs):  # in turns, so all see the same machine
            print(f"run {run + 1} of {args.runs}", file=sys.stderr, flush=True)
            bare_session(bare, args)
            for checkout, figures in (checkouts.items() if run % 2 == 0 else reversed(checkouts.items())):
                backoffice_session(args.data, Path(config), figures, args, checkout)
    add_processes(args.data, args.runs, checkouts, bare)
    title = f"{args.data}, {args.runs} runs, filter {args.filter!r}, search {args.search!r}"
    report(ours, bare, title)
    if args.before:
        report(before, bare, f"{title}: {args.before}")
        report(ours, before, f"{title}: this checkout against {args.before}, in the same turns", ("after", "before"), goals=False)


if __name__ == "__main__":
    main()
