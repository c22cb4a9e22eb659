"""Interviews as a calendar: panels from the staff list, rooms from the office's list, clashes
per person and per room, moving, cancelling, no-shows, and the invitations they send."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from data.candidates import interviews, panel
from data.candidates.actions import book_interview, reject
from data.candidates.invitations import invitations_folder, mail_due_invitations
from data.candidates.models import Candidate, Interview, InterviewStatus, Position, Stage
from data.engine.errors import FieldError, RuleError
from data.mail.mailboxes import mailboxes
from data.staff.models import Employee, EmploymentStatus

TEN = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
STAFF = ["Grace Okafor", "Grace Lee", "Tom Baines", "Harriet Cole"]


@pytest.fixture
def office(store):
    store.repo("employees").add_many([
        Employee(name=name, email=f"{name.split()[1].lower()}@office.example", start_date=date(2020, 1, 1)) for name in STAFF
    ] + [Employee(name="Kieran Doyle", start_date=date(2020, 1, 1), status=EmploymentStatus.LEFT, left_on=date(2025, 1, 1))])
    store.lists = {"rooms": ["Meeting room 1", "Meeting room 2"]}
    position = store.repo("positions").add(Position(title="Accounts Clerk", hiring_manager="Tom Baines"))
    return store, position


def shortlisted(store, position, name="Ann Lee", **fields) -> Candidate:
    return store.repo("candidates").add(Candidate(name=name, position_id=position.id, stage=Stage.SHORTLISTED, **fields))


def book(store, position, name, start=TEN, interviewers=("Tom Baines",), place="", minutes=45, **fields) -> Interview:
    person = shortlisted(store, position, name, **fields)
    return book_interview(store, Interview(candidate_id=person.id, start=start, minutes=minutes, interviewers=list(interviewers), place=place))


# -- who and where -------------------------------------------------------------------------

def test_a_first_name_or_any_case_is_the_one_employee_it_means():
    assert panel.interviewer("tom", STAFF) == "Tom Baines"
    assert panel.interviewer("  harriet   COLE ", STAFF) == "Harriet Cole"


def test_a_name_two_employees_share_or_nobody_has_is_refused_naming_the_near_matches():
    with pytest.raises(FieldError, match="'grace' could be Grace Lee or Grace Okafor: type the full name."):
        panel.interviewer("grace", sorted(STAFF))
    with pytest.raises(FieldError, match="'Tomm' is not on the staff list; did you mean Tom Baines"):
        panel.interviewer("Tomm", STAFF)
    with pytest.raises(FieldError, match="'Zed' is not on the staff list of current employees."):
        panel.interviewer("Zed", STAFF)


def test_grace_and_grace_okafor_are_one_person_booked_once(office):
    store, position = office
    store.repo("employees").update(2, lambda e: setattr(e, "status", EmploymentStatus.LEFT))  # Grace Lee left
    first = book(store, position, "Ann Lee", interviewers=["grace", "Grace Okafor", "tom"])
    assert first.interviewers == ["Grace Okafor", "Tom Baines"]
    with pytest.raises(FieldError, match="Grace Okafor is already interviewing Ann Lee Tue 10 Mar 10:00–10:45."):
        book(store, position, "Bob Ray", start=TEN + timedelta(minutes=30), interviewers=["GRACE"])


def test_an_older_booking_typed_by_first_name_still_clashes_with_the_full_name(office):
    store, position = office
    ann = store.repo("candidates").add(Candidate(name="Ann Lee", position_id=position.id, stage=Stage.INTERVIEW))
    store.repo("interviews").add(Interview(candidate_id=ann.id, start=TEN, interviewers=["harriet"]))
    with pytest.raises(FieldError, match="harriet is already interviewing Ann Lee"):
        book(store, position, "Bob Ray", interviewers=["Harriet Cole"])


def test_someone_who_left_cannot_interview(office):
    store, position = office
    with pytest.raises(FieldError, match="'Kieran Doyle' is not on the staff list"):
        book(store, position, "Ann Lee", interviewers=["Kieran Doyle"])
    assert store.repo("interviews").count() == 0


def test_a_room_is_one_of_the_list_in_any_case_else_refused_naming_the_list(office):
    store, position = office
    assert book(store, position, "Ann Lee", place="meeting ROOM 2").place == "Meeting room 2"
    with pytest.raises(FieldError, match="'Kitchen' is not one of the rooms: Meeting room 1 or Meeting room 2.") as refused:
        book(store, position, "Bob Ray", start=TEN + timedelta(hours=2), place="Kitchen")
    assert refused.value.field == "place"


def test_a_room_cannot_hold_two_interviews_at_once(office):
    store, position = office
    book(store, position, "Ann Lee", place="Meeting room 1", interviewers=["Tom"])
    with pytest.raises(FieldError, match="Meeting room 1 is taken: Ann Lee's interview is there Tue 10 Mar 10:00–10:45."):
        book(store, position, "Bob Ray", start=TEN + timedelta(minutes=15), place="meeting room 1", interviewers=["Harriet"])
    assert book(store, position, "Cem Ak", start=TEN + timedelta(minutes=15), place="Meeting room 2", interviewers=["Harriet"]).id


def test_without_a_staff_list_or_rooms_names_are_taken_as_typed(store):
    position = store.repo("positions").add(Position(title="Driver"))
    interview = book(store, position, "Ann Lee", interviewers=["grace"], place="Back office")
    assert (interview.interviewers, interview.place) == (["grace"], "Back office")


def test_the_panel_suggested_is_the_user_and_the_hiring_manager_as_the_staff_list_names_them():
    assert panel.suggested_panel(STAFF, "harriet", "Tom Baines") == ["Harriet Cole", "Tom Baines"]
    assert panel.suggested_panel(STAFF, "reception", "grace") == []  # not on the list, or not one person


# -- move, cancel, no-show -------------------------------------------------------------------

def test_moving_checks_like_a_booking_and_counts_up_the_sequence(office):
    store, position = office
    book(store, position, "Ann Lee", place="Meeting room 1", interviewers=["Grace Okafor"])
    bob = book(store, position, "Bob Ray", start=TEN + timedelta(hours=2), place="Meeting room 2", interviewers=["Tom"])
    with pytest.raises(FieldError, match="Meeting room 1 is taken"):
        interviews.move(store, bob.id, TEN, place="Meeting room 1")
    moved = interviews.move(store, bob.id, TEN + timedelta(hours=3), minutes=30)
    assert (moved.start, moved.minutes, moved.place, moved.sequence) == (TEN + timedelta(hours=3), 30, "Meeting room 2", 1)


def test_a_cancelled_interview_frees_the_room_and_the_panel(office):
    store, position = office
    ann = book(store, position, "Ann Lee", place="Meeting room 1", interviewers=["Tom"])
    cancelled = interviews.cancel(store, ann.id)
    assert (cancelled.status, cancelled.sequence) == (InterviewStatus.CANCELLED, 1)
    assert book(store, position, "Bob Ray", place="Meeting room 1", interviewers=["Tom"]).id
    with pytest.raises(RuleError, match="already cancelled"):
        interviews.cancel(store, ann.id)


def test_a_no_show_only_once_the_interview_began(office, clock):
    store, position = office
    ann = book(store, position, "Ann Lee")
    with pytest.raises(RuleError, match="nobody can miss it yet"):
        interviews.no_show(store, ann.id)
    clock.now = TEN + timedelta(minutes=5)
    assert interviews.no_show(store, ann.id).status == InterviewStatus.NO_SHOW


def test_rejecting_a_candidate_cancels_their_interviews_to_come(office):
    store, position = office
    ann = book(store, position, "Ann Lee", interviewers=["Tom"], place="Meeting room 1")
    reject(store, ann.candidate_id, "Found another job")
    assert store.repo("interviews").get(ann.id).status == InterviewStatus.CANCELLED
    assert book(store, position, "Bob Ray", interviewers=["Tom"], place="Meeting room 1").id  # Tom and the room are free


# -- invitations ---------------------------------------------------------------------------

def parsed(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def test_booking_writes_the_invitation_as_private_as_the_hr_file(office):
    store, position = office
    store.file("people").chmod(0o640)
    ann = book(store, position, "Ann Lee", interviewers=["Tom"], place="Meeting room 1", email="ann@example.com")
    ics = invitations_folder(store) / f"interview-{ann.id}-0.ics"
    assert invitations_folder(store).parent == store.folder / "hr"
    for path in (ics, ics.with_suffix(".txt")):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
        assert os.stat(path).st_gid == os.stat(store.file("people")).st_gid
    calendar = parsed(ics)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["method"]) == "REQUEST"
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (TEN, TEN + timedelta(minutes=45))
    assert (str(event["summary"]), str(event["location"])) == ("Interview: Ann Lee, Accounts Clerk", "Meeting room 1")
    assert sorted(str(a) for a in event["attendee"]) == ["mailto:ann@example.com", "mailto:baines@office.example"]
    assert "With:  Tom Baines" in ics.with_suffix(".txt").read_text()


def test_moving_and_cancelling_write_the_same_uid_one_sequence_up(office):
    store, position = office
    ann = book(store, position, "Ann Lee", email="ann@example.com")
    interviews.move(store, ann.id, TEN + timedelta(days=1))
    interviews.cancel(store, ann.id)
    events = [parsed(invitations_folder(store) / f"interview-{ann.id}-{n}.ics").walk("VEVENT")[0] for n in range(3)]
    assert len({str(e["uid"]) for e in events}) == 1
    assert [int(e["sequence"]) for e in events] == [0, 1, 2]
    assert str(parsed(invitations_folder(store) / f"interview-{ann.id}-2.ics")["method"]) == "CANCEL"
    assert str(events[2]["status"]) == "CANCELLED"


def test_a_name_with_line_breaks_adds_no_line_to_the_invitation(office):
    store, position = office
    ann = book(store, position, "Ann Lee", email="ann@example.com")
    hostile = "Ann\r\nATTENDEE:mailto:thief@example.net\r\nBcc: thief@example.net\x1b]0;x\x07"
    store.repo("candidates").update(ann.candidate_id, lambda c: c.__dict__.update(name=hostile))  # past the gate, as a hand edit
    interviews.move(store, ann.id, TEN + timedelta(hours=1))
    raw = (invitations_folder(store) / f"interview-{ann.id}-1.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert not [line for line in lines if line.startswith(b"ATTENDEE:mailto:thief")]
    assert b"\x1b" not in raw and b"\x07" not in raw
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert [str(a) for a in event["attendee"]] == ["mailto:ann@example.com", "mailto:baines@office.example"]
    assert "\n" not in str(event["summary"])


def test_invitations_are_not_mailed_without_a_mailbox_that_sends(office):
    store, position = office
    book(store, position, "Ann Lee", email="ann@example.com")
    assert mail_due_invitations(store, mailboxes({"imap": "imap://x@localhost/INBOX"})) == []
    assert store.repo("interviews").find(invitation_due=True) != []  # still due, for when mail is set up
