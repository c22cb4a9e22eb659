"""Retention: rejected and withdrawn candidates' personal data is erased after retention_months,
everywhere the office keeps it — the working file, the kept CV, the archive, the backups — and
on request; what statistics need stays, and the audit says it was erased, not what it held."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from data.candidates import actions as hiring
from data.candidates.cv_import import import_cvs
from data.candidates.models import Criterion, Interview, InterviewStatus, Position, Stage
from data.candidates.retention import erase_candidate, erase_expired, erase_once_a_day, months_later
from data.engine import audit
from data.engine.archive import archive_old
from data.engine.errors import RuleError
from data.engine.store import Store
from tests.conftest import Clock
from tests.cv_samples import write_pdf
from tui.cli import main
from tui.settings import SettingsError, load_settings

# What only the people to be erased wrote or had written about them; each must vanish.
ANN = ("Ann Leeson", "ann.leeson@example.com", "07700 900111", "+447700900111", "ANN-CV-TEXT", "ANN-REJECTED-BECAUSE",
       "ANN-FEEDBACK", "ANN-STEP-NOTE")
BOB = ("Bob Withers", "bob.withers@example.com", "BOB-CV-TEXT")
KEPT = ("Cara Stays", "CARA-CV-TEXT")  # still in the running: nothing of hers goes


def everything_in(folder) -> str:
    """Every byte of every file of the office, as text."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def office(store, clock, system_day, tmp_path):
    """Ann interviewed and rejected, Bob withdrew, Cara still applying; on 10 March 2026."""
    opening = store.repo("positions").add(Position(title="Bookkeeper", criteria=[Criterion(name="Excel")]))
    cv = write_pdf(tmp_path / "ann.pdf", [ANN[0], ANN[1], ANN[2], ANN[4]])
    import_cvs(store, "Bookkeeper", [cv])
    store.repo("candidates").add_many([
        {"name": BOB[0], "email": BOB[1], "position_id": opening.id, "cv_text": BOB[2]},
        {"name": KEPT[0], "position_id": opening.id, "cv_text": KEPT[1]},
    ])
    hiring.set_score(store, 1, "Excel", 4)
    hiring.shortlist(store, 1, ANN[7], sure=True)
    interview = hiring.book_interview(store, Interview(candidate_id=1, start=clock.now + timedelta(hours=2), interviewers=["Grace"]))
    clock.now += timedelta(hours=3)
    hiring.give_feedback(store, interview.id, 2, ANN[6])
    hiring.reject(store, 1, ANN[5])
    hiring.move(store, 2, Stage.WITHDREW)
    return store


def seven_months_on(clock, system_day) -> datetime:
    clock.now += timedelta(days=214)
    system_day.day += timedelta(days=214)  # the erasure's save is the first of its day: a backup is taken
    return clock.now


def test_after_the_retention_period_nothing_of_them_is_left_in_any_file(office, clock, system_day):
    store = office
    kept_cv = store.folder / "hr" / store.repo("candidates").get(1).cv_path
    assert all(text in everything_in(store.folder) for text in ANN + BOB)  # there before

    assert erase_expired(store, seven_months_on(clock, system_day), 6).ids == [1, 2]

    left = everything_in(store.folder)
    assert [text for text in ANN + BOB if text in left] == []
    assert not kept_cv.exists()
    assert all(text in left for text in KEPT)
    assert sorted(p.name for p in (store.folder / "hr" / "backups").iterdir()) == ["people-2026-03-10.json", "people-2026-10-10.json"]


def test_what_statistics_need_is_kept(office, clock, system_day):
    store = office
    before = store.repo("candidates").get(1)
    erase_expired(store, seven_months_on(clock, system_day), 6)
    ann = store.repo("candidates").get(1)
    assert (ann.name, ann.email, ann.phone, ann.cv_text, ann.cv_path, ann.reject_reason) == ("Erased #1", "", "", "", "", "")
    assert (ann.position_id, ann.stage, ann.scores, ann.created_at) == (before.position_id, Stage.REJECTED, {"tester": {"Excel": 4}}, before.created_at)
    assert [(s.stage, s.at, s.note) for s in ann.history] == [(s.stage, s.at, "") for s in before.history]
    assert ann.erased_at == clock.now
    interview = store.repo("interviews").get(1)
    assert (interview.rating, interview.status, interview.feedback, interview.interviewers) == (2, InterviewStatus.DONE, "", ["Grace"])


def test_the_audit_says_erase_and_names_fields_never_values(office, clock, system_day):
    store = office
    erase_expired(store, seven_months_on(clock, system_day), 6)
    lines = audit.read(store.audit_file("people"))
    erasures = [line for line in lines if line["action"] == "erase"]
    assert [(e["collection"], e["id"]) for e in erasures] == [("interviews", 1), ("candidates", 1), ("candidates", 2)]
    assert set(erasures[1]["changed"]) >= {"name", "email", "phone", "cv_text", "cv_path", "reject_reason", "history", "erased_at"}
    assert [text for text in ANN + BOB if text in store.audit_file("people").read_text()] == []


def test_not_before_the_retention_period_is_over(office, clock, system_day):
    store = office
    rejected_at = store.repo("candidates").get(1).history[-1].at
    assert erase_expired(store, months_later(rejected_at, 6) - timedelta(seconds=1), 6).ids == []
    assert store.repo("candidates").get(1).name == ANN[0]
    assert erase_expired(store, months_later(rejected_at, 6), 6).ids == [1, 2]  # Bob withdrew the same moment


def test_a_candidate_reconsidered_is_no_longer_rejected_and_stays(office, clock, system_day):
    store = office
    hiring.move(store, 1, Stage.SCREENING, "a second look")
    assert erase_expired(store, seven_months_on(clock, system_day), 6).ids == [2]
    assert store.repo("candidates").get(1).name == ANN[0]


def test_candidates_already_archived_are_erased_in_the_archive(office, clock, system_day):
    store = office
    clock.now += timedelta(days=190)
    archive_old(store, clock.now, 180)  # before their six months are over
    assert store.repo("candidates").list()[0].name == KEPT[0]
    archived = store.folder / "hr" / "archive" / "people-2026.json"
    assert ANN[4] in archived.read_text()

    assert erase_expired(store, seven_months_on(clock, system_day), 6).ids == [1, 2]
    assert [text for text in ANN + BOB if text in everything_in(store.folder)] == []
    stored = json.loads(archived.read_text())["candidates"]
    assert (stored["1"]["name"], stored["1"]["stage"], stored["1"]["scores"]) == ("Erased #1", "rejected", {"tester": {"Excel": 4}})


def test_on_request_an_open_candidate_withdraws_their_interview_is_cancelled_and_they_are_erased(store, clock):
    opening = store.repo("positions").add(Position(title="Driver"))
    dan = store.repo("candidates").add({"name": "Dan Request", "email": "dan@example.com", "position_id": opening.id})
    hiring.shortlist(store, dan.id, sure=True)
    hiring.book_interview(store, Interview(candidate_id=dan.id, start=clock.now + timedelta(days=1), interviewers=["Grace"]))

    erased = erase_candidate(store, dan.id)

    assert (erased.name, erased.email, erased.stage) == ("Erased #1", "", Stage.WITHDREW)
    assert store.repo("interviews").get(1).status == InterviewStatus.CANCELLED
    assert "Dan Request" not in everything_in(store.folder)
    with pytest.raises(RuleError, match="already|erased on"):
        erase_candidate(store, dan.id)


def test_the_daily_housekeeping_erases_once_a_day(office, clock, system_day):
    store = office
    now = seven_months_on(clock, system_day)
    assert erase_once_a_day(store, now, 6) == [1, 2]
    store.repo("candidates").update(3, lambda c: hiring.rules.move_stage(c, Stage.REJECTED, "tester", now - timedelta(days=400), "x"))
    assert erase_once_a_day(store, now, 6) is None  # already ran today
    assert erase_once_a_day(store, now + timedelta(days=1), 6) == [3]


def test_the_commands_for_a_request_and_for_cron(tmp_path, capsys):
    old = Store(tmp_path / "office", clock=Clock(datetime(2020, 1, 6, 9, tzinfo=UTC)))  # years before the machine's today
    opening = old.repo("positions").add(Position(title="Driver"))
    old.repo("candidates").add_many([{"name": n, "email": f"{n.split()[0]}@example.com", "position_id": opening.id}
                                     for n in ("Eve Early", "Fay Later", "Gus Going")])
    hiring.reject(old, 1, "no licence")
    folder = str(old.folder)

    assert main(["--data", folder, "erase-candidate", "3"]) == 2
    assert capsys.readouterr().err == "backoffice: this erases Gus Going (#3)'s CV, contact details and comments for good; add --yes to do it\n"
    assert old.repo("candidates").get(3).name == "Gus Going"
    assert main(["--data", folder, "erase-candidate", "3", "--yes"]) == 0
    assert capsys.readouterr().out == "erased the personal data of Gus Going (#3)\n"

    assert main(["--data", folder, "erase-expired"]) == 0
    assert capsys.readouterr().out == "erased the personal data of 1 candidate(s): #1\n"  # ids only: a cron mail holds no names
    assert main(["--data", folder, "erase-expired"]) == 0
    assert capsys.readouterr().out == "nobody's retention of 6 months is over\n"
    assert [c.name for c in old.repo("candidates").list()] == ["Erased #1", "Fay Later", "Erased #3"]


def test_retention_months_is_a_setting_checked_on_start(tmp_path, monkeypatch):
    assert load_settings().retention_months == 6
    monkeypatch.setenv("BACKOFFICE_RETENTION_MONTHS", "18")
    assert load_settings().retention_months == 18
    monkeypatch.setenv("BACKOFFICE_RETENTION_MONTHS", "0")
    with pytest.raises(SettingsError, match="retention_months must be a whole number of months from 1 to 120"):
        load_settings()


def test_months_later_keeps_the_day_or_the_months_last():
    assert months_later(datetime(2026, 8, 31, tzinfo=UTC), 6) == datetime(2027, 2, 28, tzinfo=UTC)
    assert months_later(datetime(2026, 3, 10, 9, 30, tzinfo=UTC), 6) == datetime(2026, 9, 10, 9, 30, tzinfo=UTC)


def test_on_request_an_archived_candidate_is_erased_in_the_archive(office, clock, system_day, capsys):
    store = office
    clock.now += timedelta(days=190)
    archive_old(store, clock.now, 180)
    assert main(["--data", str(store.folder), "erase-candidate", "1", "--yes"]) == 0
    assert capsys.readouterr().out == "erased the personal data of archived candidate #1\n"
    left = everything_in(store.folder)
    assert [text for text in ANN if text in left] == [] and BOB[0] in left  # Bob's six months are not over
