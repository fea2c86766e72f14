"""`kiosk void ENTRY --reason TEXT --by STAFF`: a mistaken event undone by a new ledger row (db.corrections)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.cli.options import add_by

if TYPE_CHECKING:
    from db.core import Database


def add_commands(sub, options) -> None:
    p = options.command(sub, "void", cmd_void, "void a mistaken entry with a new ledger row (the old row stays)")
    p.add_argument("entry", metavar="ENTRY", help="the ledger entry: the entry column of `kiosk report custody`")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why, e.g. “scanned the wrong pouch”")
    add_by(p, "who voids it: office or leadership (a teacher: their own entry, just now)")


def cmd_void(args, database: Database) -> None:
    from db.corrections import void_entry

    done = void_entry(database, args.entry, args.reason, args.by)
    print(f"Entry {done.entry} voided by entry {done.void_entry}: {done.what}. {done.outcome}")
