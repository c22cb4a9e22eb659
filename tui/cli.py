"""The `backoffice` command: the TUI by default, plus commands for scripts and cron.

Only the data layer (and rich, for tables) is imported for the non-interactive commands, so
they start fast and work without a terminal. Every failure is one line on stderr and an
exit status: 2 bad input, 3 a file stayed busy, 1 anything about the machine or the data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_PROBLEM, EXIT_BAD_INPUT, EXIT_BUSY = 0, 1, 2, 3
CREATING = ("add", "import")  # the only commands that start a new office where there is none
LOCK_TIMEOUT = 10.0  # seconds a command waits for a file another session is saving
TABLE_CELL = 28  # the widest a column of `list` grows


class VersionAction(argparse.Action):
    """--version, looked up only when asked for (importlib.metadata costs every command 20 ms)."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"backoffice {version()}")
        parser.exit()


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("backoffice-tui")
    except PackageNotFoundError:
        return "unknown (not installed)"


def epilog() -> str:
    from data.engine.collections import all_collections
    from tui.settings import settings_file

    names = ", ".join(sorted(all_collections()))
    return (f"settings: {settings_file()} (any setting also as BACKOFFICE_<NAME>)\n"
            f"collections: {names}\n"
            "exit status: 0 done, 1 the machine or the data folder, 2 bad input, 3 a file stayed busy")


def days(text: str) -> int:
    from tui.settings import retention_days

    try:
        return retention_days(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def months(text: str) -> int:
    from tui.settings import retention_months

    try:
        return retention_months(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


AS_IS_HELP = ("take records as they were (status, history…), for bringing in old records; "
              "without it a new record starts as the app's form would make it")


def build_parser(with_epilog: bool = False) -> argparse.ArgumentParser:
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS,
                      help="data folder (default: $BACKOFFICE_DATA, else data in the settings file, else your user data folder)")
    parser = argparse.ArgumentParser(
        prog="backoffice", parents=[data], formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The back office of a small office: calls & faxes, stock, machines, HR.",
        epilog=epilog() if with_epilog else None,
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--demo", action="store_true", help="open the app on a fresh demo office in a temporary folder")
    parser.add_argument("--keep", action="store_true", help="with --demo: keep the demo's folder when the app closes")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, parents=[data])

    add = command("add", "add one record: backoffice add calls caller=Ann number=0123")
    add.add_argument("collection")
    add.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    add.add_argument("--as-is", action="store_true", help=AS_IS_HELP)

    listing = command("list", "list records")
    listing.add_argument("collection")
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table")
    listing.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE", help="keep records whose FIELD is VALUE (repeatable)")
    listing.add_argument("--archived", action="store_true", help="include archived records")

    importing = command("import", "import a .csv, .json or .jsonl file: all rows or none")
    importing.add_argument("collection")
    importing.add_argument("file", type=Path)
    importing.add_argument("--as-is", action="store_true", help=AS_IS_HELP)

    cvs = command("import-cvs", "CV files (PDF, DOCX, ODT, text) or folders of them as candidates on an opening")
    cvs.add_argument("opening", metavar="OPENING", help="the opening's id or title")
    cvs.add_argument("paths", nargs="*", type=Path, metavar="FILE_OR_FOLDER")
    cvs.add_argument("--mail", type=int, action="append", default=[], metavar="ID",
                     help="a message of the HR mailbox whose CV attachments to take (repeatable)")
    cvs.add_argument("--office-mail", type=int, action="append", default=[], metavar="ID",
                     help="the same, for a message of the office's mailbox")

    export = command("export", "export a collection as CSV or JSON")
    export.add_argument("collection")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--archived", action="store_true", help="include archived records")

    archiving = command("archive", "move closed records past the retention age to the archive")
    archiving.add_argument("--days", type=days, default=180, help="retention age in days (default 180)")

    erasing = command("erase-expired", "erase the personal data of candidates rejected or withdrawn longer ago than retention_months")
    erasing.add_argument("--months", type=months, default=None, help="retention in months (default: retention_months, 6)")
    erase_one = command("erase-candidate", "erase one candidate's personal data now, on their request")
    erase_one.add_argument("id", type=int, metavar="ID", help="the candidate's id (backoffice list candidates)")
    erase_one.add_argument("--yes", action="store_true", help="do it: without it, says what would be erased")

    command("check", "validate every data file and record; exit 1 on any problem")
    command("agenda", "today's 'what needs me' list, as text")
    command("reorder", "supplies at or below their reorder point and what to order, as text")

    ringing = command("ring", "the phone system: NUMBER rings; the sessions it is for show the call slip at once")
    ringing.add_argument("number")
    ringing.add_argument("--to", default="", metavar="USER_OR_EXTENSION", help="whose phone rings (default: everyone's)")

    dialling = command("dialled", "the phone system: someone in the office dialled NUMBER; the call is logged as made")
    dialling.add_argument("number")
    dialling.add_argument("--by", default="", metavar="USER_OR_EXTENSION", help="who made the call")

    machines = command("machines", "'machines poll' reads the counters, toner and state of the machines on the network; "
                                   "'machines void-reading ID --reason TEXT' voids a wrong meter reading, "
                                   "'void-ticket ID --reason TEXT' a ticket opened by mistake; "
                                   "'retire ID --reason TEXT' takes a machine out of service, 'return ID' brings it back")
    machines.add_argument("verb", choices=tuple(MACHINE_VERBS))
    machines.add_argument("id", nargs="?", type=int, metavar="ID", help="the reading's, ticket's or machine's id")
    machines.add_argument("--reason", default="", help="why the reading or ticket is wrong, why the machine is retired")

    stock = command("stock", "'stock void-movement ID --reason TEXT' reverses a mistaken stock movement (kept in the history)")
    stock.add_argument("verb", choices=("void-movement",))
    stock.add_argument("movement", nargs="?", type=int, metavar="ID", help="the movement's id (backoffice list stock_movements)")
    stock.add_argument("--reason", default="", help="why the movement is wrong")

    letter = command("letter", "write a letter from the office's template: 'letter offer CANDIDATE_ID', "
                               "'letter warning EVENT_ID', 'letter termination EVENT_ID'; says where it was saved")
    letter.add_argument("kind", choices=("offer", "warning", "termination"))
    letter.add_argument("id", type=int, metavar="ID", help="the candidate's id (offer) or the staff event's (warning, termination)")
    letter.add_argument("--print", action="store_true", help="and print it (needs CUPS's lp)")

    faxing = command("fax", "the fax line: 'backoffice fax run' sends what is due, follows the fax server, takes in received faxes")
    faxing.add_argument("verb", choices=("run",))

    from tui.mail_commands import add_mail_commands

    add_mail_commands(command("mail", "the office's mail: fetch, send, reply (see backoffice mail --help)"))
    return parser


# -- saying things -------------------------------------------------------------------------


def say(text: str) -> None:
    """Print text for a person: what records hold is shown, never run by the terminal."""
    from data.engine.text import visible

    print(visible(text), end="" if text.endswith("\n") else "\n")


def note(line: str) -> None:
    """One line on stderr, about the command rather than the records it prints."""
    from data.engine.text import visible

    print(f"backoffice: {visible(line, one_line=True)}", file=sys.stderr)


def fail(problems: Sequence[str], status: int) -> int:
    for problem in problems:
        note(problem)
    return status


# -- the office a command works on ---------------------------------------------------------


class Office:
    """The settings a command runs with, and the office it opens once it needs it."""

    def __init__(self, args: argparse.Namespace) -> None:
        from tui.settings import load_settings

        self.args = args
        self.settings = load_settings(data=getattr(args, "data", None))  # the office's time zone too, before any input is read
        self._store = None

    @property
    def store(self):
        if self._store is None:
            from tui.office import open_office

            self._store = open_office(self.settings, create=self.args.command in CREATING, lock_timeout=lock_timeout())
            if self._store.created:
                note(f"started a new office in {self._store.folder}")
        return self._store

    def left_out(self) -> None:
        """Name the records a command could not read, so they get mended."""
        if self._store is not None:
            for damage in self._store.damaged.values():
                note(f"left out a damaged record, {damage} (`backoffice check` lists them all)")


def lock_timeout() -> float:
    import os

    from data.engine.transfer import InputError

    waited = os.environ.get("BACKOFFICE_LOCK_TIMEOUT", str(LOCK_TIMEOUT))
    try:
        seconds = float(waited)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise InputError([f"BACKOFFICE_LOCK_TIMEOUT: expected a number of seconds, not '{waited}'"])
    return seconds


def parse_where(collection, pairs: list[str]) -> dict[str, str]:
    from data.engine.transfer import InputError

    where = {}
    problems = []
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep:
            problems.append(f"--where '{pair}': expected FIELD=VALUE")
        elif field not in ("id", *collection.fields):
            problems.append(f"--where: unknown field '{field}' of {collection.name}")
        else:
            where[field] = value
    if problems:
        raise InputError(problems)
    return where


# -- the commands --------------------------------------------------------------------------


def add_record(office: Office) -> int:
    from data.engine import transfer
    from data.engine.collections import get_collection

    collection = get_collection(office.args.collection)
    as_is = office.args.as_is
    record = transfer.parse_assignments(collection, office.args.assignments, as_is)  # bad input: nothing is opened or written
    print(transfer.add_records(office.store, collection, [("arguments", record)], as_is)[0].id)
    return EXIT_OK


def import_records(office: Office) -> int:
    from data.engine import transfer
    from data.engine.collections import get_collection

    collection = get_collection(office.args.collection)
    rows = transfer.records_from_file(collection, office.args.file, office.args.as_is)
    before = {r.id for r in office.store.repo(collection).list()} if collection.name == "candidates" else set()
    added = transfer.add_records(office.store, collection, rows, office.args.as_is)
    say(f"imported {len(added)} {collection.name}")
    seen = set(before)
    for (where, _), record in zip(rows, added):  # the same person again: merged, not doubled
        if record.id in seen:
            say(f"{where}: merged into #{record.id} {record.label()} (same e-mail or phone on the same opening)")
        seen.add(record.id)
    return EXIT_OK


def import_cvs(office: Office) -> int:
    from data.candidates.cv_import import import_cvs as take_cvs
    from data.candidates.cv_mail import cvs_from_mail

    args = office.args
    if not (args.paths or args.mail or args.office_mail):
        return fail(["import-cvs: give CV files or folders, or --mail ID"], EXIT_BAD_INPUT)
    outcomes = take_cvs(office.store, args.opening, args.paths) if args.paths else []
    for collection, ids in (("hr_mail", args.mail), ("mail", args.office_mail)):
        for mail_id in ids:
            outcomes += cvs_from_mail(office.store, args.opening, collection, mail_id)
    for outcome in outcomes:
        say(outcome.line()) if outcome.candidate else note(outcome.line())
    return EXIT_OK if all(o.candidate for o in outcomes) else EXIT_BAD_INPUT  # the others are in


def list_records(office: Office) -> int:
    from data.engine import transfer
    from data.engine.collections import get_collection

    args = office.args
    collection = get_collection(args.collection)
    where = parse_where(collection, getattr(args, "where", []))
    records = [r for r in with_archive(office.store, collection, args.archived) if transfer.matches(r, where)]
    if args.format == "json":
        print(transfer.to_json(records), end="")
    elif args.format == "csv":
        print(transfer.to_csv(records, transfer.export_fields(collection)), end="")
    else:
        print_table(records, ["id", *collection.list_columns()])
    return EXIT_OK


def archive(office: Office) -> int:
    from data.engine.archive import archive_old

    store = office.store
    moved = archive_old(store, store.now(), office.args.days)
    said = [f"{domain}: {count} archived" for domain, count in moved.items()]
    say(", ".join(said) if said else "nothing this account may archive")
    return EXIT_OK


def erase_expired(office: Office) -> int:
    """For cron: what the open app does once a day. Names ids only: the names are gone."""
    from data.candidates.retention import erase_expired as erase

    store = office.store
    months = office.args.months or office.settings.retention_months
    erased = erase(store, store.now(), months)
    ids = ", ".join(f"#{i}" for i in erased.ids)
    say(f"erased the personal data of {len(erased.ids)} candidate(s): {ids}" if erased.ids
        else f"nobody's retention of {months} months is over")
    if erased.leftovers:
        say(f"removed {erased.leftovers} file(s) left with no record naming them")
    return EXIT_OK


def erase_candidate(office: Office) -> int:
    from data.candidates.retention import erase_candidate as erase
    from data.engine.transfer import InputError

    store, number = office.store, office.args.id
    candidate = store.repo("candidates").get(number) if store.repo("candidates").table.document(number) else None
    name = f"{candidate.name} (#{number})" if candidate else f"archived candidate #{number}"
    if not office.args.yes:
        raise InputError([f"this erases {name}'s CV, contact details and comments for good; add --yes to do it"])
    erase(store, number)
    say(f"erased the personal data of {name}")
    return EXIT_OK


def agenda(office: Office) -> int:
    from data.agenda import agenda_text

    say(agenda_text(office.store))
    return EXIT_OK


def reorder(office: Office) -> int:
    from data.stock.views import current_reorder_list, reorder_text

    store = office.store
    say(reorder_text(current_reorder_list(store, store.now())))
    return EXIT_OK


def check(office: Office) -> int:
    from data.candidates.traces import orphans
    from data.engine.check import check_folder
    from data.engine.survey import sharing

    store = office.store
    problems, notes = check_folder(store)
    problems += [f"{orphan.line(store)}, left by a save cut short or an erasure: `backoffice erase-expired` removes it"
                 for orphan in orphans(store, store.now())]
    for line in [sharing(store), *notes]:
        say(line)
    if problems:
        return fail(problems, EXIT_PROBLEM)
    say(f"{store.folder}: all files and records are valid")
    return EXIT_OK


def ring(office: Office) -> int:
    from data.calls.actions import ring as log_ring

    call = log_ring(office.store, office.args.number, office.args.to)
    company = f" ({call.company})" if call.company else ""
    say(f"call #{call.id}: {call.who}{company} rang" + (f" for {call.rang_for}" if call.rang_for else ""))
    return EXIT_OK


def dialled(office: Office) -> int:
    from data.calls.actions import dialled as log_dialled

    call = log_dialled(office.store, office.args.number, office.args.by)
    company = f" ({call.company})" if call.company else ""
    say(f"call #{call.id}: {call.who}{company} called" + (f" by {call.handled_by}" if call.handled_by else ""))
    return EXIT_OK


def machines(office: Office) -> int:
    if office.args.verb == "poll":
        return poll(office)
    if office.args.id is None:
        from data.engine.transfer import InputError

        collection, _ = MACHINE_VERBS[office.args.verb]
        raise InputError([f"machines {office.args.verb}: give the id (backoffice list {collection})"])
    collection, act = MACHINE_VERBS[office.args.verb]
    must_exist(office, collection, office.args.id)
    say(act(office))
    return EXIT_OK


def must_exist(office: Office, collection_name: str, record_id: int) -> None:
    """An id given on the command line that names no record is bad input, said as such."""
    from data.engine.collections import get_collection
    from data.engine.errors import NotFoundError
    from data.engine.transfer import InputError

    try:
        office.store.repo(collection_name).get(record_id)
    except NotFoundError:
        collection = get_collection(collection_name)
        raise InputError([f"there is no {collection.title} {record_id} (backoffice list {collection_name} shows them)"]) from None


def poll(office: Office) -> int:
    """For cron: what the open app does every few minutes."""
    from data.machines.polling import poll_machines

    run = poll_machines(office.store, office.settings.snmp_access())
    for machine in run.polled:
        say(f"{machine.asset_tag}: {machine.reported}")
    return fail(run.problems, EXIT_PROBLEM) if run.problems else EXIT_OK


def void_reading(office: Office) -> str:
    from data.machines.actions import void_reading as void

    reading = void(office.store, office.args.id, office.args.reason)
    return f"reading #{reading.id} of {reading.label()} voided: {reading.void_reason}"


def void_ticket(office: Office) -> str:
    from data.machines.actions import void_ticket as void

    ticket = void(office.store, office.args.id, office.args.reason)
    return f"ticket {ticket.label()} voided: {ticket.void_reason}"


def retire(office: Office) -> str:
    from data.machines.actions import retire as retire_machine

    machine = retire_machine(office.store, office.args.id, office.args.reason)
    return f"{machine.label()} retired: {machine.retired_reason}"


def return_to_service(office: Office) -> str:
    from data.machines.actions import return_to_service as back

    return f"{back(office.store, office.args.id).label()} is in service again"


# verb → (the collection its id is of, what it does)
MACHINE_VERBS = {
    "poll": ("machines", poll), "void-reading": ("meter_readings", void_reading), "void-ticket": ("tickets", void_ticket),
    "retire": ("machines", retire), "return": ("machines", return_to_service),
}


def stock(office: Office) -> int:
    from data.engine.transfer import InputError
    from data.stock.actions import reverse_movement

    if office.args.movement is None:
        raise InputError(["stock void-movement: give the movement's id (backoffice list stock_movements)"])
    store = office.store
    must_exist(office, "stock_movements", office.args.movement)
    movement = reverse_movement(store, office.args.movement, office.args.reason)
    item = store.repo("supplies").get(movement.item_id)
    say(f"movement {movement.label()} of {item.name} reversed: {movement.void_reason}; {item.on_hand} {item.unit} on hand")
    return EXIT_OK


def fax(office: Office) -> int:
    """For cron or a systemd timer: what the open app does every half minute."""
    from data.calls.actions import fax_run
    from data.calls.views import fax_state

    settings = office.settings
    run = fax_run(office.store, settings.fax_command, settings.fax_server)
    for fax in [*run.sent, *run.followed]:
        reason = f": {fax.last_error}" if fax.last_error else f", {fax.server_said}" if fax.server_said else ""
        say(f"{fax.label()}: {fax_state(fax)}{reason}")
    for fax in run.received:
        say(f"{fax.label()}: received, {fax.pages} page(s)")
    return fail(run.said(), EXIT_PROBLEM) if run.said() else EXIT_OK


def mail(office: Office) -> int:
    from tui.mail_commands import mail_command

    return mail_command(office)


def letter(office: Office) -> int:
    """Saved only when every field was filled: nobody sees this letter before it goes out."""
    from data.engine.transfer import InputError
    from data.staff.letters import letter_of, save_letter
    from data.staff.printer import print_file

    args = office.args
    written = letter_of(office.store, args.kind, args.id, office.settings.office)
    if written.problems:
        raise InputError([*written.problems, "nothing was written"])
    path = save_letter(office.store, written)
    say(f"{written.title} saved to {path}")
    if args.print:
        said = print_file(path)
        say(f"sent to the printer{': ' + said if said else ''}")
    return EXIT_OK


COMMANDS = {
    "add": add_record, "import": import_records, "import-cvs": import_cvs, "list": list_records, "export": list_records,
    "archive": archive, "erase-expired": erase_expired, "erase-candidate": erase_candidate, "check": check, "agenda": agenda,
    "reorder": reorder, "mail": mail, "ring": ring, "dialled": dialled, "fax": fax, "machines": machines, "stock": stock,
    "letter": letter,
}


def with_archive(store, collection, archived: bool) -> list:
    records = store.repo(collection).list()
    if archived:
        from data.engine.archive import archived_records

        records = sorted([*archived_records(store, collection), *records], key=lambda r: r.id)
    return records


PHONE_FIELDS = ("number", "fax_number", "vendor_phone")  # stored E.164


def shown(field: str, value, stored) -> str:
    """A cell as the office writes it: a number in its national form, a moment on the office's
    clock; the stored form (E.164, ISO UTC) is what --format json and csv give scripts."""
    from datetime import datetime

    from data.addresses import readable_number
    from data.engine.clock import local
    from data.engine.transfer import cell

    if isinstance(value, datetime):
        return f"{local(value):%Y-%m-%d %H:%M}"
    if field in PHONE_FIELDS and isinstance(value, str):
        return readable_number(value)
    return cell(stored)


def print_table(records, fields: list[str]) -> None:
    """Records as a table for a person, aligned however wide their characters are."""
    import shutil

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from data.engine.text import visible
    from data.engine.transfer import as_row

    table = Table(*fields, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for column in table.columns:
        column.max_width, column.no_wrap, column.overflow = TABLE_CELL, True, "ellipsis"
    for record in records:
        row = as_row(record)
        table.add_row(*(Text(visible(shown(f, getattr(record, f, None), row.get(f)), one_line=True)) for f in fields))
    width = shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 10_000
    Console(width=width, color_system=None, highlight=False, soft_wrap=False).print(table)


# -- running ---------------------------------------------------------------------------------


def run_tui(args: argparse.Namespace) -> int:
    from tui.app import run_app

    return run_app(data=getattr(args, "data", None), demo=args.demo, keep=args.keep)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(with_epilog={"-h", "--help"} & set(argv) != set()).parse_args(argv)
    if args.command is None:
        return run_tui(args)
    office = None
    try:
        office = Office(args)
        return COMMANDS[args.command](office)
    except Exception as error:  # every failure is one line and a documented exit status
        problems, status = refusal(error)
        return fail(problems, status)
    finally:
        if office is not None:
            office.left_out()


def refusal(error: Exception) -> tuple[list[str], int]:
    """What to say about a command that failed, and its exit status."""
    from data.engine.errors import DataError, FieldError, LockTimeout, RuleError, UnknownCollectionError
    from pydantic import ValidationError

    from data.engine.transfer import InputError
    from tui.settings import SettingsError

    if isinstance(error, InputError):
        return error.problems, EXIT_BAD_INPUT
    if isinstance(error, ValidationError):  # a value a model refused, from an argument
        from data.engine.record import error_sentence

        return [f"field '{'.'.join(map(str, d['loc']))}': {error_sentence(d)}" for d in error.errors()], EXIT_BAD_INPUT
    if isinstance(error, FieldError):  # a rule refused a value: bad input too
        return [f"field '{error.field}': {error}"], EXIT_BAD_INPUT
    if isinstance(error, (UnknownCollectionError, RuleError, SettingsError)):
        return [str(error)], EXIT_BAD_INPUT
    if isinstance(error, LockTimeout):
        return [str(error)], EXIT_BUSY
    if isinstance(error, DataError):
        return [str(error)], EXIT_PROBLEM
    if isinstance(error, OSError):
        return [f"{error.filename or 'backoffice'}: {error.strerror or error}"], EXIT_PROBLEM
    return [f"unexpected error, nothing was changed: {type(error).__name__}: {error}"], EXIT_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
