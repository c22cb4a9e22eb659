"""Opening the app: the office first, then a head start on the dashboard's agenda, then Textual."""

from __future__ import annotations

import sys
from functools import partial

from tui.settings import SettingsError, load_settings


def run_app(data: str | None = None, demo: bool = False, keep: bool = False) -> int:
    from data.engine.errors import DataError
    from tui.office import open_demo_office, open_office

    try:
        settings = load_settings(data=data)
    except SettingsError as error:
        print(f"backoffice: {error}", file=sys.stderr)
        return 2
    if demo:
        settings.fax_command = settings.fax_server = ""  # the demo's fax numbers are not real: mark faxes sent by hand
        settings.office = settings.office or "Demo Office Ltd"  # its letters are signed
    from tui.agenda_ahead import AgendaAhead

    # The dashboard's agenda is read before the office is opened here and Textual loaded: each
    # takes about as long. A new office's first agenda fails in the child and is read here.
    agenda_ahead = None if demo else AgendaAhead.start(partial(open_office, settings, create=False))
    try:
        store = open_demo_office(settings) if demo else open_office(settings, create=True)
    except DataError as error:
        print(f"backoffice: {error}", file=sys.stderr)
        return 1
    if demo:
        print(f"backoffice: the demo office is in {store.folder}", file=sys.stderr)
        agenda_ahead = AgendaAhead.start(lambda: store)  # the demo is made first
    from tui.app import BackOfficeApp

    app = BackOfficeApp(store, settings, demo=demo, agenda_ahead=agenda_ahead)
    app.run()
    if demo:
        say_goodbye_to_demo(store.folder, keep)
    return app.return_code or 0


def say_goodbye_to_demo(folder, keep: bool) -> None:
    import shutil

    if keep:
        print(f"backoffice: the demo office is kept in {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder, ignore_errors=True)
        print("backoffice: removed the demo office (--keep keeps it)", file=sys.stderr)
