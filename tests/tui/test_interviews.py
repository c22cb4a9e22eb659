"""Interviews by the keys HR presses: booking with interviewers from the staff list and a room
from the office's, the week view (move, cancel, no-show, the candidate), and invitations
mailed through a real SMTP server (aiosmtpd) and read back as iCalendar."""

from __future__ import annotations

from datetime import date, timedelta
from email.header import decode_header, make_header
from email.message import Message

from icalendar import Calendar

from data.candidates.models import Candidate, Interview, InterviewStatus, Position, Stage
from data.staff.models import Employee
from screens.interviews import InterviewsScreen
from tests.conftest import NOW
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.dialogs import ChoiceModal
from tui.widgets.record_table import RecordTable

ROOMS = ["Meeting room 1", "Meeting room 2"]
TWO_PM = NOW.replace(hour=14, minute=0)


def office(store, **candidate) -> Candidate:
    """Two on the staff list, two rooms, an opening and a shortlisted candidate."""
    store.repo("employees").add_many([
        Employee(name="Grace Okafor", email="grace@office.example", start_date=date(2020, 1, 1)),
        Employee(name="Tom Baines", email="tom@office.example", start_date=date(2020, 1, 1)),
    ])
    store.lists = {"rooms": ROOMS}
    position = store.repo("positions").add(Position(title="Accounts Clerk", hiring_manager="Tom Baines"))
    return store.repo("candidates").add(Candidate(**{"name": "Ann Lee", "email": "ann@example.com", "position_id": position.id,
                                                     "stage": Stage.SHORTLISTED, **candidate}))


def week_rows(app) -> list[str]:
    table = app.screen.query_one("#week", RecordTable)
    return [" ".join(str(c).strip() for c in table.get_row_at(i) if str(c).strip()) for i in range(table.row_count)]


def cursor_to(app, text: str) -> list[str]:
    """The keys (j) that take the week's cursor from the top to the row that reads ``text``."""
    index = next(i for i, row in enumerate(week_rows(app)) if text in row)
    return ["g"] + ["j"] * index


async def book_by_keys(pilot, start: str, interviewers: str, room: str) -> None:
    await pilot.press("4", "i")
    assert await wait_for(pilot, lambda: pilot.app.screen.query("#field-start"))
    form = pilot.app.screen
    assert await wait_for(pilot, lambda: form.value_of("interviewers") == "Tom Baines")  # the hiring manager, as the staff list names him
    await pilot.press(*start, "tab", "tab", "ctrl+u", *interviewers, "tab", *room, "ctrl+s")


async def test_grace_is_grace_okafor_and_the_week_moves_cancels_and_marks_a_no_show(make_app, store, clock):
    ann = office(store)
    earlier = store.repo("candidates").add(Candidate(name="Bob Ray", position_id=ann.position_id, stage=Stage.INTERVIEW))
    missed = store.repo("interviews").add(Interview(candidate_id=earlier.id, start=NOW.replace(hour=9, minute=0), interviewers=["Tom Baines"]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await book_by_keys(pilot, "14:00", "grace, hariet", "Meeting room 1")
        form = app.screen
        assert await wait_for(pilot, lambda: "-shown" in form.query_one("#error-interviewers").classes)
        assert "'hariet' is not on the staff list" in str(form.query_one("#error-interviewers").render())
        await pilot.press("shift+tab", "ctrl+u", *"grace", "tab", "ctrl+u", *"Kitchen", "ctrl+s")
        assert await wait_for(pilot, lambda: "-shown" in form.query_one("#error-place").classes)
        assert "'Kitchen' is not one of the rooms: Meeting room 1 or Meeting room 2." in str(form.query_one("#error-place").render())
        await pilot.press("ctrl+u", *"meeting room 1", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not form)
        booked = store.repo("interviews").find(candidate_id=ann.id)[0]
        assert (booked.start, booked.interviewers, booked.place) == (TWO_PM, ["Grace Okafor"], "Meeting room 1")

        await pilot.press("W")
        assert await wait_for(pilot, lambda: isinstance(app.screen, InterviewsScreen) and "Ann Lee" in " ".join(week_rows(app)))
        assert week_rows(app)[:4] == ["Mon 09 Mar no interviews", "Tue 10 Mar",
                                      "09:00–09:45 Bob Ray Tom Baines", "14:00–14:45 Ann Lee Grace Okafor Meeting room 1"]
        await pilot.press(*cursor_to(app, "Ann Lee"), "m", "ctrl+u", *"15:30", "tab", "ctrl+u", *"30", "ctrl+s")
        assert await wait_for(pilot, lambda: store.repo("interviews").get(booked.id).start == NOW.replace(hour=15, minute=30))
        moved = store.repo("interviews").get(booked.id)
        assert (moved.minutes, moved.sequence) == (30, 1)
        assert await wait_for(pilot, lambda: "15:30–16:00 Ann Lee Grace Okafor Meeting room 1" in week_rows(app))

        await pilot.press(*cursor_to(app, "Bob Ray"), "N")
        assert await wait_for(pilot, lambda: store.repo("interviews").get(missed.id).status == InterviewStatus.NO_SHOW)
        assert await wait_for(pilot, lambda: "09:00–09:45 Bob Ray Tom Baines NO-SHOW" in week_rows(app))
        await pilot.press(*cursor_to(app, "Ann Lee"), "N")  # still to come: nobody can miss it yet
        assert await wait_for(pilot, lambda: "nobody can miss it yet" in getattr(app.screen, "message", ""))
        await pilot.press("escape")

        await pilot.press("x")
        assert await wait_for(pilot, lambda: "Cancel Ann Lee's interview Tue 10 Mar 15:30?" in getattr(app.screen, "question", ""))
        await pilot.press("n")
        assert store.repo("interviews").get(booked.id).status == InterviewStatus.BOOKED
        await pilot.press("x", "y")
        assert await wait_for(pilot, lambda: store.repo("interviews").get(booked.id).status == InterviewStatus.CANCELLED)
        assert await wait_for(pilot, lambda: not any("Ann Lee" in row for row in week_rows(app)))


async def test_the_week_goes_back_and_forth_and_f_opens_the_feedback_of_the_candidate(make_app, store):
    ann = office(store, stage=Stage.INTERVIEW)
    store.repo("interviews").add(Interview(candidate_id=ann.id, start=NOW.replace(hour=8, minute=0), interviewers=["Tom Baines"]))
    store.repo("interviews").add(Interview(candidate_id=ann.id, start=NOW + timedelta(days=8), interviewers=["Tom Baines"]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "W")
        assert await wait_for(pilot, lambda: isinstance(app.screen, InterviewsScreen) and app.screen.data is not None)
        await pilot.press("right_square_bracket")
        assert await wait_for(pilot, lambda: week_rows(app)[0] == "Mon 16 Mar no interviews")
        assert "Wed 18 Mar" in week_rows(app) and "09:30–10:15 Ann Lee Tom Baines" in week_rows(app)
        await pilot.press("left", "left")
        assert await wait_for(pilot, lambda: week_rows(app)[0] == "Mon 02 Mar no interviews")
        await pilot.press("t")
        assert await wait_for(pilot, lambda: week_rows(app)[0] == "Mon 09 Mar no interviews")
        await pilot.press(*cursor_to(app, "08:00"), "f")
        assert await wait_for(pilot, lambda: app.screen.query("#field-rating"))
        assert app.screen.form_title == "Feedback: Ann Lee, Tue 10 Mar 08:00–08:45"



async def test_booking_from_the_week_offers_who_can_be_interviewed_on_the_day_under_the_cursor(make_app, store):
    ann = office(store)
    for name, stage in (("Bob Ray", Stage.INTERVIEW), ("Cara Diaz", Stage.SCREENING), ("Dan Ode", Stage.OFFER)):
        store.repo("candidates").add(Candidate(name=name, position_id=ann.position_id, stage=stage))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "W")
        assert await wait_for(pilot, lambda: isinstance(app.screen, InterviewsScreen) and app.screen.data is not None)
        await pilot.press(*cursor_to(app, "Thu 12 Mar"), "n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        assert app.screen.title_text == "Book an interview on Thu 12 Mar with whom?"
        assert [label for _, label in app.screen.choices] == ["Ann Lee — Accounts Clerk, shortlisted",
                                                              "Bob Ray — Accounts Clerk, interview"]
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.screen.query("#field-start"))
        form = app.screen
        assert (form.form_title, form.value_of("start")) == ("Interview with Ann Lee", "2026-03-12 09:00")
        assert await wait_for(pilot, lambda: form.value_of("interviewers") == "Tom Baines")
        await pilot.press("tab", "tab", "tab", *"Meeting room 2", "ctrl+s")
        assert await wait_for(pilot, lambda: "09:00–09:45 Ann Lee Tom Baines Meeting room 2" in week_rows(app))

        await pilot.press(*cursor_to(app, "Ann Lee"), "n")  # after the interview under the cursor
        assert await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("j", "enter")
        assert await wait_for(pilot, lambda: app.screen.query("#field-start"))
        assert (app.screen.form_title, app.screen.value_of("start")) == ("Interview with Bob Ray", "2026-03-12 09:45")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: "09:45–10:30 Bob Ray Tom Baines" in week_rows(app))
    assert [(i.candidate_id, i.place) for i in store.repo("interviews").list()] == [(ann.id, "Meeting room 2"), (ann.id + 1, "")]


# -- invitations by mail ----------------------------------------------------------------------

def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def calendar_of(message: Message) -> Calendar:
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return Calendar.from_ical(parts[0].get_payload(decode=True))


async def test_invitations_and_their_cancellation_go_out_by_smtp_as_icalendar(store, mail_table, smtp):
    ann = office(store)
    app = BackOfficeApp(store, Settings(fax_command="", poll_minutes=0, mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await book_by_keys(pilot, "14:00", "grace", "Meeting room 2")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 1 and not app.screen.query("#field-start"), seconds=10)
        await pilot.press("W")
        assert await wait_for(pilot, lambda: isinstance(app.screen, InterviewsScreen) and "Ann Lee" in " ".join(week_rows(app)))
        await pilot.press(*cursor_to(app, "Ann Lee"), "x", "y")
        assert await wait_for(pilot, lambda: len(smtp.messages) == 2, seconds=10)
        said = "Cancelled Ann Lee's interview; invitation mailed to ann@example.com, grace@office.example"
        assert await wait_for(pilot, lambda: any(n.message == said for n in app._notifications))

    invited, cancelled = smtp.messages
    assert sorted(invited["To"].split(", ")) == ["ann@example.com", "grace@office.example"]
    assert subject(invited) == "Interview: Ann Lee, Accounts Clerk — Tue 10 Mar 14:00"
    text = next(p for p in invited.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "Where: Meeting room 2" in text
    request = calendar_of(invited)
    event = request.walk("VEVENT")[0]
    assert str(request["method"]) == "REQUEST"
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (TWO_PM, TWO_PM + timedelta(minutes=45))
    assert str(event["organizer"]) == f"mailto:{mail_table['from'].split('<')[1].rstrip('>')}"
    assert sorted(str(a) for a in event["attendee"]) == ["mailto:ann@example.com", "mailto:grace@office.example"]

    assert subject(cancelled).startswith("Cancelled: Interview: Ann Lee")
    cancel = calendar_of(cancelled)
    withdrawn = cancel.walk("VEVENT")[0]
    assert str(cancel["method"]) == "CANCEL"
    assert str(withdrawn["uid"]) == str(event["uid"])
    assert (int(event["sequence"]), int(withdrawn["sequence"])) == (0, 1)
    kept = store.repo("hr_mail").list()  # HR's mail, in HR's file, whichever mailbox sent it
    assert [m.send_status for m in kept] == ["sent", "sent"]
    assert store.repo("mail").list() == []


async def test_a_name_with_line_breaks_adds_no_header_and_no_calendar_line(store, mail_table, smtp):
    from data.candidates.invitations import mail_due_invitations
    from data.candidates.interviews import cancel
    from data.mail.mailboxes import mailboxes

    ann = office(store)
    hostile = "Ann Lee\r\nBcc: thief@example.net\r\nATTENDEE:mailto:thief@example.net\x1b]0;x\x07"
    interview = store.repo("interviews").add(Interview(candidate_id=ann.id, start=TWO_PM, interviewers=["Grace Okafor"]))
    store.repo("candidates").update(ann.id, lambda c: c.__dict__.update(name=hostile))  # as a hand edit would leave it
    cancel(store, interview.id)
    mail_due_invitations(store, mailboxes(mail_table))
    delivered = smtp.messages[-1]
    assert delivered["Bcc"] is None and "\n" not in subject(delivered) and "\r" not in subject(delivered)
    assert subject(delivered).startswith("Cancelled: Interview: Ann Lee␍ Bcc: thief@example.net␍ ATTENDEE:mailto:thief@example.net␛]0;x␇")
    event = calendar_of(delivered).walk("VEVENT")[0]
    assert sorted(str(a) for a in event["attendee"]) == ["mailto:ann@example.com", "mailto:grace@office.example"]
    assert "\n" not in str(event["summary"]) and "\x1b" not in str(event["summary"])


async def test_an_invitation_the_server_refuses_is_kept_to_send_again_and_the_booking_stands(store, mail_table, smtp):
    from data.mail.actions import retry, send_due_mail
    from data.mail.mailboxes import mailboxes

    office(store)
    smtp.refuse = True
    app = BackOfficeApp(store, Settings(fax_command="", poll_minutes=0, mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await book_by_keys(pilot, "14:00", "grace", "Meeting room 2")
        assert await wait_for(pilot, lambda: any("Invitation NOT SENT, kept in HR mail to send again" in n.message for n in app._notifications), seconds=10)
    assert store.repo("interviews").count() == 1
    [failed] = store.repo("hr_mail").list()
    assert failed.send_status == "failed" and "No such user" in failed.send_error
    smtp.refuse = False
    retry(store, "hr_mail", failed.id)
    assert [m.id for m in send_due_mail(store, mailboxes(mail_table))] == [failed.id]  # the office's mailbox sends HR's queue too
    assert str(calendar_of(smtp.messages[-1])["method"]) == "REQUEST"
