"""The `backoffice` command: the TUI by default, plus commands for scripts and cron.

Only the data layer is imported for the non-interactive commands, so they start fast and
work without a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_PROBLEM, EXIT_BAD_INPUT, EXIT_BUSY = 0, 1, 2, 3
CREATING = ("add", "import")  # the only commands that start a new office where there is none
LOCK_TIMEOUT = 10.0  # seconds a command waits for a file another session is saving


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backoffice",
        description="The back office of a small office: calls & faxes, stock, machines, HR.",
    )
    parser.add_argument("--data", metavar="DIR", help="data folder (default: $BACKOFFICE_DATA, else data in the settings file, else your user data folder)")
    parser.add_argument("--demo", action="store_true", help="open the app on a fresh demo office in a temporary folder")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    add = commands.add_parser("add", help="add one record: backoffice add calls caller=Ann number=0123")
    add.add_argument("collection")
    add.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")

    listing = commands.add_parser("list", help="list records")
    listing.add_argument("collection")
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table")
    listing.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE", help="keep records whose FIELD is VALUE (repeatable)")
    listing.add_argument("--archived", action="store_true", help="include archived records")

    importing = commands.add_parser("import", help="import a .csv, .json or .jsonl file: all rows or none")
    importing.add_argument("collection")
    importing.add_argument("file", type=Path)

    export = commands.add_parser("export", help="export a collection as CSV or JSON")
    export.add_argument("collection")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--archived", action="store_true", help="include archived records")

    archiving = commands.add_parser("archive", help="move closed records past the retention age to the archive")
    archiving.add_argument("--days", type=int, default=180, help="retention age in days (default 180)")

    commands.add_parser("check", help="validate every data file and record; exit 1 on any problem")
    commands.add_parser("agenda", help="today's 'what needs me' list, as text")
    commands.add_parser("reorder", help="supplies at or below their reorder point and what to order, as text")
    return parser


def open_store(args: argparse.Namespace):
    from tui.office import open_office
    from tui.settings import load_settings

    store = open_office(load_settings(data=args.data), create=args.command in CREATING, lock_timeout=lock_timeout())
    if store.created:
        note(f"started a new office in {store.folder}")
    return store


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


def run_command(args: argparse.Namespace) -> int:
    return COMMANDS[args.command](args)


def add_record(args: argparse.Namespace) -> int:
    from data.engine import transfer
    from data.engine.collections import get_collection

    collection = get_collection(args.collection)
    record = transfer.parse_assignments(collection, args.assignments)  # bad input: nothing is opened or written
    print(open_store(args).repo(collection).add(record).id)
    return EXIT_OK


def import_records(args: argparse.Namespace) -> int:
    from data.engine import transfer
    from data.engine.collections import get_collection

    collection = get_collection(args.collection)
    records = transfer.records_from_file(collection, args.file)
    added = open_store(args).repo(collection).add_many(records)
    say(f"imported {len(added)} {collection.name}")
    return EXIT_OK


def list_records(args: argparse.Namespace) -> int:
    from data.engine import transfer
    from data.engine.collections import get_collection

    collection = get_collection(args.collection)
    where = parse_where(collection, getattr(args, "where", []))
    store = open_store(args)
    records = [r for r in with_archive(store, collection, args.archived) if transfer.matches(r, where)]
    print(render(records, collection, args.format), end="")
    for damage in store.damaged.values():
        note(f"left out a damaged record, {damage} (`backoffice check` lists them all)")
    return EXIT_OK


def archive(args: argparse.Namespace) -> int:
    from data.engine.archive import archive_old

    store = open_store(args)
    moved = archive_old(store, store.now(), args.days)
    say(", ".join(f"{domain}: {count} archived" for domain, count in moved.items()))
    return EXIT_OK


def agenda(args: argparse.Namespace) -> int:
    from data.agenda import agenda_text

    say(agenda_text(open_store(args)))
    return EXIT_OK


def reorder(args: argparse.Namespace) -> int:
    from data.stock.views import current_reorder_list, reorder_text

    store = open_store(args)
    say(reorder_text(current_reorder_list(store, store.now())))
    return EXIT_OK


def with_archive(store, collection, archived: bool) -> list:
    records = store.repo(collection).list()
    if archived:
        from data.engine.archive import archived_records

        records = sorted([*archived_records(store, collection), *records], key=lambda r: r.id)
    return records


def render(records, collection, form: str) -> str:
    from data.engine import transfer

    if form == "json":
        return transfer.to_json(records)
    if form == "csv":
        return transfer.to_csv(records, transfer.export_fields(collection))
    return transfer.to_table(records, ["id", *collection.list_columns()])


def check(args: argparse.Namespace) -> int:
    from data.engine.check import check_folder

    store = open_store(args)
    problems, notes = check_folder(store)
    for note in notes:
        say(note)
    if problems:
        return fail(problems, EXIT_PROBLEM)
    say(f"{store.folder}: all files and records are valid")
    return EXIT_OK


COMMANDS = {
    "add": add_record, "import": import_records, "list": list_records, "export": list_records,
    "archive": archive, "check": check, "agenda": agenda, "reorder": reorder,
}


def run_tui(args: argparse.Namespace) -> int:
    from tui.app import run_app

    return run_app(data=args.data, demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return run_tui(args)
    try:
        return run_command(args)
    except Exception as error:  # every failure is one line and a documented exit status
        problems, status = refusal(error)
        return fail(problems, status)


def refusal(error: Exception) -> tuple[list[str], int]:
    """What to say about a command that failed, and its exit status: 2 bad input, 3 busy,
    1 anything about the machine or the data folder."""
    from data.engine.errors import DataError, FieldError, LockTimeout, RuleError, UnknownCollectionError
    from data.engine.transfer import InputError
    from tui.settings import SettingsError

    if isinstance(error, InputError):
        return error.problems, EXIT_BAD_INPUT
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
