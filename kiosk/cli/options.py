"""What the commands share: the --db option, and one helper for each option that several commands take."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from kiosk.output import FORMATS

ACTING_HELP = ("act as this member of staff, whose role is checked "
               "(without it: the command line, with the administrator's rights)")


class Options:
    """Makes commands that all take --db, and the groups that hold them (`kiosk phone in`).

    ``wanted`` is the command asked for (`phone` in `kiosk phone in …`): only that group's commands are built,
    the others are listed with their help line but not filled, as building every parser is a start-up cost each
    command would pay for the others. None (`kiosk --help`, no command) builds them all."""

    def __init__(self, wanted: str | None = None) -> None:
        self.wanted = wanted
        self.top = None  # the `kiosk COMMAND` level, made by commands()
        self.common = argparse.ArgumentParser(add_help=False)
        # --db is accepted before or after the command (default SUPPRESS keeps the first one).
        self.common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                                 help="database URL (default: $KIOSK_DB, else the SQLite file in the user data folder)")

    def command(self, parent, name: str, handler: Callable, helptext: str, *,
                acting: bool = False) -> argparse.ArgumentParser:
        """A command run by main() as ``handler(args, database)``; its help line is also its description."""
        if parent is UNBUILT:
            return UNBUILT
        p = parent.add_parser(name, parents=[self.common], help=helptext, description=helptext)
        p.set_defaults(handler=handler)
        if acting:  # commands without a required --by: optionally act as a named member of staff
            add_by(p, acting=True)
        return p

    def group(self, parent, name: str, helptext: str, dest: str = "action"):
        """A group such as `kiosk phone`: one of its commands must follow."""
        if parent is UNBUILT:
            return UNBUILT
        group = parent.add_parser(name, help=helptext)
        if self.wanted is not None and parent is self.top and name != self.wanted:
            return UNBUILT  # listed under `kiosk --help`; its commands are not needed by this one
        return group.add_subparsers(dest=dest, required=True, metavar=dest.upper())

    def commands(self, parser: argparse.ArgumentParser):
        """The top level of commands (`kiosk COMMAND`)."""
        self.top = parser.add_subparsers(dest="command", metavar="COMMAND")
        return self.top


class _Unbuilt:
    """Stands for the parsers of a group not asked for: whatever a command module adds to it goes nowhere."""

    def __getattr__(self, name: str):
        return self._nothing

    def _nothing(self, *args, **kwargs) -> _Unbuilt:
        return self


UNBUILT = _Unbuilt()


def wanted_command(argv: list[str]) -> str | None:
    """The command named in ``argv`` (its first word that is neither an option nor --db's URL), if any."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def add_by(p: argparse.ArgumentParser, helptext: str | None = None, *, acting: bool = False) -> argparse.ArgumentParser:
    """--by STAFF: who does it (required), or with ``acting`` whom the command line acts as (optional)."""
    p.add_argument("--by", required=not acting, metavar="STAFF", help=ACTING_HELP if acting else helptext)
    return p


def acting_as(args) -> str:
    """The staff code given with --by, else the command line itself (db/core/roles.py says what it may do)."""
    from db.core import COMMAND_LINE

    return getattr(args, "by", None) or COMMAND_LINE


def listing(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """--format for a command that lists rows (kiosk/output.py prints them)."""
    p.add_argument("--format", choices=FORMATS, default="table")
    return p


def date_range(p: argparse.ArgumentParser, *, required: bool = False,
               from_help: str | None = None) -> argparse.ArgumentParser:
    """--from DATE and --to DATE; `days` reads them."""
    p.add_argument("--from", dest="from_day", required=required, metavar="DATE", help=from_help)
    p.add_argument("--to", dest="to_day", required=required, metavar="DATE")
    return p


def days(args) -> tuple[date | None, date | None]:
    """The days given with --from and --to (None when absent); a date that is not one is refused."""
    from db.core import parse_day

    return parse_day(args.from_day, "--from"), parse_day(args.to_day, "--to")


def printer_options(p: argparse.ArgumentParser,
                    helptext: str = "the printer (default: the printer setting)") -> argparse.ArgumentParser:
    """--printer URI and --paper; the printer settings apply when they are absent."""
    p.add_argument("--printer", metavar="URI",
                   help=f"{helptext}: file:PATH, tcp://HOST[:PORT], usb://VID:PID, serial:DEVICE or preview:PATH.png")
    p.add_argument("--paper", choices=("80mm", "58mm"), help="paper width (default: the paper setting, 80mm)")
    return p
