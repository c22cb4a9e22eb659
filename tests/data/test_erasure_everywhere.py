"""An erased candidate is gone from every file of the office: after each way their data comes
in — a CV by mail on a real Dovecot, a CV file, an interview with its invitation sent over a
real SMTP server, an offer letter, a reply — and after a process killed in the middle of a
save or of the erasure itself, every file under the data folder (backups, archive, indexes,
attachments, audit logs) is searched for their name, address, phone and CV text: none is found.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from data.candidates import actions as hiring
from data.candidates import cv_import, traces
from data.candidates.cv_mail import cvs_from_mail
from data.candidates.invitations import mail_due_invitations
from data.candidates.models import Interview, Position
from data.engine.errors import RuleError
from data.mail.models import Mail
from data.candidates.retention import erase_candidate, erase_expired
from data.engine.archive import archive_old, search_history
from data.engine.store import Store
from data.mail import actions as mail
from data.mail.mailboxes import mailbox
from data.staff.letters import candidate_offer_letter, save_letter
from data.staff.models import Employee
from tests.cv_samples import write_pdf
from tests.data.helpers import Child
from tests.data.test_cv_mail import application, fetched
from tui.cli import main

CV = ["Zofia Nowak", "Bookkeeper", "zofia.nowak@example.com · 07700 900461", "",
      "Eight years of payroll at Harbour Mills.", "Health: a back condition, NOTE-FOR-HR-ONLY."]
HER = ["Zofia Nowak", "zofia nowak", "zofia.nowak@example.com", "+447700900461", "07700 900461",
       "payroll at Harbour Mills", "NOTE-FOR-HR-ONLY"]


def where_she_is(folder: Path) -> list[str]:
    """Every file under ``folder`` that holds anything of hers, raw or in lower case."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        found += [f"{path.relative_to(folder)}: {needle}" for needle in HER
                  if needle.encode() in data or needle.casefold().encode() in data]
    return found


@pytest.fixture
def opening(store):
    store.repo("employees").add(Employee(name="Tom Baines", email="tom@office.example", start_date=date(2020, 1, 1)))
    return store.repo("positions").add(Position(title="Payroll Clerk", hiring_manager="Tom Baines"))


@pytest.fixture
def hr_box(mail_table):
    return mailbox("jobs", {**mail_table, "hr": True})


def applied_by_mail(store, dovecot, hr_box, tmp_path) -> int:
    pdf = write_pdf(tmp_path / "zofia.pdf", CV).read_bytes()
    mail_id = fetched(store, dovecot, hr_box, application("Zofia Nowak <zofia.nowak@example.com>",
                                                          [("Zofia Nowak CV.pdf", pdf, "application/pdf")]))
    [outcome] = cvs_from_mail(store, "Payroll Clerk", "hr_mail", mail_id)
    return outcome.candidate.id


def interviewed_offered_and_written_to(store, hr_box, candidate_id: int) -> None:
    hiring.shortlist(store, candidate_id, sure=True)
    hiring.book_interview(store, Interview(candidate_id=candidate_id, start=store.now() + timedelta(days=2),
                                           interviewers=["Tom Baines"], place="Room 1"))
    assert [m.send_status.value for m in mail_due_invitations(store, [hr_box])] == ["sent"]
    reply = mail.compose(store, hr_box, ["zofia.nowak@example.com"], "Your application", "Dear Zofia Nowak, thank you.")
    assert mail.send_mail(store, "hr_mail", reply.id, hr_box).send_status.value == "sent"
    hiring.make_offer(store, candidate_id, "£26,000 for Zofia Nowak", sure=True)
    save_letter(store, candidate_offer_letter(store, candidate_id, "Harbour Office"))


def test_an_applicant_by_mail_booked_offered_and_written_to_is_gone_from_every_file_once_erased(
        store, dovecot, hr_box, opening, smtp, tmp_path, system_day, capsys):
    zofia = applied_by_mail(store, dovecot, hr_box, tmp_path)
    interviewed_offered_and_written_to(store, hr_box, zofia)
    system_day.next()  # the next day's first save copies people.json with her in it
    hiring.withdraw(store, zofia, "took another job")
    older = store.folder / "hr" / "letters" / "2026-02-01-offer-zofia-nowak.txt"  # named as letters were before
    older.write_text("Dear Zofia Nowak, …")
    assert len(where_she_is(store.folder)) > 10  # she is in the CV, the mail, the invitation, the letter, a backup…

    assert main(["--data", str(store.folder), "erase-candidate", str(zofia), "--yes"]) == 0
    assert where_she_is(store.folder) == []
    assert store.repo("hr_mail").find(mailbox="jobs") == []  # her application, invitation and reply
    assert traces.orphans(store, store.now() + timedelta(days=1)) == []
    assert main(["--data", str(store.folder), "check"]) == 0


def test_only_mail_to_and_from_her_own_address_is_hers(store, opening):
    zofia = store.repo("candidates").add({"name": "Zofia Nowak", "email": "Zofia.Nowak@example.com", "position_id": opening.id})
    hers, near = store.repo("mail").add_many([
        Mail(mailbox="office", sender="Zofia <zofia.nowak@example.com>", sender_address="zofia.nowak@example.com", subject="CV"),
        Mail(mailbox="office", sender="Jo <jozofia.nowak@example.com>", sender_address="jozofia.nowak@example.com",
             to=["accounts@office.example, zofia.nowak@example.com.au"], subject="Invoice 77"),
    ])
    hiring.withdraw(store, zofia.id, "")
    erase_candidate(store, zofia.id)
    assert [m.id for m in store.repo("mail").list()] == [near.id]


def test_a_cv_file_rejected_archived_and_expired_is_gone_from_every_file(store, opening, tmp_path, clock, system_day):
    cv = tmp_path / "zofia-nowak.txt"
    cv.write_text("\n".join(CV))
    [outcome] = cv_import.import_cvs(store, "Payroll Clerk", [cv])
    hiring.reject(store, outcome.candidate.id, "Zofia Nowak has no licence")
    system_day.next()
    clock.now += timedelta(days=200)
    archive_old(store, clock.now, 180)
    assert [r.name for _, r in search_history(store, {"people"}, "zofia")] == ["Zofia Nowak"]  # the archive's index
    system_day.next()
    clock.now += timedelta(days=1)

    assert erase_expired(store, clock.now, months=6).ids == [outcome.candidate.id]
    assert where_she_is(store.folder) == []
    assert search_history(store, {"people"}, "zofia") == []


def killed_after(target: str, work) -> int:
    """Run ``work()`` in a child that kills itself when it reaches ``target`` (module:function)."""
    module_name, _, name = target.rpartition(":")

    def child(report) -> None:
        import importlib

        module = importlib.import_module(module_name)
        real = getattr(module, name)

        def then_killed(*args, **kwargs):
            real(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)

        setattr(module, name, then_killed)
        work()

    code, _ = Child(child).wait()
    return code


def aged(folder: Path, hours: int) -> None:
    """Every file under ``folder`` as if written ``hours`` ago."""
    then = time.time() - hours * 3600
    for path in folder.rglob("*"):
        os.utime(path, (then, then), follow_symlinks=False)


def test_a_cv_save_killed_before_its_record_leaves_a_file_check_names_and_erase_expired_removes(
        store, opening, tmp_path, capsys):
    cv = tmp_path / "zofia-nowak.txt"
    cv.write_text("\n".join(CV))
    folder = store.folder
    code = killed_after("data.candidates.cv_import:keep_cv_file",
                        lambda: cv_import.import_cvs(Store(folder, user="hr"), "Payroll Clerk", [cv]))
    assert code == -signal.SIGKILL
    assert store.repo("candidates").list() == []
    assert where_she_is(folder)  # the CV file, which no record names
    aged(folder / "hr" / "cvs", hours=2)

    assert main(["--data", str(folder), "check"]) == 1
    assert "a CV file no candidate names, left by a save cut short or an erasure" in capsys.readouterr().err
    assert main(["--data", str(folder), "erase-expired"]) == 0
    assert "removed 1 file(s) left with no record naming them" in capsys.readouterr().out
    assert where_she_is(folder) == []
    assert main(["--data", str(folder), "check"]) == 0


@pytest.mark.parametrize("target", ["data.candidates.retention:remove_mails", "data.candidates.retention:erase_person"])
def test_an_erasure_killed_midway_is_finished_by_the_next(store, dovecot, hr_box, opening, smtp, tmp_path, system_day, target):
    zofia = applied_by_mail(store, dovecot, hr_box, tmp_path)
    interviewed_offered_and_written_to(store, hr_box, zofia)
    system_day.next()
    hiring.withdraw(store, zofia, "took another job")
    folder = store.folder
    code = killed_after(target, lambda: erase_candidate(Store(folder, user="hr"), zofia))
    assert code == -signal.SIGKILL
    assert where_she_is(folder)  # the kill left some of her: her record, or the backup copies

    if target.endswith("erase_person"):  # her record was erased: asked again, the copies are scrubbed
        with pytest.raises(RuleError, match="the personal data was erased on"):
            erase_candidate(store, zofia)
    else:
        erase_candidate(store, zofia)
    assert where_she_is(folder) == []


def test_interview_feedback_in_the_working_file_goes_with_a_candidate_erased_from_the_archive(store, opening, clock, system_day):
    zofia = store.repo("candidates").add({"name": "Zofia Nowak", "position_id": opening.id})
    hiring.shortlist(store, zofia.id, sure=True)
    interview = hiring.book_interview(store, Interview(candidate_id=zofia.id, start=clock.now + timedelta(days=1),
                                                       interviewers=["Tom Baines"]))
    clock.now += timedelta(days=2)
    hiring.give_feedback(store, interview.id, 3, "Keen.")
    hiring.reject(store, zofia.id, "not now")
    clock.now += timedelta(days=30)  # the panel writes its feedback up in full a month later
    hiring.give_feedback(store, interview.id, 3, "Zofia Nowak spoke of payroll at Harbour Mills")
    clock.now += timedelta(days=170)
    system_day.next()
    archive_old(store, clock.now, 180)  # she moves to the archive; the interview, changed since, stays
    assert store.repo("candidates").list() == [] and store.repo("interviews").list()

    assert erase_expired(store, clock.now, months=6).ids == [zofia.id]
    assert where_she_is(store.folder) == []


def test_copies_a_kill_left_half_written_are_found_and_removed(store, opening, capsys):
    store.repo("positions").list()
    store.repo("candidates").add({"name": "Ola Kim", "position_id": opening.id})  # makes hr/
    for kind, name in (("backups", ".people-2026-03-10.json.0123456789ab.tmp"), ("archive", ".people-2026.json.ba9876543210.tmp")):
        (store.folder / "hr" / kind).mkdir(exist_ok=True)
        (store.folder / "hr" / kind / name).write_text('{"candidates": {"1": {"name": "Zofia Nowak"}}}')
    aged(store.folder / "hr", hours=2)

    assert main(["--data", str(store.folder), "check"]) == 1
    assert capsys.readouterr().err.count("a copy left by a save cut short") == 2
    assert main(["--data", str(store.folder), "erase-expired"]) == 0
    assert where_she_is(store.folder) == []
