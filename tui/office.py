"""Which office the app and every command open, and one way to open it.

The data folder is ``--data``, else ``BACKOFFICE_DATA``, else ``data`` in settings.toml,
else the user's data folder (``~/.local/share/backoffice`` on Linux). Only the app and the
commands that add records start a new office where there is none, and they say so; the
others call a folder that does not exist an error rather than show an empty office.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.engine.store import Store
    from tui.settings import Settings

APP_NAME = "backoffice"


def data_folder(settings: Settings) -> Path:
    if settings.data is not None:
        return settings.data
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def open_office(settings: Settings, *, create: bool, lock_timeout: float | None = None) -> Store:
    from data.engine.store import Store

    store = Store(data_folder(settings), create=create, lock_timeout=lock_timeout, hr_group=settings.hr_group)
    store.outputs = {kind: folder for kind, folder in (("exports", settings.exports), ("service-sheets", settings.service_sheets))
                     if folder is not None}
    store.lists = {"rooms": settings.rooms}
    return store


def open_demo_office(settings: Settings | None = None) -> Store:
    """A fresh demo office in a temporary folder, with the demo's rooms unless the settings name some."""
    import tempfile

    from data.demo import build_demo
    from data.demo.people import ROOMS
    from data.engine.store import Store

    store = Store(Path(tempfile.mkdtemp(prefix="backoffice-demo-")))
    build_demo(store)
    store.lists = {"rooms": (settings.rooms if settings else []) or list(ROOMS)}
    return store
