"""One gate for text: control characters are refused wherever text comes in, naming the
field; what is already stored comes out of the command line shown, never run."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from data.demo import build_demo
from data.engine.collections import all_collections
from data.engine.store import Store
from tests.conftest import NOW, Clock
from tests.hostile import poison_office, text_fields
from tui.cli import main

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ESCAPES = "\x1b]0;pwned\x07\x1b[2J"

# The least each collection needs besides the field under test.
REQUIRED = {
    "calls": ["caller=Ann"],
    "faxes": ["fax_number=0123 456", "recipient=Ann", "document=/tmp/letter.pdf"],
    "contacts": ["name=Ann"],
    "mail": ["mailbox=office"],
    "mail_cursors": ["mailbox=office", "folder=INBOX", "uidvalidity=1"],
    "hr_mail": ["mailbox=jobs"],
    "hr_mail_cursors": ["mailbox=jobs", "folder=INBOX", "uidvalidity=1"],
    "supplies": ["name=Paper"],
    "stock_movements": ["item_id=1", "kind=used", "quantity=1", "at=2026-03-10 09:00"],
    "orders": ["supplier=Acme"],
    "suppliers": ["name=Acme"],
    "count_sessions": [],
    "machines": ["asset_tag=PR-09", "serial=S1"],
    "tickets": ["machine_id=1", "symptom=paper_jam", "opened_at=2026-03-10 09:00"],
    "meter_readings": ["machine_id=1", "taken_on=2026-03-01", "total=10"],
    "supply_levels": ["machine_id=1", "at=2026-03-10 09:00", "description=Toner"],
    "maintenance_plans": ["machine_id=1", "task=Clean", "every_days=30", "last_done_on=2026-03-01"],
    "positions": ["title=Clerk"],
    "candidates": ["name=Ann", "position_id=1"],
    "interviews": ["candidate_id=1", "start=2026-03-12 10:00", "interviewers=Grace"],
    "employees": ["name=Ann", "start_date=2026-01-05"],
    "staff_events": ["employee_id=1", "kind=training", "on=2026-03-01", "course=First aid", "reason=x"],
}
TEXT_FIELDS = [(c.name, f) for c in all_collections().values() for f in text_fields(c.model)]


def run(folder, capsys, *args: str) -> tuple[int, str, str]:
    status = main(["--data", str(folder), *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(("collection", "field"), TEXT_FIELDS, ids=[f"{c}.{f}" for c, f in TEXT_FIELDS])
def test_adding_text_with_escape_sequences_is_refused_naming_the_field(tmp_path, capsys, collection, field):
    folder = tmp_path / "office"
    others = [pair for pair in REQUIRED[collection] if not pair.startswith(f"{field}=")]
    status, out, err = run(folder, capsys, "add", collection, "--as-is", *others, f"{field}=Ann{ESCAPES}")
    assert status == 2
    assert f"field '{field}'" in err
    assert out == "" and not CONTROL.search(err)
    assert not list(folder.glob("*.json")), "nothing may be written"


def test_the_refusal_says_which_character_and_where(tmp_path, capsys):
    status, _, err = run(tmp_path, capsys, "add", "calls", "caller=Ann\x1b[2J")
    assert status == 2
    assert err == ("backoffice: arguments: field 'caller': contains the control character ESC (U+001B) at position 4; "
                   "only plain text can be stored\n")


def test_text_that_would_read_in_another_order_than_it_is_stored_is_refused(tmp_path, capsys):
    status, _, err = run(tmp_path, capsys, "add", "calls", "caller=Ann", "message=pay \u202eRCS.exe")
    assert status == 2
    assert "field 'message': contains the bidirectional control U+202E at position 5" in err
    assert not (tmp_path / "calls.json").exists()


def test_a_paragraph_field_keeps_line_breaks_and_tabs_a_one_line_field_refuses_them(tmp_path, capsys):
    assert run(tmp_path, capsys, "add", "calls", "caller=Ann", "message=Line one\r\n\tLine two")[0] == 0
    stored = Store(tmp_path).repo("calls").list()[0]
    assert stored.message == "Line one\n\tLine two"  # pasted Windows line ends become plain ones
    status, _, err = run(tmp_path, capsys, "add", "calls", "caller=Ann\nLee")
    assert status == 2 and "a line break is not allowed here: this field is one line" in err


def test_importing_a_file_with_one_hostile_cell_names_its_line_and_field_and_imports_nothing(tmp_path, capsys):
    source = tmp_path / "calls.csv"
    source.write_text("caller,message\nAnn,hello\nBob,\u009b6n where am I\n", encoding="utf-8")
    status, _, err = run(tmp_path / "office", capsys, "import", "calls", str(source))
    assert status == 2
    assert err.startswith("backoffice: line 3: field 'message': contains the control character CSI (U+009B)")
    assert not (tmp_path / "office" / "calls.json").exists()


@pytest.fixture
def hostile_office(tmp_path):
    store = Store(tmp_path / "office", user="reception", clock=Clock(NOW))
    build_demo(store, NOW)
    poison_office(store)
    return store


@pytest.mark.parametrize("args", [
    *[("list", c) for c in all_collections()],
    *[("export", c, "--format", "csv") for c in all_collections()],
    ("agenda",), ("reorder",), ("check",), ("list", "calls", "--where", "priority=urgent"),
], ids=" ".join)
def test_human_output_of_hostile_records_shows_their_text_and_runs_none_of_it(hostile_office, capsys, args):
    status, out, err = run(hostile_office.folder, capsys, *args)
    assert status == 0, err
    assert not CONTROL.search(out.replace("\n", "").replace("\r", "")), "a control character reached the terminal"
    assert not CONTROL.search(err.replace("\n", ""))


def test_json_export_is_exact_and_still_safe_to_print(hostile_office, capsys):
    status, out, _ = run(hostile_office.folder, capsys, "export", "calls", "--format", "json")
    assert status == 0
    assert not CONTROL.search(out.replace("\n", "")), "JSON escapes every control character"
    exported = {row["id"]: row for row in json.loads(out)}
    for call in hostile_office.repo("calls").list():
        assert exported[call.id]["caller"] == call.caller  # to the character, escapes included
        assert "\x1b" in call.caller


def test_a_list_in_a_csv_export_is_exact_json_and_still_safe_to_print(hostile_office, capsys):
    status, out, _ = run(hostile_office.folder, capsys, "export", "calls", "--format", "csv")
    assert status == 0
    assert not CONTROL.search(out.replace("\n", ""))
    exported = {int(row["id"]): json.loads(row["history"]) for row in csv.DictReader(io.StringIO(out))}
    for call in hostile_office.repo("calls").list():
        assert [step["user"] for step in exported[call.id]] == [step.user for step in call.history]


def test_csv_export_shows_formulas_as_text_and_import_reads_them_back(tmp_path, capsys):
    folder = tmp_path / "office"
    formulas = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "'=already quoted"]
    for text in formulas:
        assert run(folder, capsys, "add", "contacts", f"name={text}", "department=Sales")[0] == 0
    status, out, _ = run(folder, capsys, "export", "contacts", "--format", "csv")
    names = [row["name"] for row in csv.DictReader(io.StringIO(out))]
    assert names == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "''=already quoted"]
    exported = tmp_path / "contacts.csv"
    exported.write_text(out, encoding="utf-8")
    assert run(tmp_path / "copy", capsys, "import", "contacts", str(exported))[0] == 0
    assert [c.name for c in Store(tmp_path / "copy").repo("contacts").list()] == formulas



def test_a_cell_too_long_for_any_record_is_bad_input_named_by_its_line(tmp_path, capsys):
    source = tmp_path / "calls.csv"
    source.write_text("caller,message\nAnn,hello\nBob," + "x" * (1 << 21) + "\n", encoding="utf-8")
    status, _, err = run(tmp_path / "office", capsys, "import", "calls", str(source))
    assert status == 2
    assert err == "backoffice: line 3: a cell is longer than 1024 KiB; nothing in a record is that long\n"


def test_json_nested_too_deeply_is_bad_input(tmp_path, capsys):
    source = tmp_path / "calls.json"
    source.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    status, _, err = run(tmp_path / "office", capsys, "import", "calls", str(source))
    assert status == 2
    assert "not valid JSON (nested too deeply to be a record)" in err


def test_an_order_exported_for_a_spreadsheet_shows_formulas_as_text(store):
    from data.stock import actions

    item = actions.add_item(store, {"name": "=cmd|' /C calc'!A0", "sku": "+SKU", "supplier": "Acme", "target": 5})
    order = actions.draft_orders(store, store.now(), [item.id])[0]
    _, text = actions.export_order(store, order.id, "csv")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["item"], row["sku"]) == ("'=cmd|' /C calc'!A0", "'+SKU")



# Models are built when first used: in a fresh process, threads that first use them all at
# once (as the app's workers may) must each meet the model's own checks.
FIRST_USE_IN_THREADS = """
import threading
from pydantic import ValidationError
from data.calls.models import Call, Contact
from data.stock.models import Supplier

start, seen = threading.Barrier(16), set()

def check():
    start.wait()
    accepted = [Call(caller="Ann").caller, Contact(name="Bo").name, Supplier(name="Acme").name]
    try:
        Call(caller="Ann\\x1b[2J")
    except ValidationError as error:
        seen.add(repr((accepted, [e["loc"][0] for e in error.errors()])))

threads = [threading.Thread(target=check) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(seen)
"""


def test_models_first_used_in_many_threads_at_once_each_keep_their_own_checks():
    done = subprocess.run([sys.executable, "-c", FIRST_USE_IN_THREADS], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == repr({repr((["Ann", "Bo", "Acme"], ["caller"]))})
