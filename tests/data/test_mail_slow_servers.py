"""Mail servers that crawl or stop answering, in front of the real Dovecot and aiosmtpd.

Each exchange has a deadline for the whole of it — connecting with TLS and logging in, then
each command — not only for each read: a server that answers a byte at a time ends the
exchange when its deadline passes, in a sentence naming the server and what was being done.
The tests set a deadline of a second (``servers.TIMEOUT``) and allow three.
"""

from __future__ import annotations

import socket
import time

import pytest

from data.mail import actions, servers
from data.mail.mailboxes import mailbox, mailboxes
from data.mail.models import SendStatus
from data.mail.servers import MailServerError
from tests.servers import deliver
from tests.slow_link import SlowLink

DEADLINE = 1.0
BOUND = 3 * DEADLINE


@pytest.fixture(autouse=True)
def short_deadline(monkeypatch):
    monkeypatch.setattr(servers, "TIMEOUT", DEADLINE)


def user_of(table: dict) -> str:
    return table["imap"].split("//")[1].split("@")[0]


def through(link: SlowLink, table: dict) -> dict:
    """The mailbox's settings with both servers reached through ``link``'s port."""
    return {**table, "imap": table["imap"].replace(table["imap"].split("@")[1].split("/")[0], f"127.0.0.1:{link.port}"),
            "smtp": f"smtp://127.0.0.1:{link.port}"}


def greeting_length(port: int) -> int:
    """How many bytes the server's greeting is: a link that stalls after them stalls right after it."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as probe:
        return len(probe.makefile("rb").readline())


def message(number: int, size: int = 0) -> bytes:
    body = "".join(f"line {n} of the order, with enough words to make it a line\r\n" for n in range(size // 60))
    return (f"From: Ann Lee <ann@supplier.example>\r\nTo: office@office.example\r\nSubject: Order {number}\r\n"
            f"Message-ID: <m{number}@supplier.example>\r\n\r\nPlease send {number} boxes.\r\n{body}").encode()


def test_an_imap_server_that_answers_a_byte_at_a_time_ends_in_a_sentence(store, dovecot, mail_table):
    with SlowLink(dovecot.port, trickle=0.2) as link:
        box = mailbox("office", through(link, mail_table))
        started = time.monotonic()
        with pytest.raises(MailServerError) as failed:
            actions.fetch_mail(store, box)
        took = time.monotonic() - started
    assert str(failed.value) == (f"mail office: imap 127.0.0.1:{link.port}: gave up after 1 s while connecting: "
                                 "the server answers too slowly or not at all")
    assert took < BOUND


def test_an_imap_server_that_stops_after_its_greeting_ends_in_a_sentence(store, dovecot, mail_table):
    with SlowLink(dovecot.port, stall_after=greeting_length(dovecot.port)) as link:
        box = mailbox("office", through(link, mail_table))
        started = time.monotonic()
        with pytest.raises(MailServerError, match=rf"^mail office: imap 127.0.0.1:{link.port}: gave up after 1 s while asking what the server offers \(CAPABILITY\): "):
            actions.fetch_mail(store, box)
        assert time.monotonic() - started < BOUND


def test_an_smtp_server_that_crawls_or_stops_leaves_the_message_to_send_again(store, mail_table, smtp):
    box = mailboxes(mail_table)[0]
    queued = actions.compose(store, box, ["ann@supplier.example"], "Hello", "Hi")
    for pace, doing in (({"trickle": 0.2}, "connecting"), ({"stall_after": greeting_length(smtp.port)}, "greeting the server (EHLO)")):
        with SlowLink(smtp.port, **pace) as link:
            started = time.monotonic()
            failed = actions.send_mail(store, "mail", queued.id, mailbox("office", through(link, mail_table)))
            assert time.monotonic() - started < BOUND
        assert failed.send_status == SendStatus.FAILED
        assert failed.send_error == (f"mail office: smtp 127.0.0.1:{link.port}: gave up after 1 s while {doing}: "
                                     "the server answers too slowly or not at all")
    assert smtp.messages == []


def test_a_fetch_cut_off_midway_keeps_what_came_before_and_goes_on_from_there(store, dovecot, mail_table, monkeypatch):
    """Each message is fetched and stored before the next big one is asked for: when the
    server stops in the middle, the messages before are kept and not fetched again."""
    monkeypatch.setattr(servers, "BATCH_BYTES", 150_000)  # one message a group
    monkeypatch.setattr(servers, "SLOWEST_LINK", 10**9)  # no more time for a message's bytes than for a command
    for number in range(1, 5):
        deliver(dovecot, user_of(mail_table), message(number, size=200_000))
    with SlowLink(dovecot.port, stall_after=520_000) as link:  # two messages and a little more get through
        with pytest.raises(MailServerError, match=r"gave up after 1 s while fetching "):
            actions.fetch_mail(store, mailbox("office", through(link, mail_table)))
    assert [(m.uid, m.subject) for m in store.repo("mail").list()] == [(1, "Order 1"), (2, "Order 2")]
    assert actions.fetch_mail(store, mailboxes(mail_table)[0]).new == 2
    assert [m.uid for m in store.repo("mail").list()] == [1, 2, 3, 4]


def test_messages_are_fetched_in_groups_of_bounded_size(monkeypatch):
    monkeypatch.setattr(servers, "BATCH", 3)
    monkeypatch.setattr(servers, "BATCH_BYTES", 100)
    monkeypatch.setattr(servers, "MESSAGE_LIMIT", 500)
    sizes = {1: 40, 2: 40, 3: 40, 4: 300, 5: 10, 6: 10, 7: 10, 8: 10, 9: 900, 10: 60, 11: 60}
    assert list(servers.groups(list(sizes), sizes)) == [[1, 2], [3], [4], [5, 6, 7], [8, 9, 10], [11]]
