"""Who may do what: the README's role table, checked by every db function whatever calls it.

| task             | teacher    | office | slt | admin |
|------------------|------------|--------|-----|-------|
| phones           | own class  | yes    | yes |       |
| early hand-back  |            | yes    | yes |       |
| office           |            | yes    | yes |       |
| devices          | yes        | yes    | yes |       |
| review           |            |        | yes |       |
| admin            |            |        | yes | yes   |

The command line without ``--by`` acts as ``COMMAND_LINE``: whoever can run
``kiosk`` with the database's address can already change any row, so the
roles protect the shared kiosk, where staff sign in with a PIN. Ledger rows
written that way record no member of staff, only the kiosk's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from db.core.errors import NotAllowed, Refused
from db.core.words import full_name

MAY: dict[str, tuple[str, ...]] = {
    "phones": ("teacher", "office", "slt"),  # check in, hand back at home-time, confiscate (teachers: own class)
    "early hand-back": ("office", "slt"),
    "office": ("office", "slt"),  # phones held, parents to tell, walk-home permission, consent, releasing confiscations
    "devices": ("teacher", "office", "slt"),  # lend, return, confirm upload (the office often keeps the iPads)
    "review": ("slt",),  # reports, the devices review, exceptions, staff phone exceptions
    "admin": ("slt", "admin"),  # imports, tags, PINs, purge, audit verify, subject access export
    "void": ("office", "slt"),  # void any custody event, loan or confiscation (a teacher: their own, just now)
}
UNDO_MINUTES = 10  # a teacher may void (undo) their own entry this long after it
COVER_PREFIX = "CV"  # a cover teacher's day badge: "CV" and digits (db/people/cover.py)
ONE = {"teacher": "a teacher", "office": "office staff", "slt": "on the leadership team", "admin": "an administrator"}
AS = {"teacher": "a teacher", "office": "office staff", "slt": "a member of the leadership team",
      "admin": "an administrator"}  # "You are signed in as …"
GROUP = {"teacher": "teachers", "office": "office staff", "slt": "the leadership team", "admin": "administrators"}
TITLE = {"teacher": "teacher", "office": "office staff", "slt": "leadership team", "admin": "administrator"}


def role_title(role: str) -> str:
    """The role as the status bar and the demo's sign-in hint say it ("leadership team", never "slt")."""
    return TITLE.get(role, role)


@dataclass(frozen=True)
class CommandLine:
    """The person at the command line with the database's address (see the module note)."""

    id: None = None
    code: str = "command line"
    first_name: str = "The"
    surname: str = "command line"
    role: str = "command line"
    class_name: None = None
    pin_hash: None = None
    left_at: datetime | None = None
    imei_note: None = None


COMMAND_LINE = CommandLine()


def may(staff, task: str) -> bool:
    return staff is COMMAND_LINE or staff.role in MAY[task]


def require(staff, task: str, doing: str) -> None:
    """Refuse unless the staff member's role may do the task (``doing`` names it in the sentence)."""
    if may(staff, task):
        return
    allowed = [GROUP[r] for r in MAY[task]]
    allowed_text = ", ".join(allowed[:-1]) + " or " + allowed[-1] if len(allowed) > 1 else allowed[0]
    rest = f"{doing} is for {allowed_text}."
    raise NotAllowed(f"{full_name(staff.first_name, staff.surname)} is {ONE.get(staff.role, staff.role)}: {rest}",
                     f"You are signed in as {AS.get(staff.role, staff.role)}: {rest}")


def other_class(staff, class_name: str | None) -> bool:
    """A teacher acting for a class not their own (the office and the leadership team act for every class)."""
    return staff.role == "teacher" and (staff.class_name or "").upper() != (class_name or "").upper()


def require_class(staff, class_name: str, pupil: str, doing: str) -> None:
    """Phones: teachers act for their own class only; the office and the leadership team for every class."""
    require(staff, "phones", doing)
    if other_class(staff, class_name):
        own = f"your class is {staff.class_name}" if staff.class_name else "you have no class"
        raise Refused(f"{pupil} is in {class_name} and {own}: {doing} is for {class_name}'s teacher or the office.")


def require_void(staff, entry_staff_id: int | None, entry_at: datetime, now: datetime, entry: int) -> None:
    """The office and the leadership team void any entry; a teacher only their own, within ``UNDO_MINUTES``."""
    if may(staff, "void"):
        return
    if staff.role != "teacher" or staff.id is None or staff.id != entry_staff_id:
        raise Refused(f"Entry {entry} was recorded by someone else: only the office or the leadership team can "
                      "void it.")
    if now - entry_at > timedelta(minutes=UNDO_MINUTES):
        raise Refused(f"Entry {entry} is more than {UNDO_MINUTES} minutes old: ask the office or the leadership "
                      "team to void it.")


def require_self_or(asking, staff, task: str, doing: str) -> None:
    """Something a member of staff may do for themselves (their PIN, their IMEI note); for anyone else, ``task``."""
    if asking.id is None or asking.id != staff.id:
        require(asking, task, doing)
