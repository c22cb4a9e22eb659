"""`list` shows numbers and times as the office writes them, for a person; `--format json`
keeps the stored forms (E.164, ISO UTC) for scripts."""

from __future__ import annotations

import orjson

from tests.data.helpers import backoffice


def test_list_calls_shows_numbers_national_and_times_on_the_office_clock(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_TIMEZONE", "Europe/Stockholm")
    monkeypatch.setenv("BACKOFFICE_REGION", "GB")
    assert backoffice(tmp_path, "add", "calls", "caller=Ann", "number=07700 900123").returncode == 0
    assert backoffice(tmp_path, "add", "calls", "caller=Cy", "number=+46701234567",
                      "callback_due=2026-12-08 10:30").returncode == 0
    table = backoffice(tmp_path, "list", "calls").stdout
    assert "07700 900123" in table and "+46 70 123 45 67" in table
    assert "2026-12-08 10:30" in table
    assert "+447700900123" not in table
    listed = orjson.loads(backoffice(tmp_path, "list", "calls", "--format", "json").stdout)
    assert [c["number"] for c in listed] == ["+447700900123", "+46701234567"]
    assert listed[1]["callback_due"] == "2026-12-08T09:30:00Z"


def test_list_contacts_shows_company_number_and_email(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_REGION", "GB")
    assert backoffice(tmp_path, "add", "contacts", "name=Bob Ray", "company=Acme Ltd", "number=020 7946 0000",
                      "email=bob@example.com").returncode == 0
    header, _, row = backoffice(tmp_path, "list", "contacts").stdout.splitlines()
    assert header.split() == ["id", "name", "kind", "company", "number", "email", "extension", "department"]
    assert "Acme Ltd" in row and "020 7946 0000" in row and "bob@example.com" in row


def test_the_agenda_names_a_caller_by_number_as_written_at_the_office_clock(tmp_path, monkeypatch):
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    monkeypatch.setenv("BACKOFFICE_TIMEZONE", "Asia/Kolkata")  # UTC+5:30: no machine's clock by chance
    monkeypatch.setenv("BACKOFFICE_REGION", "GB")
    assert backoffice(tmp_path, "add", "calls", "caller=Ann").returncode == 0
    before = datetime.now(UTC)
    assert backoffice(tmp_path, "ring", "07700900123").returncode == 0
    agenda = backoffice(tmp_path, "agenda").stdout
    assert "  - 07700 900123 — due " in agenda and "+447700900123" not in agenda
    office_times = {f"{(before + timedelta(seconds=s)).astimezone(ZoneInfo('Asia/Kolkata')):%H:%M}" for s in range(0, 120, 30)}
    assert any(f"07700 900123 — due {datetime.now(ZoneInfo('Asia/Kolkata')):%a} {t}" in agenda for t in office_times)
