"""A deterministic, believable demo office. Each domain seeds its own part."""

from __future__ import annotations

import importlib
import random
from datetime import datetime

from data.engine.clock import local
from data.engine.store import Store

PARTS = ("data.demo.calls", "data.demo.stock", "data.demo.machines", "data.demo.people")


def build_demo(store: Store, now: datetime | None = None, seed: int = 7) -> None:
    """Fill an empty data folder with the demo office, relative to ``now``.

    The parts reckon on the office's wall clock (``now`` in the office's zone)."""
    now = local(now or store.now()).replace(second=0)
    for name in PARTS:
        part = importlib.import_module(name)
        part.seed(store, now, random.Random(f"{seed}-{name}"))
