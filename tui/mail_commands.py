"""`backoffice mail …`: the office's mail from scripts and cron.

    backoffice mail fetch [--mailbox NAME]      bring in new mail, then send what is queued
    backoffice mail send --to ADDRESS [--cc ADDRESS] --subject TEXT [--attach FILE] [--text TEXT | < file]
    backoffice mail reply ID [--all] [--cc ADDRESS] [--attach FILE] [--text TEXT | < file]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_mail_commands(mail: argparse.ArgumentParser) -> None:
    verbs = mail.add_subparsers(dest="verb", metavar="VERB", required=True)
    fetch = verbs.add_parser("fetch", help="bring in new mail from every mailbox (or one), then send what is queued")
    fetch.add_argument("--mailbox", help="only this mailbox (its name in the settings; the [mail] table's own is 'office')")
    send = verbs.add_parser("send", help="send a new message now")
    send.add_argument("--to", action="append", required=True, metavar="ADDRESS", help="repeatable")
    send.add_argument("--subject", required=True)
    send.add_argument("--text", help="the message (default: read from standard input)")
    send.add_argument("--mailbox")
    reply = verbs.add_parser("reply", help="reply to message ID now, threaded")
    reply.add_argument("id", type=int)
    reply.add_argument("--all", action="store_true", help="copied to everyone else the message was to or copied to")
    for verb in (send, reply):
        verb.add_argument("--cc", action="append", default=[], metavar="ADDRESS", help="a copy to; repeatable")
        verb.add_argument("--attach", action="append", default=[], type=Path, metavar="FILE", help="a file to send; repeatable")
    reply.add_argument("--text", help="the reply (default: read from standard input)")
    reply.add_argument("--hr", action="store_true", help="ID is a message of the HR mailbox")


def text_of(args: argparse.Namespace) -> str:
    return args.text if args.text is not None else sys.stdin.read()


def warn_of_passwords_in_the_clear(boxes) -> None:
    """One line on stderr when the settings let a password of these mailboxes go without TLS."""
    from data.mail.mailboxes import in_the_clear_warning
    from tui.cli import note

    if warning := in_the_clear_warning(boxes):
        note(warning)


def mail_command(office) -> int:
    from data.candidates.invitations import mail_due_invitations
    from data.mail import actions
    from data.mail.mailboxes import mailbox_named
    from data.mail.rules import reply_all_copies
    from tui.cli import EXIT_OK, EXIT_PROBLEM, fail, say

    args, boxes = office.args, office.settings.mailboxes()
    chosen = [mailbox_named(office.settings.mail, getattr(args, "mailbox", None))]  # or: no mailbox is set up
    store = office.store
    if args.verb == "fetch":
        chosen = chosen if args.mailbox else boxes
        warn_of_passwords_in_the_clear(chosen)
        outcomes = actions.fetch_all(store, chosen)
        for outcome in outcomes:
            if isinstance(outcome, actions.FetchOutcome):
                say(f"{outcome.mailbox}: {outcome.new} new")
        sent = actions.send_due_mail(store, chosen) + mail_due_invitations(store, chosen)
        if sent:
            say(f"sent {sum(1 for m in sent if m.send_status == 'sent')} of {len(sent)} queued")
        problems = [str(o) for o in outcomes if not isinstance(o, actions.FetchOutcome)]
        problems += [f"#{m.id} to {', '.join(m.to)}: {m.send_error}" for m in sent if m.send_status != "sent"]
        return fail(problems, EXIT_PROBLEM) if problems else EXIT_OK
    if args.verb == "send":
        box = chosen[0]
        warn_of_passwords_in_the_clear([box])
        queued = actions.compose(store, box, args.to, args.subject, text_of(args), args.cc, args.attach)
        done = actions.send_mail(store, box.collection, queued.id, box)
    else:
        collection = "hr_mail" if args.hr else "mail"
        original = store.repo(collection).get(args.id)
        box = actions.mailbox_of(boxes, original)
        warn_of_passwords_in_the_clear([box])
        others = reply_all_copies(original, boxes) if args.all else []
        queued = actions.reply(store, collection, args.id, text_of(args), box, cc=[*others, *args.cc], files=args.attach)
        done = actions.send_mail(store, collection, queued.id, box)
    if done.send_status != "sent":
        return fail([f"#{done.id} is kept to try again: {done.send_error}"], EXIT_PROBLEM)
    say(f"sent #{done.id} to {', '.join(done.to + done.cc)}")
    return EXIT_OK
