"""The `kiosk` command. Its form is a contract (shared/DESIGN.md): scripts and cron jobs rely on it.

One module per command group, its parser above its handlers; options.py holds what they share.
Exit status, decided here only: 0 done, 1 refused (one plain sentence on stderr, nothing changed),
2 usage error (argparse). Textual is imported only when the kiosk itself starts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli import corrections, devices, people, phones, records, serve, setup, tags
from kiosk.cli.opening import Clock, connect, start_kiosk, utc_now
from kiosk.cli.options import Options
from kiosk.config import Settings


def main(argv: list[str] | None = None, *, clock: Clock = utc_now) -> int:
    """Run one command; ``clock`` lets tests fix the time."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings(**({"db": args.db} if getattr(args, "db", None) else {}))
    except ValueError as exc:  # pydantic's ValidationError: a bad value in settings.toml or a KIOSK_ variable
        print(setting_problem(exc), file=sys.stderr)
        return 1
    if args.command is None:
        url = settings.database_url()
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
            print("This kiosk has no database yet: run `kiosk init` first (or `kiosk demo` to try it).",
                  file=sys.stderr)
            return 1
        # The kiosk paints its sign-in screen first and loads the database layer behind it.
        return start_kiosk(settings)
    from db.core import require_ready

    try:
        if args.command == "demo":
            return setup.run_demo(args, settings, clock)
        database = connect(settings, clock, create=args.command == "init")
        if args.command != "init":
            require_ready(database)
        args.settings = settings
        return args.handler(args, database) or 0
    except KeyboardInterrupt:
        return 1
    except Exception as exc:  # noqa: BLE001 - every failure is one sentence and exit 1, never a traceback
        from kiosk.failures import sentence_for

        print(sentence_for(exc), file=sys.stderr)
        for line in getattr(exc, "details", ()):
            print(f"  {line}", file=sys.stderr)
        return 1


def setting_problem(exc: ValueError) -> str:
    """One sentence for the first bad setting, naming it as settings.toml and the environment spell it."""
    errors = getattr(exc, "errors", lambda: [])()
    if not errors:
        return f"A setting is not valid ({exc}): check settings.toml and the KIOSK_ variables."
    first = errors[0]
    name = ".".join(str(part) for part in first.get("loc", ())) or "a setting"
    return (f"The setting {name} (KIOSK_{name.upper()}) is not valid: {first.get('msg', 'check it').lower()}; "
            "check settings.toml and the KIOSK_ variables.")


def build_parser() -> argparse.ArgumentParser:
    options = Options()
    parser = argparse.ArgumentParser(prog="kiosk", parents=[options.common],
                                     description="Custody Kiosk: pupils' phones and school cameras, recorded.")
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # `kiosk --help` lists the commands in the order they are added: the order here is part of the contract.
    setup.add_commands(sub, options)  # init, demo
    people.add_commands(sub, options)  # import, staff, exception, pupil
    tags.add_commands(sub, options)
    phones.add_commands(sub, options)  # phone, parents, cupboard
    devices.add_commands(sub, options)  # device
    # Two modules add reports to this group: custody first, then the device reports.
    report = options.group(sub, "report", "reports", dest="what")
    records.add_report(report, options)
    devices.add_reports(report, options)
    records.add_commands(sub, options)  # export, audit, purge, copy-to
    corrections.add_commands(sub, options)  # void
    serve.add_commands(sub, options)
    return parser


__all__ = ["Clock", "build_parser", "connect", "main", "setting_problem", "start_kiosk", "utc_now"]
