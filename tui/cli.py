"""The `backoffice` command: the TUI by default, plus commands for scripts and cron.

Only the data layer is imported for the non-interactive commands, so they start fast and
work without a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_PROBLEM, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backoffice",
        description="The back office of a small office: calls & faxes, stock, machines, HR.",
    )
    parser.add_argument("--data", metavar="DIR", help="data folder (default: $BACKOFFICE_DATA, else your user data folder)")
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
    from data.store import Store, default_data_dir

    return Store(Path(args.data) if args.data else default_data_dir())


def say(text: str) -> None:
    """Print text for a person: what records hold is shown, never run by the terminal."""
    from data.text import visible

    print(visible(text), end="" if text.endswith("\n") else "\n")


def fail(problems: Sequence[str], status: int) -> int:
    from data.text import visible

    for problem in problems:
        print(f"backoffice: {visible(problem, one_line=True)}", file=sys.stderr)
    return status


def parse_where(collection, pairs: list[str]) -> dict[str, str]:
    from data.transfer import InputError

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
    from data import transfer
    from data.collections import get_collection

    store = open_store(args)
    if args.command == "check":
        return run_check(store)
    if args.command == "archive":
        from data.archive import archive_old

        moved = archive_old(store, store.now(), args.days)
        say(", ".join(f"{domain}: {count} archived" for domain, count in moved.items()))
        return EXIT_OK
    if args.command == "agenda":
        from data.agenda import agenda_text

        say(agenda_text(store))
        return EXIT_OK
    if args.command == "reorder":
        from data.stock import current_reorder_list, reorder_text

        say(reorder_text(current_reorder_list(store, store.now())))
        return EXIT_OK
    collection = get_collection(args.collection)
    repo = store.repo(collection)
    if args.command == "add":
        record = repo.add(transfer.parse_assignments(collection, args.assignments))
        print(record.id)
    elif args.command == "import":
        records = repo.add_many(transfer.records_from_file(collection, args.file))
        say(f"imported {len(records)} {collection.name}")
    elif args.command == "list":
        where = parse_where(collection, args.where)
        records = [r for r in with_archive(store, collection, args.archived) if transfer.matches(r, where)]
        print(render(records, collection, args.format), end="")
    elif args.command == "export":
        print(render(with_archive(store, collection, args.archived), collection, args.format), end="")
    for damage in store.damaged.values():
        fail([f"left out a damaged record, {damage} (`backoffice check` lists them all)"], EXIT_OK)
    return EXIT_OK


def with_archive(store, collection, archived: bool) -> list:
    records = store.repo(collection).list()
    if archived:
        from data.archive import archived_records

        records = sorted([*archived_records(store, collection), *records], key=lambda r: r.id)
    return records


def render(records, collection, form: str) -> str:
    from data import transfer

    if form == "json":
        return transfer.to_json(records)
    if form == "csv":
        return transfer.to_csv(records, transfer.export_fields(collection))
    return transfer.to_table(records, ["id", *collection.list_columns()])


def run_check(store) -> int:
    from data.check import check_folder

    problems, notes = check_folder(store)
    for note in notes:
        say(note)
    if problems:
        return fail(problems, EXIT_PROBLEM)
    say(f"{store.folder}: all files and records are valid")
    return EXIT_OK


def run_tui(args: argparse.Namespace) -> int:
    from tui.app import run_app

    return run_app(data=args.data, demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return run_tui(args)
    import os

    from data.errors import DataError, FieldError, LockTimeout, RuleError, UnknownCollectionError
    from data.storage import lock_waits_bounded
    from data.transfer import InputError

    exit_lock_timeout = 3
    waited = os.environ.get("BACKOFFICE_LOCK_TIMEOUT", "10")  # seconds a command waits for a busy file
    try:
        lock_timeout = float(waited)
    except ValueError:
        lock_timeout = -1.0
    if not lock_timeout >= 0:
        return fail([f"BACKOFFICE_LOCK_TIMEOUT: expected a number of seconds, not '{waited}'"], EXIT_BAD_INPUT)
    try:
        with lock_waits_bounded(lock_timeout):
            return run_command(args)
    except InputError as error:
        return fail(error.problems, EXIT_BAD_INPUT)
    except UnknownCollectionError as error:
        return fail([str(error)], EXIT_BAD_INPUT)
    except FieldError as error:  # a rule refused a value: bad input too
        return fail([f"field '{error.field}': {error}"], EXIT_BAD_INPUT)
    except RuleError as error:
        return fail([str(error)], EXIT_BAD_INPUT)
    except LockTimeout as error:
        return fail([str(error)], exit_lock_timeout)
    except DataError as error:
        return fail([str(error)], EXIT_PROBLEM)


if __name__ == "__main__":
    sys.exit(main())
