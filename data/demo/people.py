"""Demo HR: two open positions with candidates in every stage, interviews, staff."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from data.hiring import Candidate, Criterion, Interview, InterviewStatus, Position, Stage, StageStep
from data.staff import Employee, EventKind, StaffEvent, WarningLevel
from data.store import Store

FIRST = ["Amelia", "Ben", "Chloe", "Dev", "Elif", "Finn", "Hana", "Isaac", "Jade", "Kwame", "Lena", "Milo", "Nadia",
         "Omar", "Poppy", "Quentin", "Rosa", "Sami", "Tara", "Umar", "Vera", "Will", "Xia", "Yusuf", "Zoe"]
LAST = ["Adams", "Bhatt", "Carter", "Dimitrova", "Evans", "Fischer", "Gupta", "Hughes", "Ivanova", "Jones", "Kowalski",
        "Lindqvist", "Mensah", "Nguyen", "O'Brien", "Petrov", "Quinn", "Reid", "Silva", "Thompson", "Usman", "Varga",
        "Walker", "Young", "Zielinski"]
SOURCES = ["job board", "company website", "referral", "agency", "LinkedIn"]
ROLES_BEFORE = ["receptionist at a dental practice", "office junior at a law firm", "sales assistant in a DIY store",
                "accounts assistant at a builders' merchant", "temp in a council housing office", "bookkeeper for a charity",
                "customer service adviser in a call centre", "warehouse administrator for a courier"]
SKILLS = ["Microsoft Word and Excel (pivot tables, VLOOKUP)", "Sage 50 and Xero", "a switchboard with 40 extensions",
          "booking meetings for three directors", "petty cash and expense claims", "ordering stationery and managing suppliers",
          "purchase ledger for 200 suppliers", "bank reconciliations and month-end", "typing at 60 words a minute"]

POSITIONS = [
    Position(title="Office Assistant", department="Management", hiring_manager="Harriet Cole", places=1,
             criteria=[Criterion(name="Experience", weight=2), Criterion(name="Communication", weight=2), Criterion(name="IT skills", weight=1)]),
    Position(title="Accounts Clerk", department="Accounts", hiring_manager="Tom Baines", places=1,
             criteria=[Criterion(name="Bookkeeping", weight=3), Criterion(name="Accuracy", weight=2), Criterion(name="Software", weight=1)]),
]
STAGES = ([Stage.APPLIED] * 8 + [Stage.SCREENING] * 4 + [Stage.SHORTLISTED] * 4 + [Stage.INTERVIEW] * 4 + [Stage.OFFER]
          + [Stage.REJECTED] * 3 + [Stage.WITHDREW])
LEAVER = "Kieran Doyle"
STAFF = [
    ("Harriet Cole", "Office Manager", "Management", ""), ("Tom Baines", "Accounts Manager", "Accounts", "Harriet Cole"),
    ("Priya Shah", "Accounts Clerk", "Accounts", "Tom Baines"), ("Marek Nowak", "Sales Lead", "Sales", "Harriet Cole"),
    ("Lucy Fernandes", "Sales Executive", "Sales", "Marek Nowak"), ("Owen Price", "Sales Executive", "Sales", "Marek Nowak"),
    ("Grace Okafor", "HR Manager", "HR", "Harriet Cole"), ("Dan Whitfield", "Warehouse Supervisor", "Warehouse", "Harriet Cole"),
    ("Sofia Rossi", "Warehouse Operative", "Warehouse", "Dan Whitfield"), ("Ann Murphy", "Receptionist", "Management", "Harriet Cole"),
    ("Bilal Aziz", "Office Junior", "Management", "Harriet Cole"), ("Kieran Doyle", "Driver", "Warehouse", "Dan Whitfield"),
]


def cv_text(name: str, rng: random.Random) -> str:
    roles = rng.sample(ROLES_BEFORE, 2)
    skills = rng.sample(SKILLS, 3)
    years = rng.randint(1, 9)
    return (
        f"{name}\n\nPERSONAL STATEMENT\nOrganised, calm under pressure and happiest when an office runs like clockwork. "
        f"{years} years of experience in busy front-office and back-office roles.\n\n"
        f"EXPERIENCE\n{2025 - years}–now: {roles[0].capitalize()}. Day-to-day work with {skills[0]}; "
        f"trained two new starters.\n{2019 - years}–{2025 - years}: {roles[1].capitalize()}. Responsible for {skills[1]}.\n\n"
        f"SKILLS\n- {skills[0]}\n- {skills[1]}\n- {skills[2]}\n- Full UK driving licence\n\n"
        f"EDUCATION\nBTEC Level 3 in Business; AAT Level 2 in Accounting.\n\nReferences available on request."
    )


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    positions = store.repo("positions").add_many(POSITIONS)
    candidates = []
    for n, stage in enumerate(STAGES):
        name = f"{FIRST[n]} {LAST[(n * 7) % len(LAST)]}"
        position = positions[n % 2]
        scores = {}
        if stage not in (Stage.APPLIED,):
            for reviewer in ("grace", position.hiring_manager.split()[0].lower()):
                if rng.random() < 0.85:
                    scores[reviewer] = {c.name: rng.randint(2, 5) for c in position.criteria if rng.random() < 0.9}
        history = [StageStep(at=now - timedelta(days=20 - n % 10), user="grace", stage=stage)] if stage != Stage.APPLIED else []
        candidates.append(Candidate(
            name=name, email=f"{name.split()[0].lower()}.{n}@example.com", phone=f"07700 900{n:03d}", position_id=position.id,
            source=rng.choice(SOURCES), cv_text=cv_text(name, rng), stage=stage, scores=scores, history=history,
            reject_reason="Not enough bookkeeping experience" if stage == Stage.REJECTED else "",
        ))
    candidates = store.repo("candidates").add_many(candidates)
    store.repo("interviews").add_many(interviews(candidates, now))
    employees = store.repo("employees").add_many([
        Employee(name=name, role=role, department=dept, manager=manager, email=f"{name.split()[0].lower()}@office.example",
                 start_date=(now - timedelta(days=rng.randint(200, 3000))).date(),
                 active=name != LEAVER, left_on=(now - timedelta(days=30)).date() if name == LEAVER else None)
        for name, role, dept, manager in STAFF
    ])
    store.repo("staff_events").add_many(staff_events(employees, now, rng))


def interviews(candidates: list[Candidate], now: datetime) -> list[Interview]:
    day = now.replace(hour=10, minute=0)
    booked = [c for c in candidates if c.stage in (Stage.INTERVIEW, Stage.OFFER)]
    found = []
    for n, candidate in enumerate(booked):
        start = day + timedelta(hours=n) if n < 3 else day - timedelta(days=n)
        past = start < now
        found.append(Interview(candidate_id=candidate.id, start=start, minutes=45, interviewers=["Grace Okafor", "Harriet Cole" if n % 2 else "Tom Baines"],
                               place="Meeting room 1", status=InterviewStatus.DONE if past and n >= 3 else InterviewStatus.BOOKED,
                               rating=4 if past and n >= 3 else None, feedback="Good answers on supplier management." if past and n >= 3 else ""))
    return found


def staff_events(employees: list[Employee], now: datetime, rng: random.Random) -> list[StaffEvent]:
    today = now.date()
    events = []
    for employee in employees:
        events.append(StaffEvent(employee_id=employee.id, kind=EventKind.TRAINING, on=today - timedelta(days=400), course="Fire safety",
                                 completed=True, valid_until=today - timedelta(days=35)))
        events.append(StaffEvent(employee_id=employee.id, kind=EventKind.TRAINING, on=today - timedelta(days=rng.randint(10, 200)),
                                 course=rng.choice(["First aid at work", "GDPR essentials", "Manual handling", "Excel intermediate"]),
                                 completed=True, valid_until=today + timedelta(days=rng.randint(100, 900))))
    events.append(StaffEvent(employee_id=employees[8].id, kind=EventKind.WARNING, on=today - timedelta(days=60), level=WarningLevel.VERBAL,
                             reason="Late three times in two weeks", issued_by="Dan Whitfield", expires_after_months=6))
    events.append(StaffEvent(employee_id=employees[11].id, kind=EventKind.WARNING, on=today - timedelta(days=200), level=WarningLevel.WRITTEN,
                             reason="Van left unlocked overnight", issued_by="Dan Whitfield", expires_after_months=12))
    events.append(StaffEvent(employee_id=employees[11].id, kind=EventKind.TERMINATION, on=today - timedelta(days=30),
                             reason="Resigned: moving away", issued_by="Grace Okafor"))
    events.append(StaffEvent(employee_id=employees[4].id, kind=EventKind.WARNING, on=today - timedelta(days=500), level=WarningLevel.VERBAL,
                             reason="Personal calls during shop hours", issued_by="Marek Nowak", expires_after_months=6))
    return events
