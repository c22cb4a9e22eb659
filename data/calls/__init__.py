"""Calls & faxes: the call slip, the message queue, the fax queue, the phone directory.

models (what a record is), rules (what may happen to it), actions (what a person does to
the store), views (what a screen shows), and the fax command the faxes go out through.
"""

from data.calls.models import Call, Contact, Fax
from data.calls.rules import call_is_closed, fax_is_closed, new_call_logged
from data.engine.collections import Collection

COLLECTIONS = [
    Collection("calls", Call, "calls", "call",
               columns=("caller", "number", "company", "for_whom", "priority", "status", "callback_due"),
               is_closed=call_is_closed, prepare=new_call_logged),
    Collection("faxes", Fax, "calls", "fax",
               columns=("recipient", "fax_number", "status", "tries", "last_error", "next_attempt"),
               is_closed=fax_is_closed, adder="data.calls.actions:queue_fax"),
    Collection("contacts", Contact, "calls", "contact", columns=("name", "kind", "company", "number", "email", "extension", "department")),
]
