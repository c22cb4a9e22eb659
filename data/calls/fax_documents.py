"""A fax's document made usable: a received fax as a PDF to mail or print, its words read
where a text reader is installed, and the pages of a document to send counted.

Each outside program (tiff2pdf, gs, tesseract, pdfinfo, the print command) runs with an
argument list, never a shell, with a deadline and a bound on the files it may write, in a
private folder of its own. The fax's files in the office's folder are read and written
through the store's folders, never through a link.
"""

from __future__ import annotations

import base64
import shlex
import shutil
import signal
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from data.addresses import readable_number
from data.calls.fax_server import MAX_RECEIVED
from data.calls.models import Fax
from data.calls.views import fax_state
from data.engine.clock import local
from data.engine.errors import DataError, RuleError
from data.engine.store import Store
from data.engine.text import visible

CONVERT_SECONDS = 60  # a fax of some pages is made a PDF in a second or two
READ_SECONDS = 120  # tesseract reads a page in a few seconds
PRINT_SECONDS = 60  # a print command hands the file over and is done
COUNT_SECONDS = 10
MAX_PDF = 4 * MAX_RECEIVED  # what a conversion may write: tiff2pdf keeps the fax's compression
MAX_TEXT = 1 << 20  # bytes of text read from a fax: far more than its pages hold
MAX_DOCUMENT = 256 << 20  # bytes of a document whose pages are counted
MAX_PAGES = 999
MAX_MEMORY = 1 << 30  # the address space of a document reader (tiff2pdf, gs, tesseract, pdfinfo)
MAX_TAG_BYTES = 4 << 20  # the values of all a fax TIFF's page directories: a page's strips take a few KB
FAXES_IN = "faxes-in"
TIFF_MAGIC = (b"II*\x00", b"MM\x00*")
GS_PDF = ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-sOutputFile=fax.pdf", "fax.in"]


class FaxDocumentError(DataError):
    """A fax's document could not be read, converted or printed, in a sentence."""


@dataclass(frozen=True)
class Ran:
    output: bytes  # what the program printed
    said: bytes  # what it printed on its error output


def received_document(store: Store, fax: Fax) -> bytes:
    """The received fax as the fax server gave it (TIFF), read by its file name from the
    received faxes' folder and from nowhere else: the record is in a file every colleague can
    write, so whatever folder it names is never read, and a name that is not a plain file
    name is refused."""
    if not fax.incoming:
        raise RuleError("Only a fax that came in has a received document; this one goes out.")
    if not Path(fax.document).is_absolute():  # the fax server kept it: the record says why
        raise FaxDocumentError(f"Fax {fax.label()} has no document here: {fax.document or 'none was taken in'}.")
    name = fax.received_file or Path(fax.document).name
    if name != Path(name).name or name in (".", ".."):
        raise FaxDocumentError(f"Fax {fax.label()} has no document here: its name {name!r} is not a file's name.")
    try:
        with store.open_output(FAXES_IN) as folder:
            return folder.read(name, MAX_RECEIVED)
    except FileNotFoundError:
        raise FaxDocumentError(f"The document of fax {fax.label()} is not in the received faxes' folder"
                               f" ({store.output_folder(FAXES_IN)}).") from None
    except OSError as error:
        raise FaxDocumentError(f"The document of fax {fax.label()} cannot be read: {error.strerror or error}.") from None


def pdf_name(fax: Fax) -> str:
    return f"{Path(fax.document).stem or f'fax-{fax.id}'}.pdf"


def received_pdf(store: Store, fax: Fax) -> Path:
    """The received fax as a PDF beside its TIFF in the received faxes' folder, to look at;
    made anew each time, so a file planted under its name is replaced, never believed."""
    pdf = as_pdf(received_document(store, fax), fax.label())
    try:
        return store.write_output(FAXES_IN, pdf_name(fax), pdf)
    except OSError as error:
        raise FaxDocumentError(f"The PDF of fax {fax.label()} could not be written: {error.strerror or error}.") from None


@contextmanager
def private_pdf(store: Store, fax: Fax) -> Iterator[Path]:
    """The received fax as a PDF in a folder only this process can reach: what is mailed or
    printed is read back from there, never by name from the shared folder, where a colleague
    could swap it for a link between the writing and the reading."""
    pdf = as_pdf(received_document(store, fax), fax.label())
    with private_folder() as folder:
        path = folder / pdf_name(fax)
        path.write_bytes(pdf)
        yield path


def as_pdf(document: bytes, label: str) -> bytes:
    """A fax's document as a PDF: a TIFF by tiff2pdf; PostScript or a PDF by gs."""
    with private_folder() as folder:
        if document[:4] in TIFF_MAGIC:
            (folder / "fax.tif").write_bytes(document)
            if shutil.which("tiff2pdf"):
                run(["tiff2pdf", "-o", "fax.pdf", "fax.tif"], folder, CONVERT_SECONDS, f"Making fax {label} a PDF", MAX_PDF)
            else:  # Ghostscript reads no TIFF: the fax's own coded pages go to it as PostScript
                (folder / "fax.in").write_bytes(fax_postscript(document, label))
                run(GS_PDF, folder, CONVERT_SECONDS, f"Making fax {label} a PDF", MAX_PDF)
        elif document[:4] == b"%PDF" or document[:2] == b"%!":
            (folder / "fax.in").write_bytes(document)
            run(GS_PDF, folder, CONVERT_SECONDS, f"Making fax {label} a PDF", MAX_PDF)
        else:
            raise FaxDocumentError(f"The document of fax {label} is neither a TIFF image, a PDF nor PostScript:"
                                   " it cannot be made a PDF.")
        return read_written(folder / "fax.pdf", MAX_PDF, f"Making fax {label} a PDF")


@dataclass(frozen=True)
class FaxReading:
    """What a terminal can show of a received fax: who, when, its pages, its words where they
    can be read, and where its PDF is to look at it."""
    heading: str
    text: str
    where: str


def fax_postscript(document: bytes, label: str) -> bytes:
    """A fax TIFF as PostScript that draws each page from its CCITT-coded strips, for gs."""
    try:
        pages = tiff_pages(document)
    except (ValueError, IndexError, struct.error) as error:
        raise FaxDocumentError(f"Fax {label} is not a fax TIFF that can be read without tiff2pdf: {error}."
                               " Install libtiff-tools (tiff2pdf).") from None
    out = [b"%!PS-Adobe-3.0", f"%%Pages: {len(pages)}".encode()]
    for page in pages:
        width_pt, height_pt = page.width * 72 / page.x_dpi, page.height * 72 / page.y_dpi
        out.append(f"<< /PageSize [{width_pt:.2f} {height_pt:.2f}] >> setpagedevice gsave {width_pt:.2f} {height_pt:.2f} scale"
                   f" << /ImageType 1 /Width {page.width} /Height {page.height} /BitsPerComponent 1 /Decode [0 1]"
                   f" /ImageMatrix [{page.width} 0 0 -{page.height} 0 {page.height}] /DataSource currentfile"
                   f" /ASCII85Decode filter << /K {page.k} /Columns {page.width} /Rows {page.height}"
                   f" /BlackIs1 {'true' if page.black_is_1 else 'false'}"
                   " >> /CCITTFaxDecode filter >> /DeviceGray setcolorspace image".encode())
        out.append(base64.a85encode(page.data, wrapcol=76) + b"~>")
        out.append(b"grestore showpage")
    return b"\n".join(out) + b"\n"


@dataclass(frozen=True)
class TiffPage:
    width: int
    height: int
    x_dpi: float
    y_dpi: float
    k: int  # CCITT coding: 0 one-dimensional (G3), 1 mixed (G3 2D), -1 two-dimensional (G4)
    black_is_1: bool
    data: bytes


def tiff_pages(data: bytes) -> list[TiffPage]:
    """The CCITT-coded pages of a fax TIFF (what faxgetty writes); ValueError for any other.
    Each value is read where it lies, never by copying the rest of the file, and a file whose
    page directories hold more than a fax's could is refused: a stranger sends these."""
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None:
        raise ValueError("not a TIFF")
    offset, pages, seen, tag_bytes = struct.unpack_from(order + "I", data, 4)[0], [], set(), 0
    while offset and len(pages) < MAX_PAGES:
        if offset in seen or offset + 2 > len(data):
            raise ValueError("its page directory is damaged")
        seen.add(offset)
        tags, offset, read = tiff_directory(data, order, offset)
        tag_bytes += read
        if tag_bytes > MAX_TAG_BYTES:
            raise ValueError(f"its page directories hold more than the {MAX_TAG_BYTES >> 20} MB a fax's could")
        pages.append(tiff_page(data, tags))
        if sum(len(page.data) for page in pages) > len(data):  # pages that point at one another's bytes
            raise ValueError("its pages claim more data than the file holds")
    if not pages:
        raise ValueError("it has no pages")
    return pages


def tiff_directory(data: bytes, order: str, offset: int) -> tuple[dict[int, list[float]], int, int]:
    """One page's tags, where the next page's directory is, and the bytes of values read."""
    sizes = {3: ("H", 2), 4: ("I", 4), 5: ("II", 8)}
    (count,) = struct.unpack_from(order + "H", data, offset)
    tags: dict[int, list[float]] = {}
    values = read = 0
    for n in range(min(count, 200)):
        tag, kind, many, value = struct.unpack_from(order + "HHI4s", data, offset + 2 + 12 * n)
        values += many
        if kind not in sizes or values > 100_000:
            continue
        code, size = sizes[kind]
        if size * many <= 4:
            raw = value
        else:
            start = struct.unpack(order + "I", value)[0]
            raw = data[start:start + size * many]
            read += len(raw)
        numbers = struct.unpack(order + code * many, raw[:size * many])
        tags[tag] = [numbers[i] / (numbers[i + 1] or 1) for i in range(0, len(numbers), 2)] if kind == 5 else list(numbers)
    (after,) = struct.unpack_from(order + "I", data, offset + 2 + 12 * count)
    return tags, after, read


def tiff_page(data: bytes, tags: dict[int, list[float]]) -> TiffPage:
    def first(tag: int, default: float | None = None) -> float | None:
        return tags.get(tag, [default])[0]

    compression, options = first(259, 1), int(first(292, 0))
    if compression not in (3, 4):
        raise ValueError(f"its pages are not fax-coded (compression {compression})")
    width, height = int(first(256, 0)), int(first(257, 0))
    strips = list(zip(tags.get(273, []), tags.get(279, []), strict=False))
    if not (0 < width <= 10_000 and 0 < height <= 100_000 and strips):
        raise ValueError("a page has no size or no data")
    if compression == 4 and len(strips) > 1:
        raise ValueError("a page is coded in several two-dimensional strips")
    if sum(size for _, size in strips) > len(data):  # strips that point at one another's bytes again and again
        raise ValueError("its pages claim more data than the file holds")
    coded = b"".join(data[int(start):int(start) + int(size)] for start, size in strips)
    if first(266, 1) == 2:  # bits of each byte least significant first
        coded = coded.translate(REVERSED_BITS)
    unit = 2.54 if first(296, 2) == 3 else 1.0  # resolution per centimetre
    x_dpi, y_dpi = (min(max((first(tag, dpi) or dpi) * unit, 50), 1200) for tag, dpi in ((282, 204), (283, 196)))
    return TiffPage(width, height, x_dpi, y_dpi,
                    k=-1 if compression == 4 else (1 if options & 1 else 0),
                    black_is_1=first(262, 0) == 1, data=coded)


REVERSED_BITS = bytes(int(f"{n:08b}"[::-1], 2) for n in range(256))


def fax_reading(store: Store, fax: Fax) -> FaxReading:
    """Who sent the fax, when, its pages and state, its words where they can be read, and
    where its PDF is; a document that cannot be read is said in place of its words."""
    number = f" ({readable_number(fax.fax_number)})" if fax.sender and fax.fax_number else ""
    came = f"Received {local(fax.sent_at):%a %d %b %Y %H:%M}, " if fax.sent_at else ""
    lines = [f"From {fax.who}{number}", f"{came}{fax.pages} page(s); {fax_state(fax)}", ""]
    try:
        document = received_document(store, fax)
    except FaxDocumentError as problem:
        return FaxReading(f"Fax {fax.label()}", "\n".join([*lines, str(problem), fax.last_error]).strip(), "")
    try:
        where = f"As a PDF: {received_pdf(store, fax)} — P prints it."
    except FaxDocumentError as problem:
        where = f"{problem} The fax as received: {fax.document}"
    try:
        words = fax_text(document, fax.label())
    except FaxDocumentError as problem:
        words = f"(Its words could not be read: {problem})"
    if words is None:
        lines.append(f"The fax is an image of {fax.pages} page(s). No text reader (tesseract) is installed here to read"
                     " its words: open its PDF, below, in a PDF viewer, or print it with P.")
    else:
        lines.append(words or "(No words could be read on its pages: open its PDF, below, to look at it.)")
    return FaxReading(f"Fax {fax.label()}", "\n".join(lines), where)


def fax_text(document: bytes, label: str) -> str | None:
    """The words on the fax's pages as tesseract reads them; None where it is not installed.
    Only a fax image (TIFF) is read so: a PDF or PostScript document is said not to be."""
    if document[:4] not in TIFF_MAGIC:
        raise FaxDocumentError("only a fax image (TIFF) is read for its words here, and this document is not one:"
                               " open its PDF, below")
    if not shutil.which("tesseract"):
        return None
    with private_folder() as folder:
        (folder / "fax.tif").write_bytes(document)
        ran = run(["tesseract", "fax.tif", "stdout"], folder, READ_SECONDS, f"Reading the words of fax {label}", MAX_TEXT)
    return visible(ran.output[:MAX_TEXT].decode("utf-8", errors="replace")).strip()


def print_file(template: str, path: Path, label: str) -> None:
    """Print ``path`` with the office's print command (``{file}`` in it, else the file last)."""
    words = print_words(template, path)
    with private_folder() as folder:
        run(words, folder, PRINT_SECONDS, f"Printing {label} with {words[0]}", MAX_TEXT, bound_memory=False)


def print_words(template: str, path: Path) -> list[str]:
    if not template.strip():
        raise RuleError("No print command is set (print_command): set one in the settings, like: lp -d office {file}")
    try:
        words = shlex.split(template)
        if not any("{file}" in word for word in words):
            words.append("{file}")
        return [word.format(file=str(path)) for word in words]
    except (ValueError, KeyError, IndexError) as error:
        raise RuleError(f"The print command {template!r} cannot be used ({error}); write it like: lp -d office {{file}}") from None


def count_pages(path: Path) -> int | None:
    """The pages of a PDF (poppler's pdfinfo) or a PostScript file (its %%Pages comment);
    None when they cannot be told."""
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError:
        return None
    if head.startswith(b"%PDF") and shutil.which("pdfinfo"):
        with private_folder() as folder:
            try:
                said = run(["pdfinfo", str(path.absolute())], folder, COUNT_SECONDS, "Counting the pages", MAX_TEXT).output
            except FaxDocumentError:
                return None
        return pages_said(said, b"Pages:")
    if head.startswith(b"%!"):
        return postscript_pages(path) or drawn_pages(path)
    return None


def pages_said(text: bytes, label: bytes) -> int | None:
    for line in text.splitlines():
        if line.startswith(label):
            number = line[len(label):].strip()
            return int(number) if number.isdigit() and 0 < int(number) < 100_000 else None
    return None


def postscript_pages(path: Path) -> int | None:
    """The %%Pages comment of a PostScript file's header or trailer, read no further than
    MAX_DOCUMENT; else its %%Page: lines counted."""
    declared, counted = None, 0
    try:
        with path.open("rb") as file:
            for line in iter(lambda: file.readline(4096), b""):
                if file.tell() > MAX_DOCUMENT:
                    return None
                if line.startswith(b"%%Pages:") and (said := pages_said(line, b"%%Pages:")):
                    declared = said
                elif line.startswith(b"%%Page:"):
                    counted += 1
    except OSError:
        return None
    return declared or counted or None


def drawn_pages(path: Path) -> int | None:
    """The pages gs draws of a PostScript file that does not say how many it has."""
    if not shutil.which("gs"):
        return None
    with private_folder() as folder:
        try:
            ran = run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=bbox", str(path.absolute())],
                      folder, COUNT_SECONDS, "Counting the pages", MAX_TEXT)
        except FaxDocumentError:
            return None
    return ran.said.count(b"%%BoundingBox:") or None


# -- running a program -----------------------------------------------------------------------

@contextmanager
def private_folder():
    with tempfile.TemporaryDirectory(prefix="backoffice-fax-") as name:
        yield Path(name)


def run(words: list[str], folder: Path, seconds: int, doing: str, max_bytes: int, bound_memory: bool = True) -> Ran:
    """Run one program in ``folder``; no file it writes, its output included, may pass
    ``max_bytes``, nor its memory MAX_MEMORY (``bound_memory``, for the document readers). A
    failure, a program missing or past its deadline is a FaxDocumentError beginning with ``doing``."""
    if shutil.which(words[0]) is None:
        raise FaxDocumentError(f"{doing} needs {words[0]}, which is not installed here.")
    out, err = folder / ".output", folder / ".said"
    try:
        with out.open("wb") as output, err.open("wb") as said:  # files, which the bound holds; a pipe it does not
            done = subprocess.run(bounded(words, max_bytes, MAX_MEMORY if bound_memory else None), check=False, cwd=folder,
                                  stdout=output, stderr=said, timeout=seconds, stdin=subprocess.DEVNULL, start_new_session=True)
    except subprocess.TimeoutExpired:
        raise FaxDocumentError(f"{doing} took longer than {seconds} s and was stopped.") from None
    except OSError as error:
        raise FaxDocumentError(f"{doing}: {words[0]} could not be run ({error.strerror or error}).") from None
    if out.stat().st_size >= max_bytes or done.returncode in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ):  # it wrote past the bound
        raise FaxDocumentError(f"{doing} failed: it wrote more than {max_bytes >> 20} MB.")
    stdout, stderr = read_at_most(out, max_bytes), read_at_most(err, min(max_bytes, MAX_TEXT))
    if done.returncode != 0:
        said = visible((stderr or stdout).decode("utf-8", errors="replace").strip()[-300:], one_line=True).rstrip(".")
        raise FaxDocumentError(f"{doing} failed: {said or f'{words[0]} ended with status {done.returncode}'}.")
    return Ran(stdout, stderr)


def read_at_most(path: Path, limit: int) -> bytes:
    with path.open("rb") as file:
        return file.read(limit)


def bounded(words: list[str], max_bytes: int, memory: int | None) -> list[str]:
    """The command under util-linux's prlimit, which bounds the files it writes and, for the
    document readers, its memory before it runs (the kernel stops it at the bound); as it is
    where prlimit is missing."""
    prlimit = shutil.which("prlimit")
    if not prlimit:
        return words
    return [prlimit, f"--fsize={max_bytes}", *([f"--as={memory}"] if memory else []), "--", *words]


def read_written(path: Path, limit: int, doing: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError:
        raise FaxDocumentError(f"{doing}: the program wrote no file.") from None
    if len(data) > limit or not data:
        raise FaxDocumentError(f"{doing}: the program wrote {'nothing' if not data else 'too much'}.")
    return data
