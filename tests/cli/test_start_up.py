"""A command loads only what it needs: its start-up is mostly imports (docs/performance.md, "Start-up").

Each command runs in a fresh interpreter, as `kiosk` does, and reports the modules it loaded: an outcome, not a time.
"""

import argparse
import json
import subprocess
import sys

import pytest

from kiosk.cli import build_parser

# What `phone in`, `phone where` and `report custody` never need on SQLite: the kiosk's screens, the PostgreSQL
# dialect, printing, migrations, PIN hashing, the photos reader and the devices' room, pydantic and pydantic-settings,
# SQLModel and SQLAlchemy's ORM (they build statements on db/core/tables.py), and the rooms' parts no command of
# the three uses: the phone-rules figures and their lists, the register, stock-takes, the purge, copy and backups.
NOT_NEEDED = ("textual", "kiosk.app", "kiosk.screens", "sqlalchemy.dialects.postgresql", "psycopg", "escpos",
              "qrcode", "PIL", "alembic", "argon2", "photos", "db.devices", "pydantic", "pydantic_settings",
              "sqlmodel", "sqlalchemy.orm", "db.core.models", "db.phones.policy", "db.phones.behind_figures",
              "db.phones.logs", "db.phones.register", "db.phones.taking_stock", "db.phones.reports",
              "db.records.retention", "db.records.copy", "db.records.backup", "db.records.audit")

PROBE = """
import json, sys
from kiosk.cli import main
status = main(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def loaded(*args: str) -> tuple[int, list[str]]:
    """Run one command in a fresh interpreter: its exit status and the unneeded modules it loaded."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    return report["status"], [module for module in report["modules"]
                              if any(module == name or module.startswith(f"{name}.") for name in NOT_NEEDED)]


@pytest.mark.parametrize("command", [("phone", "where"), ("report", "custody"), ("phone", "in")],
                         ids=" ".join)
def test_a_command_loads_only_what_it_needs(command, db_path, database_url, school):
    extra = (school.walker, "--by", "HBR") if command == ("phone", "in") else ()
    status, unneeded = loaded("--db", database_url, *command, *extra)
    assert (status, unneeded) == (0, [])


def test_the_phone_checked_in_by_that_fresh_process_is_held(db_path, database_url, school):
    # The probe is the real command: what it did is in the record (so the test above checks a command that worked).
    assert loaded("--db", database_url, "phone", "in", school.walker, "--by", "HBR")[0] == 0
    where = subprocess.run([sys.executable, "-m", "kiosk.cli", "--db", database_url, "phone", "where", "--format",
                            "json"], capture_output=True, text=True, timeout=120)
    assert [(row["code"], row["location"]) for row in json.loads(where.stdout)] == [(school.walker, "6A cupboard")]


def every_command(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path
    for action in parser._actions:  # argparse keeps its subcommands here only
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from every_command(sub, (*path, name))


def help_text(parser: argparse.ArgumentParser, argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit):
        parser.parse_args(argv)
    out, err = capsys.readouterr()
    return out + err


def test_a_command_built_alone_has_the_help_and_errors_of_the_whole_parser(capsys, monkeypatch):
    # main() builds only the group a command names: what any command says about itself must not change for it.
    monkeypatch.setenv("COLUMNS", "120")
    paths = list(every_command(build_parser()))
    assert len(paths) > 50 and ("phone", "where") in paths and ("report", "custody") in paths
    for argv in [[*path, "--help"] for path in paths] + [["bogus"], ["phone"], ["--db", "x", "phone", "nope"]]:
        assert help_text(build_parser(argv), argv, capsys) == help_text(build_parser(), argv, capsys), argv
