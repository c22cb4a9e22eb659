"""One save in each domain, on offices of different ages: a save must not grow with history.

    python bench/office.py /tmp/y1 --years 1        # and --years 5, 10, 20, 40
    python bench/domain_saves.py /tmp/y1 /tmp/y5 /tmp/y10 /tmp/y20 /tmp/y40 [--runs 9]

For each office (the first is the baseline), on a copy of its working files: a call logged
(calls), a stock movement (stock), a meter reading (machines) and a training entry (people),
each added one at a time through the app's repositories, with their checks, lock, audit
line and fsync. Prints each save's median and worst time and the ratio of medians to the
first office's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import NOW

from data.engine.store import Store


def day(n: int) -> datetime:
    """The n-th save is made a day after the one before (a machine gives one reading a day)."""
    return NOW + timedelta(days=n + 1)


SAVES = {  # collection: the body of the n-th record added
    "calls": lambda n: {"caller": f"Bench Caller {n}", "number": "01614960000", "message": "Please ring back."},
    "stock_movements": lambda n: {"item_id": 1, "kind": "used", "quantity": 1, "at": day(n).isoformat(), "who": "ann"},
    "meter_readings": lambda n: {"machine_id": 1, "taken_on": day(n).date().isoformat(), "total": 100_000_000 + n * 100},
    "staff_events": lambda n: {"employee_id": 1, "kind": "training", "on": day(n).date().isoformat(),
                               "course": "First aid", "completed": True},
}


def timings(folder: Path, collection: str, runs: int) -> list[float]:
    today = NOW
    store = Store(folder, user="bench", clock=lambda: today)
    repo = store.repo(collection)
    seconds = []
    for n in range(runs):
        today = day(n)
        start = time.perf_counter()
        repo.add(SAVES[collection](n))
        seconds.append(time.perf_counter() - start)
    return seconds


def office_saves(office: Path, runs: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="backoffice-saves-") as scratch:
        copy = Path(scratch) / "office"
        shutil.copytree(office, copy, ignore=shutil.ignore_patterns("archive", "backups"))
        return {collection: timings(copy, collection, runs) for collection in SAVES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("offices", type=Path, nargs="+", help="offices made by bench/office.py; the first is the baseline")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    results = {office: office_saves(office, args.runs) for office in args.offices}
    base = results[args.offices[0]]
    print(f"one save, median / worst of {args.runs}; ratio of medians to {args.offices[0]}\n")
    print("| office | " + " | ".join(SAVES) + " |")
    print("| --- |" + " --- |" * len(SAVES))
    for office, saves in results.items():
        cells = []
        for collection, seconds in saves.items():
            median = statistics.median(seconds)
            ratio = median / statistics.median(base[collection])
            cells.append(f"{median * 1000:.1f} / {max(seconds) * 1000:.1f} ms ({ratio:.2f}×)")
        print(f"| {office} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
