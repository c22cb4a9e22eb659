"""Build an office that has used backoffice for N years, deterministically.

    python bench/office.py DIR --years 5

Five years: about 50,000 calls, 6,000 faxes, 200 supply items with 25,000 movements,
20 machines with 1,200 readings and 300 tickets, 2,000 candidates with 1,000 interviews,
60 employees with 600 events. Records carry their real ages; then the archive runs as the
app's daily run would have, so the working files hold open work and the last 180 days.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.engine.archive import archive_old  # noqa: E402
from data.engine.collections import get_collection  # noqa: E402
from data.engine.store import Store  # noqa: E402

PER_YEAR = {
    "calls": 10_000, "faxes": 1_200, "stock_movements": 5_000, "meter_readings": 240, "tickets": 60,
    "candidates": 400, "interviews": 200, "staff_events": 120,
}
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


def stamped(at: datetime, body: dict) -> dict:
    return {**body, "rev": 1, "created_at": at.isoformat(), "updated_at": at.isoformat(), "updated_by": "generator"}


def insert(store: Store, name: str, bodies: list[dict]) -> None:
    collection = get_collection(name)
    for body in bodies[:50]:  # the shapes must be what the models accept
        collection.model.model_validate(body)
    with store.transaction(collection.domain):
        store.table(collection).insert_multiple(bodies)


def moments(rng: random.Random, count: int, years: int) -> list[datetime]:
    span = years * 365 * 24 * 60
    return sorted(NOW - timedelta(minutes=rng.randrange(span)) for _ in range(count))


def build(folder: Path, years: int) -> Store:
    rng = random.Random(years)
    store = Store(folder, user="generator", clock=lambda: NOW)
    n = {k: v * years for k, v in PER_YEAR.items()}

    calls = []
    for i, at in enumerate(moments(rng, n["calls"], years)):
        open_call = at > NOW - timedelta(days=14) and i % 3 == 0
        calls.append(stamped(at, {
            "caller": f"Caller {i % 3000}", "number": f"0161496{i % 3000:04d}", "company": f"Company {i % 400}",
            "for_whom": f"Person {i % 40}", "message": f"Message {i} about order {i % 997}", "priority": "normal",
            "status": "new" if open_call else "done", "history": [{"at": at.isoformat(), "user": "reception", "action": "call logged", "note": ""}],
        }))
    insert(store, "calls", calls)
    insert(store, "faxes", [stamped(at, {
        "recipient": f"Recipient {i % 300}", "fax_number": f"0113496{i % 3000:04d}", "document": f"/srv/fax/{i}.pdf",
        "status": "sent", "tries": 1, "sent_at": at.isoformat(),
    }) for i, at in enumerate(moments(rng, n["faxes"], years))])

    insert(store, "supplies", [stamped(NOW - timedelta(days=years * 365), {
        "name": f"Supply {i}", "sku": f"SKU-{i:04d}", "unit": "each", "pack_size": 1 + i % 10, "on_hand": 20 + i % 50,
        "reorder_point": 10, "target": 40 + i % 50, "supplier": f"Supplier {i % 12}", "location": f"Shelf {i % 20}",
    }) for i in range(200)])
    insert(store, "stock_movements", [stamped(at, {
        "item_id": 1 + i % 200, "kind": "used", "quantity": 1 + i % 3, "at": at.isoformat(), "who": "ann",
    }) for i, at in enumerate(moments(rng, n["stock_movements"], years))])

    insert(store, "machines", [stamped(NOW - timedelta(days=years * 365), {
        "asset_tag": f"M-{i:02d}", "kind": "printer", "make": "HP", "model": "M507", "serial": f"SN{i:06d}", "location": f"Floor {i % 4}",
    }) for i in range(20)])
    readings = []
    per_machine = n["meter_readings"] // 20
    for machine in range(20):
        for k in range(per_machine):
            day = (NOW - timedelta(days=years * 365) + timedelta(days=k * years * 365 // per_machine)).date()
            readings.append(stamped(datetime.combine(day, datetime.min.time()), {"machine_id": machine + 1, "taken_on": day.isoformat(), "total": 10_000 + k * 3_000}))
    insert(store, "meter_readings", readings)
    insert(store, "tickets", [stamped(at, {
        "machine_id": 1 + i % 20, "symptom": "paper_jam", "status": "closed", "opened_at": at.isoformat(),
        "fixed_at": (at + timedelta(hours=4)).isoformat(), "closed_at": (at + timedelta(hours=5)).isoformat(),
    }) for i, at in enumerate(moments(rng, n["tickets"], years))])

    insert(store, "positions", [stamped(NOW - timedelta(days=365 * years), {"title": f"Position {i}", "status": "open" if i < 2 else "closed"}) for i in range(10 * years)])
    insert(store, "candidates", [stamped(at, {
        "name": f"Candidate {i}", "position_id": 1 + i % (10 * years), "stage": "rejected" if i % 5 else "withdrew",
        "reject_reason": "not a fit" if i % 5 else "", "cv_text": f"CV of candidate {i}. " * 20,
    }) for i, at in enumerate(moments(rng, n["candidates"], years))])
    insert(store, "interviews", [stamped(at, {
        "candidate_id": 1 + i % n["candidates"], "start": at.isoformat(), "interviewers": ["Grace Okafor"], "status": "done",
    }) for i, at in enumerate(moments(rng, n["interviews"], years))])
    insert(store, "employees", [stamped(NOW - timedelta(days=365 * years), {
        "name": f"Employee {i}", "start_date": (date(2026, 1, 1) - timedelta(days=365 * years)).isoformat(),
    }) for i in range(60)])
    insert(store, "staff_events", [stamped(at, {
        "employee_id": 1 + i % 60, "kind": "training", "on": at.date().isoformat(), "course": "Fire safety", "completed": True,
    }) for i, at in enumerate(moments(rng, n["staff_events"], years))])
    return store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--no-archive", action="store_true", help="leave all history in the working files")
    args = parser.parse_args()
    store = build(args.folder, args.years)
    if not args.no_archive:
        print("archived:", archive_old(store, NOW, 180))
    for path in sorted(args.folder.glob("*.json")):
        print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
