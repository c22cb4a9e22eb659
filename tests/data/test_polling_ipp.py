"""Printers that speak only IPP report themselves too: a real IPP Everywhere printer
(ippeveprinter) asked with Get-Printer-Attributes by `backoffice machines poll`, as cron runs it."""

from __future__ import annotations

from data.machines.models import MachineStatus
from tests.data.helpers import backoffice
from tests.data.test_polling import office_with
from tests.servers import free_port

TONERS = {"HP 937 Black": 70, "HP 937 Cyan": 35}


def test_a_printer_that_speaks_only_ipp_has_its_counter_and_toner_recorded(tmp_path, ipp_printers):
    printer = ipp_printers("HP OfficeJet Pro 9130")
    printer.show(total=8_412, supplies=TONERS)
    store = office_with(tmp_path, {"asset_tag": "PR-03", "kind": "printer", "ipp": printer.address})
    store.repo("supplies").add({"name": "HP 937 Cyan", "category": "toner", "unit": "cartridge",
                                "on_hand": 1, "reorder_point": 0, "target": 2, "fits": ["PR-03"]})

    polled = backoffice(store.folder, "machines", "poll")
    assert (polled.returncode, polled.stdout, polled.stderr) == (0, "PR-03: idle\n", "")
    [reading] = store.repo("meter_readings").list()
    assert (reading.total, reading.polled) == (8_412, True)
    assert "Nothing is at or below" in backoffice(store.folder, "reorder").stdout

    printer.show(total=8_950, supplies={**TONERS, "HP 937 Cyan": 8})
    assert backoffice(store.folder, "machines", "poll").returncode == 0
    assert [r.total for r in store.repo("meter_readings").list()] == [8_950]
    levels = [(lv.description, lv.kind, lv.percent) for lv in store.repo("supply_levels").list()]
    assert levels == [("HP 937 Black", "toner", 70), ("HP 937 Cyan", "toner", 35), ("HP 937 Cyan", "toner", 8)]
    assert ("order 2 cartridge — target 2 − on hand 1 − on order 0 + 1 soon needed "
            "(PR-03 HP 937 Cyan at 8%) = 2") in backoffice(store.folder, "reorder").stdout


def test_a_jammed_printer_is_suggested_down_beside_its_status_not_forced(tmp_path, ipp_printers):
    printer = ipp_printers("Brother HL-L8360CDW")
    printer.show(total=20_000, supplies={"Black Toner": 55}, reasons=("media-jam", "cover-open"))
    store = office_with(tmp_path, {"asset_tag": "PR-04", "kind": "printer", "ipp": printer.address})
    assert backoffice(store.folder, "machines", "poll").stdout == "PR-04: door open, jammed\n"
    machine = store.repo("machines").get(1)
    assert (machine.status, machine.reported_status, machine.reported) == (MachineStatus.OK, MachineStatus.DOWN, "door open, jammed")

    printer.show(total=20_040, supplies={"Black Toner": 9}, reasons=("toner-low",))
    backoffice(store.folder, "machines", "poll")
    machine = store.repo("machines").get(1)
    assert (machine.reported_status, machine.reported) == (MachineStatus.NEEDS_ATTENTION, "low toner")


def test_a_printer_that_does_not_answer_is_named_and_the_others_are_still_read(tmp_path, ipp_printers):
    printer = ipp_printers("HP OfficeJet Pro 9130")
    store = office_with(tmp_path, {"asset_tag": "PR-09", "kind": "printer", "ipp": f"127.0.0.1:{free_port()}"},
                        {"asset_tag": "PR-03", "kind": "printer", "ipp": printer.address})
    polled = backoffice(store.folder, "machines", "poll")
    assert polled.returncode == 1
    assert polled.stdout == "PR-03: idle\n"
    assert polled.stderr == "backoffice: PR-09: 127.0.0.1 did not answer over IPP (Connection refused)\n"
    silent = store.repo("machines").get(1)
    assert silent.reported_status is None and silent.reported.startswith("not answering")


def test_a_wrong_path_on_a_printer_is_said_in_words(tmp_path, ipp_printers):
    printer = ipp_printers("HP OfficeJet Pro 9130")
    store = office_with(tmp_path, {"asset_tag": "PR-03", "kind": "printer", "ipp": f"ipp://127.0.0.1:{printer.port}/ipp/scan"})
    polled = backoffice(store.folder, "machines", "poll")
    assert (polled.returncode, polled.stderr) == (1, "backoffice: PR-03: 127.0.0.1 would not say its state over IPP: "
                                                     "no printer answers at that path (status 0x0406)\n")


def test_what_a_printer_says_over_ipp_is_stored_inert_whatever_bytes_it_sends(tmp_path, ipp_printers):
    """CUPS's marker-names this time, and no page counter at all."""
    printer = ipp_printers("Canon\x1b]0;owned\x07")
    printer.show(total=None, supplies={"[bold red]Cyan\x1b[2J\u202e Toner": 5}, markers=True)
    store = office_with(tmp_path, {"asset_tag": "PR-05", "kind": "printer", "ipp": printer.address})
    assert backoffice(store.folder, "machines", "poll").returncode == 0
    [level] = store.repo("supply_levels").list()
    assert (level.description, level.percent) == ("[bold red]Cyan␛[2J\ufffd Toner", 5)
    assert store.repo("meter_readings").list() == []
    assert "\x1b" not in backoffice(store.folder, "agenda").stdout


def test_a_counter_past_any_machine_s_life_is_said_not_recorded(tmp_path, ipp_printers):
    printer = ipp_printers("HP OfficeJet Pro 9130")
    printer.show(total=2_000_000_000, supplies={"Black Toner": 40})
    store = office_with(tmp_path, {"asset_tag": "PR-03", "kind": "printer", "ipp": printer.address})
    polled = backoffice(store.folder, "machines", "poll")
    assert (polled.returncode, polled.stderr) == (1, "backoffice: PR-03: idle; the machine's counter reads 2,000,000,000, "
                                                     "more than any machine counts in its life: not recorded\n")
    assert store.repo("meter_readings").list() == []
    assert [lv.percent for lv in store.repo("supply_levels").list()] == [40]


def test_a_machine_with_both_addresses_is_read_over_snmp(tmp_path, ipp_printers, snmp_printers):
    printer = ipp_printers("Canon iR-ADV C5535")
    printer.show(total=1_111, supplies={"Black Toner": 10})
    agent = snmp_printers("Canon iR-ADV C5535")
    agent.show(total=2_222, supplies={"Black Toner": 90})
    store = office_with(tmp_path, {"asset_tag": "CP-01", "snmp": agent.address, "ipp": printer.address})
    assert backoffice(store.folder, "machines", "poll").stdout == "CP-01: running\n"
    assert [r.total for r in store.repo("meter_readings").list()] == [2_222]


def test_an_ipp_address_typed_wrong_is_refused_with_what_is_wrong(tmp_path):
    store = office_with(tmp_path)
    added = backoffice(store.folder, "add", "machines", "asset_tag=PR-03", "serial=S3", "ipp=https://printer-3/")
    assert (added.returncode, added.stderr) == (2, "backoffice: arguments: field 'ipp': an IPP address starts ipp:// or ipps://, not https://\n")
    added = backoffice(store.folder, "add", "machines", "asset_tag=PR-03", "serial=S3", "ipp=printer-3:70000")
    assert "the port after the printer's name must be a number from 1 to 65535" in added.stderr
    assert backoffice(store.folder, "add", "machines", "asset_tag=PR-03", "serial=S3", "ipp=printer-3").returncode == 0
    assert store.repo("machines").get(1).ipp == "printer-3"
