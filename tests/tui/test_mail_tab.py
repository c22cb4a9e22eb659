"""The Mail tab by the keys a receptionist presses, against real servers on localhost:
mail arrives while the app is open, is passed on, answered, and the answer is threaded
under it and filed in the server's Sent folder."""

from __future__ import annotations

from data.mail.models import MailStatus, SendStatus
from tests.data.test_mail import message, on_server, user_of
from tests.servers import deliver
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.dialogs import ErrorModal
from tui.widgets.record_table import RecordTable


def mail_rows(app) -> list[str]:
    table = app.screen.query_one("#mail-queue", RecordTable)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def test_new_mail_is_passed_on_answered_and_the_answer_threaded(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), message(1, subject="Toner for CP-01"))
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket")
        assert await wait_for(pilot, lambda: any("Toner for CP-01" in row for row in mail_rows(app)), seconds=15)
        assert mail_rows(app)[0].startswith("●")  # unread stands out
        await pilot.press("p", *"Dan Whitfield", "enter")
        assert await wait_for(pilot, lambda: store.repo("mail").get(1).status == MailStatus.ASSIGNED)
        await pilot.press("r")
        await pilot.press(*"Two boxes go out today.", "ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
        # sent once its copy is filed in Sent, after the SMTP server took it
        assert await wait_for(pilot, lambda: len(mail_rows(app)) == 2 and "sent" in mail_rows(app)[1], seconds=10)
        rows = mail_rows(app)
        assert "Toner for CP-01" in rows[0] and "↳ Re: Toner for CP-01" in rows[1] and "sent" in rows[1]
    answer = store.repo("mail").get(2)
    assert answer.send_status == SendStatus.SENT and answer.in_reply_to == "<m1@supplier.example>"
    assert smtp.messages[0]["In-Reply-To"] == "<m1@supplier.example>"
    assert smtp.messages[0].get_payload().startswith("Two boxes go out today.")
    assert len(on_server(dovecot, mail_table, "Sent")) == 1
    original = store.repo("mail").get(1)
    assert original.status == MailStatus.WAITING and not original.unread
    assert [step.action for step in original.history] == ["passed on to Dan Whitfield", "replied (#2)"]


async def test_an_empty_reply_or_a_bad_address_is_named_and_nothing_typed_is_lost(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), message(1))
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket")
        assert await wait_for(pilot, lambda: len(mail_rows(app)) == 1, seconds=15)
        await pilot.press("f", *"not an address", "tab", "tab", "tab", *"FYI", "ctrl+s")
        assert await wait_for(pilot, lambda: "Not an e-mail address" in str(app.screen.error_of("to").render()))
        assert app.screen.values() == {"to": "not an address", "cc": "", "attachments": "", "text": "FYI"}
        await pilot.press("end", "ctrl+u", *"tom@office.example", "ctrl+s")  # the refusal put the cursor there
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    assert smtp.messages[0]["To"] == "tom@office.example" and smtp.messages[0]["Subject"] == "Fwd: Order 1"


async def test_a_send_the_server_refuses_is_said_and_kept_to_send_again(store, mail_table, smtp):
    smtp.refuse = True
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("1", "right_square_bracket", "n")
        await pilot.press(*"ann@supplier.example", "enter", "enter", *"Your order", "enter", "enter", *"It ships today.", "ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ErrorModal), seconds=10)
        assert app.screen.message == ("Not sent, kept to try again (s): mail office: smtp 127.0.0.1:"
                                      f"{smtp.port}: the server refused ann@supplier.example: 550 5.1.1 No such user here")
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: any("NOT SENT" in row for row in mail_rows(app)))
        smtp.refuse = False
        app.screen.query_one("#mail-queue").focus()
        await pilot.press("s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
        assert await wait_for(pilot, lambda: store.repo("mail").get(1).send_status == SendStatus.SENT, seconds=10)


async def test_passing_a_call_on_tells_the_person_by_mail_when_the_directory_has_their_address(store, mail_table, smtp):
    store.repo("contacts").add({"name": "Priya Shah", "email": "priya@office.example"})
    store.repo("calls").add({"caller": "Raj Patel", "company": "Patel Accountancy", "number": "0121 496 0884",
                             "message": "VAT receipt for March, please."})
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.screen.query_one("#queue", RecordTable).row_count == 1)
        app.screen.query_one("#queue").focus()
        await pilot.press("p", *"Priya Shah", "enter")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    told = smtp.messages[0]
    assert told["To"] == "priya@office.example" and told["Subject"] == "Call from Raj Patel (Patel Accountancy)"
    assert "Number: 0121 496 0884" in told.get_payload() and "VAT receipt for March, please." in told.get_payload()


async def test_an_order_goes_to_its_supplier_at_the_address_the_directory_has(store, mail_table, smtp):
    from tests.tui.test_stock import add_item, open_stock, placed_order, rows
    from tui.widgets.prompt import PromptModal

    store.repo("contacts").add({"name": "OfficeDirect", "kind": "department", "email": "orders@officedirect.example"})
    paper = add_item(store, "Paper", 2)
    order = placed_order(store, (paper.id, "Paper", 10))
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot, app)
        await pilot.press("O")
        assert await wait_for(pilot, lambda: bool(rows(app, "order-table")))
        await pilot.press("M")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        assert app.screen.query_one("Input").value == "orders@officedirect.example"  # from the directory
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
        # what went out is on the mail list, sent once its copy is filed in Sent
        assert await wait_for(pilot, lambda: store.repo("mail").list()[-1].send_status == SendStatus.SENT, seconds=10)
    sent = smtp.messages[0]
    assert sent["To"] == "orders@officedirect.example" and sent["Subject"].startswith(f"Order {order.id} of ")
    assert "quoting our order number" in sent.get_payload() and "Paper" in sent.get_payload()


async def test_the_cvs_of_an_application_become_candidates_by_one_key(store, dovecot, mail_table, tmp_path):
    from data.candidates.models import Position
    from tests.cv_samples import ANN, write_pdf
    from tests.data.test_cv_mail import application
    from tui.widgets.dialogs import ChoiceModal
    from tui.widgets.text_modal import TextModal

    store.repo("positions").add(Position(title="Driver"))
    store.repo("positions").add(Position(title="Bookkeeper"))
    pdf = write_pdf(tmp_path / "ann.pdf", ANN).read_bytes()
    deliver(dovecot, user_of(mail_table), application("Ann Lee <ann.lee@example.com>", [("CV [b]Ann[/b].pdf", pdf, "application/pdf")]))
    app = BackOfficeApp(store, Settings(fax_command="", mail={"jobs": {**mail_table, "hr": True}}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket")
        assert await wait_for(pilot, lambda: len(mail_rows(app)) == 1, seconds=15)
        assert "C makes its CV a candidate" in str(app.screen.query_one("#mail-detail").render())
        await pilot.press("C")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        assert app.screen.title_text == "1 CV from Ann Lee: candidates for which opening?"
        await pilot.press("down", "enter")  # the second opening
        assert await wait_for(pilot, lambda: isinstance(app.screen, TextModal), seconds=10)
        assert app.screen.text == "CV [b]Ann[/b].pdf: Ann Lee, new (#1)"
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: mail_rows(app) == [])  # done, out of the open queue
    [ann] = store.repo("candidates").list()
    assert (ann.name, ann.position_id, ann.email) == ("Ann Lee", 2, "ann.lee@example.com")
