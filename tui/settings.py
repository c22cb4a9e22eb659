"""User settings: BACKOFFICE_* environment variables over a TOML file in the user config folder.

Read with tomllib and checked here rather than with pydantic-settings: importing that
library alone takes about as long as half a bare Textual app's start, and settings are
needed before the first screen is drawn.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

APP_NAME = "backoffice"
ENV_PREFIX = "BACKOFFICE_"
DEFAULT_FAX_SERVER = "localhost:4559"  # HylaFAX's hfaxd on the office's own machine
DEFAULT_PRINT_COMMAND = "lp {file}"  # CUPS's lp, to the office's default printer
DEFAULT_FAX_COMMAND = "sendfax -h {server} -t {max_tries} -x {company} -c {cover_note} -d {recipient}@{number} {file}"
MAX_RETENTION_DAYS = 36_500  # a century: any longer and the cut-off date falls off the calendar
SNMP_V3 = ("snmp_user", "snmp_auth_key", "snmp_privacy_key", "snmp_auth_protocol", "snmp_privacy_protocol")
MAX_RETENTION_MONTHS = 120  # personal data of people not hired is kept months, not decades


class SettingsError(Exception):
    """A setting that cannot be used, named with where it came from."""


@dataclass
class Settings:
    data: Path | None = None  # data folder
    theme: str = "textual-dark"  # a Textual theme name
    keymap: dict[str, str] = field(default_factory=dict)  # binding id → keys, e.g. "section.stock" = "f3"
    fax_command: str = DEFAULT_FAX_COMMAND  # empty: faxes are marked sent by hand
    fax_server: str = DEFAULT_FAX_SERVER  # HylaFAX's hfaxd, asked how jobs went and for faxes received; empty: not asked
    print_command: str = DEFAULT_PRINT_COMMAND  # prints a received fax (P): {file} is its PDF
    archive_after_days: int = 180  # closed records older than this move to the archive
    retention_months: int = 6  # rejected and withdrawn candidates' personal data is erased this long after
    timezone: str = ""  # the office's time zone, e.g. "Europe/London"; empty: the machine's
    region: str = "GB"  # the office's country: numbers typed without + are its numbers, and shown national
    extension: str = ""  # this person's phone extension: `backoffice ring --to` it reaches them too
    my_name: str = ""  # this person's name in the directory: what is passed on to it is theirs (y); empty: their login matched
    snmp_community: str = "public"  # the SNMP community machines with an snmp address are read with
    snmp_user: str = ""  # set: SNMP v3 as this user instead of the community
    snmp_auth_key: str = field(default="", repr=False)  # a secret, as is the privacy key: never shown
    snmp_privacy_key: str = field(default="", repr=False)
    snmp_auth_protocol: str = "SHA"  # MD5, SHA, SHA224, SHA256, SHA384 or SHA512
    snmp_privacy_protocol: str = "AES"  # DES, 3DES, AES, AES192 or AES256
    poll_minutes: int = 5  # how often the open app asks those machines; 0: only `backoffice machines poll`
    exports: Path | None = None  # orders written for suppliers; default: exports/ in the data folder
    service_sheets: Path | None = None  # service-call sheets for vendors; default: service-sheets/ in the data folder
    office: str = ""  # the office's name, as letters sign it ({office})
    hr_group: str = "hr"  # the Unix group of HR's staff: hr/ is made theirs (name or number)
    rooms: list[str] = field(default_factory=list)  # the office's interview rooms; empty: any room typed is taken
    mail: dict = field(default_factory=dict)  # the [mail] table: the office's mailboxes (data/mail/mailboxes.py)

    def mailboxes(self) -> list:
        from data.mail.mailboxes import mailboxes

        return mailboxes(self.mail)

    def snmp_access(self):
        """How the machines are asked over SNMP: the community, or the v3 user and its keys."""
        return snmp_access(vars(self))


def settings_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def from_file(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot be read ({getattr(error, 'strerror', None) or error})") from error
    import tomllib  # only when there is a settings file: a phone system's `backoffice add` may have none

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML ({error})") from error


def from_environment() -> dict:
    found = {}
    for setting in fields(Settings):
        raw = os.environ.get(ENV_PREFIX + setting.name.upper())
        if raw is None or setting.name == "mail":
            continue
        if setting.name in ("keymap", "rooms"):
            try:
                found[setting.name] = json.loads(raw)
            except json.JSONDecodeError as error:
                shape = "an object" if setting.name == "keymap" else "a list"
                raise SettingsError(f"{ENV_PREFIX}{setting.name.upper()}: not JSON {shape} ({error.msg})") from error
        else:
            found[setting.name] = raw
    if mail := mail_from_environment():
        found["mail"] = mail
    return found


def mail_from_environment() -> dict:
    """BACKOFFICE_MAIL_IMAP and the like: the keys of the office's own mailbox."""
    prefix = ENV_PREFIX + "MAIL_"
    if not any(name.startswith(prefix) for name in os.environ):
        return {}  # the mail code is not even imported
    from data.mail.mailboxes import KEYS

    found: dict = {key: os.environ[prefix + key.upper()] for key in KEYS if prefix + key.upper() in os.environ}
    if "replies" in found:  # a list of texts, as JSON
        try:
            found["replies"] = json.loads(found["replies"])
        except json.JSONDecodeError as error:
            raise SettingsError(f"{prefix}REPLIES: not a JSON list of texts ({error.msg})") from error
    return found


def checked(values: dict, where: str) -> dict:
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise SettingsError(f"{where}: unknown setting {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    result = dict(values)
    for name in ("data", "exports", "service_sheets"):
        if result.get(name) is not None:
            result[name] = Path(str(result[name])).expanduser()
    for name in ("theme", "fax_command", "fax_server", "print_command", "timezone", "region", "extension", "my_name",
                 "snmp_community", "office",
                 "hr_group", *SNMP_V3):
        if name in result and not isinstance(result[name], str):
            raise SettingsError(f"{where}: {name} must be text")
    if result.get("fax_server"):
        from data.calls.fax_server import FaxServerError, split_address

        try:
            split_address(result["fax_server"])
        except FaxServerError as error:
            raise SettingsError(f"{where}: fax_server: {error}") from None
    if "archive_after_days" in result:
        try:
            result["archive_after_days"] = retention_days(result["archive_after_days"])
        except ValueError as error:
            raise SettingsError(f"{where}: archive_after_days {error}") from None
    if "retention_months" in result:
        try:
            result["retention_months"] = retention_months(result["retention_months"])
        except ValueError as error:
            raise SettingsError(f"{where}: retention_months {error}") from None
    if "poll_minutes" in result:
        minutes = str(result["poll_minutes"]).strip()
        if not minutes.isdigit() or int(minutes) > 24 * 60:
            raise SettingsError(f"{where}: poll_minutes must be a whole number of minutes from 0 (never) to 1,440")
        result["poll_minutes"] = int(minutes)
    if result.get("timezone"):
        from data.engine.clock import UnknownZoneError, set_office_zone

        try:
            set_office_zone(result["timezone"])
        except UnknownZoneError as error:
            raise SettingsError(f"{where}: timezone: {error}") from error
    if result.get("region"):
        from data.addresses import set_office_region

        try:
            set_office_region(result["region"])
        except ValueError as error:
            raise SettingsError(f"{where}: region: {error}") from None
    if result.get("mail"):
        from data.engine.errors import DataError
        from data.mail.mailboxes import mailboxes

        if not isinstance(result["mail"], dict):
            raise SettingsError(f"{where}: mail must be a table: [mail]")
        try:
            mailboxes(result["mail"])
        except DataError as error:
            raise SettingsError(f"{where}: {error}") from None
    if "rooms" in result:
        result["rooms"] = rooms(result["rooms"], where)
    keymap = result.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()):
        raise SettingsError(f"{where}: keymap maps binding ids to keys, e.g. \"section.stock\" = \"f3\"")
    return result


def load_settings(**overrides) -> Settings:
    """The file, then the environment, then ``overrides`` (the command line), later winning."""
    path = settings_file()
    values = checked(from_file(path), str(path))
    environment = checked(from_environment(), "environment")
    if "mail" in environment:  # the environment's keys go into the office's mailbox, not over the whole table
        environment["mail"] = {**values.get("mail", {}), **environment["mail"]}
        checked({"mail": environment["mail"]}, "environment")
    values.update(environment)
    values.update(checked({k: v for k, v in overrides.items() if v is not None}, "command line"))
    # The user may come from one place and its keys from another: checked together, and only
    # when set, so that an office without SNMP v3 does not load the machines' code to start.
    if any(name in values for name in SNMP_V3) and (problem := snmp_access(values).problem()):
        raise SettingsError(f"settings: {problem}")
    settings = Settings(**values)
    apply_time_zone(settings)
    return settings


def snmp_access(values: dict):
    from data.machines.printer_snmp import SnmpAccess

    return SnmpAccess(community=values.get("snmp_community", "public"),
                      **{name.removeprefix("snmp_"): values[name] for name in SNMP_V3 if name in values})


def apply_time_zone(settings: Settings) -> None:
    from data.engine.clock import set_office_zone

    set_office_zone(settings.timezone)


def rooms(value: object, where: str) -> list[str]:
    """The office's rooms: a list of names, each one line of plain text, each once."""
    from data.engine.text import control_problem

    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SettingsError(f"{where}: rooms is a list of room names, e.g. rooms = [\"Meeting room 1\", \"Meeting room 2\"]")
    for name in value:
        if problem := control_problem(name, multiline=False):
            raise SettingsError(f"{where}: rooms: {name!r} {problem}")
    return list(dict.fromkeys(" ".join(v.split()) for v in value))


def retention_days(value: object) -> int:
    """How many days closed records stay in the working files, checked."""
    try:
        days = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise ValueError(f"must be a whole number of days from 1 to {MAX_RETENTION_DAYS:,}")
    return days


def retention_months(value: object) -> int:
    """How many months a rejected or withdrawn candidate's personal data is kept, checked."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_RETENTION_MONTHS:
        raise ValueError(f"must be a whole number of months from 1 to {MAX_RETENTION_MONTHS}")
    return int(text)
