"""A received fax passed on reaches its person as a PDF, against real servers on localhost
(HylaFAX receiving the fax, Dovecot and aiosmtpd carrying the mail); the fax's document is
made a PDF, read, counted and printed by real programs; the agenda knows the faxes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.agenda import agenda_text, build_agenda
from data.calls import actions, rules
from data.calls.fax_documents import (
    FaxDocumentError,
    count_pages,
    print_file,
    received_pdf,
)
from data.calls.models import Call, Contact, Fax, FaxStatus
from data.engine.files import UnsafeFileError
from data.mail.mailboxes import mailboxes
from data.when import moment_said
from tests.data.test_mail_handoffs import attached
from tests.fax_server import PAGE

PDFINFO, GS = shutil.which("pdfinfo") or "pdfinfo", shutil.which("gs") or "gs"  # found before a test narrows PATH


@pytest.fixture
def ann(store):
    store.repo("contacts").add(Contact(name="Ann Lee", email="ann@office.example"))
    return "Ann Lee"


def received(store, hylafax, pages: int = 2, sender: str = "+44 20 7946 0001") -> Fax:
    hylafax.receive(sender, pages=pages)
    (fax,) = actions.take_in_received_faxes(store, hylafax.address)
    return fax


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    said = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in said.splitlines() if line.startswith("Pages:")))


# -- passing on ------------------------------------------------------------------------------


def test_a_received_fax_passed_on_reaches_the_colleague_as_a_pdf_of_its_pages(store, hylafax, mail_table, smtp, ann, tmp_path):
    fax = received(store, hylafax, pages=2)

    handed = actions.pass_on_fax_and_tell(store, mailboxes(mail_table), fax.id, ann, "the signed lease")

    assert (handed.record.status, handed.told, handed.not_told) == (FaxStatus.PASSED_ON, "ann@office.example", "")
    assert smtp.envelopes[-1] == ["ann@office.example"]
    message = smtp.messages[-1]
    [(name, pdf)] = attached(message).items()
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    assert pdf_pages(pdf, tmp_path) == 2
    assert [p.get_content_type() for p in message.walk() if p.get_filename()] == ["application/pdf"]
    [text] = [p.get_payload(decode=True).decode() for p in message.walk() if p.get_content_type() == "text/plain"]
    assert "the signed lease" in text and "2 page(s), attached as a PDF" in text
    assert handed.record.attempts[-1].action == "e-mailed to ann@office.example as a PDF"


def test_a_colleague_without_an_address_is_said_at_once_and_the_fax_is_still_passed_on(store, hylafax, mail_table, smtp):
    store.repo("contacts").add(Contact(name="Tom Hall"))
    fax = received(store, hylafax)

    handed = actions.pass_on_fax_and_tell(store, mailboxes(mail_table), fax.id, "Tom Hall")

    assert handed.record.status == FaxStatus.PASSED_ON and handed.told == ""
    assert handed.not_told == "Tom Hall has no e-mail address in the directory: tell them another way."
    assert smtp.messages == []


def test_without_a_mailbox_passing_on_says_nobody_was_told(store, hylafax, ann):
    fax = received(store, hylafax)

    handed = actions.pass_on_fax_and_tell(store, [], fax.id, ann)

    assert handed.record.passed_to == ann
    assert "no mailbox is set up to send with" in handed.not_told


def test_a_fax_left_at_the_fax_server_is_passed_on_saying_it_could_not_be_mailed(store, hylafax, mail_table, smtp, ann, monkeypatch):
    from data.calls import fax_server

    monkeypatch.setattr(fax_server, "MAX_RECEIVED", 100)
    fax = received(store, hylafax)

    handed = actions.pass_on_fax_and_tell(store, mailboxes(mail_table), fax.id, ann)

    assert handed.record.status == FaxStatus.PASSED_ON
    assert handed.not_told.startswith(f"{ann} was not e-mailed the fax: Fax {fax.label()} has no document here")
    assert smtp.messages == []


# -- the document ----------------------------------------------------------------------------


def test_reading_a_fax_left_at_the_fax_server_shows_who_and_when_and_why_there_is_no_image(store, hylafax, monkeypatch):
    from data.calls import fax_server
    from data.calls.fax_documents import fax_reading

    monkeypatch.setattr(fax_server, "MAX_RECEIVED", 100)
    fax = received(store, hylafax, pages=3)

    reading = fax_reading(store, fax)

    assert reading.text.startswith("From 020 7946 0001\nReceived ")
    assert "3 page(s); received" in reading.text
    assert f"Fax {fax.label()} has no document here" in reading.text and "It is still at the fax server." in reading.text


def test_the_pdf_replaces_a_link_planted_under_its_name_and_never_writes_through_it(store, hylafax, tmp_path):
    fax = received(store, hylafax)
    target = tmp_path / "someone else's file"
    target.write_bytes(b"keep me")
    planted = Path(fax.document).with_suffix(".pdf")
    planted.symlink_to(target)

    pdf = received_pdf(store, fax)

    assert pdf == planted and not pdf.is_symlink() and pdf.read_bytes().startswith(b"%PDF")
    assert target.read_bytes() == b"keep me"


def test_a_received_document_that_is_a_link_is_refused(store, hylafax, tmp_path):
    fax = received(store, hylafax)
    document = Path(fax.document)
    elsewhere = tmp_path / "elsewhere.tif"
    elsewhere.write_bytes(document.read_bytes())
    document.unlink()
    document.symlink_to(elsewhere)

    with pytest.raises(UnsafeFileError):
        received_pdf(store, fax)


def test_a_damaged_fax_is_a_sentence_not_a_pdf(store, hylafax):
    fax = received(store, hylafax)
    store.write_output("faxes-in", Path(fax.document).name, b"II*\x00 cut short")

    with pytest.raises(FaxDocumentError, match=rf"^Making fax {fax.label()} a PDF failed: "):
        received_pdf(store, fax)


def test_without_tiff2pdf_ghostscript_makes_the_same_pdf_of_the_fax(store, hylafax, monkeypatch, tmp_path):
    fax = received(store, hylafax, pages=2)
    with_tiff2pdf = received_pdf(store, fax).read_bytes()
    only_gs = tmp_path / "bin"
    only_gs.mkdir()
    (only_gs / "gs").symlink_to(shutil.which("gs"))
    monkeypatch.setenv("PATH", str(only_gs))

    without = received_pdf(store, fax).read_bytes()

    assert without != with_tiff2pdf and pdf_pages(without, tmp_path) == 2
    assert drawn(without, tmp_path) == drawn(with_tiff2pdf, tmp_path)  # the same pages, dot for dot


def test_a_tiff_whose_strips_repeat_the_whole_file_is_refused_without_tiff2pdf(tmp_path, monkeypatch):
    import struct

    from data.calls.fax_documents import as_pdf

    strips = 5000
    entries = [(256, 3, 1, 1728), (257, 3, 1, 2000), (259, 3, 1, 3), (273, 4, strips, 0), (279, 4, strips, 0)]
    header_size = 8 + 2 + 12 * len(entries) + 4
    offsets_at, counts_at = header_size, header_size + 4 * strips
    size = counts_at + 4 * strips
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", tag, kind, many, {273: offsets_at, 279: counts_at}.get(tag, value)) for tag, kind, many, value in entries)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 4 + struct.pack(f"<{strips}I", *[0] * strips) + \
        struct.pack(f"<{strips}I", *[size] * strips)
    only_gs = tmp_path / "bin"
    only_gs.mkdir()
    (only_gs / "gs").symlink_to(GS)
    monkeypatch.setenv("PATH", str(only_gs))

    with pytest.raises(FaxDocumentError, match="claim more data than the file holds"):
        as_pdf(tiff, "#9")


def drawn(pdf: bytes, tmp_path: Path) -> list[bytes]:
    """Each page of a PDF as Ghostscript draws it at 50 dots an inch."""
    (tmp_path / "drawn.pdf").write_bytes(pdf)
    subprocess.run([GS, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pbmraw", "-r50",
                    f"-sOutputFile={tmp_path}/page%d.pbm", str(tmp_path / "drawn.pdf")], check=True, capture_output=True)
    pages = [path.read_bytes() for path in sorted(tmp_path.glob("page*.pbm"))]
    for path in tmp_path.glob("page*.pbm"):
        path.unlink()
    return pages


def test_a_conversion_past_its_deadline_is_stopped_and_said(store, hylafax, monkeypatch, tmp_path):
    from data.calls import fax_documents

    slow = tmp_path / "bin"
    slow.mkdir()
    (slow / "tiff2pdf").write_text("#!/bin/sh\nsleep 30\n")
    (slow / "tiff2pdf").chmod(0o755)
    monkeypatch.setenv("PATH", f"{slow}:{os.environ['PATH']}")
    monkeypatch.setattr(fax_documents, "CONVERT_SECONDS", 1)
    fax = received(store, hylafax)

    with pytest.raises(FaxDocumentError, match="took longer than 1 s and was stopped"):
        received_pdf(store, fax)


def test_a_conversion_writing_past_its_bound_is_stopped_and_said(store, hylafax, monkeypatch, tmp_path):
    from data.calls import fax_documents

    endless = tmp_path / "bin"
    endless.mkdir()
    (endless / "tiff2pdf").write_text("#!/bin/sh\nexec cat /dev/zero > \"$2\"\n")  # as a PDF bomb would
    (endless / "tiff2pdf").chmod(0o755)
    monkeypatch.setenv("PATH", f"{endless}:{os.environ['PATH']}")
    monkeypatch.setattr(fax_documents, "MAX_PDF", 1 << 20)
    fax = received(store, hylafax)

    with pytest.raises(FaxDocumentError, match="failed: it wrote more than 1 MB"):
        received_pdf(store, fax)


def test_the_pages_of_a_pdf_and_of_postscript_are_counted(tmp_path):
    two_pages = tmp_path / "two.ps"
    two_pages.write_bytes(PAGE + PAGE)
    pdf = tmp_path / "two.pdf"
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", f"-sOutputFile={pdf}", str(two_pages)],
                   check=True, capture_output=True)
    dsc = tmp_path / "three.ps"
    dsc.write_bytes(b"%!PS-Adobe-3.0\n%%Pages: 3\n%%EndComments\n")

    assert (count_pages(pdf), count_pages(two_pages), count_pages(dsc)) == (2, 2, 3)
    assert count_pages(tmp_path / "missing.pdf") is None


def test_a_fax_is_printed_by_the_print_command_as_a_pdf(store, hylafax, tmp_path):
    fax = received(store, hylafax, pages=2)
    out = tmp_path / "printed.pdf"
    command = f"'{sys.executable}' -c 'import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])' {{file}} '{out}'"

    print_file(command, received_pdf(store, fax), fax.label())

    assert pdf_pages(out.read_bytes(), tmp_path) == 2


def test_a_print_command_that_fails_is_a_sentence_with_its_words(tmp_path):
    document = tmp_path / "fax.pdf"
    document.write_bytes(b"%PDF-1.4")
    failing = f"'{sys.executable}' -c 'import sys; sys.exit(\"lp: The printer or class does not exist.\")'"

    with pytest.raises(FaxDocumentError) as failed:
        print_file(failing, document, "fax #3")
    assert str(failed.value) == f"Printing fax #3 with {sys.executable} failed: lp: The printer or class does not exist."
    with pytest.raises(FaxDocumentError, match="needs no-such-lp, which is not installed here"):
        print_file("no-such-lp -d office", document, "fax #3")


# -- the agenda --------------------------------------------------------------------------------


def sent_to_server(store, document: Path, job: str) -> Fax:
    """A fax the fax server took as ``job`` now, as sendfax's answer makes it."""
    fax = actions.queue_fax(store, Fax(fax_number="020 7946 0322", recipient="Ann Smith", document=str(document)))

    def handed(f: Fax) -> None:
        rules.start_sending(f, store.now())
        rules.handed_to_server(f, job, store.now())

    return store.repo("faxes").update(fax.id, handed)


def test_the_agenda_names_faxes_received_held_at_the_server_and_failed(store, clock, hylafax, tmp_path):
    document = tmp_path / "quote.ps"
    document.write_bytes(PAGE)
    came_in = received(store, hylafax, pages=3, sender="+44 20 7946 0001")
    for job in ("12", "13"):
        sent_to_server(store, document, job)
    clock.now += timedelta(minutes=30)
    actions.queue_fax(store, Fax(fax_number="020 7946 0444", recipient="Cy Dunn", document=str(document)))
    failed = actions.queue_fax(store, Fax(fax_number="020 7946 0999", recipient="Bob Ray", document=str(document)))

    def fails(fax: Fax) -> None:
        rules.start_sending(fax, clock.now)
        rules.sending_failed(fax, "busy", clock.now, retry=False)

    store.repo("faxes").update(failed.id, fails)
    clock.now += timedelta(hours=5)

    groups = {g.key: g for g in build_agenda(store, clock.now)}

    assert groups["faxes_received"].count == 1
    assert groups["faxes_received"].entries[0].text.startswith("from 020 7946 0001, 3 page(s) — received, ")
    assert groups["faxes_received"].entries[0].record_id == came_in.id
    to_go = groups["faxes_queued"]
    assert to_go.count == 3  # two held at the fax server, one still here
    assert [e.text for e in to_go.entries] == ["to Ann Smith — job 12, at the fax server 5 h",
                                               "to Ann Smith — job 13, at the fax server 5 h", "to Cy Dunn — queued"]
    assert groups["faxes_failed"].entries[0].text.startswith("to Bob Ray — busy, ")
    text = agenda_text(store, clock.now)
    assert "Faxes waiting to go or held at the fax server: 3\n" in text and "Faxes received, not dealt with: 1\n" in text


def test_a_fax_held_at_the_server_over_a_day_is_marked_urgent(store, clock, tmp_path):
    document = tmp_path / "quote.ps"
    document.write_bytes(PAGE)
    sent_to_server(store, document, "7")
    clock.now += timedelta(days=2, hours=1)

    [entry] = {g.key: g for g in build_agenda(store, clock.now)}["faxes_queued"].entries
    assert entry.text == "to Ann Smith — job 7, at the fax server 2 days" and entry.urgent


def test_old_items_are_shown_with_their_date_and_this_weeks_by_weekday(store, clock):
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert moment_said(datetime(2026, 12, 4, 11, 12, tzinfo=UTC), monday) == "Fri 11:12"
    assert moment_said(datetime(2026, 11, 6, 11, 12, tzinfo=UTC), monday) == "Fri 06 Nov 11:12"
    clock.now = datetime(2026, 11, 6, 11, 12, tzinfo=UTC)
    actions.log_call(store, Call(caller="Old Caller", number="020 7946 0111"))
    clock.now = monday

    [entry] = {g.key: g for g in build_agenda(store, clock.now)}["messages_open"].entries
    assert entry.text == "Old Caller — new, Fri 06 Nov 11:12"


@pytest.mark.skipif(not shutil.which("tesseract") and os.environ.get("CI") != "true",
                    reason="tesseract is not installed: the fax is said to be an image")
def test_the_words_of_a_fax_are_read_where_tesseract_is_installed(store, hylafax):
    from data.calls.fax_documents import fax_text, received_document

    fax = received(store, hylafax)
    assert "fax from outside" in (fax_text(received_document(store, fax), fax.label()) or "").lower()


# -- a real printer ----------------------------------------------------------------------------


@pytest.fixture
def ipp_printer(ipp_bus, tmp_path):
    """ippeveprinter taking PDFs and keeping each job's document in its spool (-k)."""
    from tests.ipp_printer import IPPEVEPRINTER
    from tests.servers import free_port, wait_for_port

    spool = tmp_path / "spool"
    spool.mkdir()
    port = free_port()
    process = subprocess.Popen([IPPEVEPRINTER, "-k", "-p", str(port), "-n", "localhost", "-r", "off", "-d", str(spool),
                                "-f", "application/pdf,image/pwg-raster", "Reception printer"],
                               env={**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": ipp_bus.address},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    yield port, spool, process
    process.terminate()
    process.wait(timeout=10)


def test_a_fax_is_printed_on_a_real_ipp_printer_and_a_printer_gone_is_said(store, hylafax, ipp_printer, tmp_path):
    from tests.ipp_printer import IPPTOOL

    port, spool, process = ipp_printer
    command = (f"{IPPTOOL} -tf {{file}} -d filetype=application/pdf ipp://127.0.0.1:{port}/ipp/print"
               " /usr/share/cups/ipptool/print-job.test")
    fax = received(store, hylafax, pages=2)

    printed = actions.print_received_fax(store, fax.id, command)

    assert printed.attempts[-1].action == "printed"
    [job] = wait_until_spooled(spool)
    assert pdf_pages(job.read_bytes(), tmp_path) == 2
    process.terminate()
    process.wait(timeout=10)
    with pytest.raises(FaxDocumentError, match=rf"^Printing fax {fax.label()} with {IPPTOOL} failed: .+"):
        actions.print_received_fax(store, fax.id, command)


def wait_until_spooled(spool: Path) -> list[Path]:
    import time

    for _ in range(100):
        if jobs := sorted(spool.glob("*.pdf")):
            return jobs
        time.sleep(0.1)
    return []


# -- a document named elsewhere ----------------------------------------------------------------


@pytest.mark.parametrize("elsewhere", ["hr/cvs/cv.pdf", "faxes-in/../hr/cvs/cv.pdf", "outside"])
def test_a_received_fax_naming_a_file_elsewhere_is_read_only_from_the_received_faxes(
        store, hylafax, mail_table, smtp, ann, tmp_path, elsewhere):
    secret = store.folder / "hr" / "cvs" / "cv.pdf"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"%PDF-1.4 a candidate's CV")
    named = tmp_path / "someone's home" / "cv.pdf" if elsewhere == "outside" else store.folder / elsewhere
    named.parent.mkdir(parents=True, exist_ok=True)
    named.write_bytes(secret.read_bytes())
    fax = received(store, hylafax)
    fax = store.repo("faxes").update(fax.id, lambda f: setattr(f, "document", str(named)))  # a colleague's edit of the file

    assert b"a candidate's CV" not in received_pdf(store, fax).read_bytes()
    handed = actions.pass_on_fax_and_tell(store, mailboxes(mail_table), fax.id, ann)

    assert handed.told and len(smtp.messages) == 1
    [(_, pdf)] = attached(smtp.messages[0]).items()
    assert b"a candidate's CV" not in pdf and pdf_pages(pdf, tmp_path) == 2
    store.repo("faxes").update(fax.id, lambda f: setattr(f, "received_file", "../hr/cvs/cv.pdf"))
    with pytest.raises(FaxDocumentError, match="is not a file's name"):
        received_pdf(store, store.repo("faxes").get(fax.id))


# -- a stranger's many-page TIFF ---------------------------------------------------------------


def test_a_many_page_fax_tiff_is_read_copying_each_byte_about_once():
    from data.calls.fax_documents import tiff_pages
    from tests.fax_tiffs import CountedBytes, many_page_tiff

    tiff = CountedBytes(many_page_tiff(pages=100, page_bytes=20_000))
    CountedBytes.copied = 0

    pages = tiff_pages(tiff)

    assert len(pages) == 100 and {p.x_dpi for p in pages} == {204}
    assert CountedBytes.copied < 1.1 * len(tiff)  # the rest of the file copied for each value is quadratic


def test_a_fax_tiff_whose_page_directories_hold_megabytes_is_refused_without_tiff2pdf(tmp_path, monkeypatch):
    from data.calls.fax_documents import as_pdf
    from tests.fax_tiffs import many_page_tiff

    tiff = many_page_tiff(pages=60, page_bytes=80_000, strips=20_000)
    only_gs = tmp_path / "bin"
    only_gs.mkdir()
    (only_gs / "gs").symlink_to(GS)
    monkeypatch.setenv("PATH", str(only_gs))

    with pytest.raises(FaxDocumentError, match=r"^Fax #9 is not a fax TIFF that can be read without tiff2pdf: "
                                                r"its page directories hold more than the 4 MB a fax's could\."):
        as_pdf(tiff, "#9")


# -- what the outside programs may take ----------------------------------------------------------


def fake_program(folder: Path, name: str, python: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f"#!{sys.executable}\nimport sys\n{python}\n")
    (folder / name).chmod(0o755)


def test_a_program_printing_without_end_is_stopped_at_the_bound_not_kept_in_memory(store, hylafax, monkeypatch, tmp_path):
    from data.calls import fax_documents

    finished = tmp_path / "finished"
    fake_program(tmp_path / "bin", "tiff2pdf", "for _ in range(3 * 1024):\n    sys.stdout.buffer.write(b'x' * 1024)\n"
                 f"sys.stdout.flush()\nopen({str(finished)!r}, 'w').close()")  # as a PostScript `{{(x) print}} loop` would
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setattr(fax_documents, "MAX_PDF", 1 << 20)
    fax = received(store, hylafax)

    with pytest.raises(FaxDocumentError, match="failed: it wrote more than 1 MB"):
        received_pdf(store, fax)
    assert not finished.exists()  # stopped at the bound, not read whole into memory first


def test_a_document_reader_is_bounded_in_memory(store, hylafax, monkeypatch, tmp_path):
    from data.calls import fax_documents

    fake_program(tmp_path / "bin", "tiff2pdf", "try:\n    hog = bytearray(768 << 20)\nexcept MemoryError:\n"
                 "    sys.exit('tiff2pdf: out of memory')\nopen(sys.argv[2], 'wb').write(b'%PDF-1.4')")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setattr(fax_documents, "MAX_MEMORY", 256 << 20)
    fax = received(store, hylafax)

    with pytest.raises(FaxDocumentError, match=rf"^Making fax {fax.label()} a PDF failed: tiff2pdf: out of memory\.$"):
        received_pdf(store, fax)


def test_a_document_whose_name_begins_with_a_dash_is_counted_not_read_as_an_option(tmp_path, monkeypatch):
    two_pages = tmp_path / "two.ps"
    two_pages.write_bytes(PAGE + PAGE)
    subprocess.run([GS, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", f"-sOutputFile={tmp_path / '-v.pdf'}",
                    str(two_pages)], check=True, capture_output=True)
    (tmp_path / "-q.ps").write_bytes(b"%!PS\n" + PAGE.split(b"\n", 1)[1] * 2)
    monkeypatch.chdir(tmp_path)

    assert count_pages(Path("-v.pdf")) == 2
    assert count_pages(Path("-q.ps")) == 2


def test_a_received_document_that_is_not_a_fax_image_is_not_given_to_the_text_reader(store, hylafax, tmp_path):
    from data.calls.fax_documents import fax_reading

    fax = received(store, hylafax)
    pdf = tmp_path / "two.pdf"
    subprocess.run([GS, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", f"-sOutputFile={pdf}", "-"],
                   input=PAGE, check=True, capture_output=True)
    store.write_output("faxes-in", Path(fax.document).name, pdf.read_bytes())

    reading = fax_reading(store, fax)

    assert "(Its words could not be read: only a fax image (TIFF) is read for its words here" in reading.text
    assert reading.where.startswith("As a PDF: ")


def test_printing_with_no_print_command_set_says_so(store, hylafax):
    fax = received(store, hylafax)

    with pytest.raises(rules.RuleError, match=r"^No print command is set \(print_command\)"):
        actions.print_received_fax(store, fax.id, " ")
    assert [a.action for a in store.repo("faxes").get(fax.id).attempts if a.action == "printed"] == []


def test_a_moment_of_another_year_is_shown_with_its_year():
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert moment_said(datetime(2025, 12, 1, 11, 12, tzinfo=UTC), monday) == "Mon 01 Dec 2025 11:12"
    assert moment_said(datetime(2026, 1, 5, 11, 12, tzinfo=UTC), monday) == "Mon 05 Jan 11:12"
    assert moment_said(datetime(2026, 12, 30, 11, 12, tzinfo=UTC), datetime(2027, 1, 2, 9, 0, tzinfo=UTC)) == "Wed 11:12"


def test_a_call_passed_on_is_told_by_mail_through_the_same_path_as_a_fax(store, mail_table, smtp, ann):
    call = actions.log_call(store, Call(caller="Raj Patel", message="VAT receipt"))

    handed = actions.pass_on_and_tell(store, mailboxes(mail_table), call.id, ann)

    assert (handed.record.for_whom, handed.told, handed.not_told) == (ann, "ann@office.example", "")
    [text] = [p.get_payload(decode=True).decode() for p in smtp.messages[-1].walk() if p.get_content_type() == "text/plain"]
    assert smtp.envelopes[-1] == ["ann@office.example"] and text.startswith("Raj Patel called")
