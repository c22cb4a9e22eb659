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
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from data.engine.errors import RuleError
from data.engine.text import visible
from data.mail.models import DOCUMENT_SUFFIXES

MAX_FILE_BYTES = 20 * 2**20  # a CV with photos is a few MB; this is far past any
MAX_PAGES = 40
MAX_XML_BYTES = 20 * 2**20  # what one part of a DOCX or ODT may unpack to (a zip bomb unpacks to GBs)
MAX_TEXT = 50_000  # characters kept: what a candidate's CV field holds
PDFTOTEXT_SECONDS = 60
SUFFIXES = DOCUMENT_SUFFIXES
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class CvUnreadable(RuleError):
    """A sentence that names the file and says why its text could not be read."""


@dataclass(frozen=True)
class CvText:
    text: str
    cut: bool = False  # longer than MAX_TEXT: only the start was kept


def read_cv(path: Path, name: str = "") -> CvText:
    """The normalised text of the CV at ``path``; CvUnreadable, in words, when there is none.
    ``name``: what the file is called in what is said (the path's own name by default)."""
    name = name or path.name
    data = read_bounded(path, name)
    raw = extract(name, data)
    text = normalise(raw)
    if not text.strip():
        raise CvUnreadable(f"{name}: no text could be read (a scanned image?)")
    return CvText(text) if len(text) <= MAX_TEXT else CvText(cut_at_a_line(text), cut=True)


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


def extract(name: str, data: bytes) -> str:
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
def plain_text(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise CvUnreadable(f"{name}: not a CV file this reads (PDF, DOCX, ODT or plain text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what older Windows editors wrote


# -- PDF ---------------------------------------------------------------------------------------
def pdf_text(name: str, data: bytes) -> str:
    if shutil.which("pdftotext"):
        return pdftotext(name, data)
    return pypdf_text(name, data)


def pdftotext(name: str, data: bytes) -> str:
    """poppler's reading, one page past the limit so that a longer file is known to be."""
    command = ["pdftotext", "-q", "-enc", "UTF-8", "-l", str(MAX_PAGES + 1), "-", "-"]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=PDFTOTEXT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise CvUnreadable(f"{name}: reading it took longer than {PDFTOTEXT_SECONDS} s; it was not read") from None
    if done.returncode != 0:
        raise CvUnreadable(pdf_refusal(name, data, done.returncode))
    text = done.stdout.decode("utf-8", errors="replace")
    if text.count("\f") > MAX_PAGES:
        raise too_many_pages(name)
    return text


def pdf_refusal(name: str, data: bytes, code: int) -> str:
    # pdftotext's exit status 3 is "permission": an owner password forbids copying text
    if code == 3 or b"/Encrypt" in data:
        return f"{name}: the PDF is protected by a password; ask for one without"
    return f"{name}: not a PDF that can be read (damaged or cut short?)"


def too_many_pages(name: str) -> CvUnreadable:
    return CvUnreadable(f"{name}: more than {MAX_PAGES} pages is not a CV; it was not read")


def pypdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):  # "" opens a file locked against changes only
            raise CvUnreadable(f"{name}: the PDF is protected by a password; ask for one without")
        if len(reader.pages) > MAX_PAGES:
            raise too_many_pages(name)
        return "\f".join(page.extract_text() or "" for page in reader.pages)
    except CvUnreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError, NotImplementedError) as error:
        if "decrypt" in str(error).lower() or "cryptography" in str(error).lower():
            raise CvUnreadable(f"{name}: the PDF is protected by a password; ask for one without") from error
        raise CvUnreadable(f"{name}: not a PDF that can be read (damaged or cut short?)") from error


# -- DOCX and ODT --------------------------------------------------------------------------------
def zipped_text(name: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                parts = [p for p in sorted(names) if re.fullmatch(r"word/header\d*\.xml", p)] + ["word/document.xml"]
                return "\n".join(docx_text(xml_of(name, archive, part)) for part in parts)
            if "content.xml" in names and member(name, archive, "mimetype").strip() == ODT_MIMETYPE:
                return odt_text(xml_of(name, archive, "content.xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as error:
        raise CvUnreadable(f"{name}: a damaged zip file (cut short?); it was not read") from error
    raise CvUnreadable(f"{name}: a zip file, but not a DOCX or ODT document")


def member(name: str, archive: zipfile.ZipFile, part: str) -> bytes:
    """One part, read no further than MAX_XML_BYTES whatever its header claims."""
    with archive.open(part) as stream:
        data = stream.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise CvUnreadable(f"{name}: unpacks to more than {MAX_XML_BYTES // 2**20} MB (a zip bomb?); it was not read")
    return data


def xml_of(name: str, archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    data = member(name, archive, part)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # no office program writes one; entity bombs need one
        raise CvUnreadable(f"{name}: its XML declares entities, which no office program writes; it was not read")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise CvUnreadable(f"{name}: damaged inside ({part} is not valid XML)") from error


def docx_text(root: ElementTree.Element) -> str:
    out: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        tag = element.tag
        if tag == f"{WORD}t":
            out.append(element.text or "")
        elif tag == f"{WORD}tab":
            out.append("\t")
        elif tag in (f"{WORD}br", f"{WORD}cr"):
            out.append("\n")
        if tag.endswith("}Fallback"):  # the same text box again, for older programs
            return
        for child in element:
            walk(child)
        if tag in (f"{WORD}p", f"{WORD}tc"):
            out.append("\n")

    walk(root)
    return "".join(out)


def odt_text(root: ElementTree.Element) -> str:
    out: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        tag = element.tag
        if tag == f"{TEXT_NS}s":
            out.append(" " * min(int(element.get(f"{TEXT_NS}c", "1") or 1), 100))
        elif tag == f"{TEXT_NS}tab":
            out.append("\t")
        elif tag == f"{TEXT_NS}line-break":
            out.append("\n")
        elif element.text and tag.startswith(TEXT_NS):
            out.append(element.text)
        for child in element:
            walk(child)
            if child.tail and tag.startswith(TEXT_NS):
                out.append(child.tail)
        if tag in (f"{TEXT_NS}p", f"{TEXT_NS}h"):
            out.append("\n")

    walk(root)
    return "".join(out)


# -- normalising ---------------------------------------------------------------------------------
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero widths
SPACED_OUT = re.compile(r"(?:\S ){2,}\S(?: {2,}(?:\S )*\S)*")  # "J a n e   D o e": a letter-spaced heading
HYPHENATED = re.compile(r"([^\W\d_]+)-\n[ \t]*([^\W\d_]+)([^\S\n]*)")


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
