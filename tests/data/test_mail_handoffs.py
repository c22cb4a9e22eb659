"""Mail that carries files, against real servers on localhost (Dovecot, aiosmtpd): a colleague
told by e-mail gets the files with it, the Sent folder keeps them too, and a file that cannot
go is named before anything is sent.
"""

from __future__ import annotations

import os
from email import message_from_bytes, policy
from email.message import Message

import pytest

from data.calls.models import Contact
from data.engine.errors import FieldError
from data.mail import actions
from data.mail.attachments import SEND_LIMIT
from data.mail.mailboxes import mailbox, mailboxes
from data.mail.models import SendStatus
from tests.data.test_mail import user_of

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
