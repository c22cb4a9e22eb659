"""Real CV files for the tests, made the way office programs make them: a PDF with text on its
pages (drawn with a standard font, as a word processor's "save as PDF" does), a DOCX written
by python-docx, an ODT zipped the way LibreOffice zips one."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

ANN = ["Ann Lee", "Bookkeeper", "ann.lee@example.com · 07700 900123", "", "Five years of accounts for a charity."]


def pdf_string(text: str) -> bytes:
    return b"(" + text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def write_pdf(path: Path, lines: list[str], pages: int = 1, password: str | None = None) -> Path:
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }))
    for number in range(pages):
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        shown = lines if number == 0 else [f"Page {number + 1}"]
        drawn = b" ".join(pdf_string(line) + b" Tj 0 -16 Td" for line in shown)
        content = DecodedStreamObject()
        content.set_data(b"BT /F1 12 Tf 72 780 Td " + drawn + b" ET")
        page[NameObject("/Contents")] = writer._add_object(content)
    if password is not None:
        writer.encrypt(password, algorithm="RC4-128")  # RC4 needs no cryptography package
    writer.write(path)
    return path


def write_docx(path: Path, lines: list[str]) -> Path:
    from docx import Document

    document = Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
<office:body><office:text>{paragraphs}</office:text></office:body></office:document-content>"""
ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def odt_paragraph(line: str) -> str:
    """A line as LibreOffice writes it: runs of spaces as <text:s text:c="N"/>."""
    parts = escape(line).split("  ")
    return "<text:p>" + '<text:s text:c="2"/>'.join(parts) + "</text:p>"


def write_odt(path: Path, lines: list[str], content: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as odt:
        odt.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")  # first, stored
        body = content if content is not None else ODT_CONTENT.format(paragraphs="".join(map(odt_paragraph, lines)))
        odt.writestr("content.xml", body, compress_type=zipfile.ZIP_DEFLATED)
        odt.writestr("META-INF/manifest.xml", ODT_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_zip_bomb(path: Path, unpacked: int) -> Path:
    """A DOCX whose document part unpacks to ``unpacked`` bytes of nothing."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        with bomb.open("word/document.xml", "w") as part:
            chunk = b" " * 2**20
            for _ in range(unpacked // len(chunk)):
                part.write(chunk)
    return path
