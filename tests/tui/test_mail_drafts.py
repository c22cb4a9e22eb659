"""A reply half typed comes back as the reply it was, by the keys a receptionist presses,
against real servers on localhost: a reply to all that the session left is offered at the
next start and, continued, still goes to everyone."""

from __future__ import annotations

from data.engine.drafts import drafts_of
from screens.mail_compose import MailForm
from tests.data.test_mail import user_of
from tests.data.test_mail_handoffs import with_attachment
from tests.servers import deliver
from tests.tui.conftest import SIZE
from tests.tui.test_drafts import KEPT_WITHIN, offer_text
from tests.tui.test_mail_compose import box_address, open_mail
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.draft_offer import DraftOffer


async def test_a_reply_to_all_left_half_typed_comes_back_with_its_copies_and_reaches_everyone(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), with_attachment(to=f"Front desk <{box_address(mail_table)}>, tom@office.example"))
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_mail(pilot, app)
        await pilot.press("R")
        assert await wait_for(pilot, lambda: isinstance(app.screen, MailForm))
        await pilot.press(*"Received, the order ships")
        assert await wait_for(pilot, lambda: len(drafts_of(store)) == 1, seconds=KEPT_WITHIN)
    [draft] = drafts_of(store)  # the app has quit with the reply open
    assert draft.key.kind == "mail-reply-all" and draft.key.about.startswith("a reply to all of Ann Lee")

    app = BackOfficeApp(store, Settings(fax_command="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer), seconds=10)
        assert "You were writing a reply to all of Ann Lee" in offer_text(app)
        await pilot.press("enter")  # continue
        assert await wait_for(pilot, lambda: isinstance(app.screen, MailForm), seconds=10)
        assert app.screen.values()["cc"] == "tom@office.example, accounts@supplier.example"
        assert app.screen.values()["text"] == "Received, the order ships"
        await pilot.press(*" today.", "ctrl+s")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1, seconds=10)
    assert sorted(smtp.envelopes[0]) == ["accounts@supplier.example", "ann@supplier.example", "tom@office.example"]
    [text] = [part.get_payload(decode=True).decode() for part in smtp.messages[0].walk() if part.get_content_type() == "text/plain"]
    assert "Received, the order ships today." in text
    assert drafts_of(store) == []
