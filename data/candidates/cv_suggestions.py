"""What a CV's text suggests about its author: a name, an e-mail address, a phone number.

Suggestions only: the person importing confirms or corrects them in the candidate's form,
and the command line takes them as found and says which it could not find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from data.addresses import check_email, normalise_number

# An address starts where a run of its characters starts: tried from inside a long run with no
# @ after it, the search ran on to the run's end from every character.
EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
# A run of digits with the separators people write numbers with, at least 7 digits long.
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-/]{5,}\d(?!\w)")
NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’.\-]*(?:['’\-][^\W\d_]+)*\.?")
PARTICLES = {"de", "da", "del", "der", "den", "di", "du", "la", "le", "van", "von", "bin", "ibn", "al", "y", "e"}
NOT_NAMES = {
    "curriculum", "vitae", "cv", "resume", "résumé", "profile", "personal", "details", "contact", "summary",
    "address", "phone", "mobile", "email", "e-mail", "telephone", "experience", "education", "skills", "page",
    "street", "road", "lane", "avenue", "references", "objective", "languages", "about", "me", "dear",
}
NAME_LINES = 15  # a name comes at the top


@dataclass(frozen=True)
class Suggestions:
    name: str = ""
    email: str = ""
    phone: str = ""  # E.164, as the phone fields store it

    def missing(self) -> list[str]:
        return [what for what, value in (("name", self.name), ("e-mail", self.email), ("phone", self.phone)) if not value]


def suggest(text: str) -> Suggestions:
    return Suggestions(find_name(text), find_email(text), find_phone(text))


def find_name(text: str) -> str:
    """The first line near the top that looks like a name: two to four capitalised words."""
    for line in [line.strip() for line in text.splitlines() if line.strip()][:NAME_LINES]:
        line = re.split(r"\s[|•·–—,]\s|\t", line)[0].strip()  # "Jane Doe | Accountant"
        if looks_like_a_name(line):
            return line.title() if line.isupper() else line
    return ""


def looks_like_a_name(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 4 or len(line) > 60:
        return False
    if any(not NAME_WORD.fullmatch(w) for w in words):
        return False
    if any(w.casefold().strip(".:") in NOT_NAMES for w in words):
        return False
    capitalised = [w for w in words if w.casefold() not in PARTICLES]
    return len(capitalised) >= 2 and all(w[0].isupper() for w in capitalised)


def find_email(text: str) -> str:
    for found in EMAIL.finditer(text):
        address = found.group().strip(".'-")
        try:
            return check_email(address)
        except ValueError:
            continue
    return ""


def find_phone(text: str) -> str:
    for found in PHONE.finditer(text):
        typed = found.group().strip()
        if len(re.sub(r"\D", "", typed)) < 7 or looks_like_dates(typed):
            continue
        try:
            return normalise_number(typed)
        except ValueError:
            continue
    return ""


def looks_like_dates(typed: str) -> bool:
    """'2019 - 2023' and '01/2020' are a CV's periods, not numbers to call."""
    return bool(re.fullmatch(r"(?:\d{1,2}[./-])?(?:19|20)\d\d(?:\s*[-–/]\s*(?:\d{1,2}[./-])?(?:19|20)\d\d)?", typed))
