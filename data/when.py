"""Times typed the way people say them: '14:30', 'tomorrow 9', '+2h', 'mon 10:00', '2026-03-12 15:00'."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from data.engine.clock import as_utc, local, office_day

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HINT = "e.g. 14:30, 2pm, noon, +2h, tomorrow 9, fri 10:00 or 2026-03-12 15:00"
SHORT_HINT = "e.g. tomorrow 9, fri 10:00 or 2026-03-12 15:00"  # what a form's field has room for at 80 columns


def parse_when(text: str, now: datetime) -> datetime:
    """A moment after ``now``, in UTC; ValueError with a hint when the text is not understood.

    "+2h" is two real hours from now; a day and a clock time are the office's wall clock."""
    words = text.strip().lower().split()
    if not words:
        raise ValueError(f"say when: {HINT}")
    relative = re.fullmatch(r"\+(\d+)\s*([mhd])", "".join(words))
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        delta = timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})
        return as_utc(now).replace(second=0, microsecond=0) + delta
    try:
        return as_utc(datetime.fromisoformat(" ".join(words)).replace(second=0, microsecond=0))
    except ValueError:
        pass
    today = office_day(now)
    day = today
    day_said = words[0] in ("today", "tomorrow") or words[0][:3] in DAYS
    if day_said:
        first = words.pop(0)
        if first == "tomorrow":
            day += timedelta(days=1)
        elif first != "today":
            ahead = (DAYS.index(first[:3]) - day.weekday()) % 7 or 7
            day += timedelta(days=ahead)
        if not words:
            words = ["9:00"]
    if len(words) == 2 and words[1] in ("am", "pm"):  # "2 pm"
        words = [words[0] + words[1]]
    if len(words) != 1:
        raise ValueError(f"not understood: {HINT}")
    wall = clock_time(words[0])
    moment = as_utc(datetime.combine(day, wall))
    if moment <= as_utc(now) and not day_said:
        moment = as_utc(datetime.combine(day + timedelta(days=1), wall))  # "9:00" said in the afternoon: tomorrow
    return moment


def clock_time(word: str) -> time:
    """'14:30', '1430', '9', '2pm', '9:15am', 'noon', 'midnight' as a time of day."""
    named = {"noon": time(12), "midday": time(12), "midnight": time(0)}
    if word in named:
        return named[word]
    clock = re.fullmatch(r"(\d{1,2})(?::?(\d{2}))?(am|pm)?", word)
    if not clock:
        raise ValueError(f"not a time: {HINT}")
    hour, minute, half = int(clock.group(1)), int(clock.group(2) or 0), clock.group(3)
    if half and not 1 <= hour <= 12:
        raise ValueError(f"not a time: {HINT}")
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time: {HINT}")
    return time(hour, minute)


def moment_said(at: datetime, now: datetime) -> str:
    """A moment near ``now`` by its weekday, 'Fri 11:12'; one more than six days away with its
    date too, 'Fri 06 Nov 11:12', so an old one never reads like this week's, and its year
    when that is not this one's, 'Mon 01 Dec 2025 11:12'."""
    if abs(as_utc(now) - as_utc(at)) > timedelta(days=6):
        year = f" {local(at):%Y}" if local(at).year != local(now).year else ""
        return f"{local(at):%a %d %b}{year} {local(at):%H:%M}"
    return f"{local(at):%a %H:%M}"


def span_said(since: datetime, now: datetime, *, short: bool = False) -> str:
    """How long since ``since``, roughly: '12 min', '5 h', '3 days'; ``short``, for a table's
    narrow column: '12m', '5h', '3d'."""
    minutes = max(int((as_utc(now) - as_utc(since)).total_seconds() // 60), 0)
    amount, unit = (minutes, "min") if minutes < 60 else (minutes // 60, "h") if minutes < 48 * 60 else (minutes // 1440, "days")
    return f"{amount}{unit[0]}" if short else f"{amount} {unit}"
