"""Time is stored in UTC with its zone, reckoned in real time, shown in the office's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import orjson
import pytest

from data.calls import actions, rules
from data.calls.models import Call
from data.engine.clock import local, office_day, set_office_zone
from data.when import parse_when
from tests.conftest import Clock


@pytest.fixture
def london():
    set_office_zone("Europe/London")
    yield
    set_office_zone("UTC")


def test_plus_three_hours_on_the_night_the_clocks_go_forward_is_three_real_hours(london):
    now = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 00:30 in London, half an hour before 01:00 becomes 02:00
    due = parse_when("+3h", now)
    assert due - now == timedelta(hours=3)
    assert f"{local(due):%H:%M}" == "04:30"  # what the wall clock says by then


def test_a_clock_time_is_the_offices_wall_clock_in_summer_and_in_winter(london):
    winter = parse_when("tomorrow 9", datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
    summer = parse_when("tomorrow 9", datetime(2026, 7, 10, 12, 0, tzinfo=UTC))
    assert (winter, summer) == (datetime(2026, 1, 11, 9, 0, tzinfo=UTC), datetime(2026, 7, 11, 8, 0, tzinfo=UTC))


def test_a_callback_set_in_one_zone_is_due_at_the_same_instant_in_another(store, clock):
    call = actions.log_call(store, Call(caller="Ann"))
    due = parse_when("+2h", store.now())
    actions.schedule_callback(store, call.id, due)
    set_office_zone("America/New_York")  # a colleague whose clocks tell New York time
    try:
        stored = store.repo("calls").get(call.id)
        assert not rules.is_overdue(stored, store.now())
        assert rules.is_overdue(stored, store.now() + timedelta(hours=2, minutes=1))
        assert f"{local(stored.callback_due):%H:%M}" == "07:30"  # 11:30 UTC, as New York tells it in March (EDT)
    finally:
        set_office_zone("UTC")


def test_moments_are_stored_with_their_zone(store):
    actions.log_call(store, Call(caller="Ann"))
    stored = orjson.loads(store.file("calls").read_bytes())["calls"]["1"]
    assert stored["created_at"] == "2026-03-10T09:30:00Z"


def test_a_file_from_an_older_version_without_zones_is_read_as_office_time(store, london):
    actions.log_call(store, Call(caller="Ann"))
    path = store.file("calls")
    data = orjson.loads(path.read_bytes())
    data["calls"]["1"]["callback_due"] = "2026-07-01T14:00:00"  # written in local time, no zone
    path.write_bytes(orjson.dumps(data))
    due = store.repo("calls").get(1).callback_due
    assert due == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)  # 14:00 British Summer Time


def test_today_is_the_offices_date_not_utcs(tmp_path):
    from data.engine.store import Store

    set_office_zone("Asia/Tokyo")
    try:
        store = Store(tmp_path, clock=Clock(datetime(2026, 3, 10, 20, 0, tzinfo=UTC)))  # 05:00 on the 11th in Tokyo
        assert store.today() == date(2026, 3, 11)
        late = datetime(2026, 3, 11, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo
        assert office_day(late) == date(2026, 3, 11)
    finally:
        set_office_zone("UTC")


@pytest.mark.parametrize(("said", "wall"), [
    ("2pm", "Tue 14:00"), ("2 pm", "Tue 14:00"), ("9:15am", "Wed 09:15"), ("noon", "Tue 12:00"),
    ("midnight", "Wed 00:00"), ("tomorrow 2pm", "Wed 14:00"), ("fri 10", "Fri 10:00"), ("12pm", "Tue 12:00"),
])
def test_times_said_the_way_people_say_them(said, wall):
    now = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)  # a Tuesday morning, office time UTC
    assert f"{local(parse_when(said, now)):%a %H:%M}" == wall


@pytest.mark.parametrize("said", ["13pm", "0am", "soonish", "25:00", "2 o'clock"])
def test_a_time_not_understood_says_how_to_say_it(said):
    with pytest.raises(ValueError, match="e.g. 14:30, 2pm, noon"):
        parse_when(said, datetime(2026, 3, 10, 9, 30, tzinfo=UTC))
