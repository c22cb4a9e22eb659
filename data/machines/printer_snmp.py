"""A printer or copier asked over SNMP what it knows of itself: the Printer MIB (RFC 3805)
and the Host Resources MIB (RFC 2790), as GLPI's agent and every print-management tool ask.

pysnmp is imported on the first poll only: an office that polls nothing never loads it.

What a machine answers is bounded: its whole reading ends after ``seconds`` however slowly
it answers each value, each table is walked for at most MAX_ROWS rows, and the values it
gives come to at most MAX_ANSWER bytes.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from dataclasses import dataclass, field

from data.engine.errors import DataError
from data.machines.printer_report import MAX_ROWS, PrinterReport, SupplyReport, as_int, machine_text

PORT = 161
DEADLINE = 20.0  # seconds one machine's whole reading may take, every request and retry
MAX_ANSWER = 256 << 10  # bytes of values read from one machine: a copier's come to a few kilobytes

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
HR_DEVICE_STATUS = "1.3.6.1.2.1.25.3.2.1.5.1"  # 1 unknown, 2 running, 3 warning, 4 testing, 5 down
HR_PRINTER_STATUS = "1.3.6.1.2.1.25.3.5.1.1.1"  # 1 other, 2 unknown, 3 idle, 4 printing, 5 warm-up
HR_PRINTER_ERRORS = "1.3.6.1.2.1.25.3.5.1.2.1"  # a bit string, first bit the highest of the first byte
MARKER_LIFE_COUNT = "1.3.6.1.2.1.43.10.2.1.4"  # prtMarkerLifeCount, per marker: pages (or impressions)
SUPPLY_TYPE = "1.3.6.1.2.1.43.11.1.1.5"  # prtMarkerSuppliesType: 3 toner, 4 waste toner, 5 ink, 9 opc (drum)…
SUPPLY_DESCRIPTION = "1.3.6.1.2.1.43.11.1.1.6"
SUPPLY_MAX_CAPACITY = "1.3.6.1.2.1.43.11.1.1.8"
SUPPLY_LEVEL = "1.3.6.1.2.1.43.11.1.1.9"  # −3: some left, −2: unknown, −1: no limit

SUPPLY_KINDS = {3: "toner", 4: "waste toner", 5: "ink", 6: "ink cartridge", 9: "drum", 15: "fuser", 21: "transfer unit"}
PRINTER_ERRORS = ["low paper", "no paper", "low toner", "no toner", "door open", "jammed", "offline",
                  "service requested", "input tray missing", "output tray missing", "marker supply missing",
                  "output near full", "output full", "input tray empty", "overdue maintenance"]
DEVICE_STATES = {1: "unknown", 2: "running", 3: "warning", 4: "testing", 5: "down"}


# The names settings give the SNMP v3 protocols, and pysnmp's for them.
AUTH_PROTOCOLS = {"MD5": "usmHMACMD5AuthProtocol", "SHA": "usmHMACSHAAuthProtocol", "SHA224": "usmHMAC128SHA224AuthProtocol",
                  "SHA256": "usmHMAC192SHA256AuthProtocol", "SHA384": "usmHMAC256SHA384AuthProtocol",
                  "SHA512": "usmHMAC384SHA512AuthProtocol"}
PRIVACY_PROTOCOLS = {"DES": "usmDESPrivProtocol", "3DES": "usm3DESEDEPrivProtocol", "AES": "usmAesCfb128Protocol",
                     "AES192": "usmAesCfb192Protocol", "AES256": "usmAesCfb256Protocol"}
MIN_KEY = 8  # RFC 3414: a USM password is at least eight characters


class SnmpError(DataError):
    """The machine did not answer, or answered with an error: said in words."""

    indication: object = None  # pysnmp's, when it said one


@dataclass(frozen=True)
class SnmpAccess:
    """How the machines are asked: SNMP v2c with a community, or v3 as a user with an
    authentication key and a privacy key. The keys are secrets: never shown, never said."""

    community: str = "public"
    user: str = ""  # set: SNMP v3
    auth_key: str = field(default="", repr=False)
    privacy_key: str = field(default="", repr=False)
    auth_protocol: str = "SHA"
    privacy_protocol: str = "AES"

    def problem(self) -> str | None:
        """What makes these settings unusable, in words naming the setting, never its value."""
        keys = (("snmp_auth_key", self.auth_key), ("snmp_privacy_key", self.privacy_key))
        if not self.user and (self.auth_key or self.privacy_key):
            return "snmp_auth_key and snmp_privacy_key are for an SNMP v3 user: set snmp_user too"
        if self.privacy_key and not self.auth_key:
            return "snmp_privacy_key needs snmp_auth_key: SNMP v3 encrypts only what is authenticated"
        short = [name for name, key in keys if key and len(key) < MIN_KEY]
        if short:
            return f"{short[0]} must be at least {MIN_KEY} characters (SNMP v3 takes no shorter key)"
        if self.auth_protocol.upper() not in AUTH_PROTOCOLS:
            return f"snmp_auth_protocol must be one of {', '.join(AUTH_PROTOCOLS)}"
        if self.privacy_protocol.upper() not in PRIVACY_PROTOCOLS:
            return f"snmp_privacy_protocol must be one of {', '.join(PRIVACY_PROTOCOLS)}"
        return None


def split_address(address: str) -> tuple[str, int]:
    """'copier-2' → ('copier-2', 161); 'copier-2:1161' → ('copier-2', 1161); ValueError in words."""
    text = address.strip()
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, str(PORT)
    if not host or any(c.isspace() for c in host):
        raise ValueError("give the machine's network name or address, optionally with :port")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"'{port}' is not a port number (1–65535)")
    return host, int(port)


def error_bits(octets: bytes) -> list[str]:
    """hrPrinterDetectedErrorState: bit 0 is the high bit of the first byte."""
    found = []
    for index, name in enumerate(PRINTER_ERRORS):
        byte, bit = divmod(index, 8)
        if byte < len(octets) and octets[byte] & (0x80 >> bit):
            found.append(name)
    return found


def read_printer(address: str, access: SnmpAccess | str = "public", timeout: float = 2.0,
                 seconds: float | None = None) -> PrinterReport:
    """Ask the machine at ``address`` (host or host:port) with a community or an SnmpAccess;
    SnmpError when it does not answer, or not in full within ``seconds`` (DEADLINE unless given)."""
    [answer] = read_printers([address], access, timeout, seconds)
    if isinstance(answer, Exception):
        raise answer
    return answer


def read_printers(addresses: list[str], access: SnmpAccess | str = "public", timeout: float = 2.0,
                  seconds: float | None = None) -> list[PrinterReport | Exception]:
    """Ask every machine at once, with one SNMP engine (making one costs more than asking a
    machine), each within ``seconds``; for each address its report, or the SnmpError or
    ValueError that says why not."""
    access = SnmpAccess(community=access) if isinstance(access, str) else access
    return asyncio.run(_read_all(addresses, access, timeout, DEADLINE if seconds is None else seconds))


async def _read_all(addresses: list[str], access: SnmpAccess, timeout: float, seconds: float) -> list[PrinterReport | Exception]:
    from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

    engine = SnmpEngine()
    try:
        answers = await asyncio.gather(*(_read_one(engine, address, access, timeout, seconds) for address in addresses),
                                       return_exceptions=True)
    finally:
        engine.close_dispatcher()
    for answer in answers:
        if isinstance(answer, BaseException) and not isinstance(answer, (SnmpError, ValueError)):
            raise answer  # a fault of ours, not the machine's
    return answers  # type: ignore[return-value]


async def _read_one(engine: object, address: str, access: SnmpAccess, timeout: float, seconds: float) -> PrinterReport:
    host, port = split_address(address)
    try:
        return await asyncio.wait_for(_read(engine, host, port, access, timeout), seconds)
    except TimeoutError:
        raise SnmpError(f"{host} was asked over SNMP for its state and had not answered in full after {round(seconds, 1):g} s:"
                        " it is too slow or has stopped answering") from None
    except SnmpError as error:
        if access.user:
            raise v3_refusal(error, host, access.user) from None
        raise


async def _read(engine: object, host: str, port: int, access: SnmpAccess, timeout: float) -> PrinterReport:
    from pysnmp.hlapi.v3arch.asyncio import ContextData, UdpTransportTarget

    try:
        target = await UdpTransportTarget.create((host, port), timeout=timeout, retries=1)
    except Exception as error:  # pysnmp says an unknown host with its own error types
        cause = getattr(error.__cause__, "strerror", None) or error
        raise SnmpError(f"{host} cannot be found on the network ({cause})") from error
    ask = (engine, credentials(access), target, ContextData())
    budget = Budget(host)
    scalars = await _get(ask, budget, SYS_DESCR, HR_DEVICE_STATUS, HR_PRINTER_ERRORS)
    columns = await _walk(ask, budget, MARKER_LIFE_COUNT, SUPPLY_TYPE, SUPPLY_DESCRIPTION, SUPPLY_MAX_CAPACITY, SUPPLY_LEVEL)
    counts = [as_int(v, default=-1) for _, v in sorted(columns[MARKER_LIFE_COUNT].items())]
    return PrinterReport(
        total=counts[0] if counts and counts[0] >= 0 else None,
        supplies=supplies_of(columns),
        device_state=DEVICE_STATES.get(as_int(scalars.get(HR_DEVICE_STATUS)), "unknown"),
        errors=error_bits(octets(scalars[HR_PRINTER_ERRORS])) if HR_PRINTER_ERRORS in scalars else [],
        description=as_text(scalars.get(SYS_DESCR, b"")),
    )


class Budget:
    """What one machine's values may come to, in bytes; SnmpError once they come to more."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.left = MAX_ANSWER

    def spend(self, value: object) -> None:
        self.left -= max(len(octets(value)), 8)
        if self.left < 0:
            raise SnmpError(f"{self.host} answered at more length than any machine does (over {MAX_ANSWER >> 10} KB): not read")


def supplies_of(columns: dict[str, dict[str, object]]) -> list[SupplyReport]:
    supplies = []
    for index, description in sorted(columns[SUPPLY_DESCRIPTION].items()):
        kind = as_int(columns[SUPPLY_TYPE].get(index))
        supplies.append(SupplyReport(
            description=as_text(description),
            kind=SUPPLY_KINDS.get(kind, "supply"),
            level=as_int(columns[SUPPLY_LEVEL].get(index), default=-2),
            max_capacity=as_int(columns[SUPPLY_MAX_CAPACITY].get(index), default=-2),
        ))
    return supplies


def octets(value: object) -> bytes:
    """An SNMP octet string's bytes; none for a value of another type (never bytes(n) of a number n)."""
    if isinstance(value, bytes):
        return value
    as_octets = getattr(value, "asOctets", None)
    return as_octets() if callable(as_octets) else b""


def as_text(value: object) -> str:
    """An SNMP octet string, in whatever encoding the machine chose, as text made inert."""
    return machine_text(octets(value).decode("utf-8", "replace"))


async def _get(ask: tuple, budget: Budget, *oids: str) -> dict[str, object]:
    from pysnmp.hlapi.v3arch.asyncio import ObjectIdentity, ObjectType, get_cmd
    from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

    indication, status, _, binds = await get_cmd(*ask, *(ObjectType(ObjectIdentity(oid)) for oid in oids))
    check(budget.host, indication, status)
    found = {str(oid): value for oid, value in binds if not isinstance(value, (NoSuchObject, NoSuchInstance, EndOfMibView))}
    for value in found.values():
        budget.spend(value)
    return found


async def _walk(ask: tuple, budget: Budget, *columns: str) -> dict[str, dict[str, object]]:
    """Each column's values by row index ('1.2'). The walk of a column ends past its last
    row, and also where an agent answers with an OID that does not increase (an agent with a
    broken index answers the same OID again and again), or after MAX_ROWS rows: no machine
    keeps a poll going forever."""
    from pysnmp.hlapi.v3arch.asyncio import ObjectIdentity, ObjectType, walk_cmd

    found: dict[str, dict[str, object]] = {column: {} for column in columns}
    for column in columns:
        previous: tuple[int, ...] = ()
        async with aclosing(walk_cmd(*ask, ObjectType(ObjectIdentity(column)), lexicographicMode=False)) as rows:
            async for indication, status, _, binds in rows:
                check(budget.host, indication, status)
                oid, value = binds[0]
                if tuple(oid) <= previous or len(found[column]) >= MAX_ROWS:
                    break
                budget.spend(value)
                previous = tuple(oid)
                found[column][str(oid).removeprefix(column + ".")] = value
    return found


def credentials(access: SnmpAccess):
    """A community (v2c), or the v3 user with its keys: no key, no authentication; an
    authentication key alone, no privacy."""
    from pysnmp.hlapi.v3arch import asyncio as hlapi

    if not access.user:
        return hlapi.CommunityData(access.community)
    auth = getattr(hlapi, AUTH_PROTOCOLS[access.auth_protocol.upper()]) if access.auth_key else hlapi.usmNoAuthProtocol
    privacy = getattr(hlapi, PRIVACY_PROTOCOLS[access.privacy_protocol.upper()]) if access.privacy_key else hlapi.usmNoPrivProtocol
    return hlapi.UsmUserData(access.user, access.auth_key or None, access.privacy_key or None, authProtocol=auth, privProtocol=privacy)


def v3_refusal(error: SnmpError, host: str, user: str) -> SnmpError:
    """What a machine's silence or refusal means for an SNMP v3 user, in words: most machines
    do not answer a wrong key at all."""
    wrong_auth = f"{host} refused the SNMP v3 authentication key of user '{user}' (snmp_auth_key, snmp_auth_protocol)"
    said = {
        "UnknownUserName": f"{host} does not know the SNMP v3 user '{user}' (snmp_user)",
        "WrongDigest": wrong_auth,
        "AuthenticationFailure": wrong_auth,
        "DecryptionError": f"{host} refused the SNMP v3 privacy key of user '{user}' (snmp_privacy_key, snmp_privacy_protocol)",
        "UnsupportedSecurityLevel": f"{host} wants other keys for the SNMP v3 user '{user}': authentication, privacy or both",
        "RequestTimedOut": f"{error}; as SNMP v3 user '{user}', a wrong user or key goes unanswered too: "
                           "check snmp_user, snmp_auth_key and snmp_privacy_key",
    }.get(type(error.indication).__name__)
    return SnmpError(said) if said else error


def check(host: str, indication: object, status: object) -> None:
    if indication:
        error = SnmpError(f"{host} did not answer over SNMP ({indication})")
        error.indication = indication
        raise error
    if status:
        raise SnmpError(f"{host} answered with an SNMP error: {status.prettyPrint()}")  # type: ignore[attr-defined]
