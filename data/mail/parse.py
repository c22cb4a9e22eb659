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
from html.parser import HTMLParser

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


class TextOfHtml(HTMLParser):
    """The words of an HTML part, with line breaks where blocks end; scripts and styles dropped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.hidden = max(self.hidden - 1, 0)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)

    def text(self) -> str:
        joined = re.sub(r"[ \t\xa0]+", " ", "".join(self.out))
        return re.sub(r"\n\s*\n\s*\n+", "\n\n", "\n".join(part.strip() for part in joined.split("\n"))).strip()


def html_to_text(html: str) -> str:
    reader = TextOfHtml()
    reader.feed(html)
    reader.close()
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
