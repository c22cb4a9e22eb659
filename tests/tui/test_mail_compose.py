"""Mail as people expect it, by the keys a receptionist presses, against real servers on
localhost: passing a message on forwards it to the colleague with its files, a forward keeps
the attachments, replies go to whom the person says, copies reach everyone, files go with
new mail and replies, and the mailbox's signature goes under what is written.
"""

from __future__ import annotations

from data.calls.models import Contact
from data.mail.models import MailStatus, SendStatus
from screens.mail_compose import MailForm
from tests.data.test_mail import user_of
from tests.data.test_mail_handoffs import PDF, attached, with_attachment
from tests.servers import deliver
from tests.tui.conftest import SIZE
from tests.tui.test_mail_tab import mail_rows
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings


def notices(app) -> list[str]:
    return [notice.message for notice in app._notifications]


async def open_mail(pilot, app, count: int = 1) -> None:
    await pilot.press("1", "right_square_bracket")
    assert await wait_for(pilot, lambda: len(mail_rows(app)) >= count, seconds=15)


async def test_p_forwards_the_mail_to_the_colleague_with_its_attachments(store, dovecot, mail_table, smtp):
    store.repo("contacts").add(Contact(name="Bob Smith", email="bob@office.example"))
    deliver(dovecot, user_of(mail_table), with_attachment())
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_mail(pilot, app)
        await pilot.press("p", *"Bob Smith", "enter")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
        assert await wait_for(pilot, lambda: "Passed on to Bob Smith and forwarded to bob@office.example" in notices(app),
                              seconds=10)
    assert smtp.envelopes == [["bob@office.example"]] and attached(smtp.messages[0]) == {"PO-17.pdf": PDF}
    assert store.repo("mail").get(1).status == MailStatus.ASSIGNED


async def test_p_to_someone_the_directory_has_no_address_for_says_so_then(store, dovecot, mail_table, smtp):
    store.repo("contacts").add(Contact(name="Dan Whitfield"))
    deliver(dovecot, user_of(mail_table), with_attachment())
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_mail(pilot, app)
        await pilot.press("p", *"Dan Whitfield", "enter")
        said = "Passed on to Dan Whitfield. Dan Whitfield has no e-mail address in the directory: tell them another way."
        assert await wait_for(pilot, lambda: said in notices(app), seconds=10)
    assert smtp.messages == [] and store.repo("mail").get(1).assigned_to == "Dan Whitfield"
    assert store.repo("mail").get(1).send_status == SendStatus.NOT_SENT


def box_address(table: dict) -> str:
    return f"{user_of(table)}@office.example"


async def test_R_replies_to_the_sender_and_everyone_copied_and_each_gets_it(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), with_attachment(to=f"Front desk <{box_address(mail_table)}>, tom@office.example"))
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app)
        await pilot.press("R")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MailForm))
        assert app.screen.values()["to"] == "ann@supplier.example"
        assert app.screen.values()["cc"] == "tom@office.example, accounts@supplier.example"
        await pilot.press(*"Received, thank you.", "ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    assert sorted(smtp.envelopes[0]) == ["accounts@supplier.example", "ann@supplier.example", "tom@office.example"]
    assert smtp.messages[0]["Subject"] == "Re: Purchase order"


async def test_a_reply_goes_to_whom_it_is_changed_to_with_a_file(store, dovecot, mail_table, smtp, tmp_path):
    (tmp_path / "price list.pdf").write_bytes(PDF)
    deliver(dovecot, user_of(mail_table), with_attachment())
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app)
        await pilot.press("r", *"Our prices, as asked.", "shift+tab", *f"{tmp_path}/price list.pdf", "shift+tab", "shift+tab")
        await pilot.press("ctrl+u", *"orders@supplier.example", "ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    assert smtp.envelopes == [["orders@supplier.example"]] and attached(smtp.messages[0]) == {"price list.pdf": PDF}
    assert smtp.messages[0].get_payload(0).get_payload().startswith("Our prices, as asked.")


async def test_new_mail_with_two_files_by_the_keys_arrives_with_both(store, mail_table, smtp, tmp_path):
    (tmp_path / "purchase-order.pdf").write_bytes(PDF)
    (tmp_path / "stock.csv").write_text("paper,10\n")
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app, count=0)
        await pilot.press("n", *"ann@supplier.example", "enter", *"tom@office.example", "enter", *"Order 17", "enter")
        await pilot.press(*f"{tmp_path}/stock.csv; {tmp_path}/pur")
        field = app.screen.input_of("attachments")
        assert await wait_for(pilot, lambda: field._suggestion == f"{tmp_path}/stock.csv; {tmp_path}/purchase-order.pdf")
        await pilot.press("right", "enter", *"Both attached.", "ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    assert sorted(smtp.envelopes[0]) == ["ann@supplier.example", "tom@office.example"]
    assert attached(smtp.messages[0]) == {"stock.csv": b"paper,10\n", "purchase-order.pdf": PDF}


async def test_a_file_that_is_not_there_is_named_under_the_line_and_nothing_is_sent(store, mail_table, smtp, tmp_path):
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app, count=0)
        await pilot.press("n", *"ann@supplier.example", "enter", "enter", *"Order", "enter", *f"{tmp_path}/gone.pdf", "enter")
        await pilot.press(*"See attached.", "ctrl+s")
        said = f"{tmp_path}/gone.pdf is not there: nothing was sent."
        assert await wait_for(pilot, lambda: str(app.screen.error_of("attachments").render()) == said)
        assert app.screen.focused is app.screen.input_of("attachments")
        assert app.screen.values()["text"] == "See attached."  # what was typed is kept
    assert smtp.messages == [] and store.repo("mail").count() == 0


async def test_f_forwards_with_the_attachments_the_form_names(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), with_attachment())
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app)
        await pilot.press("f")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MailForm))
        assert "with PO-17.pdf" in str(app.screen.query_one(".intro").render())
        await pilot.press(*"tom@office.example", "tab", *"priya@office.example", "ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    assert sorted(smtp.envelopes[0]) == ["priya@office.example", "tom@office.example"]
    assert attached(smtp.messages[0]) == {"PO-17.pdf": PDF}


async def test_the_signature_is_said_and_sent_and_a_saved_reply_is_a_key_away(store, dovecot, mail_table, smtp):
    table = {**mail_table, "signature": "[b]Front desk[/b]\nExample Ltd", "replies": ["Thank you, it is on its way.",
                                                                                       "We will call you back today."]}
    deliver(dovecot, user_of(mail_table), with_attachment())
    app = BackOfficeApp(store, Settings(fax_command="", mail=table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app)
        await pilot.press("r")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MailForm))
        assert "signed “[b]Front desk[/b]…”" in str(app.screen.query_one(".intro").render())
        await pilot.press("ctrl+r")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "ChoiceModal")
        await pilot.press("down", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MailForm) and app.screen.values()["text"] != "")
        assert app.screen.values()["text"] == "We will call you back today."
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    body = smtp.messages[0].get_payload(decode=True).decode().replace("\r\n", "\n")
    assert body.startswith("We will call you back today.\n\n-- \n[b]Front desk[/b]\nExample Ltd\n\nAnn Lee wrote:\n> Our order")


async def test_reading_a_mail_shows_whom_it_was_to_and_copied_to(store, dovecot, mail_table):
    from tui.widgets.text_modal import TextModal

    deliver(dovecot, user_of(mail_table), with_attachment())
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app)
        assert "To: Front desk <office@office.example>   Cc: Accounts <accounts@supplier.example>" in app.screen.mail_detail().plain
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, TextModal))
        assert "\nTo: Front desk <office@office.example>   Cc: Accounts <accounts@supplier.example>\n" in app.screen.text


def hostile_mail() -> bytes:
    """Copies and an attachment named with markup and escape sequences, as a stranger may send."""
    return (b"From: Ann Lee <ann@supplier.example>\r\nTo: office@office.example\r\n"
            b"Cc: \"[b]CC\x1b]0;pwned\x07\x1b[2J[/b]\" <spy@evil.example>\r\nSubject: Invoice\r\n"
            b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
            b"--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
            b"filename=\"[b]FILE\x1b[2J\x9b2J[/b].pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--B--\r\n")


async def test_hostile_copies_and_file_names_stay_inert_in_every_mail_view(store, dovecot, mail_table, smtp):
    from tests.tui.test_hostile_text import CONTROL

    deliver(dovecot, user_of(mail_table), hostile_mail())
    app = BackOfficeApp(store, Settings(fax_command="", mail={**mail_table, "signature": "[b]SIG[/b] [link=x]y[/link]"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_mail(pilot, app)

        async def screen() -> str:
            await pilot.pause(0.3)
            drawn = app.export_screenshot()
            assert not CONTROL.findall(drawn) and app.is_running
            return drawn

        assert "[b]CC" in await screen()  # the detail: To and Cc
        await pilot.press("enter")
        assert "[b]FILE" in await screen() and "[b]CC" in await screen()
        await pilot.press("escape", "R")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MailForm))
        drawn = await screen()
        assert "[b]CC" in drawn and "[b]SIG[/b]" in drawn
        await pilot.press(*"Thanks", "ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
        await pilot.press("f")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MailForm))
        assert "[b]FILE" in await screen()
    sent = smtp.messages[0]
    assert "spy@evil.example" in smtp.envelopes[0] and "\x1b" not in sent["Cc"] and sent["Bcc"] is None


def test_a_signature_and_saved_replies_come_from_the_settings_and_escapes_are_refused(monkeypatch):
    import pytest

    from tests.tui.test_settings import write_settings
    from tui.settings import SettingsError, load_settings

    write_settings('[mail]\nsmtp = "smtp://127.0.0.1"\nfrom = "Desk <desk@office.example>"\n'
                   "signature = '''[b]Front desk[/b]\nExample Ltd'''\nreplies = [\"Thank you.\", \"We will call back.\"]\n")
    [box] = load_settings().mailboxes()
    assert (box.signature, box.replies) == ("[b]Front desk[/b]\nExample Ltd", ("Thank you.", "We will call back."))
    monkeypatch.setenv("BACKOFFICE_MAIL_REPLIES", '["Received, thanks."]')
    assert load_settings().mailboxes()[0].replies == ("Received, thanks.",)
    monkeypatch.setenv("BACKOFFICE_MAIL_REPLIES", "Received")
    with pytest.raises(SettingsError, match="BACKOFFICE_MAIL_REPLIES: not a JSON list of texts"):
        load_settings()
    monkeypatch.delenv("BACKOFFICE_MAIL_REPLIES")
    monkeypatch.setenv("BACKOFFICE_MAIL_SIGNATURE", "Desk\x1b]0;pwned\x07")
    with pytest.raises(SettingsError, match="signature contains the control character ESC"):
        load_settings()


async def test_p_when_the_server_refuses_the_e_mail_says_it_is_kept_to_send_again(store, dovecot, mail_table, smtp):
    store.repo("contacts").add(Contact(name="Bob Smith", email="bob@office.example"))
    deliver(dovecot, user_of(mail_table), with_attachment())
    smtp.refuse = True
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_mail(pilot, app)
        await pilot.press("p", *"Bob Smith", "enter")
        said = "Passed on to Bob Smith, but the e-mail to them was not sent (kept to try again with s): "
        assert await wait_for(pilot, lambda: any(n.startswith(said) and "No such user" in n for n in notices(app)), seconds=10)
    assert store.repo("mail").get(1).assigned_to == "Bob Smith"
    assert [m.send_status for m in store.repo("mail").list()] == [SendStatus.NOT_SENT, SendStatus.FAILED]


async def test_a_name_with_a_comma_is_one_recipient_and_two_addresses_without_one_are_named(store, mail_table, smtp):
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app, count=0)
        await pilot.press("n", *'"Moore, Janet" <janet@example.com>; tom@office.example', "enter")
        await pilot.press(*"ann@supplier.example bob@supplier.example", "enter", *"Order 17", "enter", "enter", *"Hello.", "ctrl+s")
        said = "Not an e-mail address: 'ann@supplier.example bob@supplier.example'"
        assert await wait_for(pilot, lambda: str(app.screen.error_of("cc").render()) == said)
        assert smtp.messages == [] and store.repo("mail").count() == 0
        await pilot.press("ctrl+u", *"ann@supplier.example, bob@supplier.example", "ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    assert sorted(smtp.envelopes[0]) == ["ann@supplier.example", "bob@supplier.example", "janet@example.com",
                                         "tom@office.example"]
    assert smtp.messages[0]["To"] == "janet@example.com, tom@office.example"


async def test_r_and_f_on_hrs_mail_when_hrs_mailbox_cannot_send_say_so_and_open_no_form(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), with_attachment(subject="Application: Payroll Clerk"))
    jobs = {"imap": mail_table["imap"], "hr": True}  # no SMTP server
    office = {"smtp": mail_table["smtp"], "from": "Front desk <office@office.example>"}
    app = BackOfficeApp(store, Settings(fax_command="", mail={"jobs": jobs, "office": office}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_mail(pilot, app)
        said = "HR's mailbox cannot send: 'jobs' has no SMTP server in the settings, and HR's mail goes out from no other " \
               "mailbox: nothing was written."
        for key in ("r", "R", "f"):
            await pilot.press(key)
            assert await wait_for(pilot, lambda: said in notices(app))
            assert not isinstance(app.screen, MailForm)
            app.clear_notifications()
    assert smtp.messages == [] and store.repo("hr_mail").count() == 1 and store.repo("mail").count() == 0
