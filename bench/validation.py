"""What checking a stored record costs: microseconds a record, beside a bare pydantic model.

    python bench/validation.py --data /tmp/ten [--runs 5]

For each collection named below, the office's working file's documents are validated as the
app reads them (``STORED``), and, as the baseline in the same process, by a plain pydantic
model with the same fields (their types and bounds) and none of our validators, the models'
methods nor those our types carry. The ratio is what our checks add.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import orjson
from pydantic import AfterValidator, BeforeValidator, ConfigDict, PlainValidator, WrapValidator, create_model
from pydantic.fields import FieldInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.engine.collections import get_collection  # noqa: E402
from data.engine.record import STORED  # noqa: E402
from data.engine.store import Store  # noqa: E402

COLLECTIONS = ("calls", "faxes", "stock_movements", "staff_events", "candidates")
BARE = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True, allow_inf_nan=False)
VALIDATORS = (AfterValidator, BeforeValidator, PlainValidator, WrapValidator)


def without_validators(field: FieldInfo) -> FieldInfo:
    """The field's type and bounds, without the functions our types add (``Lines``)."""
    bare = copy.copy(field)
    bare.metadata = [m for m in field.metadata if not isinstance(m, VALIDATORS)]
    return bare


def microseconds_a_record(model, documents: list[dict], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for document in documents:
            model.model_validate(document, context=STORED)
        times.append((time.perf_counter() - start) / len(documents) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an office made by bench/office.py")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    store = Store(args.data, user="bench", create=False)
    print("| collection | records | ours µs | bare pydantic µs | ratio |\n| --- | --- | --- | --- | --- |")
    for name in COLLECTIONS:
        model = get_collection(name).model
        documents = [orjson.loads(raw) for _, raw in store.repo(name).table.raw_documents()][:2000]
        if not documents:
            continue
        bare = create_model(f"Bare{model.__name__}", __config__=BARE,
                            **{name: (field.annotation, without_validators(field)) for name, field in model.model_fields.items()})
        microseconds_a_record(model, documents, 1)  # first use: phone numbers' metadata and the like
        ours, baseline = microseconds_a_record(model, documents, args.runs), microseconds_a_record(bare, documents, args.runs)
        print(f"| {name} | {len(documents)} | {ours:.1f} | {baseline:.1f} | {ours / baseline:.2f}× |")


if __name__ == "__main__":
    main()
