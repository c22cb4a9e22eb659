"""The office's mailbox against real servers on localhost: Dovecot for IMAP, aiosmtpd for SMTP.

Fetching takes each message once (per UIDVALIDITY) even with two fetchers at once, leaves
the server as it was unless told otherwise, and survives broken messages; replies go out
threaded and a copy lands in the server's Sent folder; a refused send is kept to try again.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from data.calls.models import Contact
from data.engine.errors import DataError
from data.mail import actions, rules
from data.mail.mailboxes import MailSettingsError, mailbox, mailboxes
from data.mail.models import MailStatus, SendStatus
from tests.data.helpers import ROOT
from tests.hostile import PAYLOAD
from tests.servers import PASSWORD, deliver, make_certificate, server_context, start_smtp


def user_of(table: dict) -> str:
    return table["imap"].split("//")[1].split("@")[0]


def message(number: int, subject: str = "", **headers: str) -> bytes:
    lines = {"From": f"Ann Lee <ann{number}@supplier.example>", "To": "office@office.example",
             "Subject": subject or f"Order {number}", "Message-ID": f"<m{number}@supplier.example>",
             "Date": "Tue, 10 Mar 2026 08:00:00 +0000", **headers}
    head = "".join(f"{name}: {value}\r\n" for name, value in lines.items())
    return f"{head}\r\nPlease send {number} boxes.\r\n".encode()


def on_server(dovecot, table: dict, folder: str = "INBOX") -> list[int]:
    client = dovecot.client(user_of(table))
    try:
        client.select_folder(folder, readonly=True)
        return client.search("ALL")
    finally:
        client.logout()


def test_new_mail_comes_in_once_and_stays_on_the_server(store, dovecot, mail_table):
    box = mailboxes(mail_table)[0]
    for number in (1, 2):
        deliver(dovecot, user_of(mail_table), message(number))
    assert actions.fetch_mail(store, box).new == 2
    assert actions.fetch_mail(store, box).new == 0
    deliver(dovecot, user_of(mail_table), message(3))
    assert actions.fetch_mail(store, box).new == 1
    subjects = [m.subject for m in store.repo("mail").list()]
    assert subjects == ["Order 1", "Order 2", "Order 3"]
    first = store.repo("mail").get(1)
    assert first.sender == "Ann Lee" and first.sender_address == "ann1@supplier.example"
    assert first.text == "Please send 1 boxes." and first.unread and first.status == MailStatus.OPEN
    assert len(on_server(dovecot, mail_table)) == 3  # nothing deleted


def test_two_fetchers_at_once_never_store_a_message_twice(tmp_path, dovecot, mail_table):
    for number in range(1, 21):
        deliver(dovecot, user_of(mail_table), message(number))
    env = {**os.environ, **{f"BACKOFFICE_MAIL_{key.upper()}": value for key, value in mail_table.items()}}
    command = [sys.executable, "-m", "tui.cli", "--data", str(tmp_path / "office"), "mail", "fetch"]
    subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(tmp_path / "office"), "add", "contacts", "name=Ann"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    said = sorted(int(out.split(": ")[1].split()[0]) for out, _ in outputs)
    listed = subprocess.run([*command[:-2], "list", "mail", "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True)
    import json

    uids = [m["uid"] for m in json.loads(listed.stdout)]
    assert sorted(uids) == list(range(1, 21)) and sum(said) == 20


def test_a_new_uidvalidity_means_the_folder_is_read_again(store, dovecot, mail_table):
    user = user_of(mail_table)
    client = dovecot.client(user)
    client.create_folder("Orders")
    client.logout()
    box = mailbox("office", {**mail_table, "imap": mail_table["imap"].replace("/INBOX", "/Orders")})
    deliver(dovecot, user, message(1), "Orders")
    assert actions.fetch_mail(store, box).new == 1
    client = dovecot.client(user)
    client.delete_folder("Orders")  # the server starts the folder again: UIDs begin anew
    client.create_folder("Orders")
    client.logout()
    deliver(dovecot, user, message(1), "Orders")  # the same message, with the new numbering
    deliver(dovecot, user, message(2), "Orders")
    assert actions.fetch_mail(store, box).new == 1
    assert [m.subject for m in store.repo("mail").list()] == ["Order 1", "Order 2"]


def test_delete_after_fetch_removes_only_what_was_stored_whole(store, dovecot, mail_table):
    deliver(dovecot, user_of(mail_table), message(1))
    deliver(dovecot, user_of(mail_table), b"Subject: odd\r\nContent-Type: text/plain; charset=klingon\r\n\r\n\xff\r\n")
    box = mailbox("office", {**mail_table, "delete_after_fetch": True})
    assert actions.fetch_mail(store, box).new == 2
    assert on_server(dovecot, mail_table) == [2]  # read only in part: kept on the server
    assert store.repo("mail").count() == 2


def test_a_reply_goes_out_threaded_and_lands_in_sent(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), message(1, References="<start@supplier.example>"))
    box = mailboxes(mail_table)[0]
    actions.fetch_mail(store, box)
    answer = actions.reply(store, "mail", 1, "They go out today.", box)
    sent = actions.send_mail(store, "mail", answer.id, box)
    assert sent.send_status == SendStatus.SENT
    delivered = smtp.messages[-1]
    assert delivered["In-Reply-To"] == "<m1@supplier.example>"
    assert delivered["References"].split() == ["<start@supplier.example>", "<m1@supplier.example>"]
    assert delivered["Subject"] == "Re: Order 1" and delivered["To"] == "ann1@supplier.example"
    assert delivered["Message-ID"] == sent.message_id
    assert "They go out today." in delivered.get_payload() and "> Please send 1 boxes." in delivered.get_payload()
    assert len(on_server(dovecot, mail_table, "Sent")) == 1
    original = store.repo("mail").get(1)
    assert original.status == MailStatus.WAITING and original.history[-1].action == f"replied (#{sent.id})"
    assert sent.thread == original.thread == "<start@supplier.example>"


def test_a_refused_send_is_kept_with_the_reason_and_goes_on_retry(store, mail_table, smtp):
    box = mailboxes(mail_table)[0]
    smtp.refuse = True
    queued = actions.compose(store, box, ["nobody@office.example"], "Hello", "Hi there")
    failed = actions.send_mail(store, "mail", queued.id, box)
    assert failed.send_status == SendStatus.FAILED and "No such user" in failed.send_error
    smtp.refuse = False
    actions.retry(store, "mail", queued.id)
    assert [m.id for m in actions.send_due_mail(store, [box])] == [queued.id]
    assert store.repo("mail").get(queued.id).send_status == SendStatus.SENT
    assert smtp.messages[-1]["Subject"] == "Hello"


def test_a_server_that_is_down_is_a_sentence_and_nothing_is_lost(store, mail_table):
    box = mailbox("office", {**mail_table, "smtp": "smtp://127.0.0.1:1", "imap": "imap://x@127.0.0.1:1/INBOX"})
    queued = actions.compose(store, box, ["ann@supplier.example"], "Hello", "Hi")
    failed = actions.send_mail(store, "mail", queued.id, box)
    assert failed.send_status == SendStatus.FAILED and "smtp 127.0.0.1:1: Connection refused" in failed.send_error
    with pytest.raises(DataError, match="imap 127.0.0.1:1: Connection refused"):
        actions.fetch_mail(store, box)


def test_a_wrong_password_is_named(store, mail_table, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_MAIL_PASSWORD", "wrong")
    with pytest.raises(DataError, match=r"mail office: imap 127.0.0.1:\d+: \[AUTHENTICATIONFAILED\] Authentication failed.$"):
        actions.fetch_mail(store, mailboxes(mail_table)[0])


def test_broken_and_hostile_mail_is_kept_with_its_problems_named(store, dovecot, mail_table):
    user = user_of(mail_table)
    deliver(dovecot, user, message(1, subject=PAYLOAD.replace("\n", " ")))
    deliver(dovecot, user, b"Subject: =?klingon?q?Qapla=27?=\r\nContent-Type: text/plain; charset=klingon\r\n\r\n\xff\xfe odd\r\n")
    deliver(dovecot, user, b"no headers at all \x1b]0;pwned\x07")
    deliver(dovecot, user, b"From: x@y\r\nContent-Type: multipart/mixed\r\n\r\n--nowhere\r\n")
    assert actions.fetch_mail(store, mailboxes(mail_table)[0]).new == 4
    stored = store.repo("mail").list()
    assert "\x1b" not in stored[0].subject and "[" in stored[0].subject  # kept, made visible
    assert any("klingon" in problem for problem in stored[1].problems)
    assert "\x1b" not in stored[2].text and "pwned" in stored[2].text
    assert stored[3].sender_address == "x@y"


def test_attachments_are_kept_under_our_own_names_as_private_as_the_data(store, dovecot, mail_table):
    raw = (b"From: ann@supplier.example\r\nSubject: Invoice\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
           b"--B\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
           b"--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../../etc/evil.pdf\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--B--\r\n")
    deliver(dovecot, user_of(mail_table), raw)
    actions.fetch_mail(store, mailboxes(mail_table)[0])
    mail = store.repo("mail").get(1)
    [attachment] = mail.attachments
    assert attachment.name == "../../../etc/evil.pdf" and attachment.file.endswith("-1-1.pdf") and "/" not in attachment.file
    kept = store.folder / "attachments" / "office" / attachment.file
    assert kept.read_bytes() == b"%PDF-1.4" and attachment.size == 8
    assert stat.S_IMODE(kept.stat().st_mode) == stat.S_IMODE(store.file("mail").stat().st_mode)


def test_an_hr_mailbox_brings_in_hr_data(store, dovecot, mail_table):
    deliver(dovecot, user_of(mail_table), message(1, subject="Application: office assistant"))
    box = mailbox("jobs", {**mail_table, "hr": True})
    actions.fetch_mail(store, box)
    assert store.repo("hr_mail").list()[0].subject == "Application: office assistant"
    assert store.repo("mail").count() == 0
    assert store.file("people").parent.name == "hr" and "hr_mail" in store.file("people").read_text()


def test_known_senders_are_recognised(store, dovecot, mail_table):
    store.repo("contacts").add(Contact(name="Ann Lee", email="Ann1@Supplier.example"))
    deliver(dovecot, user_of(mail_table), message(1))
    actions.fetch_mail(store, mailboxes(mail_table)[0])
    assert store.repo("mail").get(1).known_as == "contact Ann Lee"


def test_a_password_file_others_can_read_is_refused(tmp_path):
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o644)
    box = mailbox("office", {"imap": "imaps://office@mail.example", "password_file": str(secret)})
    with pytest.raises(MailSettingsError, match=r"can be read by others \(mode 0644\).*chmod 600"):
        box.password()
    secret.chmod(0o600)
    assert box.password() == PASSWORD


@pytest.mark.parametrize(("table", "named"), [
    ({"imap": "http://mail.example"}, "imap must look like"),
    ({"smtp": "smtp://mail.example"}, "from must be an address"),
    ({"imap": "imap://a@mail.example", "hr": "maybe"}, "hr must be true or false"),
    ({"imap": "imap://a@mail.example:port"}, "port that is not a number"),
    ({"pop": "pop://x"}, "unknown key pop"),
])
def test_a_mailbox_setting_that_cannot_work_is_named(table, named):
    with pytest.raises(MailSettingsError, match=named):
        mailboxes(table)


def test_scripts_fetch_reply_and_send_from_the_command_line(tmp_path, dovecot, mail_table, smtp):
    env = {**os.environ, **{f"BACKOFFICE_MAIL_{key.upper()}": value for key, value in mail_table.items()}}

    def backoffice(*args: str, text: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(tmp_path / "office"), *args],
                              cwd=ROOT, env=env, input=text, capture_output=True, text=True)

    deliver(dovecot, user_of(mail_table), message(1))
    assert backoffice("add", "contacts", "name=Ann").returncode == 0
    fetched = backoffice("mail", "fetch")
    assert (fetched.returncode, fetched.stdout) == (0, "office: 1 new\n")
    replied = backoffice("mail", "reply", "1", text="On its way.\n")
    assert (replied.returncode, replied.stdout) == (0, "sent #2 to ann1@supplier.example\n")
    assert smtp.messages[-1]["In-Reply-To"] == "<m1@supplier.example>"
    sent = backoffice("mail", "send", "--to", "tom@office.example", "--subject", "Keys", "--text", "Under the mat.")
    assert (sent.returncode, sent.stdout) == (0, "sent #3 to tom@office.example\n")
    assert smtp.messages[-1]["Subject"] == "Keys" and len(on_server(dovecot, mail_table, "Sent")) == 2
    refused = backoffice("mail", "send", "--to", "not an address", "--subject", "x", "--text", "y")
    assert refused.returncode == 2 and "field 'to': Not an e-mail address: 'not an address'" in refused.stderr


def test_without_a_mailbox_the_command_says_how_to_set_one_up(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(tmp_path / "office"), "mail", "fetch"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_MAIL")})
    assert done.returncode == 1 and "no mailbox is set up: add a [mail] table to the settings" in done.stderr


def test_a_send_cut_off_midway_can_be_tried_again_once_it_is_clearly_stuck(store, clock, mail_table, smtp):
    from datetime import timedelta

    box = mailboxes(mail_table)[0]
    queued = actions.compose(store, box, ["ann@supplier.example"], "Hello", "Hi")
    store.repo("mail").update(queued.id, lambda m: rules.start_sending(m, box.address))  # and then the session died
    with pytest.raises(DataError, match="Only a message that failed to send"):
        actions.retry(store, "mail", queued.id)  # it may still be going out
    clock.now += timedelta(minutes=11)
    actions.retry(store, "mail", queued.id)
    assert actions.send_mail(store, "mail", queued.id, box).send_status == SendStatus.SENT
    assert len(smtp.messages) == 1


def test_imap_and_smtp_use_tls_when_the_server_offers_it(store, dovecot, mail_table, smtp):
    user = user_of(mail_table)
    deliver(dovecot, user, message(1))
    box = mailboxes(mail_table)[0]
    actions.fetch_mail(store, box)
    logins = [line for line in (dovecot.root / "dovecot.log").read_text().splitlines() if f"Login: user=<{user}>" in line]
    assert len(logins) == 2 and ", TLS," not in logins[0]  # the test's own delivery, in the clear
    assert ", TLS," in logins[1]  # the fetch: STARTTLS, offered, was taken
    sent = actions.send_mail(store, "mail", actions.compose(store, box, ["ann@supplier.example"], "Hi", "Hello").id, box)
    assert sent.send_status == SendStatus.SENT and smtp.messages[-1]["Subject"] == "Hi"


def test_tls_from_the_first_byte_with_imaps_and_smtps(store, dovecot, mail_table):
    controller, inbox = start_smtp(server_context(dovecot.cert, dovecot.key), implicit_tls=True)
    try:
        user = user_of(mail_table)
        box = mailbox("office", {**mail_table, "imap": f"imaps://{user}@127.0.0.1:{dovecot.secure_port}/INBOX",
                                 "smtp": f"smtps://127.0.0.1:{controller.port}"})
        deliver(dovecot, user, message(1))
        assert actions.fetch_mail(store, box).new == 1
        queued = actions.reply(store, "mail", 1, "Thanks.", box)
        assert actions.send_mail(store, "mail", queued.id, box).send_status == SendStatus.SENT
        assert inbox.messages[-1]["In-Reply-To"] == "<m1@supplier.example>"
    finally:
        controller.stop()


def test_a_server_whose_certificate_is_not_trusted_is_refused(store, dovecot, mail_table, monkeypatch, tmp_path):
    other, _ = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(other))  # trust some other certificate only
    with pytest.raises(DataError, match="certificate verify failed"):
        actions.fetch_mail(store, mailboxes(mail_table)[0])
