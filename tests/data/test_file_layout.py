"""The data file's layout: one document per line, plain JSON for any tool, read lazily."""

from __future__ import annotations

import json

import pytest
from tinydb import TinyDB

from data.calls.models import CallStatus
from data.engine.errors import DataFileError
from data.engine.files import open_folder
from data.engine.storage import parse_file
from tests.data.helpers import backoffice


def add_calls(store, *callers: str) -> None:
    store.repo("calls").add_many([{"caller": c, "message": f"Message from {c}"} for c in callers])


def test_a_saved_file_is_one_document_a_line_and_stock_tinydb_reads_it(store):
    add_calls(store, "Ann", "Bob", "Cid")
    path = store.file("calls")
    documents = [line for line in path.read_bytes().split(b"\n") if b'"caller"' in line]
    assert [json.loads(line.rstrip(b",").split(b":", 1)[1])["caller"] for line in documents] == ["Ann", "Bob", "Cid"]
    assert sorted(c["caller"] for c in json.loads(path.read_text())["calls"].values()) == ["Ann", "Bob", "Cid"]
    stock = TinyDB(path)
    try:
        assert sorted(c["caller"] for c in stock.table("calls").all()) == ["Ann", "Bob", "Cid"]
    finally:
        stock.close()


def test_a_file_written_elsewhere_is_read_and_rewritten_in_the_layout(store):
    path = store.file("calls")
    path.parent.mkdir(parents=True, exist_ok=True)
    stock = TinyDB(path, indent=2)  # pretty-printed by another tool: not one document a line
    stock.table("calls").insert({"caller": "Ann", "message": "from a spreadsheet"})
    stock.close()
    calls = store.repo("calls")
    assert [c.caller for c in calls.list()] == ["Ann"]
    add_calls(store, "Bob")
    assert sorted(c.caller for c in calls.list()) == ["Ann", "Bob"]
    assert sum(b'"caller"' in line for line in path.read_bytes().split(b"\n")) == 2


def test_a_damaged_document_is_found_when_the_file_is_read_and_nothing_is_written(store):
    add_calls(store, "Ann", "Bob")
    path = store.file("calls")
    damaged = path.read_bytes().replace(b'"caller":"Ann"', b'"caller":"Ann', 1)
    path.write_bytes(damaged)
    with pytest.raises(DataFileError, match="calls.json cannot be read"):
        store.repo("calls").list()
    with pytest.raises(DataFileError):
        add_calls(store, "Cid")
    assert path.read_bytes() == damaged


def test_a_missing_comma_between_documents_is_not_taken_for_the_layout(tmp_path):
    path = tmp_path / "calls.json"
    path.write_bytes(b'{\n"calls":{\n"1":{"caller":"Ann"}\n"2":{"caller":"Bob"}\n}\n}')
    with pytest.raises(DataFileError, match="not valid JSON"), open_folder(tmp_path) as folder:
        parse_file(folder, path.name)


def test_changing_a_record_read_changes_nothing_stored(store):
    add_calls(store, "Ann")
    first = store.table(store.repo("calls").collection).get(doc_id=1)
    first["caller"] = "Mallory"
    first["history"].append({"at": "2026-03-10T09:00:00", "user": "mallory", "action": "forged"})
    stored = store.repo("calls").get(1)
    assert stored.caller == "Ann"
    assert [step.action for step in stored.history] == ["call logged"]


def test_find_matches_the_field_not_text_that_looks_like_it(store):
    calls = store.repo("calls")
    calls.add({"caller": "Ann", "message": 'She wrote "status":"callback" in the subject'})
    calls.add({"caller": "Bob", "status": "callback", "callback_due": "2026-03-11T15:00:00"})
    assert [c.caller for c in calls.find(status=CallStatus.CALLBACK)] == ["Bob"]
    assert [c.caller for c in calls.find(caller="Ann")] == ["Ann"]


def test_find_takes_a_value_as_written_even_where_it_reads_as_a_pattern(store):
    calls = store.repo("calls")
    calls.add({"caller": "Ann"})
    calls.add({"caller": "A.n (Sales)"})
    assert [c.caller for c in calls.find(caller="A.n (Sales)")] == ["A.n (Sales)"]
    assert [c.caller for c in calls.find(caller="A.n")] == []


def test_find_one_of_several_values_matches_the_field_not_text_that_looks_like_it(store):
    from data.engine.tables import AnyOf

    calls = store.repo("calls")
    calls.add({"caller": "Ann", "message": 'She wrote "status":"callback" in the subject', "status": "done"})
    calls.add({"caller": "Bob", "status": "callback", "callback_due": "2026-03-11T15:00:00"})
    calls.add({"caller": "Cy", "status": "message_taken"})
    calls.add({"caller": "Di", "status": "new"})
    found = calls.find(status=AnyOf([CallStatus.CALLBACK, CallStatus.MESSAGE_TAKEN]))
    assert sorted(c.caller for c in found) == ["Bob", "Cy"]
    assert [c.caller for c in calls.find(status=AnyOf([CallStatus.NEW]), caller="Di")] == ["Di"]


def test_a_session_reads_the_version_it_opened_while_another_process_saves(store):
    add_calls(store, "Ann", "Bob")
    opened = store.storage("calls").read()["calls"]  # as a screen's worker holds it
    assert backoffice(store.folder, "add", "calls", "caller=Cid").returncode == 0
    assert sorted(doc["caller"] for _, doc in opened.items()) == ["Ann", "Bob"]
    assert sorted(c.caller for c in store.repo("calls").list()) == ["Ann", "Bob", "Cid"]


def test_every_collection_is_found_where_the_registry_says_and_in_its_domain_file():
    from data.domains import COLLECTION_HOMES, DOMAIN_PACKAGES
    from data.engine.collections import package_collections

    declared = {c.name: (package, c.domain) for package in DOMAIN_PACKAGES for c in package_collections(package).values()}
    assert declared == COLLECTION_HOMES


def test_adding_a_call_from_the_command_line_loads_no_other_domain(tmp_path):
    """A phone system logs each call with a process of its own: it pays for the calls domain only."""
    import subprocess
    import sys

    from tests.data.helpers import ROOT

    script = ("import sys; from tui.cli import main; "
              f"code = main(['--data', {str(tmp_path / 'office')!r}, 'add', 'calls', 'caller=Ann', 'number=0161 496 0000']); "
              "print(code, sorted(m for m in sys.modules if m.startswith('data.') and m.count('.') == 1))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 ['data.addresses', 'data.calls', 'data.domains', 'data.engine']"


def test_find_the_newest_takes_the_last_added_of_those_that_match(store):
    calls = store.repo("calls")
    for n in range(6):
        calls.add({"caller": f"Caller {n}", "status": "done" if n % 2 else "new"})
    assert sorted(c.caller for c in calls.find(status=CallStatus.DONE, newest=2)) == ["Caller 3", "Caller 5"]
    assert len(calls.find(status=CallStatus.DONE, newest=10)) == 3
