"""What checking phone numbers with libphonenumber costs a read of a big office's calls.

    python bench/phone_numbers.py --data /tmp/five [--runs 5]

Reads every call and fax of the office (validating each record, as a session does) with the
numbers checked by libphonenumber, then with the plain digit check the app had before, in
the same process, interleaved; prints the medians and their ratio. The first read of the
new kind includes importing phonenumbers and filling its cache.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import data.calls.models as models  # noqa: E402
from data.engine.store import Store  # noqa: E402


def digits_only(text: str) -> str:
    """The check before libphonenumber: digits kept, a leading + kept."""
    text = text.strip()
    digits = re.sub(r"\D", "", text)
    return ("+" if text.startswith("+") else "") + digits if text else ""


def read_all(folder: Path) -> float:
    store = Store(folder, user="bench")
    started = time.perf_counter()
    count = len(store.repo("calls").list()) + len(store.repo("faxes").list())
    assert count
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    checked = models.normalise_number
    timings: dict[str, list[float]] = {"libphonenumber": [], "digits only": []}
    for _ in range(args.runs):
        for name, check in (("libphonenumber", checked), ("digits only", digits_only)):
            models.normalise_number = check
            timings[name].append(read_all(args.data))
    new, old = (statistics.median(timings[k]) for k in ("libphonenumber", "digits only"))
    print(f"read calls and faxes: libphonenumber {new * 1000:.0f} ms, digits only {old * 1000:.0f} ms: {new / old:.2f}x")


if __name__ == "__main__":
    main()
