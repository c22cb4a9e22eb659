"""Faxes: the status rules, sending through a real command with retries, and the queue."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from data.agenda import build_agenda
from data.calls import actions, rules
from data.calls.models import INCOMING_STATUSES, Fax, FaxStatus
from data.engine.errors import FieldError, RuleError
from data.engine.store import Store

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)

# A fax back-end that sends before it exits (so prints no job id): exits 1 with the next line
# of its script on stderr until the lines run out, then 0; counts its runs in a file and
# writes its arguments there.
FLAKY_SENDFAX = """\
import sys
from pathlib import Path
log, errors = Path(sys.argv[1]), sys.argv[2].split(",") if sys.argv[2] else []
runs = log.read_text().count("\\n") if log.exists() else 0
with log.open("a") as out:
    out.write("\\t".join(sys.argv[3:]) + "\\n")
if runs < len(errors):
    sys.stderr.write("  " + errors[runs] + "\\n")
    sys.exit(1)
print("sent, 1 page")
"""


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "quote 4471; final.pdf"
    path.write_bytes(b"%PDF-1.4 a quote")
    return path


@pytest.fixture
def sendfax(tmp_path):
    """A command template running the flaky script; ``sendfax.runs()`` reads its log."""
    script = tmp_path / "sendfax.py"
    script.write_text(FLAKY_SENDFAX)
    log = tmp_path / "runs.log"

    class Command:
        def template(self, *errors: str) -> str:
            return f"'{sys.executable}' '{script}' '{log}' '{','.join(errors)}' -n -d {{number}} {{file}}"

        def runs(self) -> list[list[str]]:
            return [line.split("\t") for line in log.read_text().splitlines()] if log.exists() else []

    return Command()


def queued(store: Store, document: Path, **fields) -> Fax:
    return actions.queue_fax(store, Fax(recipient="Alan Pryce", fax_number="020 7946 0322", document=str(document), **fields))


# -- the fax, as typed -------------------------------------------------------------------


def test_a_fax_number_is_stored_normalised_and_a_fax_needs_one(document):
    assert Fax(recipient="A", fax_number="+44 (20) 7946-0322", document=str(document)).fax_number == "+442079460322"
    for bad in ("", "fax me", "12"):
        with pytest.raises(ValidationError) as refused:
            Fax(recipient="A", fax_number=bad, document=str(document))
        assert [e["loc"] for e in refused.value.errors()] == [("fax_number",)]


def test_a_missing_document_is_refused_under_its_field_before_anything_is_queued(store, tmp_path):
    with pytest.raises(FieldError) as refused:
        queued(store, tmp_path / "nowhere.pdf")
    assert refused.value.field == "document"
    assert "nowhere.pdf" in str(refused.value)
    assert store.repo("faxes").count() == 0


def test_the_fax_form_asks_for_number_recipient_and_document_first():
    assert Fax.editable_fields()[:4] == ("fax_number", "recipient", "company", "document")
    assert not {"status", "tries", "last_error", "attempts", "sent_at"} & set(Fax.editable_fields())


# -- status moves ------------------------------------------------------------------------

SENT_AT = NOW - timedelta(hours=1)
ALL_BUT_SENT = [s for s in FaxStatus if s != FaxStatus.SENT]

# action → (how to apply it, statuses it starts from, status it ends in)
ACTIONS = {
    "send": (lambda f: rules.start_sending(f, NOW), [FaxStatus.QUEUED, FaxStatus.RETRYING], FaxStatus.SENDING),
    "resend": (
        rules.resend,
        [FaxStatus.RETRYING, FaxStatus.FAILED, FaxStatus.GAVE_UP, FaxStatus.CANCELLED],
        FaxStatus.QUEUED,
    ),
    "cancel": (rules.cancel, [FaxStatus.QUEUED, FaxStatus.RETRYING, FaxStatus.FAILED, FaxStatus.AT_SERVER], FaxStatus.CANCELLED),
    "sent by hand": (
        lambda f: rules.mark_sent_by_hand(f, NOW, "ann"),
        [FaxStatus.QUEUED, FaxStatus.RETRYING, FaxStatus.FAILED, FaxStatus.GAVE_UP],
        FaxStatus.SENT,
    ),
    "edit number": (
        lambda f: rules.change_number(f, "0113 496 0656"),
        [FaxStatus.QUEUED, FaxStatus.RETRYING, FaxStatus.FAILED, FaxStatus.GAVE_UP],
        None,  # the status stays
    ),
}
MOVES = [(name, status) for name in ACTIONS for status in FaxStatus]


def fax_in(status: FaxStatus, document: Path) -> Fax:
    return Fax(
        direction="incoming" if status in INCOMING_STATUSES else "outgoing",
        recipient="Alan Pryce", fax_number="020 7946 0322", document=str(document), status=status, tries=1,
        sent_at=SENT_AT if status == FaxStatus.SENT else None, updated_at=NOW,
    )


@pytest.mark.parametrize(("action", "status"), [m for m in MOVES if m[1] in ACTIONS[m[0]][1]])
def test_an_allowed_fax_move(action, status, document):
    apply, _, ends_in = ACTIONS[action]
    fax = fax_in(status, document)
    apply(fax)
    assert fax.status == (ends_in or status)


@pytest.mark.parametrize(("action", "status"), [m for m in MOVES if m[1] not in ACTIONS[m[0]][1]])
def test_a_refused_fax_move_says_why_and_changes_nothing(action, status, document):
    apply = ACTIONS[action][0]
    fax = fax_in(status, document)
    before = fax.model_dump()
    with pytest.raises(RuleError) as refused:
        apply(fax)
    sentence = str(refused.value)
    assert sentence[0].isupper() and sentence.endswith(".") and "_" not in sentence
    assert fax.model_dump() == before


@pytest.mark.parametrize("action", ["send", "resend", "sent by hand"])
def test_a_sent_fax_is_never_sent_again_and_the_refusal_says_when_it_went(action, document):
    with pytest.raises(RuleError, match=f"already sent on {SENT_AT:%d %b %Y at %H:%M}"):
        ACTIONS[action][0](fax_in(FaxStatus.SENT, document))


def test_sending_ends_as_sent_or_as_a_retry_and_a_failure_without_retry_is_failed(document):
    fax = fax_in(FaxStatus.QUEUED, document)
    rules.start_sending(fax, NOW)
    rules.sending_succeeded(fax, NOW, "ann")
    assert (fax.status, fax.sent_at) == (FaxStatus.SENT, NOW)

    for retry, ends_in in ((True, FaxStatus.RETRYING), (False, FaxStatus.FAILED)):
        fax = fax_in(FaxStatus.QUEUED, document)
        rules.start_sending(fax, NOW)
        rules.sending_failed(fax, "BUSY", NOW, retry=retry)
        assert (fax.status, fax.last_error) == (ends_in, "BUSY")


def test_a_retry_waits_longer_after_each_failed_try():
    assert [rules.retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (2, 4, 8)]
    assert rules.retry_delay(12) == timedelta(hours=1)


def test_a_retry_is_not_sent_before_its_time_but_a_resend_resets_the_tries(document):
    fax = fax_in(FaxStatus.QUEUED, document)
    fax.max_tries = 1
    rules.start_sending(fax, NOW)
    rules.sending_failed(fax, "NO ANSWER", NOW)
    assert fax.status == FaxStatus.GAVE_UP
    rules.resend(fax)
    assert (fax.status, fax.tries) == (FaxStatus.QUEUED, 0)

    fax = fax_in(FaxStatus.QUEUED, document)
    rules.start_sending(fax, NOW)
    rules.sending_failed(fax, "BUSY", NOW)
    with pytest.raises(RuleError, match=f"next try is due at {NOW + timedelta(minutes=4):%H:%M}"):
        rules.start_sending(fax, NOW + timedelta(minutes=1))
    rules.resend(fax)  # the line is free again: try at once
    rules.start_sending(fax, NOW + timedelta(minutes=1))
    assert (fax.status, fax.tries) == (FaxStatus.SENDING, 1)


def test_a_new_number_is_normalised_and_a_bad_one_is_an_error_under_its_field(document):
    fax = fax_in(FaxStatus.FAILED, document)
    rules.change_number(fax, "+44 113 496 0656")
    assert fax.fax_number == "+441134960656"
    with pytest.raises(FieldError) as refused:
        rules.change_number(fax, "ask Janet")
    assert refused.value.field == "fax_number"
    assert "digits" in str(refused.value)
    assert fax.fax_number == "+441134960656"


# -- sending through a command -----------------------------------------------------------


def test_a_fax_that_fails_twice_then_goes_through_records_both_errors_then_is_sent(store, clock, document, sendfax):
    fax = queued(store, document)
    template = sendfax.template("NO CARRIER", "BUSY")

    fax = actions.send_fax(store, fax.id, template)
    assert (fax.status, fax.tries, fax.last_error) == (FaxStatus.RETRYING, 1, "NO CARRIER")
    assert fax.next_attempt == NOW + timedelta(minutes=2)
    assert rules.due_faxes(store.repo("faxes").list(), store.now()) == []

    clock.now += timedelta(minutes=2)
    assert [f.status for f in actions.send_due_faxes(store, template)] == [FaxStatus.RETRYING]
    fax = store.repo("faxes").get(fax.id)
    assert (fax.tries, fax.last_error, fax.next_attempt) == (2, "BUSY", clock.now + timedelta(minutes=4))

    clock.now += timedelta(minutes=4)
    actions.send_due_faxes(store, template)

    fax = store.repo("faxes").get(fax.id)
    assert (fax.status, fax.sent_at, fax.tries, fax.last_error) == (FaxStatus.SENT, clock.now, 3, "")
    assert [(a.note, a.user) for a in fax.attempts] == [("NO CARRIER", "tester"), ("BUSY", "tester"), ("", "tester")]
    assert [a.at for a in fax.attempts] == [NOW, NOW + timedelta(minutes=2), NOW + timedelta(minutes=6)]
    assert len(sendfax.runs()) == 3
    clock.now += timedelta(hours=1)
    assert actions.send_due_faxes(store, template) == []
    assert len(sendfax.runs()) == 3


def test_a_fax_server_busy_numbering_another_sessions_job_is_asked_again_at_once_not_a_failed_try(store, document, sendfax):
    busy = "503 Unable to open sequence number file sendq/seqf; File exists."  # hfaxd, two clients at once
    fax = actions.send_fax(store, queued(store, document).id, sendfax.template(busy, busy))
    assert (fax.status, fax.tries, fax.last_error) == (FaxStatus.SENT, 1, "")
    assert len(sendfax.runs()) == 3


def test_with_max_tries_two_a_fax_that_keeps_failing_gives_up(store, clock, document, sendfax):
    fax = queued(store, document, max_tries=2)
    template = sendfax.template("BUSY", "NO ANSWER", "NO ANSWER")
    actions.send_fax(store, fax.id, template)
    clock.now += timedelta(minutes=2)
    actions.send_due_faxes(store, template)

    fax = store.repo("faxes").get(fax.id)
    assert (fax.status, fax.tries, fax.last_error, fax.next_attempt) == (FaxStatus.GAVE_UP, 2, "NO ANSWER", None)
    clock.now += timedelta(days=1)
    assert actions.send_due_faxes(store, template) == []
    assert len(sendfax.runs()) == 2
    groups = {g.key: g for g in build_agenda(store)}
    assert groups["faxes_failed"].count == 1
    assert "NO ANSWER" in groups["faxes_failed"].entries[0].text


def test_number_and_file_reach_the_command_as_one_argument_each_and_no_shell_sees_them(store, tmp_path, sendfax):
    awkward = tmp_path / "it's $(rm -rf) `x`.pdf"
    awkward.write_bytes(b"%PDF")
    fax = queued(store, awkward)
    assert actions.send_fax(store, fax.id, sendfax.template()).status == FaxStatus.SENT
    assert sendfax.runs() == [["-n", "-d", "+442079460322", str(awkward)]]  # E.164: HylaFAX's dial rules take it


def test_a_missing_command_fails_the_fax_without_retrying(store, document):
    fax = actions.send_fax(store, queued(store, document).id, "no-such-sendfax-command -d {number} {file}")
    assert fax.status == FaxStatus.FAILED
    assert fax.last_error == "command not found: no-such-sendfax-command"


def test_a_command_that_hangs_counts_as_a_failed_try(store, document):
    def hangs(command, **options):
        raise subprocess.TimeoutExpired(command, options["timeout"])

    fax = actions.send_fax(store, queued(store, document).id, "sendfax -d {number} {file}", run=hangs)
    assert fax.status == FaxStatus.RETRYING
    assert "no answer within" in fax.last_error


def test_a_document_deleted_after_queueing_fails_the_fax_without_running_the_command(store, document, sendfax):
    fax = queued(store, document)
    document.unlink()
    fax = actions.send_fax(store, fax.id, sendfax.template())
    assert fax.status == FaxStatus.FAILED
    assert document.name in fax.last_error
    assert sendfax.runs() == []


@pytest.mark.parametrize("template", ["", "   ", "sendfax -d {nubmer} {file}", "sendfax 'unclosed {number}"])
def test_an_unusable_command_template_is_refused_and_the_fax_stays_queued(store, document, template):
    fax = queued(store, document)
    with pytest.raises(RuleError):
        actions.send_fax(store, fax.id, template)
    assert store.repo("faxes").get(fax.id).status == FaxStatus.QUEUED


def test_a_fax_another_session_is_sending_is_skipped_not_sent_twice(store, tmp_path, clock, document, sendfax):
    fax = queued(store, document)
    other_session = Store(tmp_path / "office", user="bob", clock=clock)
    skipped = []

    def run_while_the_other_session_looks(command, **options):
        skipped.extend(actions.send_due_faxes(other_session, sendfax.template()))
        return subprocess.run(command, **options)

    actions.send_fax(store, fax.id, sendfax.template(), run=run_while_the_other_session_looks)
    assert skipped == []
    assert len(sendfax.runs()) == 1
    assert store.repo("faxes").get(fax.id).status == FaxStatus.SENT


def test_a_send_interrupted_half_way_goes_again_once_any_command_would_have_timed_out(store, clock, document, sendfax):
    fax = queued(store, document)
    store.repo("faxes").update(fax.id, lambda f: rules.start_sending(f, clock.now))  # then the session died
    assert rules.due_faxes(store.repo("faxes").list(), store.now()) == []

    clock.now += timedelta(seconds=rules.SEND_TIMEOUT + 61)

    assert [f.status for f in actions.send_due_faxes(store, sendfax.template())] == [FaxStatus.SENT]


def test_a_fax_marked_sent_by_hand_records_who_and_when(store, document):
    fax = queued(store, document)
    fax = store.repo("faxes").update(fax.id, lambda f: rules.mark_sent_by_hand(f, store.now(), store.user))
    assert (fax.status, fax.sent_at) == (FaxStatus.SENT, NOW)
    assert [(a.action, a.user) for a in fax.attempts] == [("try 1: sent by hand", "tester")]


def test_the_demo_has_faxes_waiting_sent_and_failing_with_the_errors_a_fax_line_gives(tmp_path):
    import random

    from data.demo.calls import seed

    store = Store(tmp_path / "demo", clock=lambda: NOW)
    seed(store, NOW, random.Random(1))
    faxes = store.repo("faxes").list()
    assert {f.status for f in faxes} == set(FaxStatus) - {FaxStatus.SENDING}  # sending lasts only a moment
    assert {"NO CARRIER", "BUSY", "NO ANSWER"} <= {f.last_error for f in faxes}
    assert all(f.attempts[-1].note == f.last_error for f in faxes if f.last_error)
    assert all(f.next_attempt > NOW for f in faxes if f.status == FaxStatus.RETRYING)


def test_what_the_fax_server_says_on_several_lines_and_in_colour_is_kept_as_plain_text(store, document, tmp_path):
    chatty = tmp_path / "chatty-sendfax.sh"
    chatty.write_text("#!/bin/sh\nprintf 'line one\\n\\tline two: \\033[31mmodem busy\\033[0m\\n' >&2\nexit 1\n")
    chatty.chmod(0o755)
    fax = actions.send_fax(store, queued(store, document).id, f"{chatty} {{number}} {{file}}")
    assert fax.status == FaxStatus.RETRYING
    assert fax.last_error == "line one\n\tline two: ␛[31mmodem busy␛[0m"  # kept, made visible, never refused
    assert fax.attempts[-1].note == fax.last_error


# -- editing with enter: the same rules as the keys ----------------------------------------


def test_an_edit_of_a_queued_fax_is_a_line_in_its_history(store, document):
    fax = queued(store, document)
    edited = actions.save_fax(store, fax.model_copy(update={"cover_note": "Pages 2-3 signed"}), fields={"cover_note"})

    assert edited.cover_note == "Pages 2-3 signed"
    assert [(a.action, a.user) for a in edited.attempts] == [("edited cover note", "tester")]


@pytest.mark.parametrize("status", [FaxStatus.SENT, FaxStatus.AT_SERVER])
def test_a_fax_that_has_gone_gets_no_new_number_by_editing_either(store, document, status):
    fax = queued(store, document)
    store.repo("faxes").update(fax.id, lambda f: setattr(f, "status", status))
    fax = store.repo("faxes").get(fax.id)

    with pytest.raises(RuleError, match="never sent twice|says when it has gone"):
        actions.save_fax(store, fax.model_copy(update={"fax_number": "+441134960656"}), fields={"fax_number"})
    assert store.repo("faxes").get(fax.id).fax_number == "+442079460322"
    more_tries = actions.save_fax(store, fax.model_copy(update={"max_tries": 5}), fields={"max_tries"})
    assert more_tries.max_tries == 5  # what does not change where it goes may still be edited


def test_an_edit_to_a_document_that_is_not_there_is_refused_under_its_field(store, document, tmp_path):
    fax = queued(store, document)
    with pytest.raises(FieldError, match="There is no file"):
        actions.save_fax(store, fax.model_copy(update={"document": str(tmp_path / "gone.pdf")}), fields={"document"})
