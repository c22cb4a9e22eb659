"""Servers that crawl or stall — a real one behind a slow link, or a real SNMP agent that
waits before each value — end the exchange with a sentence naming the server and what it
was asked, within a deadline for the whole exchange (set short here through the module's
constant), however slowly they drip their answer; the work beside them goes on."""

from __future__ import annotations

import ftplib
import getpass
import re
import time
from pathlib import Path

import pytest

from data.calls import actions, fax_server
from data.calls.fax_server import FaxServerError
from data.calls.models import Fax, FaxStatus
from data.machines import polling, printer_snmp
from tests.data.test_polling import TONERS, office_with
from tests.fax_server import PAGE
from tests.slow_link import SlowLink
from tui.settings import DEFAULT_FAX_COMMAND

DEADLINE = 1  # seconds, for the whole of one exchange


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "quote 4471.ps"
    path.write_bytes(PAGE)
    return path


def greeting_and_login(port: int) -> tuple[str, str]:
    """What hfaxd says when a client connects, and when it has logged in."""
    with ftplib.FTP() as client:
        return client.connect("127.0.0.1", port), client.login(getpass.getuser())


def login_bytes(port: int) -> int:
    """What hfaxd says from its greeting to the end of logging in, in bytes."""
    return sum(len(line) + 2 for line in greeting_and_login(port))  # each line ends in CR LF


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


def test_an_answer_cut_off_by_the_deadline_is_not_taken_for_a_yes(store, hylafax, monkeypatch):
    """hfaxd stops after the first bytes of "230 User … logged in": those alone are no login."""
    monkeypatch.setattr(fax_server, "DEADLINE", DEADLINE)
    greeting, _ = greeting_and_login(hylafax.port)

    link = SlowLink(hylafax.port, trickle=0.001, stall_after=len(greeting) + 2 + len("230 U"))
    with link, pytest.raises(FaxServerError) as said:
        actions.take_in_received_faxes(store, f"127.0.0.1:{link.port}")

    assert f"was asked to let {getpass.getuser()} log in and had not answered in full" in str(said.value)


# -- the machines' poll ---------------------------------------------------------------------


@pytest.fixture
def short_round(monkeypatch) -> float:
    monkeypatch.setattr(polling, "ROUND_DEADLINE", DEADLINE * 2)
    return polling.ROUND_DEADLINE


def timed_poll(store) -> tuple[polling.PollRun, float]:
    started = time.monotonic()
    run = polling.poll_machines(store)
    return run, time.monotonic() - started


def test_a_copier_slow_to_walk_its_tables_is_said_not_answering_within_the_round(tmp_path, snmp_printers, short_round):
    slow = snmp_printers("Canon iR-ADV C5535")
    slow.show(total=120_345, supplies=TONERS, answer_after=1.9)  # each row just in time: a poll of minutes
    store = office_with(tmp_path, {"asset_tag": "CP-02", "snmp": slow.address})

    run, took = timed_poll(store)

    assert run.polled == []
    assert run.problems == [f"CP-02: 127.0.0.1 was asked over SNMP for its state and had not answered in full after"
                            f" {short_round:g} s: it is too slow or has stopped answering"]
    assert store.repo("machines").get(1).reported.startswith("not answering: 127.0.0.1 was asked over SNMP")
    assert took < 3 * short_round


def test_a_printer_that_drips_its_ipp_answer_is_said_not_answering_within_the_round(tmp_path, ipp_printers, short_round):
    printer = ipp_printers("HP OfficeJet Pro 9130")
    with SlowLink(printer.port, trickle=0.05) as link:
        store = office_with(tmp_path, {"asset_tag": "PR-03", "kind": "printer", "ipp": f"ipp://127.0.0.1:{link.port}/ipp/print"})
        run, took = timed_poll(store)

    assert run.polled == []
    [problem] = run.problems  # after what was left of the round when the printer's turn came
    assert re.fullmatch(r"PR-03: 127\.0\.0\.1 was asked over IPP for its state and had not answered in full after"
                        r" [0-9.]+ s: it is too slow or has stopped answering", problem), problem
    assert took < 3 * short_round


def test_a_round_asks_every_machine_at_once_and_keeps_what_those_in_time_said(tmp_path, snmp_printers, ipp_printers, short_round):
    copier, slow_copier = snmp_printers("Canon iR-ADV C5535"), snmp_printers("Canon iR-ADV C5535")
    copier.show(total=120_345, supplies=TONERS)
    slow_copier.show(total=7_000, supplies=TONERS, answer_after=1.9)
    printer = ipp_printers("HP OfficeJet Pro 9130")
    printer.show(total=8_412, supplies={"HP 937 Black": 70})
    links = [SlowLink(printer.port, stall_after=0) for _ in range(4)]  # four printers that never answer
    try:
        store = office_with(
            tmp_path, {"asset_tag": "CP-02", "snmp": slow_copier.address}, {"asset_tag": "CP-01", "snmp": copier.address},
            *({"asset_tag": f"PR-1{n}", "kind": "printer", "ipp": f"ipp://127.0.0.1:{link.port}/ipp/print"}
              for n, link in enumerate(links)),
            {"asset_tag": "PR-01", "kind": "printer", "ipp": printer.address})  # its turn after the silent ones
        run, took = timed_poll(store)
    finally:
        for link in links:
            link.close()

    assert sorted(m.asset_tag for m in run.polled) == ["CP-01", "PR-01"]
    assert sorted(problem.split(": ")[0] for problem in run.problems) == ["CP-02", "PR-10", "PR-11", "PR-12", "PR-13"]
    assert all("had not answered in full" in problem for problem in run.problems)
    assert sorted(r.total for r in store.repo("meter_readings").list()) == [8_412, 120_345]
    assert took < 3 * short_round, "one after the other, the silent machines alone would take five rounds"


def test_a_machine_that_answers_at_more_length_than_any_is_not_read(tmp_path, snmp_printers):
    copier = snmp_printers("Canon iR-ADV C5535")
    copier.show(total=1_000, supplies={f"{n} {'toner ' * 5_000}": 50 for n in range(12)})  # 30 KB a name
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address})

    run = polling.poll_machines(store)

    assert run.problems == [f"CP-01: 127.0.0.1 answered at more length than any machine does"
                            f" (over {printer_snmp.MAX_ANSWER >> 10} KB): not read"]
    assert store.repo("supply_levels").list() == []
