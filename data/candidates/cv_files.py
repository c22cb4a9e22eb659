"""The text of a CV file: PDF, DOCX, ODT or plain text.

A CV comes from outside, so it is hostile until read: its size, its pages and what its
compressed parts unpack to are bounded, a damaged or password-protected file is a sentence,
never a crash, and what it says is made plain text (``visible``) before anyone sees it.

PDFs are read by poppler's ``pdftotext`` where it is installed (fast, and the best reading
order), else by pypdf. DOCX and ODT are zip files of XML read with the standard library:
python-docx and odfpy would add lxml, several megabytes, to read a few tags. The PDF
library is imported only when a PDF is read.
"""

from __future__ import annotations

import io
import os
import re
import select
import shutil
import subprocess
import threading
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.parsers import expat

from data.engine.errors import RuleError
from data.engine.text import visible
from data.mail.models import DOCUMENT_SUFFIXES

MAX_FILE_BYTES = 20 * 2**20  # a CV with photos is a few MB; this is far past any
MAX_PAGES = 40
MAX_UNPACKED_BYTES = 20 * 2**20  # what the parts of a DOCX or ODT read may unpack to, all together (a zip bomb unpacks to GBs)
MAX_TEXT = 50_000  # characters kept: what a candidate's CV field holds
MAX_RAW_TEXT = 20 * MAX_TEXT  # characters read from a file before they are made plain; past it the rest is not read
PDF_TEXT_BYTES = 4 * MAX_RAW_TEXT  # what pdftotext may write: MAX_RAW_TEXT characters of UTF-8
PDFTOTEXT_SECONDS = 60
SUFFIXES = DOCUMENT_SUFFIXES
WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"  # as expat names tags
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class CvUnreadable(RuleError):
    """A sentence that names the file and says why its text could not be read."""


@dataclass(frozen=True)
class CvText:
    text: str
    cut: bool = False  # longer than MAX_TEXT: only the start was kept


@dataclass(frozen=True)
class Raw:
    """The text as the file gives it; ``cut`` when reading stopped at MAX_RAW_TEXT."""

    text: str
    cut: bool = False

    @classmethod
    def bounded(cls, text: str, cut: bool = False) -> Raw:
        return cls(text[:MAX_RAW_TEXT], cut=cut or len(text) > MAX_RAW_TEXT)


def read_cv(path: Path, name: str = "") -> CvText:
    """The normalised text of the CV at ``path``; CvUnreadable, in words, when there is none.
    ``name``: what the file is called in what is said (the path's own name by default)."""
    name = name or path.name
    return cv_text(name, read_bounded(path, name))


def cv_text(name: str, data: bytes) -> CvText:
    """The normalised text of the CV file ``name`` whose bytes are ``data``."""
    raw = extract(name, data)
    text = normalise(raw.text)
    if not text.strip():
        raise CvUnreadable(f"{name}: no text could be read (a scanned image?)")
    if len(text) <= MAX_TEXT and not raw.cut:
        return CvText(text)
    return CvText(cut_at_a_line(text), cut=True)


def cut_at_a_line(text: str) -> str:
    end = text.rfind("\n", 0, MAX_TEXT)
    return text[: end if end > 0 else MAX_TEXT].rstrip()


def read_bounded(path: Path, name: str = "") -> bytes:
    name = name or path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CvUnreadable(f"{name}: {size / 2**20:.0f} MB is too big for a CV (at most {MAX_FILE_BYTES // 2**20} MB); it was not read")
        with open(path, "rb") as file:
            return file.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]
    except OSError as error:
        raise CvUnreadable(f"{name}: cannot be read ({error.strerror or error})") from error


def extract(name: str, data: bytes) -> Raw:
    """The raw text of the file, by what it is rather than what it is called."""
    if data.startswith(b"%PDF-"):
        return pdf_text(name, data)
    if data.startswith(b"PK\x03\x04"):
        return zipped_text(name, data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CvUnreadable(f"{name}: an old Word file (.doc); save it as DOCX or PDF and import that")
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise CvUnreadable(f"{name}: a picture, not text (a scanned CV needs typing in)")
    if data.startswith(b"{\\rtf"):
        raise CvUnreadable(f"{name}: an RTF file; save it as DOCX or PDF and import that")
    return plain_text(name, data)


# -- plain text ------------------------------------------------------------------------------
def plain_text(name: str, data: bytes) -> Raw:
    return Raw.bounded(decoded(name, data))


def decoded(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise CvUnreadable(f"{name}: not a CV file this reads (PDF, DOCX, ODT or plain text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what older Windows editors wrote


# -- PDF ---------------------------------------------------------------------------------------
def pdf_text(name: str, data: bytes) -> Raw:
    if shutil.which("pdftotext"):
        return pdftotext(name, data)
    return pypdf_text(name, data)


def pdftotext(name: str, data: bytes) -> Raw:
    """poppler's reading, one page past the limit so that a longer file is known to be. What it
    writes is read no further than MAX_RAW_TEXT characters' worth (a page of a few kilobytes
    can draw megabytes of text), then it is stopped."""
    command = ["pdftotext", "-q", "-enc", "UTF-8", "-l", str(MAX_PAGES + 1), "-", "-"]
    reading = subprocess.Popen(command, bufsize=0, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    threading.Thread(target=feed, args=(reading.stdin, data), daemon=True).start()
    out, ended = b"", False
    try:
        out, ended = read_within(reading.stdout, PDF_TEXT_BYTES, time.monotonic() + PDFTOTEXT_SECONDS)
    finally:
        reading.stdout.close()
        if not ended:
            reading.kill()
        code = reading.wait()
    if not ended and len(out) <= PDF_TEXT_BYTES:
        raise CvUnreadable(f"{name}: reading it took longer than {PDFTOTEXT_SECONDS} s; it was not read")
    if ended and code != 0:
        raise CvUnreadable(pdf_refusal(name, data, code))
    text = out.decode("utf-8", errors="replace")
    if text.count("\f") > MAX_PAGES:
        raise too_many_pages(name)
    return Raw.bounded(text, cut=not ended)


def feed(stream: IO[bytes], data: bytes) -> None:
    """The PDF into pdftotext's input, beside the reading of its output (a pipe holds 64 KB)."""
    rest = memoryview(data)
    try:
        while rest:
            rest = rest[stream.write(rest) or 0:]
    except OSError:  # it stopped reading: it failed, or was stopped; its exit status says which
        pass
    finally:
        stream.close()


def read_within(stream: IO[bytes], limit: int, deadline: float) -> tuple[bytes, bool]:
    """What ``stream`` gives, and whether it ended before ``deadline`` and within ``limit``
    bytes (past it, a chunk more than the limit is returned)."""
    chunks, size = [], 0
    while size <= limit:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([stream], [], [], left)[0]:
            break
        chunk = os.read(stream.fileno(), 2**16)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


def pdf_refusal(name: str, data: bytes, code: int) -> str:
    # pdftotext's exit status 3 is "permission": an owner password forbids copying text
    if code == 3 or b"/Encrypt" in data:
        return f"{name}: the PDF is protected by a password; ask for one without"
    return f"{name}: not a PDF that can be read (damaged or cut short?)"


def too_many_pages(name: str) -> CvUnreadable:
    return CvUnreadable(f"{name}: more than {MAX_PAGES} pages is not a CV; it was not read")


def pypdf_text(name: str, data: bytes) -> Raw:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):  # "" opens a file locked against changes only
            raise CvUnreadable(f"{name}: the PDF is protected by a password; ask for one without")
        if len(reader.pages) > MAX_PAGES:
            raise too_many_pages(name)
        pages: list[str] = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            if sum(map(len, pages)) > MAX_RAW_TEXT:
                return Raw.bounded("\f".join(pages), cut=True)
        return Raw("\f".join(pages))
    except CvUnreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError, NotImplementedError) as error:
        if "decrypt" in str(error).lower() or "cryptography" in str(error).lower():
            raise CvUnreadable(f"{name}: the PDF is protected by a password; ask for one without") from error
        raise CvUnreadable(f"{name}: not a PDF that can be read (damaged or cut short?)") from error


# -- DOCX and ODT --------------------------------------------------------------------------------
class Enough(Exception):
    """Raised inside the XML reader once MAX_RAW_TEXT characters are in: the rest is not read."""


class OfficeText:
    """The words of a DOCX's or ODT's XML, taken as the parts stream out of the zip: no tree is
    built, so what is held is the text found, never the markup (a tree of 20 MB of markup is
    hundreds of MB); an element nested 100,000 deep costs a list entry, not Python's stack."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.out: list[str] = []
        self.size = 0
        self.open: list[str] = []  # the tags entered and not yet left, innermost last

    def text(self) -> str:
        return "".join(self.out)

    def add(self, text: str) -> None:
        self.out.append(text)
        self.size += len(text)
        if self.size > MAX_RAW_TEXT:
            raise Enough

    def read(self, archive: zipfile.ZipFile, part: str) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        parser.StartDoctypeDeclHandler = self.refuse_doctype
        self.open = []
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(2**16):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise CvUnreadable(f"{self.name}: damaged inside ({part} is not valid XML)") from error

    def refuse_doctype(self, *_: object) -> None:  # no office program writes one; entity bombs need one
        raise CvUnreadable(f"{self.name}: its XML declares entities, which no office program writes; it was not read")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.open.append(tag)

    def end(self, tag: str) -> None:
        self.open.pop()

    def data(self, text: str) -> None:
        pass


class DocxText(OfficeText):
    """Runs of text, tabs and breaks; a paragraph or table cell ends a line. What sits in an
    mc:Fallback is the same text box again, for older programs, and is skipped."""

    skipping = 0  # how many mc:Fallback elements we are inside

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag.endswith("}Fallback") or self.skipping:
            self.skipping += 1
            return
        super().start(tag, attributes)
        if tag == f"{WORD}tab":
            self.add("\t")
        elif tag in (f"{WORD}br", f"{WORD}cr"):
            self.add("\n")

    def end(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        super().end(tag)
        if tag in (f"{WORD}p", f"{WORD}tc"):
            self.add("\n")

    def data(self, text: str) -> None:
        if not self.skipping and self.open and self.open[-1] == f"{WORD}t":
            self.add(text)


class OdtText(OfficeText):
    """The text of the text:* elements, spaces, tabs and line breaks; a paragraph or heading
    ends a line."""

    EMPTY = (f"{TEXT_NS}s", f"{TEXT_NS}tab", f"{TEXT_NS}line-break")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        super().start(tag, attributes)
        if tag == f"{TEXT_NS}s":
            self.add(" " * spaces(attributes.get(f"{TEXT_NS}c", "")))
        elif tag == f"{TEXT_NS}tab":
            self.add("\t")
        elif tag == f"{TEXT_NS}line-break":
            self.add("\n")

    def end(self, tag: str) -> None:
        super().end(tag)
        if tag in (f"{TEXT_NS}p", f"{TEXT_NS}h"):
            self.add("\n")

    def data(self, text: str) -> None:
        inside = self.open[-1] if self.open else ""
        if inside.startswith(TEXT_NS) and inside not in self.EMPTY:
            self.add(text)


def spaces(count: str) -> int:
    """<text:s text:c="3"/>: three spaces; a count that is no number is one."""
    return min(int(count), 100) if count.isdigit() else 1


def zipped_text(name: str, data: bytes) -> Raw:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                parts = [p for p in sorted(names) if re.fullmatch(r"word/header\d*\.xml", p)] + ["word/document.xml"]
                return office_text(name, archive, parts, DocxText(name))
            if "content.xml" in names and "mimetype" in names and first_bytes(archive, "mimetype").strip() == ODT_MIMETYPE:
                return office_text(name, archive, ["content.xml"], OdtText(name))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError, zlib.error) as error:
        raise CvUnreadable(f"{name}: a damaged zip file (cut short?); it was not read") from error
    raise CvUnreadable(f"{name}: a zip file, but not a DOCX or ODT document")


def office_text(name: str, archive: zipfile.ZipFile, parts: list[str], reader: OfficeText) -> Raw:
    """The text of ``parts``, read in turn, refused when together they would unpack to more
    than MAX_UNPACKED_BYTES: the zip module reads a part no further than the size its header
    gives, so the sum of those is a bound, known before anything is unpacked."""
    if sum(archive.getinfo(part).file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise CvUnreadable(f"{name}: unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB (a zip bomb?); it was not read")
    try:
        for part in parts:
            reader.read(archive, part)
            reader.add("\n")
    except Enough:
        return Raw(reader.text(), cut=True)
    return Raw(reader.text().removesuffix("\n"))


def first_bytes(archive: zipfile.ZipFile, part: str) -> bytes:
    with archive.open(part) as stream:
        return stream.read(len(ODT_MIMETYPE) + 64)


# -- normalising ---------------------------------------------------------------------------------
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero widths
SPACED_OUT = re.compile(r"(?:\S ){2,}\S(?: {2,}(?:\S )*\S)*")  # "J a n e   D o e": a letter-spaced heading
# The look-behind starts a word only where one starts: tried from inside a long word, the
# search ran on to its end from every letter (a CV of one 200 KB word never finished).
HYPHENATED = re.compile(r"(?<![^\W\d_])([^\W\d_]+)-\n[ \t]*([^\W\d_]+)([^\S\n]*)")


def normalise(raw: str) -> str:
    """Ligatures and full-width forms folded (NFKC), invisible characters dropped, letter-spaced
    headings closed up, runs of spaces collapsed, words hyphenated at a line's end joined,
    blank lines at most one, and what is left of control characters made visible."""
    text = unicodedata.normalize("NFKC", raw.replace("\r\n", "\n").replace("\r", "\n")).translate(INVISIBLE)
    text = text.replace("\f", "\n\n")
    lines = [close_up(line.replace("\t", " ")) for line in text.split("\n")]
    text = "\n".join(re.sub(r" {2,}", " ", line).strip() for line in lines)
    text = HYPHENATED.sub(join_hyphenated, text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return visible(text)


def close_up(line: str) -> str:
    stripped = line.strip()
    if not SPACED_OUT.fullmatch(stripped):
        return line
    return " ".join(word.replace(" ", "") for word in re.split(r" {2,}", stripped))


def join_hyphenated(found: re.Match) -> str:
    """'experi-\\nence in' → 'experience\\nin'; 'Jean-\\nPaul' and 'A-\\nlevels' keep their hyphen."""
    before, after = found.group(1), found.group(2)
    if before[-1].islower() and after[0].islower():
        return f"{before}{after}\n"
    return found.group(0)
