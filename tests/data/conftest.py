"""Fixtures of the storage tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data.engine import backups


class SystemDay:
    """The system's date as backups see it, turned by the test: no waiting for midnight."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day

    def next(self) -> None:
        self.day += timedelta(days=1)


@pytest.fixture
def system_day(monkeypatch) -> SystemDay:
    day = SystemDay(date(2026, 3, 10))
    monkeypatch.setattr(backups, "today", day)
    return day
