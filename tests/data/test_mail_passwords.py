"""Passwords go only over TLS, against real servers that offer none: a second Dovecot with
TLS switched off, and aiosmtpd without STARTTLS that takes logins in the clear.

A mailbox whose server offers no TLS is refused before any password is sent, unless its
settings say ``insecure = true`` (BACKOFFICE_MAIL_INSECURE=1 from the environment); such a
mailbox is then warned about, in one line on stderr, whenever the command line uses it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from data.mail import actions
from data.mail.mailboxes import MailSettingsError, in_the_clear_warning, mailbox, mailboxes
from data.mail.models import SendStatus
from data.mail.servers import MailServerError
from tests.data.helpers import ROOT
from tests.servers import PASSWORD, deliver, dovecot_in_the_clear, start_smtp  # noqa: F401  (a fixture)

REFUSED = "the server offers no TLS (STARTTLS), so the password was not sent"


def logins(server, user: str) -> list[str]:
    return [line for line in (server.root / "dovecot.log").read_text().splitlines() if f"user=<{user}>" in line]


def message(number: int) -> bytes:
    return (f"From: ann@supplier.example\r\nSubject: Order {number}\r\nMessage-ID: <m{number}@supplier.example>\r\n\r\n"
            f"Please send {number} boxes.\r\n").encode()


@pytest.fixture
def clear_table(dovecot_in_the_clear, monkeypatch) -> dict:
    """A mailbox on the Dovecot without TLS; what its log said of the user before the test."""
    user = dovecot_in_the_clear.new_user()
    deliver(dovecot_in_the_clear, user, message(1))
    monkeypatch.setenv("BACKOFFICE_MAIL_PASSWORD", PASSWORD)
    return {"imap": f"imap://{user}@127.0.0.1:{dovecot_in_the_clear.port}/INBOX", "from": f"Front desk <{user}@office.example>"}


@pytest.fixture
def smtp_in_the_clear():
    controller, inbox = start_smtp(None)
    inbox.port = controller.port
    yield inbox
    controller.stop()


def test_imap_without_tls_is_refused_before_the_password_is_sent(store, dovecot_in_the_clear, clear_table):
    user = clear_table["imap"].split("//")[1].split("@")[0]
    before = logins(dovecot_in_the_clear, user)  # the delivery's own
    with pytest.raises(MailServerError, match=rf"^mail office: imap 127.0.0.1:\d+: {re.escape(REFUSED)}; .* set insecure = true"):
        actions.fetch_mail(store, mailboxes(clear_table)[0])
    assert logins(dovecot_in_the_clear, user) == before and store.repo("mail").count() == 0
    assert actions.fetch_mail(store, mailbox("office", {**clear_table, "insecure": True})).new == 1
    assert len(logins(dovecot_in_the_clear, user)) == len(before) + 1


def test_smtp_without_tls_is_refused_before_the_password_is_sent(store, clear_table, smtp_in_the_clear):
    table = {**clear_table, "imap": "", "smtp": f"smtp://office@127.0.0.1:{smtp_in_the_clear.port}"}
    queued = actions.compose(store, mailboxes(table)[0], ["ann@supplier.example"], "Hello", "Hi")
    failed = actions.send_mail(store, "mail", queued.id, mailboxes(table)[0])
    assert failed.send_status == SendStatus.FAILED and REFUSED in failed.send_error
    assert smtp_in_the_clear.logins == [] and smtp_in_the_clear.messages == []
    actions.retry(store, "mail", queued.id)
    sent = actions.send_mail(store, "mail", queued.id, mailbox("office", {**table, "insecure": "yes"}))
    assert sent.send_status == SendStatus.SENT and smtp_in_the_clear.logins == [("office", PASSWORD)]


def test_a_copy_not_filed_in_sent_is_said_so_truthfully(store, dovecot, clear_table, smtp):
    """Sent by a server with TLS; the copy for Sent refused by one without: sent, and said as it was."""
    table = {**clear_table, "smtp": f"smtp://127.0.0.1:{smtp.port}"}
    queued = actions.compose(store, mailboxes(table)[0], ["ann@supplier.example"], "Hello", "Hi")
    sent = actions.send_mail(store, "mail", queued.id, mailboxes(table)[0])
    assert sent.send_status == SendStatus.SENT and len(smtp.messages) == 1
    assert sent.history[-1].action == "sent (no copy was kept in the server's Sent folder)"


def test_smtp_without_tls_and_without_a_login_sends_no_password_and_goes_ahead(store, clear_table, smtp_in_the_clear):
    """A relay that asks for no login (the office's own, on its network): no password is at stake."""
    table = {**clear_table, "imap": "", "smtp": f"smtp://127.0.0.1:{smtp_in_the_clear.port}"}
    queued = actions.compose(store, mailboxes(table)[0], ["ann@supplier.example"], "Hello", "Hi")
    assert actions.send_mail(store, "mail", queued.id, mailboxes(table)[0]).send_status == SendStatus.SENT
    assert smtp_in_the_clear.logins == []


def test_a_mailbox_allowed_in_the_clear_is_named_in_one_warning():
    boxes = mailboxes({"imap": "imaps://a@mail.example", "insecure": True,  # TLS from the first byte: nothing to warn of
                       "jobs": {"imap": "imap://b@mail.example", "insecure": "1"},
                       "shop": {"imap": "imap://c@mail.example"}})
    assert in_the_clear_warning(boxes) == ("mail jobs: insecure = true: the password may be sent to the server "
                                           "without TLS, readable by anyone on the way")
    assert in_the_clear_warning(boxes[2:]) == ""
    with pytest.raises(MailSettingsError, match="insecure must be true or false"):
        mailbox("office", {"imap": "imap://a@mail.example", "insecure": "perhaps"})


def test_the_command_line_refuses_or_warns_in_one_line(tmp_path, clear_table):
    env = {**os.environ, **{f"BACKOFFICE_MAIL_{key.upper()}": value for key, value in clear_table.items()}}
    command = [sys.executable, "-m", "tui.cli", "--data", str(tmp_path / "office"), "mail", "fetch"]
    subprocess.run([*command[:-2], "add", "contacts", "name=Ann"], cwd=ROOT, env=env, check=True, capture_output=True)
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and REFUSED in refused.stderr and refused.stdout == ""
    allowed = subprocess.run(command, cwd=ROOT, env={**env, "BACKOFFICE_MAIL_INSECURE": "1"}, capture_output=True, text=True)
    assert (allowed.returncode, allowed.stdout) == (0, "office: 1 new\n")
    assert allowed.stderr == ("backoffice: mail office: insecure = true: the password may be sent to the server "
                              "without TLS, readable by anyone on the way\n")
