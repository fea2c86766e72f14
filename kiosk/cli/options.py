"""What the commands share: the --db option, and one helper for each option that several commands take."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from kiosk.output import FORMATS

ACTING_HELP = ("act as this member of staff, whose role is checked "
               "(without it: the command line, with the administrator's rights)")


class Options:
    """Makes commands that all take --db, and the groups that hold them (`kiosk phone in`)."""

    def __init__(self) -> None:
        self.common = argparse.ArgumentParser(add_help=False)
        # --db is accepted before or after the command (default SUPPRESS keeps the first one).
        self.common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                                 help="database URL (default: $KIOSK_DB, else the SQLite file in the user data folder)")

    def command(self, parent, name: str, handler: Callable, helptext: str, *,
                acting: bool = False) -> argparse.ArgumentParser:
        """A command run by main() as ``handler(args, database)``; its help line is also its description."""
        p = parent.add_parser(name, parents=[self.common], help=helptext, description=helptext)
        p.set_defaults(handler=handler)
        if acting:  # commands without a required --by: optionally act as a named member of staff
            add_by(p, acting=True)
        return p

    @staticmethod
    def group(parent, name: str, helptext: str, dest: str = "action"):
        """A group such as `kiosk phone`: one of its commands must follow."""
        return parent.add_parser(name, help=helptext).add_subparsers(dest=dest, required=True, metavar=dest.upper())


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
