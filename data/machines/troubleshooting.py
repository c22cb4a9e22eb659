"""What an office person tries before calling the service company, per symptom and kind.

Steps name the machine kinds they suit by the values of ``MachineKind`` (plain strings
here, so this catalogue stays below data/machines.py).
"""

from __future__ import annotations

from enum import StrEnum


class Symptom(StrEnum):
    PAPER_JAM = "paper_jam"
    TONER_OR_INK = "toner_or_ink"
    PRINT_QUALITY = "print_quality"
    NETWORK = "network"
    ERROR_CODE = "error_code"
    NO_POWER = "no_power"
    FAX_LINE = "fax_line"
    SCANNING = "scanning"
    NOISE = "noise"


SYMPTOM_WORDS = {
    Symptom.PAPER_JAM: "paper jam",
    Symptom.TONER_OR_INK: "toner or ink",
    Symptom.PRINT_QUALITY: "print quality",
    Symptom.NETWORK: "network / cannot print",
    Symptom.ERROR_CODE: "error code",
    Symptom.NO_POWER: "won't power on",
    Symptom.FAX_LINE: "faxes won't send or arrive",
    Symptom.SCANNING: "scanning fails",
    Symptom.NOISE: "grinding or unusual noise",
}

PRINTING = frozenset({"copier", "printer", "fax", "multifunction"})
FAXING = frozenset({"fax", "multifunction"})
SCANNING = frozenset({"copier", "multifunction", "scanner"})
NETWORKED = frozenset({"copier", "printer", "multifunction", "scanner"})
EVERY_KIND = frozenset({"copier", "printer", "fax", "scanner", "multifunction"})

# Which symptoms make sense for which kinds of machine.
SYMPTOM_KINDS: dict[Symptom, frozenset[str]] = {
    Symptom.PAPER_JAM: EVERY_KIND,
    Symptom.TONER_OR_INK: PRINTING,
    Symptom.PRINT_QUALITY: PRINTING,
    Symptom.NETWORK: NETWORKED,
    Symptom.ERROR_CODE: EVERY_KIND,
    Symptom.NO_POWER: EVERY_KIND,
    Symptom.FAX_LINE: FAXING,
    Symptom.SCANNING: SCANNING,
    Symptom.NOISE: EVERY_KIND,
}

# symptom → (step, kinds it suits); in the order a person should try them.
STEPS: dict[Symptom, list[tuple[str, frozenset[str]]]] = {
    Symptom.PAPER_JAM: [
        ("Follow the jam picture on the panel; open each door and tray it names", EVERY_KIND),
        ("Pull jammed paper out slowly with both hands, in the direction it travels", EVERY_KIND),
        ("Look with a torch for torn scraps left behind, especially near the fuser (it is hot)", PRINTING),
        ("Check the paper is dry, flat, and below the tray's fill line", PRINTING),
        ("Fan the stack and slide the tray guides snug against the paper", PRINTING),
        ("Check the paper size and weight set for the tray match the paper in it", PRINTING),
        ("Open the document feeder lid, remove the original, and check for staples or clips", SCANNING | FAXING),
        ("Wipe the feed rollers with a lint-free cloth dampened with water", EVERY_KIND),
        ("Close every door firmly and print or scan one test page", EVERY_KIND),
    ],
    Symptom.TONER_OR_INK: [
        ("Read the level of each cartridge on the machine's panel or status page", PRINTING),
        ("Take the cartridge out, rock it gently side to side five times, and refit it until it clicks", PRINTING),
        ("Check a new cartridge had all its orange tape and seals removed", PRINTING),
        ("Check the cartridge is the right part for this model (compare the number on the box)", PRINTING),
        ("Wipe the cartridge's chip contacts with a dry lint-free cloth", PRINTING),
        ("Check the fax film roll is not empty or twisted, and is threaded as shown inside the lid", FAXING),
        ("Fit a new cartridge from stock and record it as issued to this machine", PRINTING),
    ],
    Symptom.PRINT_QUALITY: [
        ("Print the machine's own test or configuration page: is the fault on it too?", PRINTING),
        ("If only copies are bad, clean the scanner glass and the narrow glass strip of the feeder", SCANNING),
        ("Check the paper type setting (plain, heavy, labels) matches the paper loaded", PRINTING),
        ("Run the cleaning, calibration or head-cleaning routine from the maintenance menu", PRINTING),
        ("Repeated marks at the same spacing: note the spacing; it tells the vendor which roller", PRINTING),
        ("Shake or replace the toner or ink cartridge; replace the drum if streaks stay", PRINTING),
        ("Try a ream from a freshly opened pack of paper", PRINTING),
    ],
    Symptom.NETWORK: [
        ("Check whether anyone else can print or scan to it: one PC or everyone?", NETWORKED),
        ("Check the network cable is clicked in at both ends and its port light blinks", NETWORKED),
        ("Print a configuration page: does the machine have an IP address (not 169.254…)?", NETWORKED),
        ("From a PC, open that address in a browser or ping it", NETWORKED),
        ("Check the print queue on the PC or server is not paused and clear stuck jobs", NETWORKED),
        ("Switch the machine off, wait 30 seconds, and switch it on again", NETWORKED),
        ("For scan-to-folder or e-mail: check the shared folder's password has not changed", SCANNING),
    ],
    Symptom.ERROR_CODE: [
        ("Write down the exact code and message, and take a photo of the panel", EVERY_KIND),
        ("Open and close every door and tray firmly", EVERY_KIND),
        ("Switch off, wait 30 seconds, and switch on again: does the code come back?", EVERY_KIND),
        ("Look the code up in the manual or on the maker's support site", EVERY_KIND),
        ("Remove and refit the cartridge, drum or waste-toner box the message names", PRINTING),
    ],
    Symptom.NO_POWER: [
        ("Check the switch at the front and the one at the back are both on", EVERY_KIND),
        ("Check the plug is in, the wall socket is switched on, and try another socket", EVERY_KIND),
        ("Plug a lamp into the same socket to prove the socket works", EVERY_KIND),
        ("Check the power lead is pushed fully into the machine", EVERY_KIND),
        ("Replace the fuse in the plug with one of the same rating", EVERY_KIND),
        ("If it smells of burning, leave it unplugged and do not try again", EVERY_KIND),
    ],
    Symptom.FAX_LINE: [
        ("Plug a phone into the fax socket: is there a dial tone?", FAXING),
        ("Check the line lead runs from LINE on the machine to the wall socket", FAXING),
        ("Send a one-page test fax to a number known to work", FAXING),
        ("Check the number format: the outside-line prefix and the area code", FAXING),
        ("Check the memory is not full of unsent or unprinted faxes", FAXING),
        ("Ask the sender to try again; check the receive mode is fax, not phone", FAXING),
    ],
    Symptom.SCANNING: [
        ("Scan one page from the glass: does that work while the feeder does not?", SCANNING),
        ("Clean the scanner glass and the feeder's narrow glass strip", SCANNING),
        ("Check the destination: the e-mail address or shared folder, and that it is not full", SCANNING),
        ("Check the scanner's cable or network light; on a PC scanner, restart the scanning program", SCANNING),
        ("Clean or replace the feeder's pick-up and separation rollers", SCANNING),
    ],
    Symptom.NOISE: [
        ("Stop using the machine and note when the noise comes: printing, feeding, or idle", EVERY_KIND),
        ("Check for a paper scrap, clip or staple inside the trays and doors", EVERY_KIND),
        ("Check every cartridge and drum is seated fully", PRINTING),
        ("Switch off, wait 30 seconds, switch on and listen", EVERY_KIND),
    ],
}


def symptoms_for(kind: str) -> list[Symptom]:
    """The symptoms offered when reporting a fault on this kind of machine."""
    return [s for s in Symptom if kind in SYMPTOM_KINDS[s]]


def checklist(kind: str, symptom: Symptom) -> list[str]:
    """The steps to tick through, in order, for this kind of machine and symptom."""
    return [step for step, kinds in STEPS[Symptom(symptom)] if kind in kinds]


def symptom_words(symptom: Symptom) -> str:
    return SYMPTOM_WORDS[Symptom(symptom)]
