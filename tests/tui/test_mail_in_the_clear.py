"""A mailbox whose settings let its password go without TLS is warned about as the app opens."""

from __future__ import annotations

from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings

WARNING = "mail jobs: insecure = true: the password may be sent to the server without TLS, readable by anyone on the way"


def warnings(app) -> list[str]:
    return [str(notice.message) for notice in app._notifications if notice.severity == "warning"]


async def test_a_mailbox_allowed_in_the_clear_is_warned_about_at_start(store):
    mail = {"imap": "imaps://office@127.0.0.1:1/INBOX", "jobs": {"imap": "imap://jobs@127.0.0.1:1/INBOX", "insecure": True}}
    app = BackOfficeApp(store, Settings(fax_command="", mail=mail))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert await wait_for(pilot, lambda: WARNING in warnings(app))

