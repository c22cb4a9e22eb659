"""Demo calls, faxes and the phone directory."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from data.calls.models import Call, CallStatus, Contact, ContactKind, Fax, FaxStatus, Priority, Step
from data.engine.store import Store

PEOPLE = [
    ("Harriet Cole", "201", "Management"), ("Tom Baines", "214", "Accounts"), ("Priya Shah", "215", "Accounts"),
    ("Marek Nowak", "230", "Sales"), ("Lucy Fernandes", "231", "Sales"), ("Owen Price", "232", "Sales"),
    ("Grace Okafor", "240", "HR"), ("Dan Whitfield", "250", "Warehouse"), ("Sofia Rossi", "251", "Warehouse"),
]
DEPARTMENTS = [("Sales", "230"), ("Accounts", "210"), ("HR", "240"), ("Management", "200"), ("Warehouse", "250")]

CALLERS = [
    ("Janet Moore", "Moore Logistics", "01632 960 118"), ("Kevin Lau", "Brightline Print", "01632 960 245"),
    ("Alan Pryce", "Pryce & Daughters", "020 7946 0321"), ("Beatriz Lopes", "Lopes Imports", "+351 21 555 0183"),
    ("Chris Doyle", "", "07700 900 412"), ("Fatima Begum", "City Council", "0161 496 0732"),
    ("George Hale", "Hale Electrical", "0113 496 0655"), ("Ingrid Berg", "Nordic Paper AB", "+46 8 555 0147"),
    ("Raj Patel", "Patel Accountancy", "0121 496 0884"), ("Sam Turner", "", "07700 900 981"),
    ("Olivia Grant", "Grant Legal", "020 7946 0990"), ("Peter Walsh", "Walsh Couriers", "0117 496 0203"),
]
MESSAGES = [
    "Asks about invoice 4471 — says it was paid on the 3rd, please check.",
    "Wants to confirm Thursday's delivery slot; prefers mornings.",
    "Returning your call about the new price list.",
    "Complaint: last order arrived with two cartons damaged. Photos by e-mail.",
    "Would like a quote for 200 units before Friday.",
    "Calling about the job advert; will send CV.",
    "Needs the signed contract back today if possible.",
    "Courier could not find the loading bay, will try again at 3.",
    "Please call back about the meeting next week — wants to move it.",
    "Asked for a copy of the VAT receipt for March.",
]
FAXES = [
    ("Pryce & Daughters", "Alan Pryce", "020 7946 0322", FaxStatus.SENT, ""),
    ("City Council", "Licensing office", "0161 496 0733", FaxStatus.SENT, ""),
    ("Grant Legal", "Olivia Grant", "020 7946 0991", FaxStatus.RETRYING, "BUSY"),
    ("Hale Electrical", "Accounts", "0113 496 0656", FaxStatus.GAVE_UP, "NO CARRIER"),
    ("Moore Logistics", "Janet Moore", "01632 960 119", FaxStatus.QUEUED, ""),
    ("Patel Accountancy", "Raj Patel", "0121 496 0885", FaxStatus.FAILED, "command not found: sendfax"),
    ("Walsh Couriers", "Dispatch", "0117 496 0204", FaxStatus.SENT, ""),
    ("Nordic Paper AB", "Orders", "+46 8 555 0148", FaxStatus.RETRYING, "NO ANSWER"),
    ("Lopes Imports", "Beatriz Lopes", "+351 21 555 0184", FaxStatus.CANCELLED, ""),
    ("Brightline Print", "Kevin Lau", "01632 960 246", FaxStatus.SENT, ""),
    ("City Council", "Planning", "0161 496 0734", FaxStatus.QUEUED, ""),
    ("Grant Legal", "Reception", "020 7946 0992", FaxStatus.GAVE_UP, "NO ANSWER"),
    ("Hale Electrical", "Service desk", "0113 496 0657", FaxStatus.SENT, ""),
    ("Moore Logistics", "Billing", "01632 960 120", FaxStatus.SENT, ""),
    ("Brightline Print", "Studio", "01632 960 247", FaxStatus.RETRYING, "NO CARRIER"),
    ("Pryce & Daughters", "Accounts", "020 7946 0323", FaxStatus.AT_SERVER, ""),
]
RECEIVED = [  # sender, number, status, passed to
    ("Grant Legal", "020 7946 0991", FaxStatus.RECEIVED, ""),
    ("CITY COUNCIL LIC", "", FaxStatus.PASSED_ON, "Priya"),
    ("Walsh Couriers", "0117 496 0204", FaxStatus.CLOSED, "Tom"),
]


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    contacts = [Contact(name=n, extension=x, department=d) for n, x, d in PEOPLE]
    contacts += [Contact(name=d, kind=ContactKind.DEPARTMENT, extension=x, department=d) for d, x in DEPARTMENTS]
    store.repo("contacts").add_many(contacts)
    store.repo("calls").add_many(demo_calls(now, rng))
    store.repo("faxes").add_many(demo_faxes(now, rng))


def demo_calls(now: datetime, rng: random.Random) -> list[Call]:
    calls = []
    statuses = [CallStatus.NEW] * 6 + [CallStatus.PASSED_ON] * 6 + [CallStatus.MESSAGE_TAKEN] * 5 + [CallStatus.CALLBACK] * 8 + [CallStatus.DONE] * 15
    for n, status in enumerate(statuses):
        caller, company, number = CALLERS[n % len(CALLERS)]
        person = PEOPLE[rng.randrange(len(PEOPLE))][0] if n % 4 else DEPARTMENTS[n % len(DEPARTMENTS)][0]
        taken = now - timedelta(hours=rng.randint(1, 120), minutes=rng.randint(0, 59))
        by = rng.choice(["reception", "ann", "bilal"])
        due = callback_due(now, n, rng) if status == CallStatus.CALLBACK else None
        if due:
            taken = min(taken, due - timedelta(minutes=rng.randint(30, 240)))
        history = [Step(at=taken, user=by, action="call logged")]
        if status == CallStatus.PASSED_ON:
            history.append(Step(at=taken + timedelta(minutes=3), user=by, action=f"passed on to {person}"))
        elif status == CallStatus.MESSAGE_TAKEN:
            history.append(Step(at=taken + timedelta(minutes=2), user=by, action="message taken"))
        elif status == CallStatus.CALLBACK:
            history.append(Step(at=taken + timedelta(minutes=4), user=by, action=f"callback at {due:%a %d %b %H:%M}"))
        elif status == CallStatus.DONE:
            history.append(Step(at=taken + timedelta(hours=2), user=by, action="done"))
        calls.append(Call(
            caller=caller, company=company, number=number, for_whom=person, message=MESSAGES[n % len(MESSAGES)],
            priority=Priority.URGENT if n % 7 == 0 else (Priority.LOW if n % 5 == 0 else Priority.NORMAL),
            status=status, callback_due=due, handled_by=by if status == CallStatus.DONE else "", history=history,
            created_at=taken,
        ))
    return calls


def callback_due(now: datetime, n: int, rng: random.Random) -> datetime:
    """In turn: overdue since yesterday, overdue since this morning, later today, tomorrow."""
    kind = n % 4
    if kind == 0:
        return now - timedelta(hours=rng.randint(20, 30))
    if kind == 1:
        return now - timedelta(minutes=rng.randint(15, 120))
    if kind == 2:
        minutes_left = (datetime.combine(now.date(), time.max, tzinfo=now.tzinfo) - now).seconds // 60
        return now + timedelta(minutes=max(5, minutes_left // rng.randint(2, 4)))
    return datetime.combine(now.date() + timedelta(days=1), time(rng.choice([9, 10, 14])), tzinfo=now.tzinfo)


def demo_faxes(now: datetime, rng: random.Random) -> list[Fax]:
    faxes = []
    for n, (company, recipient, number, status, error) in enumerate(FAXES):
        tries = {FaxStatus.SENT: 1, FaxStatus.RETRYING: 2, FaxStatus.GAVE_UP: 3, FaxStatus.FAILED: 1}.get(status, 0)
        first_try = now - timedelta(minutes=rng.randint(20, 300))
        attempts = [
            Step(at=first_try + timedelta(minutes=2**t - 1), user="reception", action=f"try {t}: failed", note=error)
            for t in range(1, tries + 1)
            if error
        ]
        faxes.append(Fax(
            recipient=recipient, company=company, fax_number=number, document=f"/srv/office/outgoing/fax-{n + 101}.pdf",
            pages=rng.randint(1, 6), cover_note="Please see attached.", status=status, tries=tries, last_error=error,
            next_attempt=now + timedelta(minutes=4 * tries) if status == FaxStatus.RETRYING else None,
            sent_at=now - timedelta(hours=rng.randint(2, 90)) if status == FaxStatus.SENT else None,
            attempts=attempts, job=str(4100 + n) if status == FaxStatus.AT_SERVER else "",
            server_said="waiting for a free line" if status == FaxStatus.AT_SERVER else "",
        ))
    for n, (sender, number, status, passed_to) in enumerate(RECEIVED):
        steps = [Step(at=now - timedelta(minutes=30), user="reception", action=f"passed on to {passed_to}")] if passed_to else []
        faxes.append(Fax(
            direction="incoming", sender=sender, fax_number=number, status=status, passed_to=passed_to,
            document=f"/srv/office/faxes-in/fax{n + 1:09d}.tif", received_file=f"fax{n + 1:09d}.tif",
            pages=rng.randint(1, 4), sent_at=now - timedelta(minutes=rng.randint(40, 600)),
            attempts=steps + ([Step(at=now - timedelta(minutes=10), user=passed_to.lower(), action="closed")]
                              if status == FaxStatus.CLOSED else []),
        ))
    return faxes
