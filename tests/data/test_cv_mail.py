"""CVs that came by e-mail: applications delivered to an HR mailbox on a real Dovecot, fetched,
and their CV attachments made candidates the way CV files are — by `backoffice import-cvs
--mail` and by the data call the app's key uses."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

import pytest

from data.candidates.cv_mail import cvs_from_mail
from data.candidates.models import Position
from data.engine.errors import RuleError
from data.mail import actions
from data.mail.mailboxes import mailbox
from data.mail.models import MailStatus
from tests.cv_samples import ANN, write_docx, write_pdf
from tests.data.test_mail import user_of
from tests.hostile import PAYLOAD
from tests.servers import deliver
from tui.cli import main

NO_CONTACT = ["Carl Dunn", "Office assistant", "", "Ten years on a hotel's front desk."]


@pytest.fixture
def opening(store):
    return store.repo("positions").add(Position(title="Office Assistant"))


@pytest.fixture
def hr_box(mail_table):
    return mailbox("jobs", {**mail_table, "hr": True})


def application(sender: str, files: list[tuple[str, bytes, str]]) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "jobs@office.example", "Application"
    message.set_content("Please find my CV attached.")
    for name, data, kind in files:
        maintype, subtype = kind.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def fetched(store, dovecot, box, raw: bytes) -> int:
    """Deliver, fetch, and the id of the HR message it became."""
    deliver(dovecot, user_of({"imap": f"imap://{box.imap.user}@x"}), raw)
    actions.fetch_mail(store, box)
    return max(m.id for m in store.repo("hr_mail").list())


def test_each_cv_attached_becomes_a_candidate_and_the_message_is_done(store, dovecot, hr_box, opening, tmp_path):
    pdf = write_pdf(tmp_path / "ann.pdf", ANN).read_bytes()
    docx = write_docx(tmp_path / "carl.docx", NO_CONTACT).read_bytes()
    raw = application("Carl Dunn <carl@example.net>", [("Ann Lee CV.pdf", pdf, "application/pdf"),
                                                        ("cv.docx", docx, "application/octet-stream"),
                                                        ("logo.png", b"\x89PNG\r\n", "image/png")])
    mail_id = fetched(store, dovecot, hr_box, raw)
    outcomes = cvs_from_mail(store, "Office Assistant", "hr_mail", mail_id)
    assert [o.line() for o in outcomes] == ["Ann Lee CV.pdf: Ann Lee, new (#1)", "cv.docx: Carl Dunn, new (#2); no phone found"]
    ann, carl = store.repo("candidates").list()
    assert (ann.email, ann.phone, ann.source) == ("ann.lee@example.com", "+447700900123", "e-mail")
    assert carl.email == "carl@example.net" and "hotel's front desk" in carl.cv_text  # the sender's address stands in
    assert (store.home("people") / carl.cv_path).read_bytes() == docx  # kept with HR's privacy, beside people.json
    mail = store.repo("hr_mail").get(mail_id)
    assert mail.status == MailStatus.DONE
    assert mail.history[-1].note == "CVs taken as candidates for Office Assistant: #1 Ann Lee, #2 Carl Dunn"


def test_the_same_application_taken_twice_is_merged_not_doubled(store, dovecot, hr_box, opening, tmp_path):
    pdf = write_pdf(tmp_path / "ann.pdf", ANN).read_bytes()
    mail_id = fetched(store, dovecot, hr_box, application("ann.lee@example.com", [("cv.pdf", pdf, "application/pdf")]))
    cvs_from_mail(store, "Office Assistant", "hr_mail", mail_id)
    again = fetched(store, dovecot, hr_box, application("ann.lee@example.com", [("cv-new.pdf", pdf, "application/pdf")]))
    [outcome] = cvs_from_mail(store, "Office Assistant", "hr_mail", again)
    assert outcome.line() == "cv-new.pdf: merged into #1 Ann Lee (same e-mail)"
    assert store.repo("candidates").count() == 1


def test_an_unreadable_cv_is_named_and_the_message_stays_open(store, dovecot, hr_box, opening):
    raw = application("Dee <dee@example.net>", [("scan.pdf", b"\x89PNG\r\n\x1a\n", "application/pdf"),
                                                 ("dee.txt", b"Dee Evans\nTyping 80 wpm\n", "text/plain")])
    mail_id = fetched(store, dovecot, hr_box, raw)
    outcomes = cvs_from_mail(store, "Office Assistant", "hr_mail", mail_id)
    assert [o.line() for o in outcomes] == ["scan.pdf: a picture, not text (a scanned CV needs typing in)",
                                            "dee.txt: Dee Evans, new (#1); no phone found"]
    mail = store.repo("hr_mail").get(mail_id)
    assert mail.status == MailStatus.OPEN and mail.history[-1].note.endswith("; not read: scan.pdf")


def test_a_message_without_a_cv_or_a_closed_opening_is_refused_in_a_sentence(store, dovecot, hr_box, opening):
    mail_id = fetched(store, dovecot, hr_box, application("x@example.net", [("logo.png", b"\x89PNG", "image/png")]))
    with pytest.raises(RuleError, match=rf"Message #{mail_id} has no CV attached"):
        cvs_from_mail(store, "Office Assistant", "hr_mail", mail_id)
    store.repo("positions").update(opening.id, lambda p: setattr(p, "status", "closed"))
    with pytest.raises(RuleError, match="is closed: reopen it to take CVs"):
        cvs_from_mail(store, "Office Assistant", "hr_mail", mail_id)
    assert store.repo("candidates").count() == 0


def test_hostile_names_and_text_arrive_inert(store, dovecot, hr_box, opening):
    raw = application(formataddr((PAYLOAD, "evil@example.net")), [(f"{PAYLOAD}.txt", f"{PAYLOAD}\nno name here\n".encode(), "text/plain")])
    mail_id = fetched(store, dovecot, hr_box, raw)
    [outcome] = cvs_from_mail(store, "Office Assistant", "hr_mail", mail_id)
    [candidate] = store.repo("candidates").list()
    for said in (outcome.line(), candidate.name, candidate.cv_text):
        assert "\x1b" not in said and "\x07" not in said
    assert candidate.email == "evil@example.net"


def test_the_command_line_takes_the_cvs_of_hr_messages(store, dovecot, hr_box, opening, tmp_path, capsys):
    pdf = write_pdf(tmp_path / "ann.pdf", ANN).read_bytes()
    mail_id = fetched(store, dovecot, hr_box, application("ann.lee@example.com", [("cv.pdf", pdf, "application/pdf")]))
    code = main(["--data", str(store.folder), "import-cvs", "Office Assistant", "--mail", str(mail_id)])
    assert (code, capsys.readouterr().out) == (0, "cv.pdf: Ann Lee, new (#1)\n")
    code = main(["--data", str(store.folder), "import-cvs", "Office Assistant"])
    assert code == 2 and "give CV files or folders, or --mail ID" in capsys.readouterr().err


def test_cvs_mailed_to_the_office_mailbox_come_into_hr_too(store, dovecot, mail_table, opening, tmp_path):
    office = mailbox("office", mail_table)
    deliver(dovecot, user_of(mail_table), application("Ann <a@example.net>", [("cv.txt", b"Ann Lee\n", "text/plain")]))
    actions.fetch_mail(store, office)
    [outcome] = cvs_from_mail(store, "Office Assistant", "mail", 1)
    assert outcome.candidate is not None and Path(store.home("people") / outcome.candidate.cv_path).is_file()
    assert store.repo("mail").get(1).status == MailStatus.DONE
