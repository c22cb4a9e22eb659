"""Time: stored in UTC with its zone, reckoned in real time, shown in the office's zone.

Every moment a record holds is an aware datetime in UTC, so "+3h" is three real hours on
the night the clocks change, and a callback set by someone in one zone is due at the same
instant for everyone. People type and read times in the office's zone (a setting, else the
machine's): a typed time without a zone is taken as office time, and ``local`` turns a
stored moment into what the wall clock said.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache

_office_zone: tzinfo | None = None


class UnknownZoneError(ValueError):
    pass


def set_office_zone(name: str | None) -> None:
    """Use the zone ``name`` ("Europe/London"); None or "" for the machine's own."""
    global _office_zone
    if not name:
        _office_zone = None
        return
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        _office_zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownZoneError(f"unknown time zone {name!r} (use a name like Europe/London)") from error


@cache
def machine_zone() -> tzinfo:
    import tzlocal

    return tzlocal.get_localzone()


def office_zone() -> tzinfo:
    return _office_zone or machine_zone()


EARLIEST = datetime.min.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def as_utc(moment: datetime) -> datetime:
    """A moment in UTC; one without a zone is office time (typed, or stored by an older version)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=office_zone())
    return moment.astimezone(UTC)


def local(moment: datetime) -> datetime:
    """What the office's wall clock said at ``moment``."""
    return as_utc(moment).astimezone(office_zone())


def office_day(moment: datetime) -> date:
    return local(moment).date()

