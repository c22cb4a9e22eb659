"""The time of one save (add one call) against TinyDB's stock JSONStorage, in the same run.

    python bench/save.py [--runs 15]

At 1,000 and 10,000 calls in the file, each side adds one call at a time. Ours: our
Repository, which locks, validates, keeps a backup and an audit line, writes a temp file,
fsyncs it and the folder and replaces the file. "After another session" is the shared-office
case: a second store wrote in between, so the file must be parsed again. The baseline: stock
TinyDB with its JSONStorage holding the same documents in one file (no lock, no fsync, the
file rewritten in place). Figures are medians; the ratio is ours over stock.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB  # noqa: E402

from data.engine.store import Store  # noqa: E402

SIZES = (1_000, 10_000)


def call(n: int) -> dict:
    return {"caller": f"Caller {n}", "number": f"0123 {n:06d}", "company": "Acme Ltd",
            "message": "Please ring back about the toner order for the second floor."}


def median_ms(save: Callable[[int], object], runs: int) -> float:
    times = []
    for n in range(runs):
        start = time.perf_counter()
        save(n)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def ours(folder: Path, size: int, runs: int) -> tuple[float, float]:
    """(a save in a session that wrote last, a save after another session wrote)."""
    calls = Store(folder, user="bench").repo("calls")
    calls.add_many(call(n) for n in range(size))
    warm = median_ms(lambda n: calls.add(call(n)), runs)
    other = Store(folder, user="other").repo("calls")
    times = []
    for n in range(runs):
        other.add(call(n))
        start = time.perf_counter()
        calls.add(call(n))
        times.append(time.perf_counter() - start)
    return warm, statistics.median(times) * 1000


def stock(folder: Path, size: int, runs: int, documents: list[dict]) -> float:
    table = TinyDB(folder / "stock.json").table("calls")
    table.insert_multiple(documents[:size])
    return median_ms(lambda n: table.insert(documents[n]), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    print(f"one save (add one call), median of {runs}; ratio = ours / stock TinyDB")
    for size in SIZES:
        with tempfile.TemporaryDirectory() as ours_dir, tempfile.TemporaryDirectory() as stock_dir:
            warm, shared = ours(Path(ours_dir), size, runs)
            # the same stored bodies, so both files hold the same documents
            documents = list(Store(ours_dir).storage("calls").read()["calls"].values())
            baseline = stock(Path(stock_dir), size, runs, documents)
        print(f"{size:>6} calls: stock TinyDB {baseline:7.1f} ms | ours {warm:7.1f} ms "
              f"(x{warm / baseline:.2f}) | ours after another session {shared:7.1f} ms (x{shared / baseline:.2f})")


if __name__ == "__main__":
    main()
