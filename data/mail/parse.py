"""A message as it came from the server, turned into what a Mail record holds.

Mail comes from anyone. Nothing here trusts it: every header and the text are made plain
(control characters become visible symbols, as for any stored text), sizes are bounded,
and a part that cannot be decoded is kept with what could be read and the problem named —
a broken message never stops a fetch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html import unescape

from data.engine.text import normalise_line_ends, visible
from data.mail.models import BODY_LIMIT

ATTACHMENT_LIMIT = 25 * 1024 * 1024  # bytes of one attachment kept; a bigger one stays on the server
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


def text_of(message: EmailMessage, problems: list[str]) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return ""
    text = decoded(part, problems)
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    if len(text) > BODY_LIMIT:
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
    for number, part in enumerate(parts, 1):
        name = line(part.get_filename() or "", 255) or f"attachment-{number}"
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


def parse_message(raw: bytes) -> Parsed:
    """What a Mail record holds of ``raw`` (an RFC 5322 message), and its attachments."""
    problems: list[str] = []
    message = BytesParser(policy=policy.default).parsebytes(raw)
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
        "text": text_of(message, problems),
    }
    parts = attachments_of(message, problems)
    problems += [f"the message is malformed: {line(type(defect).__name__, 80)}" for defect in message.defects[:5]]
    fields["problems"] = [line(problem, 300) for problem in dict.fromkeys(problems)][:50]
    return Parsed(fields, parts)
