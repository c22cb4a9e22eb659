"""Text from people and from outside systems is data, never instructions to a terminal.

What may be stored: no C0 control character (tab and line breaks only where a field holds
paragraphs), no DEL, no C1 control character — those are what turn a name into a command
that sets the terminal's title, wipes the screen or moves the cursor — and no bidirectional
override or isolate (U+202A–U+202E, U+2066–U+2069), which make text read in an order other
than the one it is stored in ("Trojan Source").

What is shown: text already on disk (a hand edit, an older version) can still hold them,
so every place that shows stored text first makes it ``visible``: each control character
becomes one visible symbol (ESC shows as ␛), so nothing reaches the terminal as a command
and the text keeps its length.
"""

from __future__ import annotations

import re

BIDI = "\u202a-\u202e\u2066-\u2069"
BIDI_CODES = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
# Refused everywhere: C0 but tab and line feed, DEL, C1, bidirectional controls.
CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")
# Refused in one-line fields: those and tab and line feed.
LINE_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}]")

_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_PICTURES |= {code: "\ufffd" for code in (*range(0x80, 0xA0), *BIDI_CODES)}
_KEEP_LINES = {code: picture for code, picture in _PICTURES.items() if code not in (0x09, 0x0A)}
_ONE_LINE = _PICTURES | {0x09: " ", 0x0A: " "}

# Spreadsheets run a cell that starts like a formula (OWASP, "CSV injection").
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


NAMES = {
    "\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x0b": "VT", "\x0c": "FF", "\x1b": "ESC", "\x7f": "DEL",
    "\x9b": "CSI", "\t": "a tab", "\n": "a line break", "\r": "a carriage return",
}


def character_name(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char in NAMES:
        return NAMES[char] if char in "\t\n\r" else f"{NAMES[char]} ({code})"
    return code


def control_problem(text: str, *, multiline: bool) -> str | None:
    """Why ``text`` may not be stored, or None. Says which character and where."""
    found = (CONTROL if multiline else LINE_CONTROL).search(text)
    if found is None:
        return None
    char = found.group()
    if char in "\t\n\r" and not multiline:
        return f"{character_name(char)} is not allowed here: this field is one line"
    kind = "bidirectional control" if "\u202a" <= char <= "\u2069" else "control character"
    return f"contains the {kind} {character_name(char)} at position {found.start() + 1}; only plain text can be stored"


def normalise_line_ends(text: str) -> str:
    """Text pasted from another system often ends its lines with CR LF."""
    return text.replace("\r\n", "\n") if "\r" in text else text


def upper_first(words: str) -> str:
    """'passed on to Ann' → 'Passed on to Ann' (str.capitalize would lower 'Ann')."""
    return words[:1].upper() + words[1:]


def visible(text: str, *, one_line: bool = False) -> str:
    """``text`` with every control character replaced by one visible symbol; with
    ``one_line``, tabs and line breaks become spaces."""
    return text.translate(_ONE_LINE if one_line else _KEEP_LINES)


def spreadsheet_safe(cell: str) -> str:
    """A text cell a spreadsheet will show rather than run: a cell that starts like a
    formula gets a leading apostrophe (``import`` takes it off again)."""
    return "'" + cell if FORMULA_START.match(cell) else cell


def from_spreadsheet(cell: str) -> str:
    """The inverse of ``spreadsheet_safe``."""
    return cell[1:] if cell.startswith("'") and FORMULA_START.match(cell[1:]) else cell
