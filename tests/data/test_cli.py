"""The command line, as a script or a phone system would use it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def backoffice(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data", str(folder), *args],
        cwd=ROOT, capture_output=True, text=True,
    )


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "office"
    assert backoffice(folder, "add", "calls", "caller=Ann Lee", "priority=urgent").stdout.strip() == "1"
    return folder


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "cals", "caller=x"), "unknown collection 'cals'"),
        (("add", "calls", "caller=x", "colour=red"), "unknown field 'colour'"),
        (("add", "calls", "caller=x", "priority=asap"), "field 'priority'"),
        (("add", "calls", "number=123"), "field 'caller' is required"),
        (("add", "calls", "caller"), "expected FIELD=VALUE"),
        (("list", "calls", "--where", "shoe=1"), "unknown field 'shoe'"),
    ],
)
def test_bad_input_is_one_clear_line_exit_2_and_nothing_written(folder, args, expected):
    before = (folder / "calls.json").read_bytes()
    result = backoffice(folder, *args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert (folder / "calls.json").read_bytes() == before


def test_an_import_with_bad_rows_names_every_one_and_imports_none(folder, tmp_path):
    csv = tmp_path / "calls.csv"
    csv.write_text("caller,number,priority\nBob,555 0101,low\n,555 0102,normal\nCid,555 0103,asap\nDee,555 0104,urgent\n")
    before = (folder / "calls.json").read_bytes()
    result = backoffice(folder, "import", "calls", str(csv))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "backoffice: line 3: field 'caller' is required",
        "backoffice: line 4: field 'priority': Input should be 'low', 'normal' or 'urgent'",
    ]
    assert (folder / "calls.json").read_bytes() == before


def test_a_good_import_adds_every_row_in_one_go(folder, tmp_path):
    rows = tmp_path / "calls.jsonl"
    rows.write_text('{"caller": "Bob", "number": "555 0101"}\n{"caller": "Cid", "priority": "low"}\n')
    result = backoffice(folder, "import", "calls", str(rows))
    assert result.returncode == 0, result.stderr
    listed = json.loads(backoffice(folder, "list", "calls", "--format", "json").stdout)
    assert [c["caller"] for c in listed] == ["Ann Lee", "Bob", "Cid"]


def test_export_then_import_round_trips(folder, tmp_path):
    exported = backoffice(folder, "export", "calls", "--format", "csv").stdout
    (tmp_path / "out.csv").write_text(exported)
    other = tmp_path / "other"
    assert backoffice(other, "import", "calls", str(tmp_path / "out.csv")).returncode == 0
    again = json.loads(backoffice(other, "export", "calls", "--format", "json").stdout)
    assert again[0]["caller"] == "Ann Lee" and again[0]["priority"] == "urgent"


def test_list_filters_with_where_and_prints_csv(folder):
    backoffice(folder, "add", "calls", "caller=Bob", "priority=low")
    result = backoffice(folder, "list", "calls", "--where", "priority=urgent", "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,")
    assert len(lines) == 2 and "Ann Lee" in lines[1]


def test_check_passes_on_good_files_and_fails_on_a_bad_record(folder):
    assert backoffice(folder, "check").returncode == 0
    data = json.loads((folder / "calls.json").read_text())
    data["calls"]["1"]["priority"] = "whenever"
    (folder / "calls.json").write_text(json.dumps(data))
    result = backoffice(folder, "check")
    assert result.returncode == 1
    assert "calls.json, calls #1: field 'priority'" in result.stderr


def test_add_on_a_torn_file_says_so_and_leaves_it(folder):
    path = folder / "calls.json"
    path.write_bytes(path.read_bytes()[:30])
    before = path.read_bytes()
    result = backoffice(folder, "add", "calls", "caller=Bob")
    assert result.returncode == 1
    assert "calls.json cannot be read" in result.stderr
    assert path.read_bytes() == before
