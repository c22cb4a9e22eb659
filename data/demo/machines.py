"""Demo machines."""

from __future__ import annotations

import random
from datetime import datetime

from data.store import Store


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    pass
