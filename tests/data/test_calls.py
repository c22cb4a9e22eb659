"""Calls: the slip, the status rules with their history, the message queue, the directory."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from data.addresses import readable_number
from data.agenda import build_agenda
from data.calls import COLLECTIONS, actions, rules, views
from data.calls.models import Call, CallStatus, Contact, ContactKind, Priority, Step
from data.demo.calls import seed
from data.engine.errors import FieldError, RuleError
from data.engine.store import Store
from tui.cli import main

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)

# -- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("+44 (20) 7946-0000", "+442079460000", "020 7946 0000"),
        ("020 7946 0000", "+442079460000", "020 7946 0000"),
        ("020.7946/0000", "+442079460000", "020 7946 0000"),
        ("+46 8 555 0148", "+4685550148", "+46 8 555 01 48"),
        ("214", "214", "214"),
        ("", "", ""),
    ],
)
def test_a_number_is_stored_e164_and_shown_as_the_office_dials_it(typed, stored, shown):
    call = Call(caller="Ann", number=typed)
    assert call.number == stored
    assert readable_number(call.number) == shown


@pytest.mark.parametrize("typed", ["call me maybe", "12", "+44 20 7946 0000 0000 0000", "020#7946"])
def test_a_bad_number_is_an_error_under_the_number_field(typed):
    with pytest.raises(ValidationError) as refused:
        Call(caller="Ann", number=typed)
    assert [error["loc"] for error in refused.value.errors()] == [("number",)]


def test_a_short_internal_extension_is_kept_and_a_long_one_normalised():
    assert Contact(name="Tom", extension="21").extension == "21"
    assert Contact(name="Tom", extension="0161 496 0732").extension == "+441614960732"


def test_the_call_slip_shows_its_fields_in_the_order_a_receptionist_fills_them():
    assert Call.editable_fields()[:2] == ("number", "caller")
    assert set(Call.editable_fields()) <= set(Call.model_fields)
    assert "history" not in Call.editable_fields() and "status" not in Call.editable_fields()


# -- status moves ------------------------------------------------------------------------

OPEN = [CallStatus.NEW, CallStatus.PASSED_ON, CallStatus.MESSAGE_TAKEN, CallStatus.CALLBACK]
LATER = NOW + timedelta(hours=2)

# action name → (how to apply it, the statuses it starts from, the status it ends in)
ACTIONS = {
    "pass on": (lambda c: rules.pass_on(c, "Sales", "ann", NOW), OPEN, CallStatus.PASSED_ON),
    "message taken": (
        lambda c: rules.take_message(c, "ann", NOW),
        [CallStatus.NEW, CallStatus.PASSED_ON],
        CallStatus.MESSAGE_TAKEN,
    ),
    "callback": (lambda c: rules.schedule_callback(c, LATER, "ann", NOW), OPEN, CallStatus.CALLBACK),
    "done": (lambda c: rules.mark_done(c, "ann", NOW), OPEN, CallStatus.DONE),
    "reopen": (lambda c: rules.reopen(c, "ann", NOW), [CallStatus.DONE], CallStatus.NEW),
}
MOVES = [(name, status) for name in ACTIONS for status in CallStatus]


def call_in(status: CallStatus) -> Call:
    earlier = NOW - timedelta(hours=1)
    return Call(caller="Ann", status=status, history=[Step(at=earlier, user="bob", action="call logged")])


@pytest.mark.parametrize(("action", "status"), [m for m in MOVES if m[1] in ACTIONS[m[0]][1]])
def test_an_allowed_move_changes_the_status_and_appends_who_did_what_when(action, status):
    apply, _, ends_in = ACTIONS[action]
    call = call_in(status)
    apply(call)
    assert call.status == ends_in
    assert len(call.history) == 2
    step = call.history[-1]
    assert (step.user, step.at) == ("ann", NOW)
    assert action.split()[0] in step.action


@pytest.mark.parametrize(("action", "status"), [m for m in MOVES if m[1] not in ACTIONS[m[0]][1]])
def test_a_refused_move_says_why_and_changes_nothing(action, status):
    apply = ACTIONS[action][0]
    call = call_in(status)
    before = call.model_dump()
    with pytest.raises(RuleError) as refused:
        apply(call)
    sentence = str(refused.value)
    assert sentence[0].isupper() and sentence.endswith(".") and "_" not in sentence
    assert call.model_dump() == before


def test_each_step_records_its_own_details():
    call = call_in(CallStatus.NEW)
    rules.pass_on(call, "Marek Nowak", "ann", NOW, note="wants the price list")
    rules.schedule_callback(call, LATER, "marek", NOW + timedelta(minutes=5))
    assert call.for_whom == "Marek Nowak"
    assert call.callback_due == LATER
    assert [s.action for s in call.history[1:]] == ["passed on to Marek Nowak", f"callback at {LATER:%a %d %b %H:%M}"]
    assert call.history[1].note == "wants the price list"
    rules.mark_done(call, "marek", NOW + timedelta(hours=3))
    assert call.handled_by == "marek"


def test_a_note_can_be_added_at_any_status_but_not_an_empty_one():
    for status in CallStatus:
        call = call_in(status)
        rules.add_note(call, "  left a voicemail  ", "ann", NOW)
        assert call.status == status
        assert (call.history[-1].action, call.history[-1].note) == ("note", "left a voicemail")
    with pytest.raises(FieldError) as refused:
        rules.add_note(call_in(CallStatus.NEW), "   ", "ann", NOW)
    assert refused.value.field == "note"


def test_a_callback_in_the_past_is_an_error_under_its_field():
    with pytest.raises(FieldError) as refused:
        rules.schedule_callback(call_in(CallStatus.NEW), NOW - timedelta(minutes=1), "ann", NOW)
    assert refused.value.field == "callback_due"


def test_passing_on_to_nobody_is_an_error_under_for_whom():
    with pytest.raises(FieldError) as refused:
        rules.pass_on(call_in(CallStatus.NEW), "  ", "ann", NOW)
    assert refused.value.field == "for_whom"


def test_a_logged_call_and_its_actions_are_kept_in_the_file_with_user_and_time(tmp_path, clock):
    store = Store(tmp_path / "office", user="ann", clock=clock)
    call = actions.log_call(store, Call(caller="Janet Moore", number="01632 960 118"))
    clock.now += timedelta(minutes=2)
    actions.pass_on(store, call.id, "Accounts")

    reread = Store(tmp_path / "office", user="bob").repo("calls").get(call.id)
    assert reread.status == CallStatus.PASSED_ON
    assert [(s.action, s.user, s.at) for s in reread.history] == [
        ("call logged", "ann", NOW),
        ("passed on to Accounts", "ann", NOW + timedelta(minutes=2)),
    ]


def test_a_refused_action_on_a_stored_call_writes_nothing(store):
    call = actions.log_call(store, Call(caller="Ann"))
    actions.mark_done(store, call.id)
    with pytest.raises(RuleError):
        actions.mark_done(store, call.id)
    assert store.repo("calls").get(call.id).rev == 2


# -- the message queue -------------------------------------------------------------------


def test_a_callback_whose_time_has_passed_shows_as_overdue(store, clock):
    call = actions.log_call(store, Call(caller="Ann", for_whom="Sales"))
    actions.schedule_callback(store, call.id, clock.now + timedelta(hours=1))
    groups = {g.key: g for g in build_agenda(store)}
    assert not rules.is_overdue(store.repo("calls").get(call.id), store.now())
    assert (groups["callbacks_today"].count, groups["callbacks_overdue"].count) == (1, 0)

    clock.now += timedelta(hours=1, minutes=1)

    assert rules.is_overdue(store.repo("calls").get(call.id), store.now())
    groups = {g.key: g for g in build_agenda(store)}
    assert (groups["callbacks_today"].count, groups["callbacks_overdue"].count) == (0, 1)
    assert groups["callbacks_overdue"].entries[0].record_id == call.id


def test_a_callback_that_is_done_is_no_longer_overdue():
    call = call_in(CallStatus.NEW)
    rules.schedule_callback(call, LATER, "ann", NOW)
    rules.mark_done(call, "ann", NOW)
    assert not rules.is_overdue(call, LATER + timedelta(days=1))


def test_the_queue_shows_urgent_calls_first_then_overdue_callbacks_then_the_oldest(store, clock):
    def logged(caller: str, **fields) -> Call:
        call = actions.log_call(store, Call(caller=caller, **fields))
        clock.now += timedelta(minutes=10)
        return call

    oldest = logged("oldest")
    overdue = logged("overdue")
    low = logged("low", priority=Priority.LOW)
    done = logged("done")
    newer = logged("newer")
    urgent = logged("urgent", priority=Priority.URGENT)
    calls = store.repo("calls")
    actions.schedule_callback(store, overdue.id, clock.now + timedelta(minutes=5))
    actions.mark_done(store, done.id)
    clock.now += timedelta(minutes=30)

    queue = [c.caller for c in views.queue_order(calls.list(), store.now())]
    assert queue == [urgent.caller, overdue.caller, oldest.caller, newer.caller, low.caller]


def test_the_queue_filters_to_a_person_or_to_a_department_and_its_people():
    directory = [
        Contact(name="Marek Nowak", extension="230", department="Sales"),
        Contact(name="Tom Baines", extension="214", department="Accounts"),
        Contact(name="Sales", kind=ContactKind.DEPARTMENT, extension="230", department="Sales"),
    ]
    calls = [Call(caller=f"for {who}", for_whom=who) for who in ("Marek Nowak", "Sales", "Tom Baines", "")]
    assert [c.caller for c in views.for_person(calls, "sales", directory)] == ["for Marek Nowak", "for Sales"]
    assert [c.caller for c in views.for_person(calls, "Tom Baines", directory)] == ["for Tom Baines"]
    assert len(views.for_person(calls, "", directory)) == len(calls)


# -- the caller and the directory --------------------------------------------------------


def test_a_number_that_called_before_gives_the_caller_and_company_of_its_latest_call(store, clock):
    actions.log_call(store, Call(caller="Kevin", company="Brightline", number="01632 960 245"))
    clock.now += timedelta(days=1)
    actions.log_call(store, Call(caller="Kevin Lau", company="Brightline Print", number="01632960245"))
    actions.log_call(store, Call(caller="Janet Moore", number="01632 960 118"))
    calls = store.repo("calls").list()

    assert views.known_caller(calls, "(01632) 960-245") == ("Kevin Lau", "Brightline Print")
    assert views.known_caller(calls, "0200 000 000") is None
    assert views.known_caller(calls, "not a number") is None
    assert views.known_caller(calls, "") is None


def test_for_whom_completes_from_people_and_departments_once_each():
    directory = [
        Contact(name="Marek Nowak", extension="230", department="Sales"),
        Contact(name="Sales", kind=ContactKind.DEPARTMENT, department="Sales"),
        Contact(name="grace Okafor", department="HR"),
    ]
    assert views.directory_names(directory) == ["grace Okafor", "HR", "Marek Nowak", "Sales"]


# -- the command line --------------------------------------------------------------------


def run_cli(capsys, folder, *args: str) -> tuple[int, str, str]:
    status = main(["--data", str(folder), *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_phone_system_logs_a_call_from_the_command_line(tmp_path, capsys):
    folder = tmp_path / "office"
    status, out, _ = run_cli(capsys, folder, "add", "calls", "caller=Ann", "number=+44 20 7946 0000", "for_whom=Sales")
    assert (status, out.strip()) == (0, "1")
    call = Store(folder).repo("calls").get(1)
    assert (call.caller, call.number, call.for_whom, call.status) == ("Ann", "+442079460000", "Sales", CallStatus.NEW)

    status, out, _ = run_cli(capsys, folder, "list", "calls")
    header = out.splitlines()[0]
    assert all(column in header for column in ("caller", "number", "for_whom", "status"))


def test_a_bad_number_on_the_command_line_names_the_field_and_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "office"
    status, _, err = run_cli(capsys, folder, "add", "calls", "caller=Ann", "number=ring me")
    assert status == 2
    assert "field 'number'" in err
    assert Store(folder).repo("calls").count() == 0


def test_a_call_history_travels_as_json_in_csv_and_comes_back_whole(tmp_path, capsys):
    source = Store(tmp_path / "source", user="ann", clock=lambda: NOW)
    call = actions.log_call(source, Call(caller="Ann", number="0161 496 0732"))
    actions.pass_on(source, call.id, "Sales, 2nd floor")
    status, exported, _ = run_cli(capsys, tmp_path / "source", "export", "calls", "--format", "csv")
    assert status == 0
    row = next(csv.DictReader(io.StringIO(exported)))
    assert [step["action"] for step in json.loads(row["history"])] == ["call logged", "passed on to Sales, 2nd floor"]

    exported_file = tmp_path / "calls.csv"
    exported_file.write_text(exported)
    status, _, _ = run_cli(capsys, tmp_path / "copy", "import", "calls", str(exported_file), "--as-is")
    assert status == 0
    copy = Store(tmp_path / "copy").repo("calls").list()[0]
    assert copy.history == source.repo("calls").get(call.id).history


@pytest.mark.parametrize("collection", ["calls", "faxes", "contacts"])
def test_each_collection_lists_its_chosen_columns(tmp_path, capsys, collection):
    Store(tmp_path / "office")  # a new, empty office
    status, out, _ = run_cli(capsys, tmp_path / "office", "list", collection)
    assert status == 0
    assert out.splitlines()[0].split()[1] == COLLECTIONS[["calls", "faxes", "contacts"].index(collection)].columns[0]


# -- the demo ----------------------------------------------------------------------------


def demo_store(folder, now=NOW) -> Store:
    store = Store(folder, clock=lambda: now)
    seed(store, now, random.Random(1))
    return store


@pytest.mark.parametrize("now", [NOW, NOW.replace(hour=22, minute=40)])
def test_the_demo_has_calls_in_every_state_with_overdue_and_later_callbacks(tmp_path, now):
    store = demo_store(tmp_path / "demo", now)
    calls = store.repo("calls").list()
    assert {c.status for c in calls} == set(CallStatus)
    assert any(c.priority == Priority.URGENT and c.is_open for c in calls)
    assert any(rules.is_overdue(c, now) for c in calls)
    assert any(views.is_due_today(c, now) for c in calls)
    assert all(c.history[0].at <= min(now, c.callback_due or now) for c in calls)
    contacts = store.repo("contacts").list()
    departments = {c.name for c in contacts if c.kind == ContactKind.DEPARTMENT}
    assert departments == {"Sales", "Accounts", "HR", "Management", "Warehouse"}
    assert all(c.department in departments for c in contacts)


def test_the_demo_is_the_same_every_time(tmp_path):
    def bodies(store: Store, name: str) -> list[dict]:
        return [{k: v for k, v in r.body().items() if k != "updated_at"} for r in store.repo(name).list()]

    first, second = demo_store(tmp_path / "one"), demo_store(tmp_path / "two")
    for name in ("calls", "faxes", "contacts"):
        assert bodies(first, name) == bodies(second, name)


def test_a_call_added_with_a_time_to_call_back_waits_for_that_callback(tmp_path, capsys):
    tomorrow = datetime.now(UTC) + timedelta(days=1)  # the command runs on the real clock
    status, out, _ = run_cli(capsys, tmp_path, "add", "calls", "caller=Ann", f"callback_due={tomorrow:%Y-%m-%d} 15:00")
    assert status == 0
    call = Store(tmp_path).repo("calls").get(int(out))
    assert call.status == CallStatus.CALLBACK
    assert [step.action for step in call.history] == ["call logged", f"callback at {tomorrow:%a %d %b} 15:00"]


def test_setting_a_time_to_call_back_in_the_call_form_schedules_the_callback(store, clock):
    call = actions.log_call(store, Call(caller="Ann"))
    call.callback_due = clock.now + timedelta(hours=2)
    saved = actions.save_call(store, call, fields=["callback_due"])
    assert saved.status == CallStatus.CALLBACK and rules.is_overdue(saved, clock.now + timedelta(hours=3))


def test_a_ring_is_logged_at_once_as_a_missed_call_until_answered(store, clock):
    from data.calls.actions import answer_ring, ring
    from data.calls.views import known_caller, rings_for

    store.repo("calls").add({"caller": "Janet Moore", "company": "Moore Logistics", "number": "020 7946 0000"})
    rang = ring(store, "020 7946 0000", "ann")
    assert (rang.caller, rang.company, rang.status, rang.callback_due) == ("Janet Moore", "Moore Logistics", CallStatus.CALLBACK, clock.now)
    assert rings_for(store.repo("calls").list(), {"ann"}, clock.now) == [rang]
    assert rings_for(store.repo("calls").list(), {"bob"}, clock.now) == []
    later = clock.now + timedelta(hours=2)
    edited = rang.model_copy(update={"message": "Call back about the invoice", "callback_due": later})
    answered = answer_ring(store, edited, {"message", "callback_due"})
    assert answered.status == CallStatus.CALLBACK and answered.callback_due == later  # the time written on the slip
    assert [step.action for step in answered.history][:2] == ["rang for ann", "answered"]
    assert rings_for(store.repo("calls").list(), {"ann"}, clock.now) == []
    withheld = ring(store, "anonymous")
    assert (withheld.number, withheld.caller, withheld.rang_for) == ("", "Unknown caller", "")
    assert ring(store, "0161 496 0999").caller == "Unknown caller"
    assert known_caller(store.repo("calls").list(), "0161 496 0999") is None  # the placeholder is not a name to fill in


def test_an_edited_call_gets_a_history_line_and_a_corrected_number_names_the_caller(store):
    actions.log_call(store, Call(caller="Grace Okafor", company="Okafor Legal", number="020 7946 0001"))
    rang = actions.ring(store, "020 7946 0999")  # a wrong digit on the phone system's side
    assert rang.caller == rules.UNKNOWN_CALLER

    corrected = actions.save_call(store, rang.model_copy(update={"number": "+44 20 7946 0001"}), fields={"number"})

    assert (corrected.caller, corrected.company) == ("Grace Okafor", "Okafor Legal")
    assert [s.action for s in corrected.history[-2:]] == ["edited number", "recognised as Grace Okafor"]


def test_callers_go_into_the_directory_once_and_the_ring_then_knows_them_from_it(store):
    actions.log_call(store, Call(caller="Grace Okafor", company="Okafor Legal", number="020 7946 0001"))
    actions.log_call(store, Call(caller="G. Okafor", company="Okafor Legal", number="+44 20 7946 0001"))  # the latest name wins
    actions.log_call(store, Call(caller="Tom", number="214"))  # an extension: one of us
    actions.ring(store, "01632 960 999")  # nobody named it

    added = actions.list_callers(store)
    again = actions.list_callers(store)

    assert [(c.name, c.kind, c.company, c.number) for c in added] == [
        ("G. Okafor", ContactKind.OUTSIDE, "Okafor Legal", "+442079460001")]
    assert again == []
    store.repo("contacts").update(added[0].id, lambda c: setattr(c, "name", "Grace Okafor"))
    assert actions.ring(store, "02079460001").caller == "Grace Okafor"  # the directory over past calls
    assert "Grace Okafor" not in views.directory_names(store.repo("contacts").list())  # calls are not passed on to her


def test_a_fax_number_in_the_directory_names_the_sender_of_a_ring_too(store):
    store.repo("contacts").add(Contact(name="Nordic Paper", kind=ContactKind.OUTSIDE, fax_number="+46 8 555 0148"))
    assert views.known_caller([], "+4685550148", store.repo("contacts").list()) == ("Nordic Paper", "")
