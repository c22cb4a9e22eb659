"""The command line, as a script or a phone system would use it.

Most tests call the command's entry point in this process (what `backoffice` runs); the
ones about exit status and stderr of a real process start one.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from data.engine.store import Store
from tests.data.helpers import backoffice
from tui.cli import main


@pytest.fixture
def folder(tmp_path, clock) -> Path:
    folder = tmp_path / "office"
    calls = Store(folder, user="setup", clock=clock).repo("calls")
    calls.add({"caller": "Ann Lee", "number": "555 0100", "priority": "urgent"})
    return folder


@pytest.fixture
def run(capsys, folder):
    """Run `backoffice --data FOLDER ARGS…` here; (exit status, stdout, stderr lines)."""

    def run(*args: str, data: Path = folder) -> tuple[int, str, list[str]]:
        status = main(["--data", str(data), *args])
        out, err = capsys.readouterr()
        return status, out, err.splitlines()

    return run


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "cals", "caller=x"), "backoffice: unknown collection 'cals' (known: "),
        (("add", "calls", "caller=x", "colour=red"), "backoffice: arguments: unknown field 'colour' (fields: "),
        (("add", "calls", "caller=x", "priority=asap"), "backoffice: arguments: field 'priority': expected one of"),
        (("add", "calls", "caller=x", "callback_due=tomorrow"), "backoffice: arguments: field 'callback_due': "),
        (("add", "calls", "number=123"), "backoffice: arguments: field 'caller' is required"),
        (("add", "calls", "caller"), "backoffice: 'caller': expected FIELD=VALUE"),
        (("list", "calls", "--where", "shoe=1"), "backoffice: --where: unknown field 'shoe' of calls"),
    ],
)
def test_bad_input_is_one_clear_line_exit_2_and_nothing_written(run, folder, args, expected):
    before = (folder / "calls.json").read_bytes()
    status, out, err = run(*args)
    assert status == 2
    assert len(err) == 1 and err[0].startswith(expected)
    assert (folder / "calls.json").read_bytes() == before


def test_a_real_process_answers_bad_input_on_stderr_with_exit_2(folder):
    before = (folder / "calls.json").read_bytes()
    result = backoffice(folder, "add", "calls", "caller=Bob", "priority=asap")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "backoffice: arguments: field 'priority': expected one of 'low', 'normal' or 'urgent'"
    ]
    assert (folder / "calls.json").read_bytes() == before


def test_an_import_with_bad_rows_names_every_one_and_imports_none(run, folder, tmp_path):
    rows = tmp_path / "calls.csv"
    rows.write_text(
        "caller,number,priority\n"
        "Bob,555 0101,low\n"
        ",555 0102,normal\n"
        "Cid,555 0103,asap\n"
        "Dee,555 0104,urgent\n"
        "Eve,555 0105,whenever\n"
    )
    before = (folder / "calls.json").read_bytes()
    status, out, err = run("import", "calls", str(rows))
    assert status == 2
    assert err == [
        "backoffice: line 3: field 'caller' is required",
        "backoffice: line 4: field 'priority': expected one of 'low', 'normal' or 'urgent'",
        "backoffice: line 6: field 'priority': expected one of 'low', 'normal' or 'urgent'",
    ]
    assert (folder / "calls.json").read_bytes() == before


def test_rows_with_too_many_cells_are_each_named(run, folder, tmp_path):
    rows = tmp_path / "calls.csv"
    rows.write_text("caller,number\nBob,1,extra\nCid,2\nDee,3,more,cells\n")
    before = (folder / "calls.json").read_bytes()
    status, out, err = run("import", "calls", str(rows))
    assert status == 2
    assert err == [
        "backoffice: line 2: more cells than the header has columns",
        "backoffice: line 4: more cells than the header has columns",
    ]
    assert (folder / "calls.json").read_bytes() == before


def test_a_good_import_adds_every_row_in_one_go(run, folder, tmp_path):
    rows = tmp_path / "calls.jsonl"
    rows.write_text('{"caller": "Bob", "number": "555 0101"}\n{"caller": "Cid", "priority": "low"}\n')
    status, out, err = run("import", "calls", str(rows))
    assert (status, out, err) == (0, "imported 2 calls\n", [])
    status, out, _ = run("list", "calls", "--format", "json")
    assert [(c["id"], c["caller"], c["priority"]) for c in json.loads(out)] == [
        (1, "Ann Lee", "urgent"), (2, "Bob", "normal"), (3, "Cid", "low"),
    ]


def test_add_prints_the_new_id_and_stores_the_values(run, folder):
    status, out, err = run("add", "calls", "caller=Bob Ray", "company=Acme", "message=About the toner")
    assert (status, out, err) == (0, "2\n", [])
    call = Store(folder).repo("calls").get(2)
    assert (call.caller, call.company, call.message) == ("Bob Ray", "Acme", "About the toner")


def test_export_then_import_round_trips(run, folder, tmp_path):
    run("add", "calls", "caller=Bob", "message=two, with a comma\nand a line", "callback_due=2026-03-11 14:00")
    for form in ("csv", "json"):
        _, exported, _ = run("export", "calls", "--format", form)
        (tmp_path / f"out.{form}").write_text(exported)
        other = tmp_path / f"other-{form}"
        assert run("import", "calls", str(tmp_path / f"out.{form}"), "--as-is", data=other)[0] == 0
        assert contents(other) == contents(folder)


def contents(folder: Path) -> list[dict]:
    """What a person entered, per record: everything but the revision stamps."""
    return [call.model_dump(exclude={"rev", "created_at", "updated_at", "updated_by"})
            for call in Store(folder).repo("calls").list()]


def test_list_filters_with_where_and_prints_csv_or_json(run):
    run("add", "calls", "caller=Bob", "priority=low")
    run("add", "calls", "caller=Cid", "priority=urgent", "company=Acme")
    _, out, _ = run("list", "calls", "--where", "priority=urgent", "--format", "csv")
    lines = out.splitlines()
    assert lines[0].split(",")[:3] == ["id", "rev", "created_at"]
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "3"]
    _, out, _ = run("list", "calls", "--where", "priority=urgent", "--where", "company=Acme", "--format", "json")
    assert [c["caller"] for c in json.loads(out)] == ["Cid"]
    _, out, _ = run("list", "calls")
    assert "Ann Lee" in out and "Bob" in out and out.splitlines()[0].startswith("id")


def test_check_passes_on_good_files_and_fails_on_a_bad_record(run, folder):
    assert run("check")[0] == 0
    data = json.loads((folder / "calls.json").read_text())
    data["calls"]["1"]["priority"] = "whenever"
    (folder / "calls.json").write_text(json.dumps(data))
    status, _, err = run("check")
    assert status == 1
    assert err[0].startswith("backoffice: calls.json, calls #1: field 'priority'")


def test_add_on_a_torn_file_names_it_and_its_backup_and_leaves_it(folder, clock):
    calls = Store(folder, user="setup", clock=clock).repo("calls")
    calls.add({"caller": "Bob"})  # the first save of a day to find a file keeps a copy of it
    path = folder / "calls.json"
    path.write_bytes(path.read_bytes()[:30])
    before = path.read_bytes()
    result = backoffice(folder, "add", "calls", "caller=Cid")
    assert result.returncode == 1
    assert result.stderr.startswith(f"backoffice: {path} cannot be read (not valid JSON")
    assert f"the newest backup is {folder / 'backups' / f'calls-{date.today()}.json'}" in result.stderr
    assert path.read_bytes() == before
