"""The `kiosk` command. Its form is a contract (shared/DESIGN.md): scripts and cron jobs rely on it.

One module per command group, its parser above its handlers; options.py holds what they share.
Exit status, decided here only: 0 done, 1 refused (one plain sentence on stderr, nothing changed),
2 usage error (argparse). Textual is imported only when the kiosk itself starts.

A reader that stops early (``kiosk … --format csv | head -1``) ends the command quietly with 0: what the command
was asked to do is done (a change is committed before anything is printed), the reader took what it wanted, and a
script under ``set -o pipefail`` does not fail or pass by how much the listing held.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk.cli import backups, corrections, devices, people, phones, records, serve, setup, tags
from kiosk.cli.opening import Clock, connect, start_kiosk, utc_now
from kiosk.cli.options import Options, wanted_command
from kiosk.config import SettingNotValid, Settings, settings_exposed


def main(argv: list[str] | None = None, *, clock: Clock = utc_now) -> int:
    """Run one command; ``clock`` lets tests fix the time."""
    try:
        status = run(sys.argv[1:] if argv is None else argv, clock)
        sys.stdout.flush()  # here, not at exit: a reader gone is caught below
    except BrokenPipeError:
        return reader_gone()
    return status


def reader_gone() -> int:
    """The reader of standard output closed it: stop quietly (Python's recipe, docs "Note on SIGPIPE")."""
    try:
        # What is still buffered goes nowhere at exit, instead of failing again with a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test's captured output): nothing is flushed at exit
        pass
    return 0


def run(argv: list[str], clock: Clock) -> int:
    not_text = next((arg for arg in argv if not is_text(arg)), None)
    if not_text is not None:
        print(not_utf8(not_text), file=sys.stderr)
        return 1
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        settings = Settings(**({"db": args.db} if getattr(args, "db", None) else {}))
    except ValueError as exc:  # a bad value in settings.toml or a KIOSK_ variable, or a settings.toml not TOML
        print(setting_problem(exc), file=sys.stderr)
        return 1
    exposed = settings_exposed()
    if exposed:
        print(exposed, file=sys.stderr)
    if args.command is None:
        url = settings.database_url()
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
            print("This kiosk has no database yet: run `kiosk init` first (or `kiosk demo` to try it).",
                  file=sys.stderr)
            return 1
        # The kiosk paints its sign-in screen first and loads the database layer behind it.
        return start_kiosk(settings)
    from db.core import require_ready

    database = None
    try:
        if args.command == "demo":
            return setup.run_demo(args, settings, clock)
        unready = args.command == "init" or args.command in backups.WITHOUT_READY_DATABASE
        database = connect(settings, clock, create=unready)
        if not unready:
            require_ready(database)
        args.settings = settings
        return args.handler(args, database) or 0
    except KeyboardInterrupt:
        return 1
    except BrokenPipeError:
        # The reader of the output has gone: main() ends quietly. (It is no printer's: labels/printers.py names a
        # printer's broken connection in a sentence of its own.)
        raise
    except Exception as exc:  # noqa: BLE001 - every failure is one sentence and exit 1, never a traceback
        from kiosk.failures import sentence_for

        said = sentence_for(exc)
        if only_reads(args) and said.startswith(NOT_SAVED):  # a report has nothing to save: say what is wrong
            said = said[len(NOT_SAVED)].upper() + said[len(NOT_SAVED) + 1:]
        print(said, file=sys.stderr)
        for line in getattr(exc, "details", ()):
            print(f"  {line}", file=sys.stderr)
        return 1
    finally:
        if database is not None:  # closed now, not when collected: SQLite's -wal and -shm go with the last one
            database.engine.dispose()


NOT_SAVED = "Not saved — "


def only_reads(args: argparse.Namespace) -> bool:
    """A command that reads the record and writes nothing to it (reports, lists, checks)."""
    return (args.command in ("report", "export") or getattr(args, "action", None) in ("where", "find", "list", "verify")
            or bool(getattr(args, "list", False)))


def is_text(arg: str) -> bool:
    """Whether an argument was UTF-8 text: Python turns other bytes into surrogate escapes (PEP 383)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def not_utf8(arg: str) -> str:
    """One sentence for an argument holding bytes that are not UTF-8; it shows them as \\xff, never fails to print."""
    try:
        shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no byte made
        shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
    return (f"“{shown}” is not text the kiosk can read (it holds bytes that are not UTF-8): type it again, "
            "or set the terminal to UTF-8.")


def setting_problem(exc: ValueError) -> str:
    """One sentence for the first bad setting, naming it as settings.toml and the environment spell it."""
    if not isinstance(exc, SettingNotValid):  # settings.toml is not TOML
        return f"A setting is not valid ({exc}): check settings.toml and the KIOSK_ variables."
    return (f"The setting {exc.name} (KIOSK_{exc.name.upper()}) is not valid: {exc.why}; "
            "check settings.toml and the KIOSK_ variables.")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; given ``argv``, only the commands of the group it names are built (kiosk/cli/options.py)."""
    options = Options(wanted_command(argv) if argv is not None else None)
    parser = argparse.ArgumentParser(prog="kiosk", parents=[options.common],
                                     description="Custody Kiosk: pupils' phones and school cameras, recorded.")
    parser.set_defaults(command=None)
    sub = options.commands(parser)
    # `kiosk --help` lists the commands in the order they are added: the order here is part of the contract.
    setup.add_commands(sub, options)  # init, demo
    people.add_commands(sub, options)  # import, staff, exception, pupil
    tags.add_commands(sub, options)
    phones.add_commands(sub, options)  # phone, parents, cupboard
    devices.add_commands(sub, options)  # device
    # Two modules add reports to this group: custody first, then the device reports, then the phone-rules figures.
    report = options.group(sub, "report", "reports", dest="what")
    records.add_report(report, options)
    devices.add_reports(report, options)
    records.add_policy_report(report, options)
    records.add_commands(sub, options)  # export, audit, purge, copy-to
    corrections.add_commands(sub, options)  # void
    serve.add_commands(sub, options)
    backups.add_commands(sub, options)  # backup, restore
    return parser


__all__ = ["Clock", "build_parser", "connect", "main", "setting_problem", "start_kiosk", "utc_now"]
