"""The scan path: whatever the scanner (or a person) typed, resolved or refused in one sentence."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from db import phones
from db.core import CustodyResult, Database, Refused
from db.phones import StockPhone, StockPlace
from tagcodes import BadCode, TagKind, looks_like_code, parse_code

if TYPE_CHECKING:
    from db.devices import DeviceInfo


class ScanMode(StrEnum):
    """What a phone scan at the kiosk does: check it in, or hand it back (F5 / F6; the values are widget ids).

    A stock-take is a screen of its own (kiosk/screens/stock_take.py), not a third mode: it has a place, a list
    of phones found, and a finish, and records nothing until then."""

    MORNING = "morning"
    HOME_TIME = "home-time"


def _parse(text: str) -> tuple[TagKind, str]:
    try:
        return parse_code(text)
    except BadCode as exc:
        raise Refused(str(exc)) from None


def read_code(text: str) -> str:
    """The printed form of any tag code, or Refused with the reason."""
    return _parse(text)[1]


def read_phone_code(text: str) -> str:
    """The printed form of a phone tag code, or Refused with the reason."""
    kind, code = _parse(text)
    if kind is not TagKind.PHONE:
        raise Refused(f"{code} is a {kind.value} tag, not a phone tag: scan the tag on the phone pouch.")
    return code


def one_read(text: str) -> str:
    """A scanner's double read with no pause between ("P-REEH-8F3P-REEH-8F3") as the one tag it read twice.

    Only one valid tag code repeated exactly (with or without a space between) is taken apart; anything else comes
    back as it was typed, and is refused as it always was if it is not a tag.
    """
    cleaned = text.strip()
    half = len(cleaned) // 2
    if cleaned[:half] == cleaned[half:]:
        first = cleaned[:half]
    elif len(parts := cleaned.split()) == 2 and parts[0] == parts[1]:
        first = parts[0]
    else:
        return text
    return first if first and looks_like_code(first) else text


def scan_phone(database: Database, text: str, staff_code: str, mode: ScanMode, reason: str | None = None,
               to: str | None = None) -> CustodyResult:
    """Check a phone in (morning) or hand it back (home-time; ``to``: the parent collecting a confiscated phone).

    The kiosk's morning scan also finds a phone left overnight in its place, and takes a double read as "already
    in" (``check_in_at_kiosk``); ``kiosk phone in`` still refuses a phone already held.
    """
    code = read_phone_code(text)
    if mode == ScanMode.MORNING:
        return phones.check_in_at_kiosk(database, code, staff_code)
    return phones.phone_out(database, code, staff_code, reason=reason, to=to)


def read_scan(database: Database, text: str, staff_code: str, mode: ScanMode, reason: str | None = None,
              to: str | None = None) -> CustodyResult | DeviceInfo | StockPlace:
    """A device's state for a device tag (or an asset tag typed by hand); a cupboard's or the office's location
    tag starts a stock-take of it; else the phone checked in or handed back.

    A double read arrives as one tag scanned once (``one_read``).
    """
    from db.devices import device_info  # here: `kiosk phone in` reads phone codes without the devices' room

    text = one_read(text)
    if _kind(text) is TagKind.LOCATION:
        return phones.stock_take_place(database, text, by=staff_code)
    if is_device_scan(text):
        return device_info(database, text)
    if not looks_like_code(text):  # an asset tag typed by hand ("ipad-03") opens the device too
        try:
            return device_info(database, text)
        except Refused:
            pass  # not a device either: the phone path says what is wrong with the code
    return scan_phone(database, text, staff_code, mode, reason, to)


def is_device_scan(text: str) -> bool:
    """A school camera's or iPad's tag (D-…): it opens the device screen in either mode."""
    return _kind(text) is TagKind.DEVICE


def _kind(text: str) -> TagKind | None:
    try:
        return parse_code(text)[0]
    except BadCode:
        return None


def stock_take_scan(database: Database, place: str, text: str, staff_code: str) -> StockPhone:
    """A phone scanned during a stock-take: found, or not expected (and where the record says it is)."""
    return phones.stock_take_phone(database, place, read_phone_code(one_read(text)), by=staff_code)
