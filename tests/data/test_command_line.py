"""Conventions of the command line: --version, --help that names the settings file and the
collections, --data wherever it is put, the office's time zone for typed times, and every
command naming the records it had to leave out."""

from __future__ import annotations

import orjson

from data.engine.store import Store
from data.stock import actions
from tests.data.helpers import ROOT, backoffice


def test_version_and_help_say_what_a_person_needs(tmp_path):
    import subprocess
    import sys

    shown = subprocess.run([sys.executable, "-m", "tui.cli", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stdout.startswith("backoffice ")
    helped = subprocess.run([sys.executable, "-m", "tui.cli", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert "settings: " in helped.stdout and "settings.toml" in helped.stdout
    assert "collections: calls, candidates, contacts," in helped.stdout
    assert "exit status: 0 done, 1 the machine or the data folder, 2 bad input, 3 a file stayed busy" in helped.stdout


def test_data_may_come_before_or_after_the_command(tmp_path):
    missing = tmp_path / "typo"
    for args in (("--data", str(missing), "agenda"), ("agenda", "--data", str(missing))):
        done = backoffice_without_data(*args)
        assert done.returncode == 1 and "There is no office at" in done.stderr
    assert not missing.exists()


def test_a_retention_out_of_range_is_refused_by_name(tmp_path):
    backoffice(tmp_path, "add", "calls", "caller=Ann")
    for days in ("-5", "0", "99999999999", "soon"):
        done = backoffice(tmp_path, "archive", "--days", days)
        assert done.returncode == 2 and "--days: must be a whole number of days from 1 to 36,500" in done.stderr
        assert "Traceback" not in done.stderr
    assert backoffice(tmp_path, "archive", "--days", "36500").returncode == 0


def backoffice_without_data(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=ROOT, capture_output=True, text=True)


def test_a_time_typed_on_the_command_line_is_office_time(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_TIMEZONE", "Asia/Tokyo")
    added = backoffice(tmp_path, "add", "calls", "caller=Kei", "callback_due=2026-12-01 10:00")
    assert added.returncode == 0, added.stderr
    stored = orjson.loads((tmp_path / "calls.json").read_bytes())["calls"]["1"]
    assert stored["callback_due"] == "2026-12-01T01:00:00Z"  # 10:00 in Tokyo


def test_every_command_names_the_damaged_records_it_left_out(store):
    for name in ("Paper", "Toner"):
        actions.add_item(store, {"name": name, "on_hand": 1, "reorder_point": 2, "target": 5})
    data = orjson.loads(store.file("stock").read_bytes())
    data["supplies"]["1"]["unit_cost"] = None
    store.file("stock").write_bytes(orjson.dumps(data))
    for command in (("reorder",), ("agenda",), ("list", "supplies")):
        done = backoffice(store.folder, *command)
        assert done.returncode == 0, done.stderr
        assert "backoffice: left out a damaged record, stock.json, supplies #1: field 'unit_cost'" in done.stderr


def test_a_table_keeps_its_columns_lined_up_with_wide_characters(tmp_path):
    Store(tmp_path)
    for caller in ("山田太郎", "Ann Lee"):
        assert backoffice(tmp_path, "add", "calls", f"caller={caller}", "company=Acme").returncode == 0
    lines = backoffice(tmp_path, "list", "calls").stdout.splitlines()
    rows = [line for line in lines if "Acme" in line]
    assert len(rows) == 2
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    assert width(rows[0][: rows[0].index("Acme")]) == width(rows[1][: rows[1].index("Acme")])


def test_a_ring_names_what_it_refuses_and_takes_a_withheld_number(tmp_path):
    backoffice(tmp_path, "add", "calls", "caller=Ann")
    refused = backoffice(tmp_path, "ring", "0161 496 0000", "--to", "ann\x1b]0;x\x07")
    assert refused.returncode == 2 and "field 'rang_for': contains the control character ESC (U+001B)" in refused.stderr
    withheld = backoffice(tmp_path, "ring", "Restricted")
    assert (withheld.returncode, withheld.stdout) == (0, "call #2: Restricted rang\n")  # the caller id as the phone system said it
