"""A save must not grow with history: one call logged in a five-year office.

    python bench/history.py [--runs 9]

Builds a one-year and a five-year office (bench/office.py; archived as the app does daily)
and, as the baseline, stock TinyDB with its JSONStorage holding the five-year office's
documents in one file. Prints each save's median time and the ratios
five-year / stock TinyDB and five-year / one-year.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson
from tinydb import TinyDB

from office import NOW, build

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.engine.archive import archive_old  # noqa: E402
from data.engine.store import Store  # noqa: E402

CALL = {"caller": "Bench Caller", "number": "0161 496 0000", "message": "Please ring back."}


def median_ms(save, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        save()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def one_file(folder: Path, target: Path) -> None:
    """Every domain file's tables in one TinyDB file, as a stock TinyDB office would keep them."""
    tables = {}
    for path in folder.glob("*.json"):
        tables.update({k: v for k, v in orjson.loads(path.read_bytes()).items() if k != "_meta"})
    target.write_bytes(orjson.dumps(tables))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="backoffice-history-"))
    try:
        stores = {}
        for years in (1, 5):
            store = build(work / f"office-{years}", years)
            if years == 5:
                one_file(store.folder, work / "stock-tinydb.json")
            archive_old(store, NOW, 180)
            stores[years] = Store(store.folder, user="bench", clock=lambda: NOW)
        stock = TinyDB(work / "stock-tinydb.json").table("calls")
        ours = {years: median_ms(lambda s=s: s.repo("calls").add(CALL), args.runs) for years, s in stores.items()}
        theirs = median_ms(lambda: stock.insert(CALL), args.runs)
    finally:
        shutil.rmtree(work)
    print(f"save one call: five-year office {ours[5]:.1f} ms, one-year office {ours[1]:.1f} ms, "
          f"stock TinyDB with the five years in one file {theirs:.1f} ms")
    print(f"ratios: five-year / stock TinyDB {ours[5] / theirs:.2f}   five-year / one-year {ours[5] / ours[1]:.2f}")


if __name__ == "__main__":
    main()
