"""Mail as people expect it, by the keys a receptionist presses, against real servers on
localhost: passing a message on forwards it to the colleague with its files, a forward keeps
the attachments, replies go to whom the person says, copies reach everyone, files go with
new mail and replies, and the mailbox's signature goes under what is written.
"""

from __future__ import annotations

from data.calls.models import Contact
from data.mail.models import MailStatus, SendStatus
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
