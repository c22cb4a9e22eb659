"""Fixtures for Pilot tests: an app on a data folder with a fixed clock."""

from __future__ import annotations

import pytest

from tests.conftest import NOW, Clock
from tui.app import BackOfficeApp
from tui.settings import Settings

SIZE = (80, 24)


@pytest.fixture
def make_app(store):
    def make(**kwargs) -> BackOfficeApp:
        return BackOfficeApp(store, Settings(fax_command=""), **kwargs)

    return make


@pytest.fixture
def demo_store(tmp_path):
    from data.demo import build_demo
    from data.engine.store import Store

    store = Store(tmp_path / "demo", user="reception", clock=Clock(NOW))
    build_demo(store, NOW)
    return store
