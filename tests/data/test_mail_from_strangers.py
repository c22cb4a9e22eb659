"""What strangers send cannot stop the office's mail, against the real Dovecot and aiosmtpd.

A message that cannot be read is set aside with its reason and the fetch moves past it; a
line separator in a stranger's subject or name (U+2028 and the like) is made a space at the
door, so a reply to it goes out; a send that fails in a way nobody foresaw says so on the
message, which stays on the list to send again.
"""

from __future__ import annotations

import pytest

from data.engine.errors import FieldError
from data.mail import actions
from data.mail.mailboxes import mailbox, mailboxes
from data.mail.models import Attachment, Mail, MailStatus, SendStatus
from data.mail.parse import parse_message
from tests.servers import deliver

SEPARATORS = "\u2028\u2029"  # the line separators a record can hold: the others are control characters, refused


def user_of(table: dict) -> str:
    return table["imap"].split("//")[1].split("@")[0]


def message(number: int, subject: str = "", sender: str = "Ann Lee", date: str | None = None) -> bytes:
    return (f"From: {sender} <ann{number}@supplier.example>\r\nTo: office@office.example\r\n"
            f"Subject: {subject or f'Order {number}'}\r\nMessage-ID: <m{number}@supplier.example>\r\n"
            f"Date: {date or 'Tue, 10 Mar 2026 08:00:00 +0000'}\r\n\r\nPlease send {number} boxes.\r\n").encode()


def on_server(dovecot, table: dict) -> list[int]:
    client = dovecot.client(user_of(table))
    try:
        client.select_folder("INBOX", readonly=True)
        return client.search("ALL")
    finally:
        client.logout()


def test_a_message_that_cannot_be_read_is_set_aside_and_the_fetch_moves_past_it(store, dovecot, mail_table, monkeypatch):
    """Whatever a message does to the reader — here, a fault no test has found yet, put in
    its way — it is kept as a record of why and the fetch goes on."""
    def reader_with_a_fault(raw: bytes):
        if b"Order 2" in raw:
            raise RecursionError("maximum recursion depth exceeded")
        return parse_message(raw)

    monkeypatch.setattr(actions, "parse_message", reader_with_a_fault)
    user = user_of(mail_table)
    for number in (1, 2, 3):
        deliver(dovecot, user, message(number, date="Fri, 31 Dec 9999 23:59:59 -0100" if number == 3 else None))
    box = mailbox("office", {**mail_table, "delete_after_fetch": True})
    assert actions.fetch_mail(store, box).new == 3
    first, unreadable, late = store.repo("mail").list()
    assert (first.subject, first.problems) == ("Order 1", [])
    assert (unreadable.uid, unreadable.subject) == (2, "(a message that could not be read: it is on the server)")
    assert unreadable.problems == ["it could not be read (RecursionError: maximum recursion depth exceeded)"]
    assert (late.subject, late.sender, late.sent_at) == ("Order 3", "Ann Lee", None)  # a moment no calendar holds
    assert late.problems == ["the date 'Fri, 31 Dec 9999 23:59:59 -0100' could not be read"]
    assert on_server(dovecot, mail_table) == [2, 3]  # what was not read whole stays on the server
    assert actions.fetch_mail(store, box).new == 0  # and is not met again


def test_a_reply_to_a_subject_with_a_line_separator_goes_out(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), message(1, subject="Order\u2028Bcc: evil@elsewhere.example", sender="Ann\u2029Lee"))
    box = mailboxes(mail_table)[0]
    actions.fetch_mail(store, box)
    original = store.repo("mail").get(1)
    assert (original.subject, original.sender) == ("Order Bcc: evil@elsewhere.example", "Ann Lee")
    answer = actions.reply(store, "mail", 1, "They go out today.", box)
    assert actions.send_mail(store, "mail", answer.id, box).send_status == SendStatus.SENT
    delivered = smtp.messages[-1]
    assert delivered["Subject"] == "Re: Order Bcc: evil@elsewhere.example" and delivered["Bcc"] is None
    assert store.repo("mail").get(1).status == MailStatus.WAITING


@pytest.mark.parametrize("separator", SEPARATORS)
def test_what_was_stored_or_typed_with_a_line_separator_is_sent_as_one_line(store, mail_table, smtp, separator):
    box = mailboxes(mail_table)[0]
    stored = store.repo("mail").add(Mail(mailbox="office", sender_address="ann@supplier.example", message_id="<m1@supplier.example>",
                                         subject=f"Order{separator}7"))  # as a fetch before this release kept it
    answer = actions.reply(store, "mail", stored.id, "Sent today.", box)
    typed = actions.compose(store, box, ["tom@office.example"], f"Keys{separator}under the mat", "See subject.")
    assert [actions.send_mail(store, "mail", m.id, box).send_status for m in (answer, typed)] == [SendStatus.SENT] * 2
    assert [m["Subject"] for m in smtp.messages] == ["Re: Order 7", "Keys under the mat"]
    assert store.repo("mail").get(typed.id).subject == "Keys under the mat"  # what is on the list is what went


@pytest.mark.parametrize("typed", ["ann@supplier.example\u2028Bcc: evil@elsewhere.example", "ann\u2028@supplier.example",
                                   "ann@supplier.example\x85", "Ann <ann@supplier\u2029.example>"])
def test_an_address_with_a_line_separator_is_refused_as_typed(store, mail_table, typed):
    with pytest.raises(FieldError, match="Not an e-mail address"):
        actions.compose(store, mailboxes(mail_table)[0], [typed], "Hello", "Hi")
    assert store.repo("mail").count() == 0


def test_a_send_that_fails_unforeseen_says_why_and_stays_to_send_again(store, mail_table, smtp):
    box = mailboxes(mail_table)[0]
    queued = actions.compose(store, box, ["ann@supplier.example"], "Your interview", "See the invitation.")
    gone = Attachment(name="invitation.ics", file="interview-9-1.ics", size=10, content_type="text/calendar; method=REQUEST")
    store.repo("mail").update(queued.id, lambda m: setattr(m, "attachments", [gone]))  # its file lost since
    failed = actions.send_mail(store, "mail", queued.id, box)
    assert failed.send_status == SendStatus.FAILED and smtp.messages == []
    assert failed.send_error.startswith("it could not be made ready to send, so nothing was sent (")
    assert "interview-9-1.ics" in failed.send_error
    actions.retry(store, "mail", queued.id)  # not stuck as "sending": it can be tried again at once
    assert store.repo("mail").get(queued.id).send_status == SendStatus.QUEUED
