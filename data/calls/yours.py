"""What was passed on to the person running the app — calls, faxes that came in, mail — in
one list: the "Yours" of Calls & faxes and of the dashboard.

Who "you" are: your login, the name the `my_name` setting gives, and the directory's name
for either or for your `extension` (``data.calls.views.my_names``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.calls.models import FaxStatus
from data.calls.views import CallsView, calls_view, my_names
from data.engine.clock import EARLIEST
from data.mail.views import INCOMING, MailView, arrived, mail_view


@dataclass(frozen=True)
class Yours:
    collection: str  # where it is: "calls", "faxes", "mail", "hr_mail"
    record_id: int
    text: str  # "Call from Raj Patel (Patel Accountancy): VAT receipt for March"
    since: datetime  # when it came in


def yours(calls: CallsView, mail: MailView | None, me: frozenset[str]) -> list[Yours]:
    """What is still open of what was passed on to ``me`` (casefolded names), oldest first."""
    found = [Yours("calls", c.id, call_text(c), c.created_at or EARLIEST)
             for c in calls.calls if c.is_open and c.for_whom.casefold() in me and c.id is not None]
    found += [Yours("faxes", f.id, f"Fax from {f.who}, {f.pages} page(s)", f.sent_at or f.created_at or EARLIEST)
              for f in calls.faxes if f.status == FaxStatus.PASSED_ON and f.passed_to.casefold() in me and f.id is not None]
    found += [Yours(collection, m.id, f"Mail from {m.sender or m.sender_address}: {m.subject or '(no subject)'}", arrived(m))
              for collection, m in (mail.mails if mail else []) if m.direction == INCOMING and m.is_open
              and m.assigned_to.casefold() in me and m.id is not None]
    return sorted(found, key=lambda y: y.since)


def call_text(call) -> str:
    who = f"{call.who} ({call.company})" if call.company else call.who
    first_line = next(iter(call.message.splitlines()), "")
    return f"Call from {who}" + (f": {first_line}" if first_line else "")


def yours_in(store, login: str, named: str = "", extension: str = "") -> list[Yours]:
    """``yours`` read from the store: for the dashboard."""
    calls = calls_view(store)
    return yours(calls, mail_view(store), my_names(calls.contacts, login, named, extension))
