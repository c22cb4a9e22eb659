"""Reading a stranger's many-page fax TIFF without tiff2pdf: the time per page of a long fax
against a short one of the same pages, in one run.

    python bench/fax_tiff.py [--pages 100] [--page-kb 200] [--runs 5]

Builds a fax TIFF of ``--pages`` pages and one of a tenth of them (each page's resolution and
strips stored out of line, as a fax machine writes them), reads the pages of each as the app
does before drawing them with Ghostscript, and prints the medians and the ratio of the time
per page: about 1 when reading is linear in the file; about the ratio of the pages when every
value read copies the rest of the file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.calls.fax_documents import tiff_pages
from tests.fax_tiffs import many_page_tiff


def timed(tiff: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        tiff_pages(tiff)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--page-kb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    short_pages = max(args.pages // 10, 1)
    long = many_page_tiff(args.pages, args.page_kb << 10)
    short = many_page_tiff(short_pages, args.page_kb << 10)
    long_s, short_s = timed(long, args.runs), timed(short, args.runs)
    ratio = (long_s / args.pages) / (short_s / short_pages)
    print(f"{args.pages} pages ({len(long) >> 20} MB): {long_s * 1000:.1f} ms; "
          f"{short_pages} pages ({len(short) >> 20} MB): {short_s * 1000:.1f} ms")
    print(f"time per page, long against short: {ratio:.2f}x (linear: about 1)")


if __name__ == "__main__":
    main()
