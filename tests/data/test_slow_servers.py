"""Servers that crawl or stall — a real one behind a slow link, or a real SNMP agent that
waits before each value — end the exchange with a sentence naming the server and what it
was asked, within a deadline for the whole exchange (set short here through the module's
constant), however slowly they drip their answer; the work beside them goes on."""

from __future__ import annotations

import ftplib
import getpass
import time
from pathlib import Path

import pytest

from data.calls import actions, fax_server
from data.calls.fax_server import FaxServerError
from data.calls.models import Fax, FaxStatus
from tests.fax_server import PAGE
from tests.slow_link import SlowLink
from tui.settings import DEFAULT_FAX_COMMAND

DEADLINE = 1  # seconds, for the whole of one exchange


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "quote 4471.ps"
    path.write_bytes(PAGE)
    return path


def login_bytes(port: int) -> int:
    """What hfaxd says from its greeting to the end of logging in, in bytes."""
    with ftplib.FTP() as client:
        greeting = client.connect("127.0.0.1", port)
        logged_in = client.login(getpass.getuser())
    return len(greeting) + len(logged_in) + 4  # each line ends in CR LF


def test_a_fax_server_that_answers_a_byte_at_a_time_ends_the_fax_run_with_a_sentence(store, hylafax, document, monkeypatch):
    monkeypatch.setattr(fax_server, "DEADLINE", DEADLINE)
    fax = actions.queue_fax(store, Fax(fax_number="020 7946 0322", recipient="Ann Smith", document=str(document)))
    fax = actions.send_fax(store, fax.id, DEFAULT_FAX_COMMAND, server=hylafax.address)  # a job to follow
    hylafax.receive("+44 20 7946 0001")  # and a fax to take in

    with SlowLink(hylafax.port, trickle=0.5) as link:
        started = time.monotonic()
        run = actions.fax_run(store, "", f"127.0.0.1:{link.port}")
        took = time.monotonic() - started

    said = (f"The fax server at 127.0.0.1:{link.port} was asked to let {getpass.getuser()} log in and had not answered"
            f" in full after {DEADLINE} s: it is too slow or has stopped answering.")
    assert run.problems == [said, said]  # following the jobs, taking in received faxes
    assert took < 3 * 2 * DEADLINE
    assert store.repo("faxes").get(fax.id).status == FaxStatus.AT_SERVER
    assert [f for f in store.repo("faxes").list() if f.incoming] == []


def test_a_fax_server_that_stops_answering_half_way_is_said_with_what_it_was_asked(store, hylafax, monkeypatch):
    monkeypatch.setattr(fax_server, "DEADLINE", DEADLINE)

    with SlowLink(hylafax.port, stall_after=login_bytes(hylafax.port)) as link:
        started = time.monotonic()
        with pytest.raises(FaxServerError) as said:
            actions.take_in_received_faxes(store, f"127.0.0.1:{link.port}")
        took = time.monotonic() - started

    assert str(said.value) == (f"The fax server at 127.0.0.1:{link.port} was asked to list its recvq and had not"
                               f" answered in full after {DEADLINE} s: it is too slow or has stopped answering.")
    assert took < 3 * DEADLINE
