"""Faxes against a real HylaFAX server: the job id kept, the job followed to the server's
verdict, cancel removing it there, received faxes taken in once, `backoffice fax run`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.calls import actions
from data.calls.fax_server import FaxServer, FaxServerError
from data.calls.models import Fax, FaxStatus
from data.engine.errors import FieldError, RuleError
from tests.fax_server import PAGE
from tui.settings import DEFAULT_FAX_COMMAND


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "quote 4471.ps"
    path.write_bytes(PAGE)
    return path


def handed_over(store, hylafax, document, **fields) -> Fax:
    fax = actions.queue_fax(store, Fax(fax_number="020 7946 0322", recipient="Ann Smith", document=str(document), **fields))
    return actions.send_fax(store, fax.id, DEFAULT_FAX_COMMAND, server=hylafax.address)


def test_a_fax_the_server_took_is_queued_there_under_its_job_id_not_sent(store, hylafax, document):
    fax = handed_over(store, hylafax, document)

    assert fax.status == FaxStatus.AT_SERVER and fax.sent_at is None
    assert hylafax.waiting(fax.job)
    assert fax.attempts[-1].action == f"queued at the fax server (job {fax.job})"
    actions.follow_fax_jobs(store, hylafax.address)  # no modem: the job waits for a line
    fax = store.repo("faxes").get(fax.id)
    assert fax.status == FaxStatus.AT_SERVER
    assert fax.server_said == "waiting for a free line"


def test_the_cover_page_carries_recipient_company_and_cover_note(store, hylafax, document):
    fax = handed_over(store, hylafax, document, company="Nordic Paper [AB]", cover_note="Quote 4471, as agreed\nby phone")
    cover = (hylafax.root / "docq" / f"cover{fax.job}.cover").read_text()

    assert "/to (Ann Smith) def" in cover
    assert "/to-company (Nordic Paper [AB]) def" in cover
    assert "Quote 4471, as agreed" in cover


def test_a_job_the_server_gives_up_is_given_up_here_with_the_servers_reason(store, hylafax, document):
    fax = handed_over(store, hylafax, document)
    hylafax.operator_removes(fax.job)

    changed = actions.follow_fax_jobs(store, hylafax.address)

    fax = store.repo("faxes").get(fax.id)
    assert [f.id for f in changed] == [fax.id]
    assert fax.status == FaxStatus.GAVE_UP
    assert fax.last_error == "Job aborted by request"
    assert actions.follow_fax_jobs(store, hylafax.address) == []  # said once, not rewritten every half minute


def test_following_writes_nothing_while_the_server_has_nothing_new(store, hylafax, document):
    fax = handed_over(store, hylafax, document)
    actions.follow_fax_jobs(store, hylafax.address)
    rev = store.repo("faxes").get(fax.id).rev

    assert actions.follow_fax_jobs(store, hylafax.address) == []
    assert store.repo("faxes").get(fax.id).rev == rev


def test_cancel_removes_the_job_from_the_server(store, hylafax, document):
    fax = handed_over(store, hylafax, document)

    cancelled = actions.cancel_fax(store, fax.id, hylafax.address)

    assert cancelled.status == FaxStatus.CANCELLED
    assert not hylafax.waiting(fax.job)
    assert hylafax.jobs()[fax.job].state == "F"
    assert cancelled.attempts[-1].action == f"cancelled (job {fax.job} removed from the fax server)"
    actions.follow_fax_jobs(store, hylafax.address)
    assert store.repo("faxes").get(fax.id).status == FaxStatus.CANCELLED


def test_a_cancel_the_server_refuses_changes_nothing_here(store, hylafax, document):
    fax = handed_over(store, hylafax, document)
    hylafax.operator_removes(fax.job)
    subprocess.run(["faxrm", "-h", hylafax.address, "-a", fax.job], capture_output=True)  # gone from the done queue too

    with pytest.raises(FaxServerError, match=f"would not cancel job {fax.job}"):
        actions.cancel_fax(store, fax.id, hylafax.address)
    assert store.repo("faxes").get(fax.id).status == FaxStatus.AT_SERVER


def test_a_job_the_server_no_longer_knows_fails_so_someone_looks(store, hylafax, document):
    fax = handed_over(store, hylafax, document)
    store.repo("faxes").update(fax.id, lambda f: setattr(f, "job", "99999"))

    actions.follow_fax_jobs(store, hylafax.address)

    fax = store.repo("faxes").get(fax.id)
    assert fax.status == FaxStatus.FAILED
    assert "no longer knows job 99999" in fax.last_error


def test_a_received_fax_comes_in_once_with_sender_pages_and_its_document(store, hylafax):
    hylafax.receive("+44 20 7946 0001", pages=2)
    hylafax.receive("ACME \x1b[31mSALES [b]")

    first = actions.take_in_received_faxes(store, hylafax.address)
    again = actions.take_in_received_faxes(store, hylafax.address)

    assert again == []
    by_number = {f.fax_number: f for f in first}
    numbered = by_number["+442079460001"]
    assert (numbered.incoming, numbered.status, numbered.pages) == (True, FaxStatus.RECEIVED, 2)
    assert Path(numbered.document).read_bytes()[:2] in (b"II", b"MM")  # the TIFF, in the data folder
    assert Path(numbered.document).parent == store.folder / "faxes-in"
    named = by_number[""]
    assert "\x1b" not in named.sender and named.sender.endswith("[31mSALES [b]")  # the fax id, inert


def test_a_received_fax_too_large_to_take_comes_in_saying_so_and_the_others_come_with_it(store, hylafax, monkeypatch):
    from data.calls import fax_server

    small, large = hylafax.receive("+44 20 7946 0001"), hylafax.receive("+44 20 7946 0002", pages=6)
    sizes = {name: (hylafax.root / "recvq" / name).stat().st_size for name in (small, large)}
    monkeypatch.setattr(fax_server, "MAX_RECEIVED", (sizes[small] + sizes[large]) // 2)

    first = actions.take_in_received_faxes(store, hylafax.address)
    assert actions.take_in_received_faxes(store, hylafax.address) == []  # each came in once
    by_file = {f.received_file: f for f in first}
    assert Path(by_file[small].document).read_bytes()[:2] in (b"II", b"MM") and by_file[small].last_error == ""
    set_aside = by_file[large]
    assert set_aside.document == f"{large} (left at the fax server)" and not (store.folder / "faxes-in" / large).exists()
    assert f"received fax {large} is larger than" in set_aside.last_error
    assert set_aside.last_error.endswith("It is still at the fax server.")


def test_a_received_fax_from_a_known_number_is_named_from_past_calls(store, hylafax):
    from data.calls.models import Call

    actions.log_call(store, Call(caller="Grace Okafor", company="Okafor Legal", number="020 7946 0001"))  # as typed: the same number
    hylafax.receive("+44 20 7946 0001")

    (fax,) = actions.take_in_received_faxes(store, hylafax.address)
    assert fax.sender == "Grace Okafor"


def test_an_incoming_fax_is_never_sent_and_is_passed_on_and_closed_like_a_message(store, hylafax):
    hylafax.receive("+44 20 7946 0001")
    (fax,) = actions.take_in_received_faxes(store, hylafax.address)

    with pytest.raises(RuleError, match="never sent"):
        actions.send_fax(store, fax.id, DEFAULT_FAX_COMMAND, server=hylafax.address)
    with pytest.raises(RuleError, match="never sent"):
        actions.resend_fax(store, fax.id)
    passed = actions.pass_on_fax(store, fax.id, "Ann", "the signed lease")
    closed = actions.close_fax(store, fax.id)

    assert (passed.status, passed.passed_to) == (FaxStatus.PASSED_ON, "Ann")
    assert closed.status == FaxStatus.CLOSED
    assert [s.action for s in closed.attempts] == ["passed on to Ann", "closed"]
    with pytest.raises(RuleError, match="closed; reopen it"):
        actions.pass_on_fax(store, fax.id, "Tom")
    reopened = actions.reopen_fax(store, fax.id)
    assert (reopened.status, reopened.passed_to) == (FaxStatus.PASSED_ON, "Ann")
    with pytest.raises(FieldError, match="Say whom"):
        actions.pass_on_fax(store, fax.id, "  ")
    assert not hylafax.jobs()  # nothing was dialled


def test_an_incoming_record_added_as_queued_is_refused(store, tmp_path):
    with pytest.raises(ValueError, match="direction and status do not go together"):
        Fax(direction="incoming", status="queued", fax_number="0123 456", recipient="x", document="y")


def test_an_unreachable_fax_server_is_a_sentence(store):
    with pytest.raises(FaxServerError, match="cannot be reached"), FaxServer("localhost:1"):
        pass


def run_fax_run(data: Path, server: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BACKOFFICE_FAX_SERVER": server}
    return subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(data), "fax", "run"],
                          capture_output=True, text=True, env=env, timeout=120)


def test_two_fax_runs_at_once_send_each_fax_exactly_once_and_take_received_faxes_once(tmp_path, store, hylafax, document):
    for n in range(4):
        actions.queue_fax(store, Fax(fax_number=f"020 7946 03{n:02d}", recipient=f"Office {n}", document=str(document)))
    hylafax.receive("+44 20 7946 0001")

    runs = [subprocess.Popen([sys.executable, "-m", "tui.cli", "--data", str(store.folder), "fax", "run"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "BACKOFFICE_FAX_SERVER": hylafax.address}) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    faxes = store.repo("faxes").list()
    outgoing = [f for f in faxes if not f.incoming]
    assert {f.status for f in outgoing} == {FaxStatus.AT_SERVER}
    assert sorted(hylafax.jobs()) == sorted(f.job for f in outgoing)  # four jobs at the server, not eight
    assert len([f for f in faxes if f.incoming]) == 1
    said = "".join(out for out, _ in outputs)
    assert all(f"#{f.id} to {f.recipient}" in said for f in outgoing) and said.count("received, 1 page(s)") == 1


def test_fax_run_follows_a_job_to_the_servers_verdict_with_no_session_open(store, hylafax, document):
    fax = handed_over(store, hylafax, document)
    hylafax.operator_removes(fax.job)

    done = run_fax_run(store.folder, hylafax.address)

    assert done.returncode == 0, done.stderr
    assert f"#{fax.id} to Ann Smith" in done.stdout and "Job aborted by request" in done.stdout
    assert store.repo("faxes").get(fax.id).status == FaxStatus.GAVE_UP


def test_fax_run_says_an_unreachable_server_and_exits_with_a_problem(store, document):
    actions.queue_fax(store, Fax(fax_number="020 7946 0322", recipient="Ann Smith", document=str(document)))

    done = run_fax_run(store.folder, "localhost:1")

    assert done.returncode == 1
    assert "fax server at localhost:1 cannot be reached" in done.stderr
    assert "Traceback" not in done.stderr
