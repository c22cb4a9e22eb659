"""What strangers send cannot stop the office's mail, against the real Dovecot.

A message that cannot be read is set aside with its reason and the fetch moves past it.
"""

from __future__ import annotations

from data.mail import actions
from data.mail.mailboxes import mailbox
from data.mail.parse import parse_message
from tests.servers import deliver

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
