"""The scan path: whatever the scanner (or a person) typed, resolved or refused in one sentence."""

from __future__ import annotations

from db import phones
from db.core import CustodyResult, Database, Refused
from tagcodes import BadCode, TagKind, parse_code

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


def scan_phone(database: Database, text: str, staff_code: str, mode: str, reason: str | None = None,
               to: str | None = None) -> CustodyResult:
    """Check a phone in (morning) or hand it back (home-time; ``to``: the parent collecting a confiscated phone).

    The kiosk's morning scan also finds a phone left overnight in its place, and takes a double read as "already
    in" (``check_in_at_kiosk``); ``kiosk phone in`` still refuses a phone already held.
    """
    code = read_phone_code(text)
    if mode == MORNING:
        return phones.check_in_at_kiosk(database, code, staff_code)
    return phones.phone_out(database, code, staff_code, reason=reason, to=to)
