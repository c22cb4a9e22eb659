"""Mail that carries files, against real servers on localhost (Dovecot, aiosmtpd): a colleague
told by e-mail gets the files with it, the Sent folder keeps them too, and a file that cannot
go is named before anything is sent.
"""

from __future__ import annotations

import os
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

import pytest

from data.calls.models import Contact
from data.engine.errors import DataError, FieldError
from data.mail import actions, rules
from data.mail.attachments import SEND_LIMIT
from data.mail.mailboxes import mailbox, mailboxes
from data.mail.models import MailStatus, SendStatus
from tests.data.test_mail import user_of
from tests.servers import deliver

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40  # bytes of every value, so nothing is lost in encoding


def attached(message: Message) -> dict[str, bytes]:
    """The files a received message carries, by name."""
    return {part.get_filename(): part.get_payload(decode=True) for part in message.walk() if part.get_filename()}


def in_sent(dovecot, table: dict) -> list[Message]:
    client = dovecot.client(user_of(table))
    try:
        client.select_folder("Sent", readonly=True)
        fetched = client.fetch(client.search("ALL"), ["RFC822"])
        return [message_from_bytes(data[b"RFC822"], policy=policy.default) for data in fetched.values()]
    finally:
        client.logout()


@pytest.fixture
def bob(store):
    store.repo("contacts").add(Contact(name="Bob Smith", email="bob@office.example"))
    return "Bob Smith"


def test_a_colleague_told_by_mail_gets_the_files_and_sent_keeps_them(store, dovecot, mail_table, smtp, bob, tmp_path):
    order = tmp_path / "order 17.pdf"
    order.write_bytes(PDF)
    told = actions.tell_by_mail(store, mailboxes(mail_table), bob, "Fax from Nordic Paper", "A fax came for you.", [order])
    assert told is not None and told.send_status == SendStatus.SENT
    assert smtp.envelopes[-1] == ["bob@office.example"]
    received = smtp.messages[-1]
    assert attached(received) == {"order 17.pdf": PDF}
    assert [p.get_content_type() for p in received.walk() if p.get_filename()] == ["application/pdf"]
    [copy] = in_sent(dovecot, mail_table)
    assert attached(copy) == {"order 17.pdf": PDF}
    kept = store.folder / "attachments" / "office" / told.attachments[0].file
    assert kept.read_bytes() == PDF  # a failed send can be tried again with its file


def test_who_cannot_be_told_is_named_with_why(store, mail_table, bob):
    store.repo("contacts").add(Contact(name="Ann Lee"))
    boxes = mailboxes(mail_table)
    assert actions.why_not_told(store, boxes, bob) == ""
    assert actions.why_not_told(store, boxes, "Ann Lee") == "Ann Lee has no e-mail address in the directory: tell them another way."
    assert actions.tell_by_mail(store, boxes, "Ann Lee", "Hello", "Hi") is None
    no_smtp = [mailbox("office", {**mail_table, "smtp": ""})]
    assert "no mailbox is set up to send with" in actions.why_not_told(store, no_smtp, bob)
    hr_only = [mailbox("jobs", {**mail_table, "hr": True})]
    assert "Bob Smith" in actions.why_not_told(store, hr_only, bob)
    assert actions.tell_by_mail(store, hr_only, bob, "Hello", "Hi") is None


@pytest.mark.parametrize("make, said", [
    (lambda folder: folder / "gone.pdf", "gone.pdf is not there"),
    (lambda folder: folder, "is not a file"),
    (lambda folder: (folder / "big.bin").write_bytes(b"x" * (SEND_LIMIT + 1)) and folder / "big.bin", "big.bin is 20.0 MB"),
])
def test_a_file_that_cannot_go_is_named_and_nothing_is_sent(store, mail_table, smtp, bob, tmp_path, make, said):
    good = tmp_path / "fine.pdf"
    good.write_bytes(PDF)
    with pytest.raises(FieldError, match=said) as refused:
        actions.tell_by_mail(store, mailboxes(mail_table), bob, "Hello", "Hi", [good, make(tmp_path)])
    assert refused.value.field == "attachments" and "nothing was sent" in str(refused.value)
    assert smtp.messages == [] and store.repo("mail").count() == 0
    assert not (store.folder / "attachments" / "office").exists() or os.listdir(store.folder / "attachments" / "office") == []


def with_attachment(subject: str = "Purchase order", name: str = "PO-17.pdf", payload: bytes = PDF,
                    to: str = "Front desk <office@office.example>", cc: str = "Accounts <accounts@supplier.example>") -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "Ann Lee <ann@supplier.example>", to
    message["Cc"], message["Subject"], message["Message-ID"] = cc, subject, "<po17@supplier.example>"
    message.set_content("Our order is attached.")
    message.add_attachment(payload, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()


def test_mail_passed_on_reaches_the_colleague_with_its_attachments(store, dovecot, mail_table, smtp, bob):
    deliver(dovecot, user_of(mail_table), with_attachment())
    boxes = mailboxes(mail_table)
    actions.fetch_mail(store, boxes[0])
    outcome = actions.pass_on_and_tell(store, boxes, "mail", 1, bob)
    assert outcome.why_not == "" and outcome.told.send_status == SendStatus.SENT
    assert outcome.mail.assigned_to == "Bob Smith" and outcome.mail.status == MailStatus.ASSIGNED
    assert smtp.envelopes == [["bob@office.example"]]
    received = smtp.messages[0]
    assert received["Subject"] == "Fwd: Purchase order" and attached(received) == {"PO-17.pdf": PDF}
    assert "Our order is attached." in received.get_payload(0).get_payload(decode=True).decode()
    assert "Passed on to you by" in received.get_payload(0).get_payload(decode=True).decode()


def test_mail_passed_on_to_someone_without_an_address_says_so_and_is_passed_on(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), with_attachment())
    boxes = mailboxes(mail_table)
    actions.fetch_mail(store, boxes[0])
    outcome = actions.pass_on_and_tell(store, boxes, "mail", 1, "Dan Whitfield")
    assert outcome.told is None and outcome.mail.assigned_to == "Dan Whitfield"
    assert outcome.why_not == "Dan Whitfield has no e-mail address in the directory: tell them another way."
    assert smtp.messages == []


def test_reply_to_all_reaches_the_sender_and_everyone_copied_but_the_office(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), with_attachment())
    box = mailboxes(mail_table)[0]
    actions.fetch_mail(store, box)
    original = store.repo("mail").get(1)
    others = rules.reply_all_cc(original, [box.address, "office@office.example"])
    assert others == ["accounts@supplier.example"]  # the office's own address is left out
    answer = actions.reply(store, "mail", 1, "Received, thank you.", box, cc=[*others, "Tom <tom@office.example>"])
    sent = actions.send_mail(store, "mail", answer.id, box)
    assert sent.send_status == SendStatus.SENT and sent.cc == ["accounts@supplier.example", "tom@office.example"]
    assert sorted(smtp.envelopes[-1]) == ["accounts@supplier.example", "ann@supplier.example", "tom@office.example"]
    assert smtp.messages[-1]["Cc"] == "accounts@supplier.example, tom@office.example"


def test_a_reply_goes_to_whom_the_person_says(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), with_attachment())
    box = mailboxes(mail_table)[0]
    actions.fetch_mail(store, box)
    answer = actions.reply(store, "mail", 1, "Please send it to us.", box, to=["orders@supplier.example"])
    actions.send_mail(store, "mail", answer.id, box)
    assert smtp.envelopes == [["orders@supplier.example"]] and smtp.messages[0]["In-Reply-To"] == "<po17@supplier.example>"
    with pytest.raises(FieldError, match="Say whom to send it to") as refused:
        actions.reply(store, "mail", 1, "Hello", box, to=[])
    assert refused.value.field == "to"
    with pytest.raises(FieldError, match="Not an e-mail address: 'not me'") as refused:
        actions.reply(store, "mail", 1, "Hello", box, cc=["not me"])
    assert refused.value.field == "cc"


def test_a_forward_keeps_the_attachments_and_reaches_its_copies(store, dovecot, mail_table, smtp, tmp_path):
    deliver(dovecot, user_of(mail_table), with_attachment())
    box = mailboxes(mail_table)[0]
    actions.fetch_mail(store, box)
    note = tmp_path / "note.txt"
    note.write_text("Approved by Ann.\n")
    queued = actions.forward(store, "mail", 1, ["tom@office.example"], "For your files.", box, cc=["priya@office.example"],
                             files=[note])
    actions.send_mail(store, "mail", queued.id, box)
    assert sorted(smtp.envelopes[0]) == ["priya@office.example", "tom@office.example"]
    assert attached(smtp.messages[0]) == {"PO-17.pdf": PDF, "note.txt": b"Approved by Ann.\n"}
    assert attached(in_sent(dovecot, mail_table)[0]) == {"PO-17.pdf": PDF, "note.txt": b"Approved by Ann.\n"}
    # its own copies: the forward still goes if the original's files are erased later, and the other way round
    assert {a.file for a in queued.attachments}.isdisjoint({a.file for a in store.repo("mail").get(1).attachments})


def test_new_mail_with_two_files_arrives_with_both_and_signed(store, mail_table, smtp, tmp_path):
    box = mailbox("office", {**mail_table, "signature": "Front desk\nExample Ltd"})
    (tmp_path / "a.pdf").write_bytes(PDF)
    (tmp_path / "b.csv").write_text("item,count\npaper,10\n")
    queued = actions.compose(store, box, ["ann@supplier.example"], "Order", "Two files attached.",
                             files=[tmp_path / "a.pdf", tmp_path / "b.csv"])
    actions.send_mail(store, "mail", queued.id, box)
    received = smtp.messages[0]
    assert attached(received) == {"a.pdf": PDF, "b.csv": b"item,count\npaper,10\n"}
    body = received.get_payload(0).get_payload(decode=True).decode().replace("\r\n", "\n")
    assert body == "Two files attached.\n\n-- \nFront desk\nExample Ltd\n"


def test_a_reply_and_a_forward_are_signed_above_what_they_quote(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), with_attachment())
    box = mailbox("office", {**mail_table, "signature": "Front desk"})
    actions.fetch_mail(store, box)
    answer = actions.reply(store, "mail", 1, "Thanks.", box)
    assert answer.text.startswith("Thanks.\n\n-- \nFront desk\n\n") and "> Our order is attached." in answer.text
    forwarded = actions.forward(store, "mail", 1, ["tom@office.example"], "", box)
    assert forwarded.text.startswith("-- \nFront desk\n\n---------- Forwarded message ----------")
    assert "\nCc: Accounts <accounts@supplier.example>\n" in forwarded.text


def test_hostile_names_and_copies_cannot_add_headers(store, mail_table, smtp, tmp_path):
    box = mailboxes(mail_table)[0]
    hostile = tmp_path / "x\r\nBcc: spy@evil.example\x1b[2J[b].pdf"
    hostile.write_bytes(PDF)
    with pytest.raises(FieldError, match="Not an e-mail address") as refused:
        actions.compose(store, box, ["ann@supplier.example"], "Hi", "Hi", cc=["a@b.example\r\nBcc: spy@evil.example"])
    assert refused.value.field == "cc"
    queued = actions.compose(store, box, ["ann@supplier.example"], "Hi\r\nBcc: spy@evil.example", "Hi", files=[hostile])
    actions.send_mail(store, "mail", queued.id, box)
    received = smtp.messages[0]
    assert smtp.envelopes == [["ann@supplier.example"]] and received["Bcc"] is None
    [name] = attached(received)
    assert "\x1b" not in name and "\r" not in name and name.endswith("[b].pdf")


def test_an_address_the_parser_cannot_read_is_refused_not_dropped(store, mail_table):
    box = mailboxes(mail_table)[0]
    with pytest.raises(FieldError, match=r"Not an e-mail address: '\[b\]Spy <spy@evil.example>'"):
        actions.compose(store, box, ["ann@supplier.example"], "Hi", "Hi", cc=["[b]Spy <spy@evil.example>"])
    stranger = rules.Mail(mailbox="office", sender_address="ann@supplier.example", cc=["[b]CC␛]0;x␇ <spy@evil.example>"])
    assert rules.reply_all_cc(stranger, []) == ["spy@evil.example"]


def test_scripts_send_copies_and_files_and_reply_to_all(tmp_path, dovecot, mail_table, smtp):
    import subprocess
    import sys

    from tests.data.helpers import ROOT

    env = {**os.environ, **{f"BACKOFFICE_MAIL_{key.upper()}": value for key, value in mail_table.items()}}

    def backoffice(*args: str, text: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(tmp_path / "office"), *args],
                              cwd=ROOT, env=env, input=text, capture_output=True, text=True)

    (tmp_path / "po.pdf").write_bytes(PDF)
    assert backoffice("add", "contacts", "name=Ann").returncode == 0  # the office is made
    sent = backoffice("mail", "send", "--to", "ann@supplier.example", "--cc", "tom@office.example", "--subject", "PO",
                      "--attach", str(tmp_path / "po.pdf"), "--text", "Attached.")
    assert (sent.returncode, sent.stdout) == (0, "sent #1 to ann@supplier.example, tom@office.example\n"), sent.stderr
    assert sorted(smtp.envelopes[-1]) == ["ann@supplier.example", "tom@office.example"]
    assert attached(smtp.messages[-1]) == {"po.pdf": PDF}
    missing = backoffice("mail", "send", "--to", "ann@supplier.example", "--subject", "PO", "--attach",
                         str(tmp_path / "gone.pdf"), "--text", "Attached.")
    assert missing.returncode == 2 and f"{tmp_path}/gone.pdf is not there: nothing was sent." in missing.stderr
    deliver(dovecot, user_of(mail_table), with_attachment())
    assert backoffice("mail", "fetch").returncode == 0
    replied = backoffice("mail", "reply", "2", "--all", text="Thanks.\n")
    assert replied.returncode == 0, replied.stderr
    assert sorted(smtp.envelopes[-1]) == ["accounts@supplier.example", "ann@supplier.example", "office@office.example"]


def test_an_erased_applicant_is_gone_from_the_forwards_of_her_application_too(store, dovecot, mail_table, smtp, tmp_path):
    from datetime import date

    from data.candidates import actions as hiring
    from data.candidates.cv_mail import cvs_from_mail
    from data.candidates.models import Position
    from data.candidates.retention import erase_candidate
    from data.staff.models import Employee
    from tests.cv_samples import write_pdf
    from tests.data.test_cv_mail import application, fetched
    from tests.data.test_erasure_everywhere import CV, where_she_is

    store.repo("employees").add(Employee(name="Tom Baines", email="tom@office.example", start_date=date(2020, 1, 1)))
    store.repo("contacts").add(Contact(name="Tom Baines", email="tom@office.example"))
    store.repo("positions").add(Position(title="Payroll Clerk", hiring_manager="Tom Baines"))
    hr_box = mailbox("jobs", {**mail_table, "hr": True})
    pdf = write_pdf(tmp_path / "zofia.pdf", CV).read_bytes()
    raw = application("Zofia Nowak <zofia.nowak@example.com>", [("Zofia Nowak CV.pdf", pdf, "application/pdf")])
    mail_id = fetched(store, dovecot, hr_box, b"Message-ID: <cv-1@example.com>\r\n" + raw)
    actions.pass_on_and_tell(store, [hr_box], "hr_mail", mail_id, "Tom Baines")  # forwarded with her CV
    assert attached(smtp.messages[-1]) == {"Zofia Nowak CV.pdf": pdf}
    [outcome] = cvs_from_mail(store, "Payroll Clerk", "hr_mail", mail_id)
    hiring.withdraw(store, outcome.candidate.id, "took another job")
    erase_candidate(store, outcome.candidate.id)
    assert where_she_is(store.folder) == []
    assert store.repo("hr_mail").list() == []


def test_files_sent_from_an_hr_mailbox_are_kept_in_hr_as_private_as_its_data(store, mail_table, smtp, tmp_path):
    import stat

    hr_box = mailbox("jobs", {**mail_table, "hr": True})
    (tmp_path / "contract.pdf").write_bytes(PDF)
    queued = actions.compose(store, hr_box, ["zofia@example.com"], "Your contract", "Attached.", files=[tmp_path / "contract.pdf"])
    assert actions.send_mail(store, "hr_mail", queued.id, hr_box).send_status == SendStatus.SENT
    kept = store.folder / "hr" / "attachments" / "jobs" / queued.attachments[0].file
    assert kept.read_bytes() == PDF and not (store.folder / "attachments").exists()
    assert stat.S_IMODE(kept.stat().st_mode) == stat.S_IMODE(store.file("people").stat().st_mode)
    assert attached(smtp.messages[0]) == {"contract.pdf": PDF}


def test_hr_mail_passed_on_never_goes_out_through_the_office_mailbox(store, dovecot, mail_table, smtp, tmp_path):
    from tests.data.test_cv_mail import application, fetched

    store.repo("contacts").add(Contact(name="Tom Baines", email="tom@office.example"))
    hr_user = dovecot.new_user()
    hr_box = mailbox("jobs", {"imap": f"imap://{hr_user}@127.0.0.1:{dovecot.port}/INBOX", "hr": True})  # cannot send
    office = mailbox("office", mail_table)
    raw = application("Zofia Nowak <zofia.nowak@example.com>", [("Zofia Nowak CV.pdf", PDF, "application/pdf")])
    mail_id = fetched(store, dovecot, hr_box, raw)
    outcome = actions.pass_on_and_tell(store, [office, hr_box], "hr_mail", mail_id, "Tom Baines")
    assert outcome.why_not.startswith("HR's mailbox cannot send: 'jobs' has no SMTP server")
    assert "Tom Baines was not told by e-mail" in outcome.why_not
    assert outcome.told is None and outcome.mail.assigned_to == "Tom Baines"  # passed on all the same
    assert smtp.messages == [] and in_sent(dovecot, mail_table) == []
    assert [m.id for m in store.repo("hr_mail").list()] == [mail_id] and store.repo("mail").count() == 0
    with pytest.raises(DataError, match="HR's mailbox cannot send"):
        actions.forward(store, "hr_mail", mail_id, ["tom@office.example"], "For you.", office)
    with pytest.raises(DataError, match="HR's mailbox cannot send"):
        actions.reply(store, "hr_mail", mail_id, "Thank you.", office)
    assert smtp.messages == [] and [m.id for m in store.repo("hr_mail").list()] == [mail_id]


def planted(store, dovecot, mail_table, listed: list[tuple[str, int]]) -> int:
    """A message whose record a colleague rewrote to list ``listed`` (file, size as recorded)."""
    from data.mail.models import Attachment

    deliver(dovecot, user_of(mail_table), with_attachment())
    actions.fetch_mail(store, mailboxes(mail_table)[0])
    files = [Attachment(name=f"part {n}.bin", file=file, size=size) for n, (file, size) in enumerate(listed, 1)]
    return store.repo("mail").update(1, lambda m: setattr(m, "attachments", files)).id


def test_a_forward_reads_no_more_than_one_message_may_carry(store, dovecot, mail_table, smtp):
    import tracemalloc

    mail_id = planted(store, dovecot, mail_table, [("big.bin", 1)] * 8)  # its size recorded as 1 byte
    (store.folder / "attachments" / "office" / "big.bin").write_bytes(b"x" * (SEND_LIMIT // 2 + 1))  # two are too many
    tracemalloc.start()
    try:
        with pytest.raises(FieldError, match=r"'part 2.bin' \(10.0 MB\) would make the message carry more than the 20 MB"):
            actions.forward(store, "mail", mail_id, ["bob@office.example"], "For you.", mailboxes(mail_table)[0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * SEND_LIMIT  # not the 80 MB of all it lists
    assert smtp.messages == [] and store.repo("mail").count() == 1


def test_a_forward_stops_at_the_size_recorded_before_reading_the_file(store, dovecot, mail_table, smtp):
    listed = [("small.bin", 1000), ("not-kept.bin", SEND_LIMIT), ("never-read.bin", 1)]
    mail_id = planted(store, dovecot, mail_table, listed)
    (store.folder / "attachments" / "office" / "small.bin").write_bytes(b"x" * 1000)
    with pytest.raises(FieldError, match=r"'part 2.bin' \(20.0 MB\) would make the message carry more") as refused:
        actions.forward(store, "mail", mail_id, ["bob@office.example"], "For you.", mailboxes(mail_table)[0])
    assert refused.value.field == "attachments" and smtp.messages == []
