"""Every failure is a sentence, with the user's work kept: a busy file, background work
that fails, a data folder that is not there."""

from __future__ import annotations

import os
import signal
import time
from contextlib import suppress

import pytest
from textual.worker import WorkerState

from data.engine.store import Store
from tests.data.helpers import Child, backoffice
from tests.data.test_lock_waits import hold_calls
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.dialogs import ErrorModal, LockWaitModal
from tui.widgets.model_form import ModelForm


@pytest.fixture
def stopped_holder(store):
    """Another session of ann's holds calls.json and was stopped with ctrl+z."""
    store.repo("contacts").add({"name": "Harriet Cole"})
    holder = Child(lambda report: hold_calls(store.folder, report))
    assert holder.next_report() == "holding"
    os.waitpid(holder.pid, os.WUNTRACED)
    yield holder
    with suppress(ProcessLookupError, ChildProcessError):  # the test may have ended it already
        holder.kill()
        holder.wait()


async def test_a_save_held_up_by_a_stopped_session_names_it_and_can_stop_waiting(make_app, store, stopped_holder):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket", "right_square_bracket", "right_square_bracket", "n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm))
        form = app.screen
        await pilot.press(*"Bilal Khan")
        started = time.monotonic()
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, LockWaitModal))
        assert time.monotonic() - started < 2.0
        said = str(app.screen.query_one("#dialog-message").render())
        assert f"ann's backoffice (process {stopped_holder.pid} on" in said
        await pilot.press("escape")  # stop waiting
        assert await wait_for(pilot, lambda: isinstance(app.screen, ErrorModal))
        assert "Nothing was" in str(app.screen.query_one("#dialog-message").render())
        await pilot.press("escape")
        assert app.screen is form and form.value_of("name") == "Bilal Khan"  # the work is kept
        os.kill(stopped_holder.pid, signal.SIGKILL)  # the stuck session is ended: its lock goes with it
        stopped_holder.wait()
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, ModelForm))
    assert [c.name for c in store.repo("contacts").list()] == ["Harriet Cole", "Bilal Khan"]


async def test_background_work_that_fails_says_so_once_without_taking_the_keys(store):
    store.repo("faxes").add({"fax_number": "0123 456", "recipient": "Ann", "document": __file__})
    app = BackOfficeApp(store, Settings(fax_command="sendfax {nonsense}", fax_server=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("1", "n")  # a call being logged when the failure comes
        app.work_the_faxes()  # what its timer runs every 30 seconds
        assert await wait_for(pilot, lambda: any(n.title == "Background work failed" for n in app._notifications))
        [said] = [n.message for n in app._notifications if n.title == "Background work failed"]
        assert said.startswith("Sending and following faxes failed: The fax command")
        form = app.screen
        await pilot.press(*"Ann")  # the keys go on to the form
        assert isinstance(form, ModelForm) and app.focused.value == "Ann"
        app.clear_notifications()
        again = app.work_the_faxes()
        assert await wait_for(pilot, lambda: again.state == WorkerState.ERROR)  # the next try fails the same way
        await pilot.pause(0.5)  # a bounded wait: a notice that is not to come has nothing to wait for
        assert not list(app._notifications)  # the same trouble is not said again at every try


async def test_no_fax_server_where_one_is_looked_for_by_default_is_no_trouble(store, monkeypatch):
    from tui import settings

    monkeypatch.setattr(settings, "DEFAULT_FAX_SERVER", "127.0.0.1:1")  # nothing listens there, as on most machines
    for server, said in (("127.0.0.1:1", False), ("127.0.0.1:2", True)):  # the default, then one set in the settings
        app = BackOfficeApp(store, Settings(fax_command="", fax_server=server))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            worker = app.work_the_faxes()
            assert await wait_for(pilot, lambda: worker.is_finished)
            await pilot.pause(0.2)
            notices = [n.message for n in app._notifications if n.title == "Background work failed"]
            assert bool(notices) is said
            assert not notices or "The fax server at 127.0.0.1:2 cannot be reached" in notices[0]


async def test_a_new_office_says_where_it_was_started(tmp_path):
    store = Store(tmp_path / "new-office", user="reception")
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        said = f"Started a new office in {tmp_path / 'new-office'}"
        assert await wait_for(pilot, lambda: any(n.message == said for n in app._notifications))


def test_reading_a_folder_that_is_not_there_is_an_error_and_makes_nothing(tmp_path):
    missing = tmp_path / "ofice"  # mistyped
    for command in (("agenda",), ("list", "calls"), ("check",), ("reorder",)):
        done = backoffice(missing, *command)
        assert done.returncode == 1
        assert done.stderr == (f"backoffice: There is no office at {missing}: the folder does not exist. "
                               "Nothing was created; check the folder's name, or start a new office there.\n")
    assert not missing.exists()


def test_adding_to_a_folder_that_is_not_there_starts_an_office_and_says_so(tmp_path):
    added = backoffice(tmp_path / "office", "add", "calls", "caller=Ann")
    assert added.returncode == 0
    assert added.stdout == "1\n"
    assert added.stderr == f"backoffice: started a new office in {tmp_path / 'office'}\n"


def test_bad_input_for_a_new_office_makes_no_folder(tmp_path):
    assert backoffice(tmp_path / "office", "add", "calls", "priority=asap").returncode == 2
    assert not (tmp_path / "office").exists()


def test_the_app_and_every_command_open_the_folder_of_the_settings_file(tmp_path, monkeypatch):
    config = tmp_path / "config" / "backoffice"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text(f'data = "{tmp_path / "from-settings"}"\n')
    monkeypatch.delenv("BACKOFFICE_DATA")
    assert backoffice_without_data(tmp_path, "add", "calls", "caller=Ann").returncode == 0
    assert (tmp_path / "from-settings" / "calls.json").exists()
    from tui.office import data_folder
    from tui.settings import load_settings

    assert data_folder(load_settings()) == tmp_path / "from-settings"  # where the app opens
    monkeypatch.setenv("BACKOFFICE_DATA", str(tmp_path / "from-environment"))
    assert data_folder(load_settings()) == tmp_path / "from-environment"  # the environment wins over the file
    assert data_folder(load_settings(data=str(tmp_path / "given"))) == tmp_path / "given"  # --data wins over both


def backoffice_without_data(tmp_path, *args):
    import subprocess
    import sys

    from tests.data.helpers import ROOT

    return subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=ROOT, capture_output=True, text=True)
