"""A printer asked over IPP what it knows of itself: one Get-Printer-Attributes request
(RFC 8011), which every IPP printer answers, for its state and the reasons for it, its supply
levels and its page counter — for the printers that speak IPP and not SNMP.

The request and its answer are encoded here, over http.client, rather than with pyipp: that
library brings aiohttp and ten more packages, about 180 ms and 27 MB on the first poll of an
office's old machine, for one request that takes a hundred lines. http.client is imported on
the first poll only.

What a printer answers is bounded: the whole exchange ends after ``seconds`` however slowly
the printer drips it, an answer of more than MAX_ANSWER bytes is not read, and of each
attribute asked for only the first MAX_ROWS values are kept.
"""

from __future__ import annotations

import re
import struct
from urllib.parse import urlsplit

from data.deadlines import Deadline
from data.engine.errors import DataError
from data.machines.printer_report import MAX_ROWS, PrinterReport, SupplyReport, as_int, machine_text

PORT = 631
PATH = "/ipp/print"  # where IPP Everywhere printers answer
MAX_ANSWER = 1 << 20  # bytes read of an answer: the one asked for is a few kilobytes
TIMEOUT = 5.0  # seconds of silence from the printer before a read gives up
DEADLINE = 20.0  # seconds the whole exchange may take, from connecting to the answer's last byte
GET_PRINTER_ATTRIBUTES = 0x000B
ASKED = (
    "printer-state", "printer-state-reasons", "printer-make-and-model", "printer-info",
    "printer-supply", "printer-supply-description", "marker-names", "marker-levels", "marker-types",
    "printer-impressions-completed", "printer-pages-completed",
)

PRINTER_STATES = {3: "idle", 4: "printing", 5: "stopped"}
# printer-state-reasons (RFC 8011, PWG 5100.9) in the words the SNMP errors are said in.
REASONS = {
    "media-jam": "jammed", "door-open": "door open", "cover-open": "door open", "interlock-open": "door open",
    "toner-low": "low toner", "toner-empty": "no toner", "marker-supply-low": "low toner",
    "marker-supply-empty": "no toner", "marker-supply-missing": "marker supply missing",
    "media-low": "low paper", "media-empty": "no paper", "media-needed": "no paper",
    "input-tray-missing": "input tray missing", "output-tray-missing": "output tray missing",
    "output-area-almost-full": "output near full", "output-area-full": "output full",
    "marker-waste-almost-full": "waste toner almost full", "marker-waste-full": "waste toner full",
    "shutdown": "offline", "offline": "offline", "paused": "paused",
}
SUPPLY_KINDS = {"toner": "toner", "waste-toner": "waste toner", "ink": "ink", "ink-cartridge": "ink cartridge",
                "opc": "drum", "fuser": "fuser", "transfer-unit": "transfer unit"}
STATUS_WORDS = {0x0400: "the request was refused as bad", 0x0401: "it is forbidden", 0x0402: "it asks for a password",
                0x0403: "it asks for a password", 0x0406: "no printer answers at that path",
                0x0503: "it speaks another version of IPP"}

# Value tags (RFC 8010 3.5)
INTEGER, BOOLEAN, ENUM = 0x21, 0x22, 0x23
BEGIN_COLLECTION, END_COLLECTION, MEMBER_NAME = 0x34, 0x37, 0x4A
TEXT_WITH_LANGUAGE, NAME_WITH_LANGUAGE = 0x35, 0x36
KEYWORD, URI, CHARSET, NATURAL_LANGUAGE = 0x44, 0x45, 0x47, 0x48
END_OF_ATTRIBUTES = 0x03


class IppError(DataError):
    """The printer did not answer, or answered with an error: said in words."""


def split_address(address: str) -> tuple[str, str, int, str]:
    """'ipp://printer-3:631/ipp/print', 'ipps://…', or 'printer-3[:port]' (its /ipp/print) →
    (scheme, host, port, path); ValueError in words."""
    text = address.strip()
    if "://" not in text:
        text = f"ipp://{text}"
    try:
        parts = urlsplit(text)
        port = PORT if parts.port is None else parts.port
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ValueError("the port after the printer's name must be a number from 1 to 65535")
    if parts.scheme not in ("ipp", "ipps"):
        raise ValueError(f"an IPP address starts ipp:// or ipps://, not {parts.scheme}://")
    host = parts.hostname or ""
    if not host or any(c.isspace() or not c.isprintable() for c in text):
        raise ValueError("give the printer's network name or address, e.g. ipp://printer-3/ipp/print or printer-3:631")
    if parts.query or parts.fragment:
        raise ValueError("an IPP address has no ? or # part")
    return parts.scheme, host, port, parts.path or PATH


def read_printer(address: str, timeout: float = TIMEOUT, seconds: float | None = None) -> PrinterReport:
    """Ask the printer at ``address``, all within ``seconds`` (DEADLINE unless given); IppError
    when it does not answer, answers too slowly or says an error."""
    scheme, host, port, path = split_address(address)
    printer_uri = f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}{path}"
    answer = post(scheme, host, port, path, request(printer_uri), timeout, DEADLINE if seconds is None else seconds)
    return report_of(attributes(answer, host))


def request(printer_uri: str) -> bytes:
    """Get-Printer-Attributes in IPP 1.1, the version every IPP printer must take."""
    body = struct.pack(">BBHI", 1, 1, GET_PRINTER_ATTRIBUTES, 1) + b"\x01"
    body += value(CHARSET, "attributes-charset", "utf-8") + value(NATURAL_LANGUAGE, "attributes-natural-language", "en")
    body += value(URI, "printer-uri", printer_uri)
    body += value(KEYWORD, "requested-attributes", ASKED[0]) + b"".join(value(KEYWORD, "", name) for name in ASKED[1:])
    return body + bytes([END_OF_ATTRIBUTES])


def value(tag: int, name: str, text: str) -> bytes:
    encoded_name, encoded = name.encode(), text.encode()
    return struct.pack(">BH", tag, len(encoded_name)) + encoded_name + struct.pack(">H", len(encoded)) + encoded


def post(scheme: str, host: str, port: int, path: str, body: bytes, timeout: float, seconds: float) -> bytes:
    import http.client
    import socket

    timeout = min(timeout, seconds)
    connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=unverified()) if scheme == "ipps" \
        else http.client.HTTPConnection(host, port, timeout=timeout)
    with Deadline(seconds, lambda: (connection.sock,)) as deadline:
        too_slow = IppError(f"{host} was asked over IPP for its state and had not answered in full after {deadline.words()}:"
                            " it is too slow or has stopped answering")
        try:
            connection.request("POST", path, body, {"Content-Type": "application/ipp"})
            response = connection.getresponse()
            if response.status != 200:
                raise IppError(f"{host} answered HTTP {response.status} {machine_text(response.reason, 80)} at {machine_text(path, 80)}")
            answer = read_bounded(response, host)
        except socket.gaierror as error:
            raise IppError(f"{host} cannot be found on the network ({error.strerror})") from error
        except (OSError, http.client.HTTPException) as error:
            if deadline.passed:
                raise too_slow from error
            raise IppError(f"{host} did not answer over IPP ({getattr(error, 'strerror', None) or str(error) or 'timed out'})") from error
        finally:
            connection.close()
    if deadline.expired:  # the answer was cut off where it had come to
        raise too_slow
    return answer


def unverified():
    """Printers answer ipps:// with a certificate they made themselves, which nothing could
    verify; the link is still encrypted, and all they say is taken as hostile text."""
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def read_bounded(response, host: str) -> bytes:
    """The answer, or IppError when it is larger than any printer's."""
    chunks, size = [], 0
    while chunk := response.read1(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_ANSWER:
            raise IppError(f"{host} answered at more length than any printer does: not read")
    return b"".join(chunks)


def attributes(answer: bytes, host: str) -> dict[str, list]:
    """The attributes asked for by name, each a list of values (at most MAX_ROWS); the values
    inside collections are passed over. IppError for an error status or a broken answer."""
    if len(answer) < 8:
        raise IppError(f"{host} did not answer with IPP")
    status = struct.unpack(">H", answer[2:4])[0]
    if status >= 0x0400:
        words = STATUS_WORDS.get(status, "it answered with an error")
        raise IppError(f"{host} would not say its state over IPP: {words} (status 0x{status:04x})")
    try:
        return parsed(answer, 8)
    except (IndexError, struct.error):
        raise IppError(f"{host} answered with broken IPP") from None


def parsed(answer: bytes, at: int) -> dict[str, list]:
    found: dict[str, list] = {}
    name, depth = "", 0
    while answer[at] != END_OF_ATTRIBUTES:
        tag = answer[at]
        if tag < 0x10:  # the start of a group of attributes
            at += 1
            continue
        size = struct.unpack(">H", answer[at + 1:at + 3])[0]
        name = answer[at + 3:at + 3 + size].decode("utf-8", "replace") or name
        at += 3 + size
        size = struct.unpack(">H", answer[at:at + 2])[0]
        raw, at = answer[at + 2:at + 2 + size], at + 2 + size
        depth = max(0, depth + (tag == BEGIN_COLLECTION) - (tag == END_COLLECTION))
        if depth == 0 and tag not in (BEGIN_COLLECTION, END_COLLECTION) and name in ASKED and len(found.setdefault(name, [])) < MAX_ROWS:
            found[name].append(decoded(tag, raw))
    return found


def decoded(tag: int, raw: bytes) -> object:
    if tag in (INTEGER, ENUM) and len(raw) == 4:
        return struct.unpack(">i", raw)[0]
    if tag == BOOLEAN:
        return raw != b"\x00"
    if tag in (TEXT_WITH_LANGUAGE, NAME_WITH_LANGUAGE) and len(raw) >= 4:
        skip = 2 + struct.unpack(">H", raw[:2])[0]
        raw = raw[skip + 2:]
    return raw.decode("utf-8", "replace")


def report_of(found: dict[str, list]) -> PrinterReport:
    counters = found.get("printer-impressions-completed") or found.get("printer-pages-completed") or []
    total = counters[0] if counters and isinstance(counters[0], int) and counters[0] >= 0 else None
    return PrinterReport(
        total=total,
        supplies=supplies_of(found) or markers_of(found),
        device_state=PRINTER_STATES.get(first_int(found, "printer-state"), "unknown"),
        errors=reasons_of(found.get("printer-state-reasons", [])),
        description=machine_text(str((found.get("printer-make-and-model") or found.get("printer-info") or [""])[0])),
    )


def first_int(found: dict[str, list], name: str) -> int:
    values = found.get(name) or [None]
    return values[0] if isinstance(values[0], int) else 0


def reasons_of(keywords: list) -> list[str]:
    """'media-jam-error' → 'jammed'. The severity suffix is dropped: printers differ in what
    they call a report and what an error, and a jam stops the machine whatever it is called."""
    said: list[str] = []
    for keyword in keywords:
        reason = re.sub(r"-(report|warning|error)$", "", str(keyword).strip().lower())
        if reason in ("", "none"):
            continue
        words = REASONS.get(reason) or machine_text(reason.replace("-", " "), 60)
        if words not in said:
            said.append(words)
    return said


def supplies_of(found: dict[str, list]) -> list[SupplyReport]:
    """From printer-supply (PWG 5100.13): 'type=toner;maxcapacity=100;level=75;colorantname=black;'
    each, described by printer-supply-description in the same order."""
    descriptions = found.get("printer-supply-description", [])
    supplies = []
    for index, entry in enumerate(found.get("printer-supply", [])):
        fields = dict(part.partition("=")[::2] for part in str(entry).split(";") if "=" in part)
        kind = keyword(fields.get("type", ""))
        name = descriptions[index] if index < len(descriptions) else f"{fields.get('colorantname', '')} {kind}"
        percent = fields.get("unit") == "percent"
        supplies.append(SupplyReport(
            description=machine_text(str(name)), kind=SUPPLY_KINDS.get(kind, "supply"),
            level=as_int(fields.get("level"), default=-2),
            max_capacity=as_int(fields.get("maxcapacity"), default=100 if percent else -2),
        ))
    return supplies


def markers_of(found: dict[str, list]) -> list[SupplyReport]:
    """From CUPS's marker-names, marker-levels (percent) and marker-types."""
    levels, kinds = found.get("marker-levels", []), found.get("marker-types", [])
    return [
        SupplyReport(
            description=machine_text(str(name)),
            kind=SUPPLY_KINDS.get(keyword(kinds[index]) if index < len(kinds) else "", "supply"),
            level=levels[index] if index < len(levels) and isinstance(levels[index], int) else -2,
            max_capacity=100,
        )
        for index, name in enumerate(found.get("marker-names", []))
    ]


def keyword(text: object) -> str:
    """'wasteToner' (printer-supply) and 'waste-toner' (marker-types) alike → 'waste-toner'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", str(text)).lower()
