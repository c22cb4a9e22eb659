"""Phone and fax numbers: validated, stored as digits (with a leading + kept), shown readable."""

from __future__ import annotations

import re

ALLOWED = re.compile(r"^\+?[\d\s().\-/]+$")


def normalise_number(text: str) -> str:
    """'+44 (20) 7946-0000' → '+442079460000'. Empty stays empty. Raises ValueError."""
    text = text.strip()
    if not text:
        return ""
    if not ALLOWED.match(text):
        raise ValueError("a phone number has only digits, spaces, + ( ) . - /")
    digits = re.sub(r"\D", "", text)
    if not 3 <= len(digits) <= 17:
        raise ValueError("a phone number has between 3 and 17 digits")
    return ("+" if text.startswith("+") else "") + digits


def readable_number(number: str) -> str:
    """'+442079460000' → '+44 20 7946 0000'; '02079460000' → '020 7946 0000'; '214' → '214'."""
    if not number:
        return ""
    plus = number.startswith("+")
    digits = number.lstrip("+")
    head = ""
    if plus:
        head, digits = "+" + digits[:2] + " ", digits[2:]
    groups = []
    while len(digits) > 5:
        groups.insert(0, digits[-4:])
        digits = digits[:-4]
    groups.insert(0, digits)
    return head + " ".join(g for g in groups if g)
