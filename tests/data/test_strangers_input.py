"""What strangers send costs time in proportion to its size and bounded memory: CVs, mail and
files to import that are built to be slow or large are read, cut or refused in a sentence, and
the work moves on past them.

How long the reading takes is measured by bench/strangers.py, not here. What these tests hold
is that none of it stalls: each pathological input is read in a child process that must be
done within STALL seconds, far past what the reading takes now (under a second) and far short
of what it took before (minutes to hours for the same input).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from data.candidates.cv_files import CvUnreadable, read_cv
from data.candidates.cv_suggestions import suggest
from data.candidates.models import Position
from tui.cli import main

STALL = 30  # seconds
T = TypeVar("T")
WORD_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def within_a_stall(work: Callable[[], T]) -> T:
    """What ``work()`` returns, run in a forked child that is stopped after STALL seconds."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def run() -> None:
        try:
            results.put((True, work()))
        except BaseException as error:  # said in the parent, which fails the test
            results.put((False, f"{error!r}\n{traceback.format_exc()}"))

    child = context.Process(target=run)
    child.start()
    try:
        done, value = results.get(timeout=STALL)
    except queue.Empty:
        pytest.fail(f"still at work after {STALL} s")
    finally:
        child.kill()
        child.join()
    if not done:
        pytest.fail(value)
    return value


# -- CVs ---------------------------------------------------------------------------------------


@pytest.fixture
def opening(store):
    return store.repo("positions").add(Position(title="Bookkeeper"))


@pytest.mark.parametrize("body", [
    pytest.param("a" * 400_000, id="one word"),
    pytest.param("a " * 200_000, id="one letter-spaced word"),
])
def test_a_cv_of_one_enormous_word_is_taken_cut_to_its_start(store, opening, tmp_path, capsys, body):
    cv = tmp_path / "word.txt"
    cv.write_text("Ann Lee\n" + body)

    def take() -> tuple[int, str]:
        code = main(["--data", str(store.folder), "import-cvs", "Bookkeeper", str(cv)])
        return code, capsys.readouterr().out

    code, out = within_a_stall(take)
    assert (code, out) == (0, "word.txt: Ann Lee, new (#1); no e-mail, no phone found; "
                              "only the first 50,000 characters of its text were kept\n")


def test_what_a_text_suggests_is_found_in_text_of_any_length():
    text = "Ann Lee\n" + "a" * 200_000 + " ann.lee@example.com " + "1" * 200_000 + " +44 7700 900123"
    found = within_a_stall(lambda: suggest(text))
    assert (found.name, found.email, found.phone) == ("Ann Lee", "ann.lee@example.com", "+447700900123")


def write_docx_parts(path: Path, parts: int, each: int) -> Path:
    """A DOCX whose headers each unpack to ``each`` bytes of text: together far more than any
    one of them, and than any CV."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("word/document.xml", f"<w:document {WORD_NS}><w:body><w:p><w:r><w:t>Ann Lee</w:t></w:r></w:p></w:body></w:document>")
        text = f"<w:hdr {WORD_NS}><w:p><w:r><w:t>{'Experience. ' * (each // 12)}</w:t></w:r></w:p></w:hdr>"
        for number in range(1, parts + 1):
            docx.writestr(f"word/header{number}.xml", text)
    return path


def test_a_docx_whose_parts_together_unpack_past_the_cap_is_refused_though_none_alone_does(tmp_path):
    docx = write_docx_parts(tmp_path / "parts.docx", parts=3, each=8 * 2**20)
    with pytest.raises(CvUnreadable, match=r"^parts.docx: unpacks to more than 20 MB \(a zip bomb\?\); it was not read$"):
        read_cv(docx)


def test_a_docx_with_photos_past_the_cap_is_read_since_only_its_text_parts_count(tmp_path):
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as docx:
        years = "".join(f"<w:p><w:r><w:t>Accounts, year {n}.</w:t></w:r></w:p>" for n in range(120_000))  # 6 MB
        docx.writestr("word/document.xml", f"<w:document {WORD_NS}><w:body>{years}</w:body></w:document>", zipfile.ZIP_DEFLATED)
        docx.writestr("word/media/image1.jpeg", os.urandom(15 * 2**20))
    cv = read_cv(path)
    assert cv.cut and cv.text.startswith("Accounts, year 0.\nAccounts, year 1.\n")


# -- mail --------------------------------------------------------------------------------------


def mail(subject: str, head: str = "", body: str = "Please send 5 boxes.\r\n") -> bytes:
    return (f"From: Ann Lee <ann@supplier.example>\r\nTo: office@office.example\r\nSubject: {subject}\r\n"
            f"{head}\r\n{body}").encode()


def parts(subject: str, count: int, attached: bool = False) -> bytes:
    disposition = 'Content-Disposition: attachment; filename="n.txt"\r\n' if attached else ""
    each = f"--B\r\nContent-Type: text/plain\r\n{disposition}\r\nx\r\n"
    return mail(subject, "Content-Type: multipart/mixed; boundary=B\r\n", "--B\r\n\r\nSee attached.\r\n" + each * count + "--B--\r\n")


def test_strangers_mail_is_kept_saying_what_was_left_out_and_the_fetch_goes_on(store, dovecot, mail_table):
    from data.mail import actions
    from data.mail.mailboxes import mailbox
    from tests.servers import deliver

    user = mail_table["imap"].split("//")[1].split("@")[0]
    for raw in (mail("Open tags", "Content-Type: text/html\r\n", "<a\n" * 350_000),
                mail("Long headers", "X-Filler: x\r\n" * 30_000),
                parts("Many parts", 1_500),
                parts("Many attachments", 300, attached=True),
                mail("Order 2")):
        deliver(dovecot, user, raw)
    box = mailbox("office", {**mail_table, "delete_after_fetch": True})

    assert within_a_stall(lambda: actions.fetch_mail(store, box).new) == 5
    kept = {m.subject: m for m in store.repo("mail").list()}
    assert {subject: m.problems for subject, m in kept.items()} == {
        "Open tags": [],
        "Long headers": ["its headers are longer than 256 KB: only their start was read"],
        "Many parts": ["it has more than 1,000 parts: only its headers were read"],
        "Many attachments": ["it has 300 attachments: the first 200 were kept, the others left on the server"],
        "Order 2": [],
    }
    assert len(kept["Many attachments"].attachments) == 200 and kept["Order 2"].text == "Please send 5 boxes."
    client = dovecot.client(user)
    try:
        client.select_folder("INBOX", readonly=True)
        assert len(client.search("ALL")) == 3  # those read only in part stay on the server
    finally:
        client.logout()


def test_a_message_of_more_lines_than_are_read_is_kept_for_its_headers():
    from data.mail.parse import parse_message

    raw = parts("Lines", 0).replace(b"See attached.\r\n", b"x\r\n" * 1_600_000)
    read = parse_message(raw)
    assert (read.fields["subject"], read.fields["text"], read.attachments) == ("Lines", "", [])
    assert read.fields["problems"] == ["it has more than 1,500,000 lines: only its headers were read"]


def test_an_html_mail_longer_than_is_read_says_its_text_is_what_the_start_says():
    from data.mail.parse import parse_message

    read = parse_message(mail("News", "Content-Type: text/html\r\n", "<p>News of the week</p>\r\n" * 200_000))
    assert read.fields["text"].startswith("News of the week\n\nNews of the week")
    assert read.fields["problems"] == ["its HTML is longer than 4 MB: the text is what the first 4 MB say",
                                       "the text was cut at 100,000 characters"]


HTML = """<!DOCTYPE html><HTML><head><title>Offer</title><style>p { color: red }</style></head>
<body><!-- a comment <p>not text</p> --><div class="top">Dear Ann,</div>
<p>Our <b>prices</b> &amp; terms:<br>paper&nbsp;&euro;4 &lt;per box&gt;<BR/>toner &#8364;60</p>
<script type="text/javascript">if (a < b) { document.write("<p>not text</p><!--") }</script>
<ul><li><a href="https://x.example/?a=1&amp;b=2" title="more > less">Order</a></li><li>Call us</li></ul>
<img alt='5 > 3' src="logo.png"><p class=note>it's 5 > 3 and 2 < 4</p></body></HTML>"""


def test_an_html_mail_reads_as_its_words_with_a_line_for_each_block():
    from data.mail.parse import parse_message

    read = parse_message(mail("Offer", "Content-Type: text/html; charset=utf-8\r\n", HTML))
    assert read.fields["text"] == ("Dear Ann,\n\nOur prices & terms:\npaper €4 <per box>\n\ntoner €60\n\n"
                                   "Order\n\nCall us\n\nit's 5 > 3 and 2 < 4")


def test_html_of_a_megabyte_of_unclosed_tags_is_read_without_stalling():
    from data.mail.parse import parse_message

    read = within_a_stall(lambda: parse_message(mail("Open tags", "Content-Type: text/html\r\n", "<a\n" * 350_000)).fields)
    assert (read["subject"], read["text"]) == ("Open tags", "")


# -- imports -----------------------------------------------------------------------------------


def run(folder: Path, capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["--data", str(folder), *args])
    return code, capsys.readouterr().err.splitlines()


def calls_file(path: Path, rows: int) -> Path:
    """``rows`` calls as the file's type writes them, one to a line, and a last line that is no
    text at all: read whole before anything else, it would be what is refused."""
    calls = [{"caller": f"Caller {n:04d}", "number": f"0161 496 {n:04d}"} for n in range(rows)]
    if path.suffix == ".csv":
        text = "caller,number\n" + "".join(f"{c['caller']},{c['number']}\n" for c in calls)
    elif path.suffix == ".jsonl":
        text = "".join(json.dumps(c) + "\n" for c in calls)
    else:
        text = "[\n" + ",\n".join(json.dumps(c) for c in calls) + "\n]\n"
    path.write_bytes(text.encode() + b"\xff\xfe")
    return path


@pytest.mark.parametrize(("name", "line"), [("calls.csv", 7), ("calls.jsonl", 6), ("calls.json", 7)])
def test_an_import_of_more_rows_than_one_takes_is_refused_at_the_line_it_reached_and_nothing_is_written(store, tmp_path, capsys, monkeypatch, name, line):
    from data.engine import transfer

    monkeypatch.setattr(transfer, "MAX_ROWS", 5)
    source = calls_file(tmp_path / name, rows=10_000)  # some 400 KB: read a piece at a time
    before = store.file("calls").read_bytes() if store.file("calls").exists() else b""
    assert run(store.folder, capsys, "import", "calls", str(source)) == (2, [
        f"backoffice: {source}: line {line}: an import takes at most 5 rows; split the file (nothing was imported)"])
    assert (store.file("calls").read_bytes() if store.file("calls").exists() else b"") == before


def test_an_import_of_more_bytes_than_one_takes_is_refused_at_the_line_it_reached(store, tmp_path, capsys, monkeypatch):
    from data.engine import transfer

    monkeypatch.setattr(transfer, "MAX_IMPORT_BYTES", 1000)
    source = calls_file(tmp_path / "calls.csv", rows=1_000)  # 14 bytes to the header, 26 to each row
    assert run(store.folder, capsys, "import", "calls", str(source)) == (2, [
        f"backoffice: {source}: line 39: an import takes at most 1,000 bytes; split the file (nothing was imported)"])


def test_a_file_of_many_bad_rows_names_the_first_hundred_and_how_many_more(store, tmp_path, capsys):
    source = tmp_path / "calls.csv"
    source.write_text("caller,priority\n" + "Ann,whenever\n" * 150)
    code, said = run(store.folder, capsys, "import", "calls", str(source))
    assert code == 2 and len(said) == 101
    assert said[0] == "backoffice: line 2: field 'priority': expected one of 'low', 'normal' or 'urgent'"
    assert said[99].startswith("backoffice: line 101: ") and said[100] == "backoffice: ... and 50 more problems"


@pytest.mark.parametrize("damage", ["an ODT without its mimetype", "a part whose deflate stream is broken"])
def test_a_damaged_office_file_is_refused_in_a_sentence_and_the_import_goes_on(store, tmp_path, damage):
    from data.candidates.cv_import import import_cvs
    from data.candidates.models import Position

    store.repo("positions").add(Position(title="Clerk"))
    broken = tmp_path / ("cv.odt" if damage.startswith("an ODT") else "cv.docx")
    with zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as archive:
        part = "content.xml" if damage.startswith("an ODT") else "word/document.xml"
        archive.writestr(part, "<document>" + "Ann Lee, bookkeeper. " * 200 + "</document>")
    if not damage.startswith("an ODT"):
        data = bytearray(broken.read_bytes())
        start = data.index(b"word/document.xml") + len("word/document.xml")
        data[start + 10:start + 40] = b"\xff" * 30  # inside the compressed part
        broken.write_bytes(bytes(data))
    fine = tmp_path / "ann.txt"
    fine.write_text("Ann Lee\nann@example.com\nBookkeeper.")

    outcomes = import_cvs(store, "Clerk", [broken, fine])
    assert [o.candidate is not None for o in outcomes] == [False, True]
    assert outcomes[0].problem.startswith(f"{broken.name}: ")
