"""What a person (or cron) does with the office's mail: one transaction each.

Every action takes the store first, then the mailbox or the message's collection and id,
then what the person said; it returns what was saved. The servers are talked to outside
the lock, so colleagues keep working while a server is slow.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from data.calls.views import directory_address
from data.engine.errors import DataError, NoAccessError, RuleError
from data.engine.store import Store
from data.mail import attachments as kept
from data.mail import rules
from data.mail.attachments import attach_kept_files, keep_attachment
from data.mail.mailboxes import Mailbox, hr_cannot_send, hr_sender, sender_for
from data.mail.models import Mail, MailCursor, SendStatus
from data.mail.parse import Part, line, parse_message
from data.mail.servers import ImapSession, Incoming, MailServerError, send

HR_MAIL = "hr_mail"
FETCH_LIMIT = 500  # messages taken in one run; the next run goes on from there


@dataclass
class FetchOutcome:
    mailbox: str
    new: int


def fetch_mail(store: Store, box: Mailbox, limit: int = FETCH_LIMIT) -> FetchOutcome:
    """Bring in what arrived since the last fetch. A UID is taken once per UIDVALIDITY,
    even when two sessions fetch at once; nothing is removed from the server unless the
    mailbox says ``delete_after_fetch``. Messages come a group at a time, each group stored
    (and the cursor moved past it) before the next is fetched, so a fetch holds a bounded
    amount of mail at once and what was stored stays stored when a later group fails."""
    new = 0
    with ImapSession(box) as session:
        uidvalidity = session.open_folder()
        cursor = cursor_of(store, box)
        after = cursor.last_uid if cursor and cursor.uidvalidity == uidvalidity else 0
        for group in session.new_messages(after, limit):
            arrived = [taken_in(store, box, uidvalidity, item) for item in group]
            del group  # its bytes go now, before the next group is fetched
            taken = keep_new(store, box, uidvalidity, arrived)
            new += len(taken)
            whole = [mail.uid for mail in taken if not mail.problems]  # one read only in part stays on the server
            if box.delete_after_fetch and whole:
                session.delete(whole)
    return FetchOutcome(box.name, new)


def cursor_of(store: Store, box: Mailbox) -> MailCursor | None:
    found = store.repo(box.cursors).find(mailbox=box.name, folder=box.imap.folder if box.imap else "")
    return found[0] if found else None


def taken_in(store: Store, box: Mailbox, uidvalidity: int, item: Incoming) -> Mail:
    """The record of a fetched message, or — when it cannot be read at all — one that says
    so and why: the fetch goes on past it, and the message stays on the server."""
    try:
        return incoming_mail(store, box, uidvalidity, item)
    except (OSError, DataError):
        raise  # the data folder's trouble, not the message's: the next fetch takes it again
    except Exception as error:  # whatever a stranger's message does to the parser
        return set_aside(box, uidvalidity, item.uid, f"it could not be read ({why_not(error)})")


def incoming_mail(store: Store, box: Mailbox, uidvalidity: int, item: Incoming) -> Mail:
    """The record of a fetched message; one too big to fetch is still recorded, saying so,
    so that it is not lost from sight (it stays on the server)."""
    if item.raw is None:
        fields = {"subject": f"(a message of {item.size // 2**20} MB, too big to fetch: it is on the server)",
                  "problems": ["too big to fetch"]}
        parts: list[Part] = []
    else:
        parsed = parse_message(item.raw)
        fields, parts = parsed.fields, parsed.attachments
    try:
        mail = Mail(mailbox=box.name, uid=item.uid, uidvalidity=uidvalidity, **fields)
    except ValidationError as error:
        return set_aside(box, uidvalidity, item.uid, f"it could not be read: {error.errors()[0].get('msg', '')}")
    mail.attachments = [keep_attachment(store, box.collection, mail, number, part) for number, part in enumerate(parts, 1)]
    return mail


def set_aside(box: Mailbox, uidvalidity: int, uid: int, reason: str) -> Mail:
    """A message that cannot be taken, kept as a record of why; the original stays on the server."""
    return Mail(mailbox=box.name, uid=uid, uidvalidity=uidvalidity, problems=[line(reason, 300)],
                subject="(a message that could not be read: it is on the server)")


def why_not(error: BaseException) -> str:
    """An error nobody foresaw, in as few words as it allows."""
    if isinstance(error, OSError) and error.strerror:
        return line(f"{error.filename or 'a file'}: {error.strerror}", 250)
    return line(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__, 250)


def keep_new(store: Store, box: Mailbox, uidvalidity: int, arrived: list[Mail]) -> list[Mail]:
    """Store the messages not yet taken and move the mailbox's cursor, in one transaction."""
    mails, cursors = store.repo(box.collection), store.repo(box.cursors)
    with mails.transaction():
        cursor = cursor_of(store, box)
        after = cursor.last_uid if cursor and cursor.uidvalidity == uidvalidity else 0
        newer = [mail for mail in arrived if mail.uid > after]
        fresh = newer
        if cursor and cursor.uidvalidity != uidvalidity:  # the server numbered the folder anew: same messages, new UIDs
            kept = {m.message_id for m in mails.find(mailbox=box.name) if m.message_id}
            fresh = [mail for mail in newer if not mail.message_id or mail.message_id not in kept]
        recognise(store, box, fresh)
        added = mails.add_many(fresh) if fresh else []
        last = max([after, *(mail.uid for mail in newer)])
        folder = box.imap.folder if box.imap else ""
        if cursor is None:
            cursors.add(MailCursor(mailbox=box.name, folder=folder, uidvalidity=uidvalidity, last_uid=last))
        elif (cursor.uidvalidity, cursor.last_uid) != (uidvalidity, last):
            cursors.update(cursor.id, lambda c: c.model_copy(update={"uidvalidity": uidvalidity, "last_uid": last}))
    return added


def known_senders(store: Store, box: Mailbox) -> dict[str, str]:
    """Who an address belongs to, from the directory and the machines' vendors — and, for
    an HR mailbox only, from candidates and staff."""
    known: dict[str, str] = {}
    sources = [("contacts", "email", lambda r: f"contact {r.name}"),
               ("machines", "vendor_email", lambda r: f"vendor of {r.label()}")]
    if box.hr:
        sources += [("candidates", "email", lambda r: f"candidate {r.name}"),
                    ("employees", "email", lambda r: f"staff {r.name}")]
    for collection, field, says in sources:
        try:
            records = store.repo(collection).list()
        except NoAccessError:
            continue
        for record in records:
            address = str(getattr(record, field, "") or "").lower()
            if address:
                known.setdefault(address, line(says(record), 300))
    return known


def recognise(store: Store, box: Mailbox, mails: Iterable[Mail]) -> None:
    mails = list(mails)
    if mails:
        known = known_senders(store, box)
        for mail in mails:
            mail.known_as = known.get(mail.sender_address, "")


# -- working the queue ---------------------------------------------------------------------

def pass_on(store: Store, collection: str, mail_id: int, to: str, note: str = "") -> Mail:
    return store.repo(collection).update(mail_id, lambda m: rules.pass_on(m, to, store.user, store.now(), note))


def mark_done(store: Store, collection: str, mail_id: int, note: str = "") -> Mail:
    return store.repo(collection).update(mail_id, lambda m: rules.mark_done(m, store.user, store.now(), note))


def reopen(store: Store, collection: str, mail_id: int, note: str = "") -> Mail:
    return store.repo(collection).update(mail_id, lambda m: rules.reopen(m, store.user, store.now(), note))


def add_note(store: Store, collection: str, mail_id: int, note: str) -> Mail:
    return store.repo(collection).update(mail_id, lambda m: rules.add_note(m, note, store.user, store.now()))


def mark_read(store: Store, collection: str, mail_id: int) -> Mail:
    return store.repo(collection).update(mail_id, rules.mark_read)


def reply(store: Store, collection: str, mail_id: int, text: str, box: Mailbox, to: list[str] | None = None,
          cc: Sequence[str] = (), files: Sequence[Path] = ()) -> Mail:
    """Queue a reply (to the sender unless ``to`` says otherwise) and set the message waiting
    for the answer; the sender sends it."""
    parts = kept.files_to_send(store, files, from_hr=goes_from_hr(collection, box))
    mails = store.repo(collection)
    with mails.transaction():
        original = mails.get(mail_id)
        answered_from(collection, original, box)
        answer = rules.reply_to(original, text, box.name, store.user, store.now(), to, cc, box.signature)
        answer = mails.add(carrying(store, collection, answer, parts))

        def waiting(mail: Mail) -> None:
            mail.unread = False
            if mail.is_open:
                rules.MAIL_MOVES.move(mail, rules.MailStatus.WAITING)
            rules.add_step(mail, store.user, store.now(), f"replied (#{answer.id})")

        mails.update(mail_id, waiting)
    return answer


def forward(store: Store, collection: str, mail_id: int, to: list[str], text: str, box: Mailbox,
            cc: Sequence[str] = (), files: Sequence[Path] = ()) -> Mail:
    """Queue a forward of the message with the files that came with it (and any ``files`` more)."""
    parts = kept.files_to_send(store, files, from_hr=goes_from_hr(collection, box))
    mails = store.repo(collection)
    with mails.transaction():
        original = mails.get(mail_id)
        answered_from(collection, original, box)
        sent = rules.forward(original, to, text, box.name, store.user, store.now(), cc, box.signature)
        sent = mails.add(carrying(store, collection, sent, [*carried_on(store, collection, original), *parts]))
        mails.update(mail_id, lambda m: rules.add_step(m, store.user, store.now(),
                                                       f"forwarded to {', '.join(sent.to + sent.cc)} (#{sent.id})"))
    return sent


def goes_from_hr(collection: str, box: Mailbox) -> bool:
    """A message kept with HR's mail and sent from HR's mailbox: the only one HR's files may go with."""
    return collection == HR_MAIL and box.hr


def answered_from(collection: str, original: Mail, box: Mailbox) -> None:
    """A reply to or forward of HR's mail goes from HR's own mailbox, never one all staff read."""
    if collection == HR_MAIL and not box.hr:
        raise RuleError(f"HR's mailbox cannot send: this message is HR's ({line(original.mailbox, 100)!r}) and goes out "
                        f"only from HR's mailbox, not from {box.name!r}, which all staff read; nothing was sent.")


def carried_on(store: Store, collection: str, original: Mail) -> list[Part]:
    """The attachments of a message, to go on with its forward; a RuleError naming the one
    that is no longer kept (an erasure took it, say)."""
    try:
        return kept.kept_parts(store, collection, original)
    except FileNotFoundError as error:
        gone = next((a.name for a in original.attachments if a.file == os.path.basename(str(error.filename or ""))), "")
        raise RuleError(f"The attachment {gone or 'of this message'!r} is no longer kept, so it cannot go with the "
                        "forward: nothing was sent.") from None


def carrying(store: Store, collection: str, mail: Mail, parts: Sequence[Part]) -> Mail:
    """``mail`` with ``parts`` kept as its attachments — once it is known to be a message
    that can be sent, so that a refused one leaves no file behind."""
    kept.within_limit(parts)
    mail.attachments = kept.keep_outgoing(store, collection, mail.mailbox, parts)
    return mail


def compose(store: Store, box: Mailbox, to: list[str], subject: str, text: str,
            cc: Sequence[str] = (), files: Sequence[Path] = ()) -> Mail:
    """A new message from the office, queued to be sent, signed with the mailbox's signature
    and carrying ``files``."""
    parts = kept.files_to_send(store, files, from_hr=goes_from_hr(box.collection, box))
    mail = rules.outgoing(box.name, to, subject, rules.signed(text, box.signature), store.user, store.now(), cc)
    return store.repo(box.collection).add(carrying(store, box.collection, mail, parts))


def why_not_told(store: Store, boxes: Sequence[Mailbox], name: str, mailbox: str = "") -> str:
    """"" when ``tell_by_mail`` can reach the person (from ``mailbox`` when it can send, else
    from one not HR's); else one sentence naming them and why, to say at the moment of
    passing on."""
    who = line(name, 200) or "This person"
    if sender_for(list(boxes), mailbox) is None:
        return f"{who} was not told by e-mail: no mailbox is set up to send with. Tell them another way."
    if not directory_address(store.repo("contacts").list(), name):
        return f"{who} has no e-mail address in the directory: tell them another way."
    return ""


@dataclass
class PassedOn:
    mail: Mail  # the message, now the person's
    told: Mail | None  # the forward that tells them: sent, or kept to send again
    why_not: str  # "" when told; else why not, in a sentence naming them


def hr_cannot_tell(mailbox: str, to: str) -> str:
    return f"{hr_cannot_send(mailbox)}, so {line(to, 200) or 'this person'} was not told by e-mail. Tell them another way."


def pass_on_and_tell(store: Store, boxes: Sequence[Mailbox], collection: str, mail_id: int, to: str) -> PassedOn:
    """Pass the message on and forward it, with its attachments, to the person's address in
    the directory — from the message's own mailbox when it can send."""
    passed = pass_on(store, collection, mail_id, to)
    if collection == HR_MAIL and hr_sender(boxes, passed.mailbox) is None:
        return PassedOn(passed, None, hr_cannot_tell(passed.mailbox, to))
    if collection == HR_MAIL:
        boxes = [hr_sender(boxes, passed.mailbox)]
    why = why_not_told(store, boxes, to, passed.mailbox)
    box = sender_for(list(boxes), passed.mailbox)
    if why or box is None:
        return PassedOn(passed, None, why)
    address = directory_address(store.repo("contacts").list(), to)
    try:
        queued = forward(store, collection, mail_id, [address], f"Passed on to you by {store.user}.", box)
    except DataError as error:  # an attachment no longer kept, too much to carry: passed on all the same
        return PassedOn(store.repo(collection).get(mail_id), None, f"{line(to, 200)} was not told by e-mail: {error}")
    return PassedOn(store.repo(collection).get(mail_id), send_mail(store, collection, queued.id, box), "")


def tell_by_mail(store: Store, boxes: Sequence[Mailbox], name: str, subject: str, text: str,
                 files: Sequence[Path] = ()) -> Mail | None:
    """Let a person know by e-mail, with ``files`` attached — when the directory has their
    address and a mailbox (not HR's) can send; None when not (``why_not_told`` says why).
    A file that cannot go is a FieldError naming it, and nothing is sent; a failed send
    stays on the mail list to send again."""
    box = sender_for(list(boxes))
    address = directory_address(store.repo("contacts").list(), name)
    if box is None or not address:
        return None
    queued = compose(store, box, [address], subject, text, files=files)
    return send_mail(store, box.collection, queued.id, box)


@dataclass(frozen=True)
class Told:
    mail: Mail | None  # the mail that told them: sent, or kept to send again; None when none was made
    why_not: str  # "" when it went; else why not, in a sentence naming them


def tell_or_say_why(store: Store, boxes: Sequence[Mailbox], name: str, subject: str, text: str,
                    files: Sequence[Path] = ()) -> Told:
    """``tell_by_mail``, and when the person was not told, why: no address or mailbox (asked
    again after, when no mail was made: the directory may have changed meanwhile), or a mail
    that did not go and waits on the mail list."""
    if why := why_not_told(store, boxes, name):
        return Told(None, why)
    mail = tell_by_mail(store, boxes, name, subject, text, files)
    who = line(name, 200)
    if mail is None:
        return Told(None, why_not_told(store, boxes, name) or f"{who} could not be told by e-mail.")
    if mail.send_status != SendStatus.SENT:
        return Told(mail, f"The e-mail to {who} did not go and waits on the mail list to be sent again:"
                          f" {mail.send_error or 'the mail server did not take it'}")
    return Told(mail, "")


def retry(store: Store, collection: str, mail_id: int) -> Mail:
    return store.repo(collection).update(mail_id, lambda mail: rules.retry(mail, store.now()))


# -- sending -------------------------------------------------------------------------------

def send_mail(store: Store, collection: str, mail_id: int, box: Mailbox) -> Mail:
    """Send one queued message and keep a copy in the server's Sent folder. A failure is
    written on the message (to try again), never lost — one nobody foresaw too: the message
    is then marked as not sent, saying why, and nothing else is changed."""
    mails = store.repo(collection)
    mail = mails.update(mail_id, lambda m: rules.start_sending(m, box.address))
    try:
        message = rules.as_email(mail, box.sender, store.now())
        attach_kept_files(store, collection, message, mail)
        raw = message.as_bytes()
    except Exception as error:  # it cannot be put together: no server has seen any of it
        problem = f"it could not be made ready to send, so nothing was sent ({why_not(error)})"
        return mails.update(mail_id, lambda m: rules.sending_failed(m, problem, store.user, store.now()))
    try:
        send(box, message)
    except DataError as error:
        problem = str(error)
        return mails.update(mail_id, lambda m: rules.sending_failed(m, problem, store.user, store.now()))
    filed = file_as_sent(box, raw)
    return mails.update(mail_id, lambda m: rules.sending_succeeded(m, store.user, store.now(), filed))


def file_as_sent(box: Mailbox, raw: bytes) -> bool:
    if box.imap is None:
        return False
    try:
        with ImapSession(box) as session:
            return session.file_as_sent(raw)
    except DataError:
        return False  # sent all the same; the copy is only a convenience


def send_due_mail(store: Store, boxes: list[Mailbox]) -> list[Mail]:
    """Send every queued message of every mailbox that can send; one another session is
    already sending is skipped."""
    sent = []
    for box in boxes:
        if box.smtp is None:
            continue
        for collection in sends_from(box):
            try:
                queued = store.repo(collection).find(rules.is_due, mailbox=box.name)
            except NoAccessError:
                continue
            for mail in queued:
                try:
                    sent.append(send_mail(store, collection, mail.id, box))
                except RuleError:
                    continue
    return sent


def sends_from(box: Mailbox) -> list[str]:
    """Where a mailbox's queued messages are: its own collection, and — for a mailbox outside
    HR — HR's messages it was chosen to send (interview invitations), which stay in HR's file."""
    return [box.collection] if box.hr else [box.collection, "hr_mail"]


def mailbox_of(boxes: list[Mailbox], mail: Mail) -> Mailbox:
    for box in boxes:
        if box.name == mail.mailbox:
            return box
    raise RuleError(f"The mailbox {mail.mailbox!r} this message belongs to is no longer set up.")


def fetch_all(store: Store, boxes: list[Mailbox]) -> list[FetchOutcome | MailServerError]:
    """Fetch every mailbox that has an IMAP server (and this user may keep the mail of); one
    that fails does not stop the others."""
    outcomes: list[FetchOutcome | MailServerError] = []
    for box in boxes:
        if box.imap is None:
            continue
        try:
            outcomes.append(fetch_mail(store, box))
        except NoAccessError:
            continue  # an HR mailbox, for HR's sessions to fetch
        except MailServerError as error:
            outcomes.append(error)
    return outcomes
