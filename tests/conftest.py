"""Shared fixtures: a data folder in tmp_path, a fixed clock, settings kept out of $HOME."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from data.engine.clock import set_office_zone
from data.engine.store import Store
from tests.fax_server import hylafax  # noqa: F401  (fixtures)
from tests.ipp_printer import ipp_bus, ipp_printers  # noqa: F401  (fixtures)
from tests.snmp_agent import snmp_printers  # noqa: F401  (fixtures)
from tests.servers import dovecot, mail_table, smtp  # noqa: F401  (fixtures)

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand: no sleeping for time-based behaviour."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """Never read or write the developer's own settings or data."""
    monkeypatch.setenv("BACKOFFICE_DATA", str(tmp_path / "default-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))  # the log of what could not be shown
    monkeypatch.setenv("BACKOFFICE_TIMEZONE", "UTC")  # commands run by the tests tell the same time


@pytest.fixture(autouse=True)
def office_in_utc():
    """The office's clocks tell UTC unless a test says otherwise."""
    set_office_zone("UTC")
    yield
    set_office_zone(None)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> Store:
    return Store(tmp_path / "office", user="tester", clock=clock)
