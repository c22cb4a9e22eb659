"""Demo HR: two open positions with candidates in every stage, interviews (some today), staff."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from data.candidates.models import Candidate, Criterion, Interview, InterviewStatus, Position, Stage, StageStep
from data.engine.store import Store
from data.staff.models import ChecklistItem, Correction, Employee, EmploymentStatus, EventKind, StaffEvent, WarningLevel
from data.staff.rules import add_months
from data.staff.templates import Template, checklist_items, default_text

FIRST = ["Amelia", "Ben", "Chloe", "Dev", "Elif", "Finn", "Hana", "Isaac", "Jade", "Kwame", "Lena", "Milo", "Nadia",
         "Omar", "Poppy", "Quentin", "Rosa", "Sami", "Tara", "Umar", "Vera", "Will", "Xia", "Yusuf", "Zoe"]
LAST = ["Adams", "Bhatt", "Carter", "Dimitrova", "Evans", "Fischer", "Gupta", "Hughes", "Ivanova", "Jones", "Kowalski",
        "Lindqvist", "Mensah", "Nguyen", "O'Brien", "Petrov", "Quinn", "Reid", "Silva", "Thompson", "Usman", "Varga",
        "Walker", "Young", "Zielinski"]
SOURCES = ["job board", "company website", "referral", "agency", "LinkedIn", "walk-in"]
HR = "Grace Okafor"
ROOMS = ("Meeting room 1", "Meeting room 2", "Board room")  # the demo office's rooms setting

POSITIONS = [
    Position(title="Office Assistant", department="Management", hiring_manager="Harriet Cole", places=2,
             criteria=[Criterion(name="Experience", weight=2), Criterion(name="Communication", weight=2), Criterion(name="IT skills", weight=1)]),
    Position(title="Accounts Clerk", department="Accounts", hiring_manager="Tom Baines", places=1,
             criteria=[Criterion(name="Bookkeeping", weight=3), Criterion(name="Accuracy", weight=2), Criterion(name="Software", weight=1)]),
]

# (stage, position index); the hired one filled one of the two Office Assistant places.
STAGES = ([(Stage.APPLIED, n % 2) for n in range(7)] + [(Stage.SCREENING, n % 2) for n in range(4)]
          + [(Stage.SHORTLISTED, n % 2) for n in range(4)] + [(Stage.INTERVIEW, n % 2) for n in range(4)]
          + [(Stage.OFFER, 1), (Stage.OFFER, 0), (Stage.HIRED, 0), (Stage.REJECTED, 1), (Stage.REJECTED, 0), (Stage.WITHDREW, 1)])

PATHS = {
    Stage.APPLIED: [],
    Stage.SCREENING: [Stage.SCREENING],
    Stage.SHORTLISTED: [Stage.SCREENING, Stage.SHORTLISTED],
    Stage.INTERVIEW: [Stage.SCREENING, Stage.SHORTLISTED, Stage.INTERVIEW],
    Stage.OFFER: [Stage.SCREENING, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER],
    Stage.HIRED: [Stage.SCREENING, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED],
    Stage.REJECTED: [Stage.SCREENING, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.REJECTED],
    Stage.WITHDREW: [Stage.SCREENING, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.WITHDREW],
}
# One Accounts Clerk applicant is turned down on paper, one Office Assistant after the interview.
REJECTIONS = {1: "No bookkeeping experience and no driving licence for the bank runs",
              0: "Struggled with the Excel exercise; another candidate was stronger on the phone"}
NOTES = {Stage.WITHDREW: "Accepted a job closer to home", Stage.OFFER: "£24,500, 37.5 hours, start in four weeks"}
# Higher stages got there with better scores.
SCORE_RANGE = {Stage.REJECTED: (1, 3), Stage.OFFER: (4, 5), Stage.HIRED: (4, 5), Stage.INTERVIEW: (3, 5), Stage.SHORTLISTED: (3, 5)}

STATEMENTS = [
    "Organised, calm under pressure and happiest when an office runs like clockwork. I like being the person "
    "colleagues come to when they cannot find something.",
    "A friendly and reliable administrator looking for a permanent role after several years of temporary "
    "contracts. I learn new systems quickly and keep good notes so others can pick up where I left off.",
    "Numbers person with an eye for detail. I enjoy reconciling accounts that do not balance and finding out why, "
    "and I am studying towards my AAT Level 3 in the evenings.",
    "Returning to work after five years raising my children, during which I ran the treasurer's books of our "
    "local playgroup and organised its fundraising. Keen, punctual and used to juggling many things at once.",
    "Recent graduate (BA History) who worked through university on a hotel front desk. Confident on the phone, "
    "good with difficult customers, and looking for a first step into office administration.",
]
ROLES = {
    0: [("Receptionist", "a dental practice", "answered a busy switchboard, booked appointments for six dentists and handled patient payments"),
        ("Office junior", "a law firm", "managed the post, filing and archive boxes, and booked meeting rooms and couriers"),
        ("Customer service adviser", "a call centre", "handled 80 calls a day about deliveries and refunds, with a 94% satisfaction score"),
        ("Administrator", "a council housing office", "kept tenancy files up to date and typed letters from dictation"),
        ("Front desk assistant", "a hotel", "checked guests in and out, took bookings by phone and e-mail, cashed up each shift")],
    1: [("Accounts assistant", "a builders' merchant", "ran the purchase ledger for 200 suppliers and matched invoices to delivery notes"),
        ("Bookkeeper", "a small charity", "kept the books in Xero, did the bank reconciliations and prepared Gift Aid claims"),
        ("Credit control clerk", "a wholesaler", "chased overdue accounts by phone and letter and cut debtor days from 52 to 38"),
        ("Payroll and accounts clerk", "a care agency", "processed weekly timesheets for 60 carers and posted journals in Sage 50"),
        ("Finance temp", "an NHS trust", "cleared a backlog of 1,400 unmatched invoices in six weeks")],
}
SKILLS = {
    0: ["Microsoft Word, Excel and Outlook", "Minute-taking", "Diary management for three directors", "Typing at 60 words a minute",
        "Ordering stationery and dealing with suppliers", "First aid at work certificate", "Conversational Polish and Spanish"],
    1: ["Sage 50 and Xero", "Excel: pivot tables, VLOOKUP, SUMIFS", "Purchase and sales ledger", "Bank reconciliations and month-end",
        "VAT returns under supervision", "Petty cash and expense claims", "AAT Level 2 (Level 3 in progress)"],
}
EDUCATION = ["BTEC Level 3 Extended Diploma in Business, City College", "A levels: English (B), Maths (C), Geography (C)",
             "AAT Level 2 Certificate in Accounting", "BA (Hons) History, University of Leeds, 2:1", "GCSEs: 9 including English and Maths"]
INTERESTS = ["I run with a local club and volunteer at the Saturday parkrun.", "I sing in a community choir and help with its accounts.",
             "Outside work I coach an under-11s football team.", "I enjoy baking and have a full clean UK driving licence.", ""]


def cv_text(name: str, email: str, phone: str, position: int, now: date, rng: random.Random) -> str:
    """A believable CV of several paragraphs; the wording varies from one candidate to the next."""
    roles = rng.sample(ROLES[position] + ROLES[1 - position][:2], 2)
    years = rng.randint(1, 8)
    start = now.year - years
    jobs = [f"{start}–present: {roles[0][0]}, {roles[0][1]}.\nI {roles[0][2]}.",
            f"{start - rng.randint(1, 4)}–{start}: {roles[1][0]}, {roles[1][1]}.\nI {roles[1][2]}."]
    skills = "\n".join(f"- {s}" for s in rng.sample(SKILLS[position], 4))
    parts = [name, f"{email} · {phone}",
             f"PROFILE\n{rng.choice(STATEMENTS)}", "EXPERIENCE\n" + "\n\n".join(jobs), f"SKILLS\n{skills}",
             "EDUCATION\n" + "\n".join(rng.sample(EDUCATION, 2)), rng.choice(INTERESTS), "References available on request."]
    return "\n\n".join(p for p in parts if p)


def path_to(stage: Stage, position: int) -> list[Stage]:
    if stage == Stage.REJECTED and position == 1:
        return [Stage.SCREENING, Stage.REJECTED]
    return PATHS[stage]


def history(path: list[Stage], reason: str, now: datetime, rng: random.Random) -> list[StageStep]:
    at = now - timedelta(days=3 * len(path) + rng.randint(1, 6), hours=rng.randint(0, 5))
    steps = []
    for stage in path:
        at += timedelta(days=rng.randint(1, 3))
        steps.append(StageStep(at=min(at, now), user="grace", stage=stage, note=reason if stage == Stage.REJECTED else NOTES.get(stage, "")))
    return steps


def scores(stage: Stage, position: Position, rng: random.Random) -> dict[str, dict[str, int]]:
    """Two reviewers, with the gaps of a triage still in progress."""
    low, high = SCORE_RANGE.get(stage, (2, 5))
    reviewers = ["grace", position.hiring_manager.split()[0].lower()]
    if stage == Stage.APPLIED:
        reviewers = reviewers[:1] if rng.random() < 0.5 else []
    found = {}
    for reviewer in reviewers:
        mine = {c.name: rng.randint(low, high) for c in position.criteria if rng.random() < 0.85}
        if mine:
            found[reviewer] = mine
    return found


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    positions = store.repo("positions").add_many(POSITIONS)
    candidates = []
    for n, (stage, which) in enumerate(STAGES):
        first, last = FIRST[n], LAST[(n * 7) % len(LAST)]
        name, email, phone = f"{first} {last}", f"{first}.{last.replace(chr(39), '')}@example.com".lower(), f"07700 900{n:03d}"
        position = positions[which]
        reason = REJECTIONS[which] if stage == Stage.REJECTED else ""
        steps = history(path_to(stage, which), reason, now, rng)
        candidates.append(Candidate(
            name=name, email=email, phone=phone, position_id=position.id, source=rng.choice(SOURCES),
            cv_text=cv_text(name, email, phone, which, now.date(), rng), stage=stage, scores=scores(stage, position, rng), history=steps,
            reject_reason=reason,
        ))
    candidates = store.repo("candidates").add_many(candidates)
    store.repo("interviews").add_many(interviews(candidates, positions, now))
    employees = store.repo("employees").add_many(staff(candidates, now, rng))
    store.repo("staff_events").add_many(staff_events(employees, now, rng))


def interviews(candidates: list[Candidate], positions: list[Position], now: datetime) -> list[Interview]:
    """Today at 10:00 and, back to back, 10:45; this afternoon; tomorrow; the rest already held."""
    day = now.replace(hour=0, minute=0, second=0)
    managers = {p.id: p.hiring_manager for p in positions}
    slots = iter([day + timedelta(hours=10), day + timedelta(hours=10, minutes=45), day + timedelta(hours=14, minutes=30),
                  day + timedelta(days=1, hours=9, minutes=30)])
    held = {Stage.OFFER: (4, "Clear answers on supplier management; keen to start."),
            Stage.HIRED: (5, "Best of the round: organised, warm on the phone, strong Excel."),
            Stage.REJECTED: (2, "Struggled with the Excel exercise."), Stage.WITHDREW: (None, "")}
    found = []
    for n, candidate in enumerate(candidates):
        panel = [HR, managers[candidate.position_id]]
        if candidate.stage == Stage.INTERVIEW:
            found.append(Interview(candidate_id=candidate.id, start=next(slots), minutes=45, interviewers=panel, place=ROOMS[0]))
        elif candidate.stage in held and Stage.INTERVIEW in (s.stage for s in candidate.history):
            rating, feedback = held[candidate.stage]
            status = InterviewStatus.NO_SHOW if candidate.stage == Stage.WITHDREW else InterviewStatus.DONE
            start = day - timedelta(days=4 + n % 7) + timedelta(hours=9 + n % 6)
            found.append(Interview(candidate_id=candidate.id, start=start, minutes=60, interviewers=panel, place=ROOMS[1],
                                   status=status, rating=rating, feedback=feedback))
    found.append(Interview(candidate_id=found[2].candidate_id, start=day - timedelta(days=1, hours=-15), minutes=45,
                           interviewers=[HR], place=ROOMS[0], status=InterviewStatus.CANCELLED,
                           feedback="Candidate asked to move it: childcare."))
    return found


LEAVER = "Kieran Doyle"
STAFF = [
    ("Harriet Cole", "Office Manager", "Management", ""), ("Tom Baines", "Accounts Manager", "Accounts", "Harriet Cole"),
    ("Priya Shah", "Accounts Clerk", "Accounts", "Tom Baines"), ("Marek Nowak", "Sales Lead", "Sales", "Harriet Cole"),
    ("Lucy Fernandes", "Sales Executive", "Sales", "Marek Nowak"), ("Owen Price", "Sales Executive", "Sales", "Marek Nowak"),
    ("Grace Okafor", "HR Manager", "HR", "Harriet Cole"), ("Dan Whitfield", "Warehouse Supervisor", "Warehouse", "Harriet Cole"),
    ("Sofia Rossi", "Warehouse Operative", "Warehouse", "Dan Whitfield"), ("Ann Murphy", "Receptionist", "Management", "Harriet Cole"),
    ("Bilal Aziz", "Office Junior", "Management", "Harriet Cole"), (LEAVER, "Driver", "Warehouse", "Dan Whitfield"),
]


def staff(candidates: list[Candidate], now: datetime, rng: random.Random) -> list[Employee]:
    today = now.date()
    found = [
        Employee(name=name, role=role, department=dept, manager=manager, email=f"{name.split()[0].lower()}@office.example",
                 phone=f"01632 960{n:03d}", start_date=today - timedelta(days=rng.randint(200, 3000)))
        for n, (name, role, dept, manager) in enumerate(STAFF)
    ]
    leaver = found[-1]
    leaver.status, leaver.left_on, leaver.left_reason = EmploymentStatus.LEFT, today - timedelta(days=30), "Resigned: moving away"
    junior = next(e for e in found if e.name == "Bilal Aziz")  # his probation ends in a fortnight
    junior.start_date = today - timedelta(days=170)
    junior.probation_until = add_months(junior.start_date, 6)
    junior.onboarding = [ChecklistItem(text=item, done_on=junior.start_date, done_by=HR) for item in checklist_items(default_text(Template.ONBOARDING))]
    priya = next(e for e in found if e.name == "Priya Shah")
    priya.corrections = [Correction(at=now - timedelta(days=40), by=HR, reason="Moved to Accounts in 2023; the record still said Sales",
                                    changes=["department: Sales → Accounts"])]
    hired = next(c for c in candidates if c.stage == Stage.HIRED)
    start = today - timedelta(days=7)
    onboarding = [ChecklistItem(text=item, done_on=start if n < 3 else None, done_by=HR if n < 3 else "")
                  for n, item in enumerate(checklist_items(default_text(Template.ONBOARDING)))]
    found.append(Employee(name=hired.name, email=hired.email, phone=hired.phone, role="Office Assistant", department="Management",
                          manager="Harriet Cole", start_date=start, candidate_id=hired.id, probation_until=add_months(start, 6),
                          onboarding=onboarding))
    return found


def staff_events(employees: list[Employee], now: datetime, rng: random.Random) -> list[StaffEvent]:
    today = now.date()
    by_name = {e.name: e.id for e in employees}
    started = {e.name: e.start_date for e in employees}
    events = []
    for n, employee in enumerate(employees[:-1]):
        taken = max(today - timedelta(days=rng.randint(300, 700)), employee.start_date + timedelta(days=14))
        expired = n % 3 == 0  # every third member of staff is overdue for fire safety
        events.append(StaffEvent(employee_id=employee.id, kind=EventKind.TRAINING, on=taken, course="Fire safety", completed=True,
                                 valid_until=today - timedelta(days=20 + n) if expired else today + timedelta(days=100 + 20 * n)))
        events.append(StaffEvent(employee_id=employee.id, kind=EventKind.TRAINING,
                                 on=max(today - timedelta(days=rng.randint(10, 200)), employee.start_date + timedelta(days=7)),
                                 course=rng.choice(["First aid at work", "GDPR essentials", "Manual handling", "Excel intermediate"]),
                                 completed=True, valid_until=today + timedelta(days=rng.randint(100, 900))))
    events.append(StaffEvent(employee_id=employees[-1].id, kind=EventKind.TRAINING, on=today + timedelta(days=3),
                             course="Office induction", completed=False))

    def warning(name: str, days_ago: int, level: WarningLevel, reason: str, by: str, months: int) -> StaffEvent:
        on = max(today - timedelta(days=days_ago), started[name] + timedelta(days=30))
        return StaffEvent(employee_id=by_name[name], kind=EventKind.WARNING, on=on, level=level,
                          reason=reason, issued_by=by, expires_after_months=months)

    events.append(StaffEvent(employee_id=employees[0].id, kind=EventKind.TRAINING, on=today - timedelta(days=5), course="Fire safety",
                             completed=True, valid_until=today + timedelta(days=3 * 365), notes="Renewed with the new evacuation plan."))  # hers had run out
    shouted = warning("Owen Price", 20, WarningLevel.WRITTEN, "Shouted at a customer on the phone", "Marek Nowak", 12)
    shouted.notes = "The customer rang back to complain; Marek heard the call. Owen apologised to her the same day."
    mistaken = warning("Sofia Rossi", 45, WarningLevel.VERBAL, "Till left open", "Dan Whitfield", 6)
    mistaken.void_reason, mistaken.voided_by, mistaken.voided_at = "It was Sara on the till, not Sofia", HR, now - timedelta(days=44)
    events += [
        warning("Sofia Rossi", 60, WarningLevel.VERBAL, "Late three times in two weeks", "Dan Whitfield", 6),
        mistaken,
        warning("Owen Price", 150, WarningLevel.VERBAL, "Personal calls during shop hours", "Marek Nowak", 6),
        shouted,
        warning("Lucy Fernandes", 500, WarningLevel.VERBAL, "Expenses claimed without receipts", "Marek Nowak", 6),
        warning(LEAVER, 200, WarningLevel.WRITTEN, "Van left unlocked overnight", "Dan Whitfield", 12),
        StaffEvent(employee_id=by_name[LEAVER], kind=EventKind.TERMINATION, on=today - timedelta(days=30),
                   reason="Resigned: moving away", notes="Keys and fuel card returned.", issued_by=HR),
    ]
    return events
