"""A demo mailbox: what a morning's mail looks like, with a conversation already answered
and a reply the server did not take. No server is needed to show it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from data.engine.steps import Step
from data.engine.store import Store
from data.mail.models import Direction, Mail, MailStatus, SendStatus

OFFICE = "office@example.com"
INCOMING = [  # sender, address, subject, text, known as, status, passed on to
    ("Janet Moore", "janet@moorelogistics.example", "Delivery slot on Thursday",
     "Hello,\n\nCan we move Thursday's delivery to the morning? Our driver is off after 1 pm.\n\nJanet",
     "caller, Moore Logistics", MailStatus.OPEN, ""),
    ("Kevin Lau", "kevin@brightline.example", "Quote for 200 units",
     "Hi,\n\nPlease find our quote for the 200 printed folders. It holds until Friday.\n\nKevin Lau\nBrightline Print",
     "caller, Brightline Print", MailStatus.ASSIGNED, "Marek Nowak"),
    ("Canon Service", "service@canon-uk.example", "Your service visit CP-01",
     "Our engineer will visit on Wednesday between 9 and 12 to replace the fuser unit of CP-01.",
     "vendor of CP-01", MailStatus.OPEN, ""),
    ("Fatima Begum", "f.begum@citycouncil.example", "Licence renewal form",
     "Dear office manager,\n\nThe renewal form is attached. Please return it signed by the 15th.",
     "caller, City Council", MailStatus.WAITING, ""),
    ("Raj Patel", "raj@patel-accountancy.example", "VAT receipt for March",
     "Could you send me a copy of the VAT receipt for March? Thanks, Raj", "caller, Patel Accountancy",
     MailStatus.ASSIGNED, "Priya Shah"),
    ("Newsletter", "news@officesupplies.example", "20% off toner this week",
     "This week only: 20% off all toner cartridges.", "", MailStatus.DONE, ""),
    ("Ingrid Berg", "ingrid.berg@nordicpaper.example", "Price list 2027",
     "Hello,\n\nOur new price list applies from 1 January. A4 80 g rises by 4%.\n\nBest regards, Ingrid",
     "caller, Nordic Paper AB", MailStatus.OPEN, ""),
]


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    mails = []
    for number, (sender, address, subject, text, known, status, person) in enumerate(INCOMING, 1):
        arrived = now - timedelta(hours=rng.randint(1, 40), minutes=rng.randint(0, 59))
        history = [Step(at=arrived + timedelta(minutes=20), user="reception", action=f"passed on to {person}")] if person else []
        if status == MailStatus.DONE:
            history.append(Step(at=arrived + timedelta(hours=1), user="reception", action="done"))
        mails.append(Mail(
            mailbox="office", uid=number, uidvalidity=1, message_id=f"<demo{number}@{address.split('@')[1]}>",
            sender=sender, sender_address=address, to=[OFFICE], subject=subject, sent_at=arrived - timedelta(minutes=2),
            text=text, known_as=known, status=status, assigned_to=person, unread=status == MailStatus.OPEN and number % 2 == 1,
            history=history, created_at=arrived))
    mails += answers(mails, now)
    store.repo("mail").add_many(mails)


def answers(mails: list[Mail], now: datetime) -> list[Mail]:
    """The council's form was answered and sent; the reply to Raj was not taken by the server."""
    council, raj = mails[3], mails[4]
    sent_at = (council.created_at or now) + timedelta(hours=1)
    replies = [reply(council, "Thank you, we will return it signed by Friday.", SendStatus.SENT, sent_at, ""),
               reply(raj, "Priya will send it this afternoon.", SendStatus.FAILED, now - timedelta(minutes=40),
                     "mail office: smtp mail.example.com:587: Connection timed out")]
    council.history = [*council.history, Step(at=sent_at, user="reception", action="replied")]
    return replies


def reply(original: Mail, text: str, status: SendStatus, at: datetime, error: str) -> Mail:
    return Mail(
        mailbox="office", direction=Direction.OUTGOING, to=[original.sender_address], subject=f"Re: {original.subject}",
        text=text, in_reply_to=original.message_id, references=[original.message_id], status=MailStatus.DONE, unread=False,
        send_status=status, send_error=error, send_tries=1, sent_at=at if status == SendStatus.SENT else None,
        message_id=f"<reply{original.uid}@example.com>" if status == SendStatus.SENT else "",
        history=[Step(at=at, user="reception", action="sent" if status == SendStatus.SENT else "sending failed", note=error)],
        created_at=at)
