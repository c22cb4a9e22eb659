"""A save waiting for a busy file: told who holds it after a second, free to cancel, and a
command that gives up after its timeout with exit status 3. Nobody who may only read a
file can hold up its saves."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.engine.errors import LockCancelled, LockTimeout, NoAccessError
from data.engine.locks import LockHolder
from data.engine.store import Store
from tests.data.helpers import ANN, Child, Gate, Report, backoffice, needs_accounts


class Told:
    """A LockWaits that remembers what it was told."""

    def __init__(self) -> None:
        self.waiting_called = threading.Event()
        self.waits: list[tuple[str, LockHolder | None]] = []
        self.ended: list[str] = []
        self.cancel: threading.Event | None = None

    def waiting(self, file_name: str, holder: LockHolder | None, cancel: threading.Event) -> None:
        self.waits.append((file_name, holder))
        self.cancel = cancel
        self.waiting_called.set()

    def done(self, file_name: str) -> None:
        self.ended.append(file_name)


def hold_calls(folder: Path, report: Report, gate: Gate | None = None) -> None:
    """Take the lock of calls.json as ann; stop (as ctrl+z would), or wait at ``gate``."""
    with Store(folder, user="ann").transaction("calls"):
        report("holding")
        if gate is None:
            os.kill(os.getpid(), signal.SIGSTOP)
        else:
            gate.wait()


@pytest.fixture
def stopped_holder(store):
    store.repo("calls").add({"caller": "Ann"})
    holder = Child(lambda report: hold_calls(store.folder, report))
    assert holder.next_report() == "holding"
    os.waitpid(holder.pid, os.WUNTRACED)  # stopped, with the lock
    yield holder
    holder.kill()
    holder.wait()


def save_in_a_thread(store: Store) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def save() -> None:
        try:
            outcome.append(store.repo("calls").add({"caller": "Bob"}))
        except Exception as error:  # the outcome the test looks at
            outcome.append(error)

    thread = threading.Thread(target=save)
    thread.start()
    return thread, outcome


def test_a_stopped_holder_is_named_within_two_seconds_and_cancelling_stops_the_wait(store, stopped_holder):
    before = store.file("calls").read_bytes()
    told = Told()
    thread, outcome = save_in_a_thread(Store(store.folder, user="bob", lock_waits=told))

    assert told.waiting_called.wait(timeout=2)
    [(file_name, holder)] = told.waits
    assert file_name == "calls.json"
    assert (holder.user, holder.pid, holder.host) == ("ann", stopped_holder.pid, socket.gethostname())
    assert timedelta(0) <= datetime.now(UTC) - holder.since < timedelta(minutes=1)

    told.cancel.set()
    thread.join(timeout=5)
    [error] = outcome
    assert isinstance(error, LockCancelled)
    assert str(error) == f"Stopped waiting for calls.json, which {holder.describe()} holds. Nothing was changed."
    assert told.ended == ["calls.json"]
    assert store.file("calls").read_bytes() == before


def test_while_a_save_waits_the_same_session_goes_on_reading(store, stopped_holder):
    told = Told()
    session = Store(store.folder, user="bob", lock_waits=told)
    thread, outcome = save_in_a_thread(session)
    assert told.waiting_called.wait(timeout=2)
    counted: list[int] = []
    reader = threading.Thread(target=lambda: counted.append(session.repo("calls").count()))
    reader.start()
    reader.join(timeout=2)
    assert counted == [1] and outcome == []  # read while the save still waits
    told.cancel.set()
    thread.join(timeout=5)


def test_the_command_gives_up_after_its_timeout_naming_the_holder(store, stopped_holder, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_LOCK_TIMEOUT", "1")
    before = store.file("calls").read_bytes()
    result = backoffice(store.folder, "add", "calls", "caller=Bob")
    assert result.returncode == 3
    host = re.escape(socket.gethostname())
    assert re.fullmatch(
        rf"backoffice: calls\.json is busy: ann's backoffice \(process {stopped_holder.pid} on {host}, "
        r"since \d\d:\d\d:\d\d\) holds its lock; gave up after 1 s\.\n",
        result.stderr,
    ), result.stderr
    assert store.file("calls").read_bytes() == before


def test_a_lock_timeout_that_is_not_a_number_is_bad_input(store, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_LOCK_TIMEOUT", "soon")
    result = backoffice(store.folder, "add", "calls", "caller=Bob")
    assert (result.returncode, result.stderr) == (
        2, "backoffice: BACKOFFICE_LOCK_TIMEOUT: expected a number of seconds, not 'soon'\n"
    )


def test_a_store_gives_up_after_its_lock_timeout_with_the_holder(store, stopped_holder):
    with pytest.raises(LockTimeout) as raised:
        Store(store.folder, user="bob", lock_timeout=0.2).repo("calls").add({"caller": "Bob"})
    assert raised.value.holder.pid == stopped_holder.pid
    assert str(raised.value).endswith("holds its lock; gave up after 0.2 s.")


def test_when_the_holder_lets_go_the_save_goes_through_and_the_wait_is_done(store):
    store.repo("calls").add({"caller": "Ann"})
    gate = Gate()
    holder = Child(lambda report: hold_calls(store.folder, report, gate))
    assert holder.next_report() == "holding"
    told = Told()
    thread, outcome = save_in_a_thread(Store(store.folder, user="bob", lock_waits=told))
    assert told.waiting_called.wait(timeout=2)
    gate.open()
    thread.join(timeout=5)
    assert holder.wait()[0] == 0
    assert [c.caller for c in outcome] == ["Bob"]  # type: ignore[attr-defined]
    assert told.ended == ["calls.json"] and len(told.waits) == 1
    assert sorted(c.caller for c in store.repo("calls").list()) == ["Ann", "Bob"]


def test_a_thread_waiting_for_another_thread_of_its_process_has_the_same_bounds(store):
    store.repo("calls").add({"caller": "Ann"})
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with store.transaction("calls"):
            inside.set()
            leave.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait()
    try:
        with pytest.raises(LockTimeout) as raised:
            Store(store.folder, user="bob", lock_timeout=0.2).repo("calls").add({"caller": "Bob"})
        assert raised.value.holder.pid == os.getpid()
    finally:
        leave.set()
        holder.join()
    Store(store.folder, user="bob", lock_timeout=0.2).repo("calls").add({"caller": "Bob"})


def try_to_hold_a_file_it_may_only_read(folder: Path, report: Report) -> None:
    ANN.become()
    try:
        fcntl.flock(os.open(folder / "calls.json.lock", os.O_RDONLY), fcntl.LOCK_EX)
        report("holding")
    except OSError as error:
        report(f"refused: {error.strerror}")
    try:
        Store(folder, user="ann").repo("calls").add({"caller": "Mallory"})
    except NoAccessError as error:
        report(str(error))
    os.kill(os.getpid(), signal.SIGSTOP)


def test_someone_who_may_only_read_a_data_file_cannot_hold_up_its_saves():
    needs_accounts()
    base = Path(tempfile.mkdtemp(prefix="backoffice-readers-"))
    base.chmod(0o755)
    folder = base / "office"
    umask = os.umask(0o022)  # calls.json: everyone reads, only its owner writes
    try:
        Store(folder).repo("calls").add({"caller": "Ann"})
        folder.chmod(0o755)  # a folder made by the app is its maker's alone; this one everyone may read
        reader = Child(lambda report: try_to_hold_a_file_it_may_only_read(folder, report))
        assert reader.next_report() == "refused: Permission denied"
        assert reader.next_report() == f"You may not change calls.json: no write access to {folder / 'calls.json.lock'}."
        os.waitpid(reader.pid, os.WUNTRACED)
        Store(folder, lock_timeout=1).repo("calls").add({"caller": "Bob"})
        reader.kill()
        reader.wait()
    finally:
        os.umask(umask)


        shutil.rmtree(base)


def test_a_holder_describes_itself_in_words():
    since = datetime(2026, 3, 10, 10, 2, 11, tzinfo=UTC)
    assert LockHolder("ann", 4321, "officebox", since).describe() == (
        "ann's backoffice (process 4321 on officebox, since 10:02:11)"
    )
    assert LockHolder("ann", 4321, "officebox", None).describe() == "ann's backoffice (process 4321 on officebox)"
