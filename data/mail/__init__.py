"""The office's mail: mailboxes fetched by IMAP into a queue worked like the calls, replies
and notices sent by SMTP.

models (what a message is), rules (what may happen to it), actions (what a person does to
the store, and the fetch and send runs), views (what a screen shows), and the adapters:
mailboxes (the settings), parse (a message as it came), servers (IMAP and SMTP).
"""

from data.engine.collections import Collection

MAIL, CURSOR = "data.mail.models:Mail", "data.mail.models:MailCursor"  # built once an office has mail


def mail_is_closed(mail) -> bool:
    """Done, and nothing of it still to be sent."""
    return mail.status == "done" and mail.send_status in ("", "sent")


COLUMNS = ("mailbox", "sender", "subject", "status", "assigned_to", "send_status", "sent_at")
FETCHED = dict(new_fields=(), made_by="mail comes in with `backoffice mail fetch` and goes out with `backoffice mail send`")

COLLECTIONS = [
    Collection("mail", MAIL, "mail", "message", columns=COLUMNS, is_closed=mail_is_closed, **FETCHED),
    Collection("mail_cursors", CURSOR, "mail", "mailbox position", columns=("mailbox", "folder", "uidvalidity", "last_uid"), **FETCHED),
    # An HR mailbox's messages are HR data: they live in the HR file, as closed as it is.
    Collection("hr_mail", MAIL, "people", "HR message", columns=COLUMNS, is_closed=mail_is_closed, **FETCHED),
    Collection("hr_mail_cursors", CURSOR, "people", "HR mailbox position", columns=("mailbox", "folder", "uidvalidity", "last_uid"), **FETCHED),
]
