"""A deterministic, believable demo office. Each domain seeds its own part."""

from __future__ import annotations

import random
from datetime import datetime

from data.engine.clock import local
from data.engine.store import Store


def build_demo(store: Store, now: datetime | None = None, seed: int = 7) -> None:
    """Fill an empty data folder with the demo office, relative to ``now``.

    The parts reckon on the office's wall clock (``now`` in the office's zone). Each part
    draws from its own generator, named by the part, not by where its code lives: moving a
    module changes no demo record."""
    from data.demo import calls, machines, mail, people, stock

    now = local(now or store.now()).replace(second=0)
    for name, part in (("calls", calls), ("mail", mail), ("stock", stock), ("machines", machines), ("people", people)):
        part.seed(store, now, random.Random(f"{seed}-{name}"))
