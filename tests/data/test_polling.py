"""Machines that report themselves: real SNMP agents (snmpsimd) answering as a copier and a
printer, asked by `backoffice machines poll` as cron runs it and by the polling the app runs."""

from __future__ import annotations

import os
from datetime import timedelta

from data.engine.store import Store
from data.machines.models import MachineStatus
from data.machines.polling import poll_machines
from tests.data.helpers import backoffice
from tests.servers import free_port
from tests.snmp_agent import V3User

TONERS = {"Canon C-EXV51 Black Toner": 80, "Canon C-EXV51 Cyan Toner": 40}
OFFICE_USER = V3User("office", "auth-key-2026", "privacy-key-2026")


def office_with(tmp_path, *machines: dict) -> Store:
    store = Store(tmp_path / "office", user="setup")
    for machine in machines:
        store.repo("machines").add({"kind": "copier", "serial": f"S-{machine['asset_tag']}", **machine})
    return store


def test_a_copier_has_its_counter_and_toner_recorded_without_anyone_typing_them(tmp_path, snmp_printers):
    copier = snmp_printers("Canon iR-ADV C5535")
    copier.show(total=120_345, supplies=TONERS)
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address})
    store.repo("supplies").add({"name": "Canon C-EXV51 Cyan Toner", "category": "toner", "unit": "cartridge",
                                "on_hand": 1, "reorder_point": 0, "target": 2, "fits": ["CP-01"]})

    polled = backoffice(store.folder, "machines", "poll")
    assert (polled.returncode, polled.stdout, polled.stderr) == (0, "CP-01: running\n", "")
    [reading] = store.repo("meter_readings").list()
    assert (reading.total, reading.polled) == (120_345, True)
    assert "Nothing is at or below" in backoffice(store.folder, "reorder").stdout

    copier.show(total=121_000, supplies={**TONERS, "Canon C-EXV51 Cyan Toner": 6})  # pages printed, cyan running out
    assert backoffice(store.folder, "machines", "poll").returncode == 0
    [reading] = store.repo("meter_readings").list()
    assert reading.total == 121_000, "one polled reading a day, raised as the day goes on"
    levels = [(lv.description, lv.percent) for lv in store.repo("supply_levels").list()]
    assert levels == [("Canon C-EXV51 Black Toner", 80), ("Canon C-EXV51 Cyan Toner", 40), ("Canon C-EXV51 Cyan Toner", 6)]
    order_list = backoffice(store.folder, "reorder").stdout
    assert ("order 2 cartridge — target 2 − on hand 1 − on order 0 + 1 soon needed "
            "(CP-01 Canon C-EXV51 Cyan Toner at 6%) = 2") in order_list
    agenda = backoffice(store.folder, "agenda").stdout
    assert "Toner low: 1" in agenda and "Canon C-EXV51 Cyan Toner: 6%" in agenda


def test_a_printer_that_goes_down_is_suggested_beside_its_status_not_forced(tmp_path, snmp_printers):
    printer = snmp_printers("HP LaserJet M404")
    store = office_with(tmp_path, {"asset_tag": "PR-02", "kind": "printer", "snmp": printer.address})
    printer.show(total=5_000, supplies={"Black Cartridge HP 59A": 55}, state="down", errors=("jammed", "door open"))
    assert backoffice(store.folder, "machines", "poll").stdout == "PR-02: door open, jammed\n"
    machine = store.repo("machines").get(1)
    assert (machine.status, machine.reported_status, machine.reported) == (MachineStatus.OK, MachineStatus.DOWN, "door open, jammed")

    printer.show(total=5_010, supplies={"Black Cartridge HP 59A": 54}, errors=("low paper",))
    backoffice(store.folder, "machines", "poll")
    machine = store.repo("machines").get(1)
    assert (machine.reported_status, machine.reported) == (MachineStatus.NEEDS_ATTENTION, "low paper")


def test_a_machine_that_does_not_answer_is_named_and_the_others_are_still_read(tmp_path, snmp_printers):
    copier = snmp_printers("Canon iR-ADV C5535")
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address},
                        {"asset_tag": "PR-09", "kind": "printer", "snmp": f"127.0.0.1:{free_port()}"})
    polled = backoffice(store.folder, "machines", "poll")
    assert polled.returncode == 1
    assert polled.stdout == "CP-01: running\n"
    assert polled.stderr.startswith("backoffice: PR-09: 127.0.0.1 did not answer over SNMP")
    silent = store.repo("machines").get(2)
    assert silent.reported_status is None and silent.reported.startswith("not answering")
    assert [r.machine_id for r in store.repo("meter_readings").list()] == [1]


def test_a_counter_going_back_is_said_as_such_not_recorded_and_the_state_it_answered_kept(tmp_path, snmp_printers):
    copier = snmp_printers("Canon iR-ADV C5535")
    copier.show(total=121_000, supplies=TONERS)
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address})
    assert backoffice(store.folder, "add", "meter_readings", "machine_id=1", "taken_on=2026-01-05", "total=900000000").returncode == 0
    polled = backoffice(store.folder, "machines", "poll")
    assert polled.returncode == 1
    assert "CP-01: running; counter went back: 121,000 < 900,000,000 (900,000,000 on 05 Jan 2026)" in polled.stderr
    copier_now = store.repo("machines").get(1)
    assert copier_now.reported_status == MachineStatus.OK, "it answered: its state is shown, not '?'"
    assert [r.total for r in store.repo("meter_readings").list()] == [900_000_000]
    assert store.repo("supply_levels").list(), "the toner levels are still kept"


def test_sessions_polling_together_ask_each_machine_once(tmp_path, snmp_printers):
    copier = snmp_printers("Canon iR-ADV C5535")
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address})
    first = poll_machines(store, unless_polled_within=timedelta(minutes=4))
    copier.stop()  # the next session to poll would find no machine, if it asked
    second = poll_machines(store, unless_polled_within=timedelta(minutes=4))
    assert ([m.asset_tag for m in first.polled], first.problems) == (["CP-01"], [])
    assert (second.polled, second.problems) == ([], [])


def test_what_a_machine_says_is_stored_inert_whatever_bytes_it_sends(tmp_path, snmp_printers):
    copier = snmp_printers("Canon\x1b]0;owned\x07")
    copier.show(total=10, supplies={"[bold red]Cyan\x1b[2J\u202e Toner": 5})
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address})
    assert backoffice(store.folder, "machines", "poll").returncode == 0
    [level] = store.repo("supply_levels").list()
    assert level.description == "[bold red]Cyan␛[2J\ufffd Toner"
    assert "\x1b" not in backoffice(store.folder, "agenda").stdout


def test_an_agent_that_answers_the_same_oid_again_does_not_keep_the_poll_going(tmp_path, snmp_printers):
    """snmpsimd with an index older than its recording answers a walk with one OID over and
    over, as some printers' agents do; the poll ends all the same."""
    copier = snmp_printers("Canon iR-ADV C5535")
    copier.show(total=2_000, supplies=TONERS)
    os.utime(copier.recording, (1, 1))  # the recording now looks older than the index built from the first one
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address})
    polled = backoffice(store.folder, "machines", "poll")  # tests.data.helpers gives it no timeout: a hang fails the run
    assert polled.returncode == 0 and polled.stdout == "CP-01: running\n"


def v3_settings(monkeypatch, user: V3User, **changed: str) -> None:
    """The SNMP v3 user and its keys in the settings, as BACKOFFICE_SNMP_* variables."""
    for name, value in {"user": user.name, "auth_key": user.auth_key, "privacy_key": user.privacy_key, **changed}.items():
        monkeypatch.setenv(f"BACKOFFICE_SNMP_{name.upper()}", value)


def test_a_copier_that_answers_only_its_snmp_v3_user_is_read_with_the_keys_in_the_settings(tmp_path, snmp_printers, monkeypatch):
    copier = snmp_printers("Canon iR-ADV C5535", OFFICE_USER)
    copier.show(total=64_000, supplies=TONERS)
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address})
    v3_settings(monkeypatch, OFFICE_USER)
    polled = backoffice(store.folder, "machines", "poll")
    assert (polled.returncode, polled.stdout, polled.stderr) == (0, "CP-01: running\n", "")
    assert [r.total for r in store.repo("meter_readings").list()] == [64_000]


def test_a_wrong_snmp_v3_key_is_said_in_words_that_do_not_give_the_keys_away(tmp_path, snmp_printers, monkeypatch):
    copier = snmp_printers("Canon iR-ADV C5535", OFFICE_USER)
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": copier.address})
    v3_settings(monkeypatch, OFFICE_USER, auth_key="not-the-auth-key")
    polled = backoffice(store.folder, "machines", "poll")
    assert (polled.returncode, polled.stdout) == (1, "")
    assert polled.stderr == ("backoffice: CP-01: 127.0.0.1 did not answer over SNMP (No SNMP response received before timeout); "
                             "as SNMP v3 user 'office', a wrong user or key goes unanswered too: "
                             "check snmp_user, snmp_auth_key and snmp_privacy_key\n")
    said = polled.stderr + store.repo("machines").get(1).reported
    assert "not-the-auth-key" not in said and OFFICE_USER.privacy_key not in said


def test_snmp_v3_settings_that_cannot_work_are_named_without_their_values(tmp_path, monkeypatch):
    store = office_with(tmp_path)
    monkeypatch.setenv("BACKOFFICE_SNMP_USER", "office")
    monkeypatch.setenv("BACKOFFICE_SNMP_PRIVACY_KEY", "privacy-key-2026")
    polled = backoffice(store.folder, "machines", "poll")
    assert (polled.returncode, polled.stderr) == (2, "backoffice: settings: snmp_privacy_key needs snmp_auth_key: "
                                                     "SNMP v3 encrypts only what is authenticated\n")
    monkeypatch.setenv("BACKOFFICE_SNMP_AUTH_KEY", "short")
    polled = backoffice(store.folder, "machines", "poll")
    assert polled.stderr == "backoffice: settings: snmp_auth_key must be at least 8 characters (SNMP v3 takes no shorter key)\n"
    monkeypatch.setenv("BACKOFFICE_SNMP_AUTH_KEY", "auth-key-2026")
    monkeypatch.setenv("BACKOFFICE_SNMP_AUTH_PROTOCOL", "SHA-1")
    polled = backoffice(store.folder, "machines", "poll")
    assert polled.stderr == "backoffice: settings: snmp_auth_protocol must be one of MD5, SHA, SHA224, SHA256, SHA384, SHA512\n"


def test_a_machine_whose_stored_address_is_hostile_is_said_not_answering_inert(store):
    from tests.hostile import SHOWN_PAYLOAD, poison_office

    store.repo("machines").add({"asset_tag": "CP-01", "kind": "copier", "serial": "S1", "snmp": "10.0.0.1"})
    poison_office(store)  # a hand edit put escape sequences in the address

    run = poll_machines(store)
    [machine] = store.repo("machines").list()
    assert len(run.problems) == 1 and machine.polled_at is not None
    assert machine.reported.startswith("not answering: ") and SHOWN_PAYLOAD in machine.reported
