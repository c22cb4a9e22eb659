"""CVs from files: `backoffice import-cvs` on real PDF, DOCX, ODT and text files, odd and hostile
ones too, and the same person never made twice."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from data.candidates.actions import reject, set_score
from data.candidates.cv_files import normalise
from data.candidates.models import Candidate, Criterion, Position, PositionStatus, Stage
from tests.cv_samples import ANN, write_docx, write_odt, write_pdf, write_zip_bomb
from tests.servers import missing
from tui.cli import main

BOB = ["BOB  CARR", "Warehouse supervisor", "Tel: +44 (0)161 496 0000", "bob.carr@example.org"]


@pytest.fixture
def opening(store):
    return store.repo("positions").add(Position(title="Bookkeeper", criteria=[Criterion(name="Excel")]))


@pytest.fixture
def cvs(tmp_path) -> Path:
    folder = tmp_path / "cvs-from-mail"
    folder.mkdir()
    return folder


def import_cvs(store, capsys, *args) -> tuple[int, list[str], list[str]]:
    code = main(["--data", str(store.folder), "import-cvs", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def candidates(store) -> dict[str, Candidate]:
    return {c.name: c for c in store.repo("candidates").list()}


@pytest.fixture
def without_pdftotext(monkeypatch, tmp_path):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture
def poppler() -> None:
    if shutil.which("pdftotext") is None:
        missing("poppler's pdftotext", "poppler-utils")  # a failure in CI, which installs it


# -- each format ------------------------------------------------------------------------------


@pytest.mark.parametrize("write", [
    pytest.param(lambda p: write_pdf(p / "ann.pdf", ANN), id="pdf by pdftotext"),
    pytest.param(lambda p: write_docx(p / "ann.docx", ANN), id="docx"),
    pytest.param(lambda p: write_odt(p / "ann.odt", ANN), id="odt"),
    pytest.param(lambda p: (p / "ann.txt").write_text("\n".join(ANN)) and p / "ann.txt", id="text"),
])
def test_a_cv_file_becomes_a_candidate_with_its_text_name_email_and_phone(store, opening, cvs, capsys, write, request):
    path = write(cvs)
    if path.suffix == ".pdf":
        request.getfixturevalue("poppler")
    code, out, err = import_cvs(store, capsys, "Bookkeeper", path)
    assert (code, out, err) == (0, [f"{path.name}: Ann Lee, new (#1)"], [])
    ann = store.repo("candidates").get(1)
    assert (ann.name, ann.email, ann.phone, ann.position_id, ann.stage) == (
        "Ann Lee", "ann.lee@example.com", "+447700900123", opening.id, Stage.APPLIED)
    assert "Five years of accounts for a charity." in ann.cv_text
    assert (store.folder / "hr" / ann.cv_path).read_bytes() == path.read_bytes()


def test_without_pdftotext_the_pdf_is_read_by_the_python_library(store, opening, cvs, capsys, without_pdftotext):
    assert shutil.which("pdftotext") is None
    code, out, _ = import_cvs(store, capsys, opening.id, write_pdf(cvs / "cv-07.pdf", ANN))
    assert (code, out) == (0, ["cv-07.pdf: Ann Lee, new (#1)"])
    assert store.repo("candidates").get(1).cv_text.splitlines()[-1] == "Five years of accounts for a charity."


def test_where_pdftotext_is_installed_it_reads_the_pdf(store, opening, cvs, capsys, tmp_path, monkeypatch):
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "pdftotext").write_text("#!/bin/sh\ncat >/dev/null\nprintf 'Read By Poppler\\nposted@example.com\\n'\n")
    (tools / "pdftotext").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    import_cvs(store, capsys, "Bookkeeper", write_pdf(cvs / "cv.pdf", ANN))
    assert store.repo("candidates").get(1).cv_text == "Read By Poppler\nposted@example.com"


def test_a_folder_of_cvs_is_imported_file_by_file_and_other_files_are_named(store, opening, cvs, capsys):
    write_docx(cvs / "cv-01.docx", ANN)
    write_odt(cvs / "cv-02.odt", BOB)
    (cvs / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo")
    (cvs / ".hidden.txt").write_text("Not Me\n")
    code, out, err = import_cvs(store, capsys, "Bookkeeper", cvs)
    assert out == ["cv-01.docx: Ann Lee, new (#1)", "cv-02.odt: Bob Carr, new (#2)"]
    assert err == ["backoffice: photo.jpg: not a CV file this reads (PDF, DOCX, ODT or text); left out"]
    assert code == 2  # something was left out; the rest is in
    bob = candidates(store)["Bob Carr"]
    assert (bob.email, bob.phone) == ("bob.carr@example.org", "+441614960000")


def test_what_the_text_does_not_give_is_said_and_the_name_comes_from_the_file(store, opening, cvs, capsys):
    (cvs / "cv-11.txt").write_text("Experience\n2019 - 2023 bookkeeping at a bakery\nreach me on 0161 496 0000\n")
    code, out, _ = import_cvs(store, capsys, "Bookkeeper", cvs / "cv-11.txt")
    assert out == ["cv-11.txt: cv-11, new (#1); no name, no e-mail found (named after the file)"]
    assert store.repo("candidates").get(1).phone == "+441614960000"  # not the years


def test_an_opening_that_does_not_exist_or_is_closed_is_refused(store, opening, cvs, capsys):
    path = write_docx(cvs / "ann.docx", ANN)
    store.repo("positions").add(Position(title="Driver", status=PositionStatus.CLOSED))
    assert import_cvs(store, capsys, "Typist", path) == (
        2, [], ["backoffice: There is no opening 'Typist' (openings: #1 Bookkeeper, #2 Driver)."])
    assert import_cvs(store, capsys, "driver", path) == (2, [], ["backoffice: Driver (#2) is closed: reopen it to take CVs."])
    assert store.repo("candidates").list() == []


# -- odd and hostile files ------------------------------------------------------------------------


def test_odd_and_hostile_files_are_each_refused_in_a_sentence_naming_them(store, opening, cvs, capsys, without_pdftotext):
    write_pdf(cvs / "a-locked.pdf", ANN, password="s3cret")
    (cvs / "b-cut.pdf").write_bytes(write_pdf(cvs / "whole.pdf", ANN).read_bytes()[:300])
    (cvs / "whole.pdf").unlink()
    write_pdf(cvs / "c-scan.pdf", [])
    write_pdf(cvs / "d-book.pdf", ANN, pages=41)
    write_zip_bomb(cvs / "e-bomb.docx", 40 * 2**20)
    with open(cvs / "f-huge.pdf", "wb") as huge:  # 200 MB that take no disk
        huge.write(b"%PDF-1.4\n")
        huge.truncate(200 * 2**20)
    (cvs / "g-old.txt").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old Word file renamed")
    write_odt(cvs / "h-entities.odt", [], content='<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    (cvs / "i-zip.docx").write_bytes(b"PK\x03\x04 cut short")
    write_docx(cvs / "j-fine.docx", ANN)

    code, out, err = import_cvs(store, capsys, "Bookkeeper", cvs)
    assert code == 2
    assert out == ["j-fine.docx: Ann Lee, new (#1)"]
    assert [line.removeprefix("backoffice: ") for line in err] == [
        "a-locked.pdf: the PDF is protected by a password; ask for one without",
        "b-cut.pdf: not a PDF that can be read (damaged or cut short?)",
        "c-scan.pdf: no text could be read (a scanned image?)",
        "d-book.pdf: more than 40 pages is not a CV; it was not read",
        "e-bomb.docx: unpacks to more than 20 MB (a zip bomb?); it was not read",
        "f-huge.pdf: 200 MB is too big for a CV (at most 20 MB); it was not read",
        "g-old.txt: an old Word file (.doc); save it as DOCX or PDF and import that",
        "h-entities.odt: its XML declares entities, which no office program writes; it was not read",
        "i-zip.docx: a damaged zip file (cut short?); it was not read",
    ]
    assert len(list((store.folder / "hr" / "cvs").iterdir())) == 1  # nothing kept of the refused ones


def test_poppler_refuses_the_same_files_in_the_same_words(store, opening, cvs, capsys, poppler):
    write_pdf(cvs / "a-locked.pdf", ANN, password="s3cret")
    (cvs / "b-cut.pdf").write_bytes(b"%PDF-1.4\nnot really")
    write_pdf(cvs / "c-scan.pdf", [])
    write_pdf(cvs / "d-book.pdf", ANN, pages=41)
    _, _, err = import_cvs(store, capsys, "Bookkeeper", cvs)
    assert [line.partition(": ")[2].partition(": ")[2] for line in err] == [
        "the PDF is protected by a password; ask for one without", "not a PDF that can be read (damaged or cut short?)",
        "no text could be read (a scanned image?)", "more than 40 pages is not a CV; it was not read",
    ]


def test_a_pdf_locked_only_against_changes_is_read(store, opening, cvs, capsys, without_pdftotext):
    write_pdf(cvs / "cv.pdf", ANN, password="")
    assert import_cvs(store, capsys, "Bookkeeper", cvs / "cv.pdf")[1] == ["cv.pdf: Ann Lee, new (#1)"]


def test_escape_sequences_and_markup_in_a_cv_are_stored_as_plain_visible_text(store, opening, cvs, capsys):
    (cvs / "cv.txt").write_bytes("Eve Moss\n\x1b]0;pwned\x07[bold]boss[/bold]\x1b[2J\u202eevil\n".encode())
    code, out, _ = import_cvs(store, capsys, "Bookkeeper", cvs / "cv.txt")
    assert code == 0 and "\x1b" not in "".join(out)
    assert store.repo("candidates").get(1).cv_text == "Eve Moss\n␛]0;pwned␇[bold]boss[/bold]␛[2J\ufffdevil"


def test_a_file_name_with_an_escape_sequence_names_the_candidate_visibly(store, opening, cvs, capsys):
    (cvs / "\x1b[2Jcv.txt").write_text("nothing that looks like a name\n")
    code, out, _ = import_cvs(store, capsys, "Bookkeeper", cvs)
    assert code == 0 and out == ["␛[2Jcv.txt: ␛[2Jcv, new (#1); no name, no e-mail, no phone found (named after the file)"]


def test_ligatures_odd_spacing_and_hyphenated_line_ends_are_mended():
    raw = ("J A N E   D O E\r\nCertiﬁed   accountant,\tﬂuent in Excel\n\n\n\nfive years of experi-\nence in "
           "small ofﬁces\nJean-\nPaul Martin, A-\nlevels\u00ad\u200b\n")
    assert normalise(raw) == ("JANE DOE\nCertified accountant, fluent in Excel\n\nfive years of experience\nin small offices\n"
                              "Jean-\nPaul Martin, A-\nlevels")


def test_a_very_long_cv_keeps_its_first_50000_characters_and_says_so(store, opening, cvs, capsys):
    (cvs / "long.txt").write_text("Ann Lee\n" + "Lots of experience.\n" * 5000)
    _, out, _ = import_cvs(store, capsys, "Bookkeeper", cvs / "long.txt")
    assert out == ["long.txt: Ann Lee, new (#1); no e-mail, no phone found; only the first 50,000 characters of its text were kept"]
    assert 49_900 < len(store.repo("candidates").get(1).cv_text) <= 50_000


# -- the kept file ------------------------------------------------------------------------------


def test_the_kept_cv_has_the_mode_and_group_of_people_json_and_a_name_of_its_own(store, opening, cvs, capsys):
    people = store.file("people")
    os.chown(people, -1, 100)
    people.chmod(0o640)
    path = write_docx(cvs / "Ann Lee CV (final).docx", ANN)
    path.chmod(0o666)
    import_cvs(store, capsys, "Bookkeeper", path)
    kept = store.folder / "hr" / store.repo("candidates").get(1).cv_path
    assert kept.parent == store.folder / "hr" / "cvs"
    assert "Ann" not in kept.name and kept.suffix == ".docx"
    assert (stat.S_IMODE(kept.stat().st_mode), kept.stat().st_gid) == (0o640, 100)


# -- the same person twice -------------------------------------------------------------------------


def test_the_same_email_on_the_same_opening_is_merged_keeping_history_and_scores(store, opening, cvs, capsys):
    import_cvs(store, capsys, "Bookkeeper", write_docx(cvs / "cv-01.docx", ANN))
    set_score(store, 1, "Excel", 4)
    reject(store, 1, "no references")
    first_file = store.folder / "hr" / store.repo("candidates").get(1).cv_path
    newer = ["Ann Lee", "ANN.LEE@example.com", "Now with references."]
    code, out, _ = import_cvs(store, capsys, "Bookkeeper", write_pdf(cvs / "cv-09.pdf", newer))
    assert (code, out) == (0, ["cv-09.pdf: merged into #1 Ann Lee (same e-mail)"])
    ann = store.repo("candidates").get(1)
    assert (ann.scores, [s.stage for s in ann.history], ann.phone) == ({"tester": {"Excel": 4}}, [Stage.REJECTED], "+447700900123")
    assert ann.cv_text.endswith("Now with references.") and ann.cv_path.endswith(".pdf")
    assert not first_file.exists() and len(store.repo("candidates").list()) == 1


def test_the_same_phone_is_merged_and_another_opening_is_a_new_candidacy(store, opening, cvs, capsys):
    driver = store.repo("positions").add(Position(title="Driver"))
    import_cvs(store, capsys, "Bookkeeper", write_odt(cvs / "bob.odt", BOB))
    same_phone = ["Robert Carr", "0161 496 0000"]
    assert import_cvs(store, capsys, "Bookkeeper", write_docx(cvs / "robert.docx", same_phone))[1] == [
        "robert.docx: merged into #1 Bob Carr (same phone)"]
    assert import_cvs(store, capsys, "Driver", cvs / "bob.odt")[1] == ["bob.odt: Bob Carr, new (#2); also a candidate as #1 on Bookkeeper"]
    assert [(c.name, c.position_id) for c in store.repo("candidates").list()] == [("Bob Carr", opening.id), ("Bob Carr", driver.id)]


def test_the_same_csv_imported_twice_makes_no_second_candidate(store, opening, tmp_path, capsys):
    rows = tmp_path / "applicants.csv"
    rows.write_text(f"name,email,phone,position_id,cv_text\nAnn Lee,ann@example.com,,{opening.id},first CV\n"
                    f"Bob Carr,,0161 496 0000,{opening.id},\n")
    assert main(["--data", str(store.folder), "import", "candidates", str(rows)]) == 0
    set_score(store, 1, "Excel", 5)
    rows.write_text(rows.read_text().replace("first CV", "second CV"))
    assert main(["--data", str(store.folder), "import", "candidates", str(rows)]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "line 2: merged into #1 Ann Lee (same e-mail or phone on the same opening)",
        "line 3: merged into #2 Bob Carr (same e-mail or phone on the same opening)",
    ]
    ann, bob = store.repo("candidates").list()
    assert (ann.cv_text, ann.scores, bob.name) == ("second CV", {"tester": {"Excel": 5}}, "Bob Carr")

