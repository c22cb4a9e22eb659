"""History search (`H`) by the archive's index against reading every year file, in one run.

    python bench/archive_search.py [--years 10] [--runs 5] [--data DIR]

Builds an office (bench/office.py, archived; or uses --data, already built) and searches the calls'
and faxes' history for a word found in a few records and for one found in none: first by
reading every archived year file and checking each record (what the search did before the
index), then by the index — its first search, which builds it, and warm ones. Prints the
medians and their ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from office import NOW, build

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.engine import archive  # noqa: E402
from data.engine.archive_index import private_cache  # noqa: E402
from data.engine.store import Store  # noqa: E402

WORDS = ("Kowalski invoice", "no-such-word-anywhere")


def timed(search) -> float:
    started = time.perf_counter()
    search()
    return time.perf_counter() - started


def by_reading(store: Store, text: str) -> list:
    words = text.casefold().split()
    with archive.open_archive(store, "calls") as year_files:
        return archive.scanned(store, "calls", year_files, words, None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    work = None if args.data else Path(tempfile.mkdtemp(prefix="backoffice-search-"))
    try:
        folder = args.data or work / "office"  # type: ignore[operator]
        if work:
            archive.archive_old(build(folder, args.years), NOW, 180)
        store = Store(folder, user="bench")
        (private_cache(store) / "index-calls.sqlite").unlink(missing_ok=True)
        first = timed(lambda: archive.search_history(store, {"calls"}, WORDS[0]))
        for text in WORDS:
            reading = [timed(lambda: by_reading(store, text)) for _ in range(args.runs)]
            indexed = [timed(lambda: archive.search_history(store, {"calls"}, text)) for _ in range(args.runs)]
            assert [r.id for _, r in archive.search_history(store, {"calls"}, text)] == [r.id for _, r in by_reading(store, text)]
            slow, fast = statistics.median(reading), statistics.median(indexed)
            print(f"'{text}': reading every year file {slow * 1000:.0f} ms, by the index {fast * 1000:.0f} ms: {fast / slow:.3f}×")
        print(f"the first search, which builds the index: {first * 1000:.0f} ms")
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
