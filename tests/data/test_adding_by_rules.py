"""`backoffice add` and `import` make a record as the screens would: it starts where a form
starts it and goes through the action behind the key; `--as-is` brings in old records whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.engine.store import Store
from tui.cli import main

AS_IS = "(--as-is brings in old records as they were)"


@pytest.fixture
def run(capsys, tmp_path):
    folder = tmp_path / "office"

    def run(*args: str) -> tuple[int, str, list[str]]:
        status = main(["--data", str(folder), *args])
        out, err = capsys.readouterr()
        return status, out, [line for line in err.splitlines() if "started a new office" not in line]

    run.store = lambda: Store(folder, user="test")
    run.folder = folder
    return run


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_fax_added_as_sent_is_refused_naming_the_field_and_taken_as_is_on_request(run, tmp_path):
    document = write(tmp_path, "letter.pdf", "%PDF-1.4")
    fax = ("add", "faxes", "fax_number=020 7946 0000", "recipient=Ann", f"document={document}", "status=sent")
    status, out, err = run(*fax)
    assert status == 2 and out == ""
    assert err == [f"backoffice: arguments: a new fax does not start with 'status': that changes by the app's rules {AS_IS}"]
    assert not run.folder.exists() or run.store().repo("faxes").list() == []

    assert run(*fax, "--as-is")[0] == 0
    assert [f.status for f in run.store().repo("faxes").list()] == ["sent"]


def test_a_fax_added_without_its_document_is_refused_as_the_form_refuses_it(run):
    status, _, err = run("add", "faxes", "fax_number=020 7946 0000", "recipient=Ann", "document=/no/such/file.pdf")
    assert status == 2
    assert err == ["backoffice: arguments: field 'document': There is no file /no/such/file.pdf."]


def test_a_call_imported_with_a_status_is_refused_by_line_and_none_is_stored(run, tmp_path):
    calls = write(tmp_path, "calls.csv", "caller,number,status\nAnn,020 7946 0001,\nBob,020 7946 0002,done\n")
    status, _, err = run("import", "calls", str(calls))
    assert status == 2
    assert err == [f"backoffice: line 3: a new call does not start with 'status': that changes by the app's rules {AS_IS}"]
    assert run("import", "calls", str(calls), "--as-is")[0] == 0
    assert [c.status for c in run.store().repo("calls").list()] == ["new", "done"]


def test_opening_stock_and_movements_change_what_is_on_hand_as_the_keys_do(run, tmp_path):
    assert run("add", "supplies", "name=Paper", "unit=ream", "on_hand=12", "reorder_point=2", "target=20")[0] == 0
    assert run("add", "stock_movements", "item_id=1", "kind=used", "quantity=3", "at=2026-03-10 09:00", "person=Bob")[0] == 0
    store = run.store()
    assert store.repo("supplies").get(1).on_hand == 9
    assert [(m.kind, m.quantity, m.note) for m in store.repo("stock_movements").list()] == [
        ("adjusted", 12, "opening stock"), ("used", 3, "")]

    movements = write(tmp_path, "moves.csv", "item_id,kind,quantity,at\n1,received,5,2026-03-11 09:00\n1,used,50,2026-03-11 10:00\n")
    status, _, err = run("import", "stock_movements", str(movements))
    assert status == 2
    assert err == ["backoffice: line 3: field 'quantity': Only 14 ream of Paper on hand."]
    store = run.store()
    assert store.repo("supplies").get(1).on_hand == 9, "the delivery on line 2 is not kept either"
    assert len(store.repo("stock_movements").list()) == 2


def test_a_ticket_added_is_a_fault_reported_and_the_machine_needs_attention(run):
    assert run("add", "machines", "asset_tag=PR-09", "kind=printer", "serial=S1")[0] == 0
    status, _, err = run("add", "tickets", "machine_id=1", "symptom=paper_jam", "opened_at=2026-03-10 09:00")
    assert status == 2 and "does not start with 'opened_at'" in err[0]
    assert run("add", "tickets", "machine_id=1", "symptom=paper_jam", "detail=tray 2")[0] == 0
    store = run.store()
    ticket = store.repo("tickets").get(1)
    assert ticket.opened_at is not None and ticket.reported_by
    assert store.repo("machines").get(1).status == "needs_attention"


def test_a_termination_added_ends_the_employment_and_nothing_is_added_after_it(run):
    assert run("add", "employees", "name=Ann Lee", "start_date=2026-01-05")[0] == 0
    assert run("add", "staff_events", "employee_id=1", "kind=termination", "on=2026-03-01", "reason=moved away")[0] == 0
    assert run.store().repo("employees").get(1).status == "left"
    status, _, err = run("add", "staff_events", "employee_id=1", "kind=training", "on=2026-03-02", "course=First aid")
    assert status == 2
    assert len(err) == 1 and "no training can be added" in err[0]


def test_mail_is_not_added_by_hand_and_the_refusal_says_where_it_comes_from(run):
    status, _, err = run("add", "mail", "subject=hello")
    assert status == 2
    assert err == ["backoffice: arguments: mail comes in with `backoffice mail fetch` and goes out with "
                   "`backoffice mail send` (--as-is brings in old ones as they were)"]


def test_a_wrong_reading_is_voided_by_command_and_the_right_ones_count_again(run):
    assert run("add", "machines", "asset_tag=CP-01", "kind=copier", "serial=S1")[0] == 0
    assert run("add", "meter_readings", "machine_id=1", "taken_on=2026-01-05", "total=90000")[0] == 0
    status, _, err = run("add", "meter_readings", "machine_id=1", "taken_on=2026-01-06", "total=900000000")
    assert status == 2 and err == ["backoffice: arguments: field 'total': That is 899,910,000 pages a day since 90,000 on "
                                   "05 Jan 2026. Check the counter."]
    assert run("add", "meter_readings", "machine_id=1", "taken_on=2026-01-06", "total=900000000", "--as-is")[0] == 0
    status, _, err = run("add", "meter_readings", "machine_id=1", "taken_on=2026-01-07", "total=90500")
    assert status == 2 and "cannot go down to 90,500" in err[0]

    status, out, _ = run("machines", "void-reading", "2", "--reason", "typed 900,000,000 for 90,000")
    assert (status, out) == (0, "reading #2 of 900,000,000 on 06 Jan 2026 voided: typed 900,000,000 for 90,000\n")
    assert run("add", "meter_readings", "machine_id=1", "taken_on=2026-01-07", "total=90500")[0] == 0
    status, _, err = run("machines", "void-reading", "2", "--reason", "again")
    assert status == 2 and err == ["backoffice: The reading of 900,000,000 on 06 Jan 2026 was already voided by "
                                   f"{run.store().repo('meter_readings').get(2).voided_by}: typed 900,000,000 for 90,000"]
    assert run("machines", "void-reading", "3")[2] == ["backoffice: field 'reason': Say why the reading is wrong."]


def test_a_ticket_is_voided_and_a_machine_retired_and_brought_back_by_command(run):
    assert run("add", "machines", "asset_tag=PR-01", "kind=printer", "serial=S1")[0] == 0
    assert run("add", "tickets", "machine_id=1", "symptom=paper_jam")[0] == 0
    status, _, err = run("machines", "retire", "1", "--reason", "sold")
    assert status == 2 and err == ["backoffice: PR-01 has 1 open ticket (#1 paper jam); fix, close or void it before retiring it."]
    assert run("machines", "void-ticket")[2] == ["backoffice: machines void-ticket: give the id (backoffice list tickets)"]
    status, out, _ = run("machines", "void-ticket", "1", "--reason", "wrong printer")
    assert (status, out) == (0, "ticket #1 paper jam voided: wrong printer\n")
    status, out, _ = run("machines", "retire", "1", "--reason", "sold to [b]Acme[/b]")
    assert (status, out) == (0, "PR-01 retired: sold to [b]Acme[/b]\n")
    assert run("machines", "return", "1")[1] == "PR-01 is in service again\n"
    assert run.store().repo("machines").get(1).status == "ok"


def test_black_and_white_and_colour_pages_cannot_be_more_than_the_total(run):
    assert run("add", "machines", "asset_tag=CP-01", "kind=copier", "serial=S1")[0] == 0
    status, _, err = run("add", "meter_readings", "machine_id=1", "taken_on=2026-01-05", "total=1000", "mono=800", "colour=300")
    assert status == 2
    assert err == ["backoffice: arguments: field 'colour': black-and-white and colour pages (1,100) cannot be more than the total (1,000)"]
