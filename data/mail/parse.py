"""A message as it came from the server, turned into what a Mail record holds.

Mail comes from anyone. Nothing here trusts it: every header and the text are made plain
(control characters become visible symbols, as for any stored text), sizes are bounded,
and a part that cannot be decoded is kept with what could be read and the problem named —
a broken message never stops a fetch. What reading costs is bounded too: the time is in
proportion to the message, the memory a small multiple of it, and a message of more parts,
headers or lines than are read is kept for its headers, saying so.
"""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.feedparser import BytesFeedParser
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html import unescape

from data.engine.text import normalise_line_ends, visible
from data.mail.models import BODY_LIMIT

ATTACHMENT_LIMIT = 25 * 1024 * 1024  # bytes of one attachment kept; a bigger one stays on the server
ATTACHMENTS_KEPT = 200  # what a Mail holds; the others stay on the server
TEXT_READ = 4 * 2**20  # characters of a text part read, as it came: a long HTML newsletter is a few hundred KB
# Past these a message is read for its headers only: the email package keeps an object of a
# kilobyte or more for each part and header and some fifty bytes for each line, so a 50 MB
# message of empty parts, headers or lines would take gigabytes.
PARTS_LIMIT = 1000
HEADERS_LIMIT = 5000
LINES_LIMIT = 1_500_000  # a 50 MB message of attachments has some 700,000
HEADER_BYTES = 256 * 1024  # of a message's own headers: a longer block is read this far, and nothing after it
HEADER_VALUE = 64 * 1024  # characters of one header kept: a To of 200 addresses is some 10 KB
FEED = 64 * 1024  # bytes given to the parser at a time: all at once, it holds a copy of each line
MESSAGE_ID = re.compile(r"<[^<>\s]{1,995}>")


@dataclass
class Part:
    name: str
    content_type: str
    data: bytes


@dataclass
class Parsed:
    fields: dict
    attachments: list[Part] = field(default_factory=list)


# Every character that ends a line for str.splitlines, and so for the email package's
# headers: line breaks and control characters, and U+2028 and U+2029, which are neither.
LINE_SEPARATORS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every line separator a space: a header value taken from a stranger or
    typed by a person is one line, or the email package refuses the whole message."""
    return LINE_SEPARATORS.sub(" ", text)


def line(text: object, limit: int) -> str:
    return one_line(visible(str(text or ""), one_line=True)).strip()[:limit]


def paragraphs(text: str) -> str:
    return visible(normalise_line_ends(text).replace("\r", "\n"))


class Enough(Exception):
    """Raised once an HTML part has given more text than a message keeps."""


class TextOfHtml:
    """The words of an HTML part, with line breaks where blocks end; scripts, styles and the
    head dropped, character references read.

    One pass over the markup, each character looked at a bounded number of times: the
    standard library's HTMLParser looks again from an unclosed "<" at every later tag, so a
    megabyte of "<a" lines kept a fetch busy for many minutes. What browsers do is followed
    where it decides which text is text: a tag runs to the first ">" outside quotes, a
    comment to "-->", a script or style to its end tag, and an unclosed one to the end."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}
    HIDDEN = {"script", "style", "head"}
    # A quote is a quote only where a value starts; *+ and ++ never step back, so a tag left
    # open costs one look to the end of the markup, not one from each of its characters.
    TAG = re.compile(r"""<(/\s*+)?([a-zA-Z][^\s/>]*+)(?:[^>=]++|=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))*+>""")
    RAW_END = {name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in ("script", "style")}

    def __init__(self, limit: int) -> None:
        self.out: list[str] = []
        self.size = 0
        self.limit = limit  # characters of text wanted: past them the rest is not read
        self.hidden = 0

    def feed(self, html: str) -> None:
        at = 0
        try:
            while at < len(html):
                start = html.find("<", at)
                if start < 0:
                    self.data(html[at:])
                    return
                self.data(html[at:start])
                at = self.markup(html, start)
        except Enough:
            pass

    def markup(self, html: str, start: int) -> int:
        """Read the markup at ``start``; where the text goes on after it."""
        if html.startswith("<!--", start):
            return past(html, "-->", start + 4)
        tag = self.TAG.match(html, start)
        if tag is not None:
            return self.tag(html, tag)
        if html.startswith(("</", "<!", "<?"), start):  # a declaration, an instruction, a broken end tag
            return past(html, ">", start + 2)
        if start + 1 < len(html) and html[start + 1].isalpha():  # a tag left open: the rest is inside it
            return len(html)
        self.data("<")
        return start + 1

    def tag(self, html: str, tag: re.Match) -> int:
        name, closing, empty = tag.group(2).lower(), tag.group(1) is not None, tag.group().endswith("/>")
        if closing or empty:
            self.end(name) if closing else (self.start(name), self.end(name))
            return tag.end()
        self.start(name)
        if name not in self.RAW_END:
            return tag.end()
        closed = self.RAW_END[name].search(html, tag.end())  # a script's text is never markup
        if closed is None:
            return len(html)
        self.end(name)
        return past(html, ">", closed.start())

    def start(self, name: str) -> None:
        if name in self.HIDDEN:
            self.hidden += 1
        elif name in self.BLOCKS:
            self.add("\n")

    def end(self, name: str) -> None:
        if name in self.HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif name in self.BLOCKS:
            self.add("\n")

    def data(self, text: str) -> None:
        if text and not self.hidden:
            self.add(unescape(text))

    def add(self, text: str) -> None:
        self.out.append(text)
        self.size += len(text)
        if self.size > self.limit:
            raise Enough

    def text(self) -> str:
        joined = re.sub(r"[ \t\xa0]+", " ", "".join(self.out))
        return re.sub(r"\n\s*\n\s*\n+", "\n\n", "\n".join(part.strip() for part in joined.split("\n"))).strip()


def past(html: str, end: str, start: int) -> int:
    """Where the text goes on after the next ``end`` from ``start``: the end of ``html`` if none."""
    found = html.find(end, start)
    return len(html) if found < 0 else found + len(end)


def html_to_text(html: str, limit: int = 4 * BODY_LIMIT) -> str:
    """The text of ``html``; reading stops once ``limit`` characters are found (the text is
    cut at BODY_LIMIT afterwards, with room left for the spaces that are folded away)."""
    reader = TextOfHtml(limit)
    reader.feed(html)
    return reader.text()


def decoded(part: Message, problems: list[str]) -> str:
    """A text part's words; an unknown or wrong charset is read as UTF-8 with stand-ins."""
    try:
        return part.get_content()
    except Exception:  # unknown charset, broken transfer encoding: read what can be read
        charset = part.get_content_charset() or "utf-8"
        problems.append(f"a {part.get_content_type()} part in charset {line(charset, 40)!r} could not be fully decoded")
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)


def beginning(part: EmailMessage) -> tuple[EmailMessage, bool]:
    """The part with no more than TEXT_READ characters of what it says as it came, cut at a
    line's end (where base64 and quoted-printable may be cut), and whether it was cut: decoded
    whole, a text part of 50 MB was held four times over."""
    payload = part.get_payload()
    if not isinstance(payload, str) or len(payload) <= TEXT_READ:
        return part, False
    kept = payload[:TEXT_READ]
    start = copy(part)
    start.set_payload(kept[: kept.rfind("\n") + 1] or kept)
    return start, True


def text_of(message: EmailMessage, problems: list[str]) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return ""
    part, cut = beginning(part)
    text = decoded(part, problems)
    if part.get_content_type() == "text/html":
        if cut:
            problems.append(f"its HTML is longer than {TEXT_READ // 2**20} MB: the text is what the first {TEXT_READ // 2**20} MB say")
        text, cut = html_to_text(text), False
    if cut or len(text) > BODY_LIMIT:
        problems.append(f"the text was cut at {BODY_LIMIT:,} characters")
        text = text[:BODY_LIMIT]
    return paragraphs(text)


def attachments_of(message: EmailMessage, problems: list[str]) -> list[Part]:
    found = []
    try:
        parts = list(message.iter_attachments())
    except Exception:
        problems.append("the attachments could not be listed")
        return []
    if len(parts) > ATTACHMENTS_KEPT:
        problems.append(f"it has {len(parts):,} attachments: the first {ATTACHMENTS_KEPT} were kept, the others left on the server")
        parts = parts[:ATTACHMENTS_KEPT]
    for number, part in enumerate(parts, 1):
        name = line(part.get_filename() or "", 255) or f"attachment-{number}"
        if encoded_size(part) > ATTACHMENT_LIMIT * 4 // 3 + 2**20:  # base64 is 4/3 of its bytes, with line ends
            problems.append(f"attachment {name!r} is larger than {ATTACHMENT_LIMIT // 2**20} MB and was left on the server")
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            problems.append(f"attachment {name!r} could not be decoded")
            continue
        if not isinstance(data, bytes):  # a message/rfc822 part: keep it as the bytes it was
            data = part.as_bytes()
        if len(data) > ATTACHMENT_LIMIT:
            problems.append(f"attachment {name!r} is larger than {ATTACHMENT_LIMIT // 2**20} MB and was left on the server")
            continue
        found.append(Part(name, line(part.get_content_type(), 255), data))
    return found


def encoded_size(part: Message) -> int:
    """The size of a part as it came, before it is decoded (and its bytes held twice)."""
    payload = part.get_payload()
    return len(payload) if isinstance(payload, str) else 0


def header(message: Message, name: str, problems: list[str]) -> str:
    try:
        return str(message.get(name) or "")
    except Exception:
        problems.append(f"the {name} header could not be read")
        return ""


def addresses(text: str, limit: int = 200) -> list[str]:
    pairs = getaddresses([text])[:limit]
    return [line(f"{name} <{address}>" if name else address, 500) for name, address in pairs if address]


def moment(text: str, problems: list[str]) -> datetime | None:
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
        return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year 9999 west of Greenwich
        problems.append(f"the date {line(text, 60)!r} could not be read")
        return None


def message_ids(text: str, limit: int = 100) -> list[str]:
    return MESSAGE_ID.findall(text)[-limit:]


class TooBig(Exception):
    """Raised while a message is read, once it has more parts, headers or lines than are read."""


def bounded(problems: list[str], limits: dict[str, int]) -> type[EmailMessage]:
    """A message class that cuts a header longer than HEADER_VALUE, saying so in ``problems``,
    and raises TooBig once more parts or headers are made than ``limits`` allow."""
    made = dict.fromkeys(limits, 0)

    def count(what: str) -> None:
        if what in limits:
            made[what] += 1
            if made[what] > limits[what]:
                raise TooBig(f"it has more than {limits[what]:,} {what}")

    class Bounded(EmailMessage):
        def __init__(self, policy: policy.Policy) -> None:
            count("parts")
            super().__init__(policy)

        def set_raw(self, name: str, value: str) -> None:
            count("headers")
            if len(value) > HEADER_VALUE:
                problems.append(f"the {line(name, 80)} header is longer than {HEADER_VALUE // 1024} KB and was cut")
                value = value[:HEADER_VALUE]
            super().set_raw(name, value)

    return Bounded


def read(raw: bytes, problems: list[str]) -> tuple[EmailMessage, bool]:
    """The message, and whether its parts were read: only if its parts, headers and lines are
    within their limits and nested no deeper than Python can follow."""
    if HEADERS_END.search(raw, 0, HEADER_BYTES) is None and len(raw) > HEADER_BYTES:
        problems.append(f"its headers are longer than {HEADER_BYTES // 1024} KB: only their start was read")
        return headers_of(raw, problems), False
    parser = BytesFeedParser(bounded(problems, {"parts": PARTS_LIMIT, "headers": HEADERS_LIMIT}), policy=policy.default)
    raw = needed(raw)
    lines = 0
    try:
        for start in range(0, len(raw), FEED):
            chunk = raw[start : start + FEED]
            lines += chunk.count(b"\n")
            if lines > LINES_LIMIT:
                raise TooBig(f"it has more than {LINES_LIMIT:,} lines")
            parser.feed(chunk)
        return parser.close(), True
    except (TooBig, RecursionError) as error:
        said = str(error) if isinstance(error, TooBig) else "its parts are nested too deeply"
        problems.append(f"{said}: only its headers were read")
        return headers_of(raw, problems), False


HEADERS_END = re.compile(rb"\r?\n\r?\n")
MULTIPART = re.compile(rb"^content-type:\s*multipart/", re.IGNORECASE | re.MULTILINE)


def needed(raw: bytes) -> bytes:
    """A message of one part is read no further into its body than its text is: the email
    package holds each line of a body, then the body, then its text, each as large."""
    end = HEADERS_END.search(raw, 0, HEADER_BYTES)
    if end is None or MULTIPART.search(raw, 0, end.start()):
        return raw
    return raw[: end.end() + TEXT_READ + FEED]  # past TEXT_READ, so that it is known to be cut


def headers_of(raw: bytes, problems: list[str]) -> EmailMessage:
    """The message's own headers, of its first HEADER_BYTES at most."""
    end = HEADERS_END.search(raw, 0, HEADER_BYTES)
    block = raw[: end.end()] if end else raw[: raw.rfind(b"\n", 0, HEADER_BYTES) + 1]
    return BytesParser(bounded(problems, {}), policy=policy.default).parsebytes(block, headersonly=True)


def parse_message(raw: bytes) -> Parsed:
    """What a Mail record holds of ``raw`` (an RFC 5322 message), and its attachments."""
    problems: list[str] = []
    message, whole = read(raw, problems)
    sender = header(message, "From", problems)
    name, address = parseaddr(sender)
    fields = {
        "sender": line(name or address or sender, 500),
        "sender_address": line(address, 320).lower(),
        "to": addresses(header(message, "To", problems)),
        "cc": addresses(header(message, "Cc", problems)),
        "subject": line(header(message, "Subject", problems), 1000),
        "sent_at": moment(header(message, "Date", problems), problems),
        "message_id": (message_ids(header(message, "Message-ID", problems)) or [""])[0],
        "in_reply_to": (message_ids(header(message, "In-Reply-To", problems)) or [""])[0],
        "references": message_ids(header(message, "References", problems)),
        "text": text_of(message, problems) if whole else "",
    }
    parts = attachments_of(message, problems) if whole else []
    problems += [f"the message is malformed: {line(type(defect).__name__, 80)}" for defect in message.defects[:5]]
    fields["problems"] = [line(problem, 300) for problem in dict.fromkeys(problems)][:50]
    return Parsed(fields, parts)
