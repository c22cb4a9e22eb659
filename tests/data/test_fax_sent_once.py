"""A fax is sent once: a try cut short after the fax server took the fax — the command or the
whole `fax run` killed, the command stopped at its time limit — is found at a real HylaFAX
server by its job tag before anything is queued again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.calls import actions, fax_command, fax_server, rules
from data.calls.fax_server import FaxServerError
from data.calls.models import Fax, FaxStatus
from data.engine.store import Store
from tests.data.helpers import ROOT
from tests.fax_server import PAGE
from tests.slow_link import SlowLink
from tui.settings import DEFAULT_FAX_COMMAND


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "quote 4471.ps"
    path.write_bytes(PAGE)
    return path


def path_with_sendfax_that_then(tmp_path: Path, then: str) -> str:
    """A PATH whose first `sendfax` runs HylaFAX's own and, once the server has taken the
    job, does ``then`` (the shell's words) instead of exiting."""
    folder = tmp_path / "bin"
    folder.mkdir()
    wrapper = folder / "sendfax"
    wrapper.write_text(f'#!/bin/sh\n{shutil.which("sendfax")} "$@" || exit $?\n{then}\n')
    wrapper.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def queued(store: Store, document: Path) -> Fax:
    return actions.queue_fax(store, Fax(fax_number="020 7946 0322", recipient="Ann Smith", document=str(document)))


def eleven_minutes_later(folder: Path) -> Store:
    """The same office, the next `fax run` long after any try would have ended."""
    return Store(folder, user="tester", clock=lambda: datetime.now(UTC) + timedelta(seconds=rules.SEND_TIMEOUT + 61))


def test_a_fax_run_killed_right_after_the_server_took_the_fax_does_not_send_it_again(tmp_path, hylafax, document):
    path = path_with_sendfax_that_then(tmp_path, "kill -KILL $PPID")  # the fax run dies before it hears the job id
    store = Store(tmp_path / "office", user="tester")
    fax = queued(store, document)

    killed = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(store.folder), "fax", "run"], cwd=ROOT,
                            env={**os.environ, "PATH": path, "BACKOFFICE_FAX_SERVER": hylafax.address},
                            capture_output=True, timeout=120)
    assert killed.returncode == -9
    assert store.repo("faxes").get(fax.id).status == FaxStatus.SENDING
    [job] = hylafax.jobs()
    store.repo("faxes").update(fax.id, lambda f: setattr(f, "max_tries", 5))  # edited meanwhile, as a person may

    later = eleven_minutes_later(store.folder)
    run = actions.fax_run(later, DEFAULT_FAX_COMMAND, hylafax.address)

    assert list(hylafax.jobs()) == [job], "one job at the server for the fax, not two"
    fax = later.repo("faxes").get(fax.id)
    assert (fax.status, fax.job, fax.tries) == (FaxStatus.AT_SERVER, job, 1)
    assert fax.attempts[-1].action == f"queued at the fax server (job {job}), found there after the send that handed it over was cut short"
    assert [f.id for f in run.sent] == [fax.id] and run.said() == []


def test_a_sendfax_stopped_at_its_time_limit_after_the_server_took_the_fax_is_followed_not_tried_again(
        store, hylafax, document, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", path_with_sendfax_that_then(tmp_path, "exec sleep 60"))  # took the job, then never exits
    monkeypatch.setattr(fax_command, "HANDOVER_TIMEOUT", 2)
    fax = queued(store, document)

    fax = actions.send_fax(store, fax.id, DEFAULT_FAX_COMMAND, server=hylafax.address)

    [job] = hylafax.jobs()
    assert (fax.status, fax.job) == (FaxStatus.AT_SERVER, job)
    assert rules.due_faxes(store.repo("faxes").list(), store.now() + timedelta(hours=1)) == []


def test_a_try_the_server_cannot_account_for_stays_sending_and_goes_once_when_the_server_says_it_has_no_job(
        tmp_path, hylafax, document, monkeypatch):
    monkeypatch.setattr(fax_command, "HANDOVER_TIMEOUT", 2)
    monkeypatch.setattr(fax_server, "DEADLINE", 1)
    store = Store(tmp_path / "office", user="tester")
    fax = queued(store, document)

    with SlowLink(hylafax.port, trickle=0.5) as link, pytest.raises(FaxServerError) as said:
        actions.send_fax(store, fax.id, DEFAULT_FAX_COMMAND, server=f"127.0.0.1:{link.port}")

    assert str(said.value).startswith(f"The fax command for {fax.label()} gave no answer within 2 s, and the fax server"
                                      " could not say whether it took the fax, so it is not sent again until the server"
                                      f" says it has no job for it: The fax server at 127.0.0.1:{link.port} was asked to")
    assert store.repo("faxes").get(fax.id).status == FaxStatus.SENDING
    assert actions.send_due_faxes(store, DEFAULT_FAX_COMMAND, server=hylafax.address) == [], "not again at once"

    later = eleven_minutes_later(store.folder)
    [sent] = actions.send_due_faxes(later, DEFAULT_FAX_COMMAND, server=hylafax.address)

    assert list(hylafax.jobs()) == [sent.job]
    assert (sent.status, sent.tries) == (FaxStatus.AT_SERVER, 2)


def test_each_try_of_a_fax_carries_its_own_tag_to_the_server(store, hylafax, document):
    fax = queued(store, document)
    first = actions.send_fax(store, fax.id, DEFAULT_FAX_COMMAND, server=hylafax.address)
    actions.cancel_fax(store, fax.id, hylafax.address)
    actions.resend_fax(store, fax.id)
    second = actions.send_fax(store, fax.id, DEFAULT_FAX_COMMAND, server=hylafax.address)

    tags = {job: state.tag for job, state in hylafax.jobs().items()}
    assert set(tags) == {first.job, second.job}
    assert tags[first.job] != tags[second.job]
    assert all(tag.startswith(f"backoffice-fax-{fax.id}-") for tag in tags.values())
