"""Start-up time: how long until the kiosk can take a badge, and how long a scripted command takes.

What it measures (wall time of fresh processes, ``--runs`` each, interleaved round by round so
background load hits every variant alike; one unrecorded warm-up round first):

    (0) ``python -c pass``                 the interpreter alone (for reference)
    (a) ``python -c "import textual"``     the floor
    (b) ``python -c "import textual.app"``
    (c) the kiosk to its sign-in screen: a child process imports ``kiosk.app``, builds the app with
        ``make_app`` on a prepared SQLite file and runs it headless (120x36); an auto-pilot waits until the
        sign-in screen is current, its first frame is drawn and a field has the focus (a badge can be
        scanned), notes the time and exits. Reported: spawn-to-ready, and the whole process.
    (d) ``kiosk phone where --db sqlite:///...`` (the installed console script), whole process; likewise
        (e) ``kiosk phone in CODE --by T6A`` (the phone is handed back by the office after each, untimed) and
        (f) ``kiosk report custody``.

Floors: the kiosk's sign-in screen beside (a), a bare Textual import; each command beside (0), the interpreter
alone (a command does not import Textual at all).

Targets: the sign-in screen ready within 1 s; a scripted command in about 0.5 s. Medians and
p99 (with ten runs the p99 is the slowest run) are printed with PASS/MISS against those.

It also prints where the kiosk's import time goes (``python -X importtime -c "import kiosk.app"``, by
top-level package) and which heavy libraries the command-line path loads (Textual should not be one).

    .venv/bin/python bench/startup.py
    .venv/bin/python bench/startup.py --runs 20
    .venv/bin/python bench/startup.py --small       # two runs each in a temporary folder: what the tests run

The small database is rebuilt when it was made by another version of the kiosk (an older schema).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import add_common, figure, percentile

from db.core import COMMAND_LINE

SIGN_IN_TARGET_S = 1.0
CLI_TARGET_S = 0.5
# Libraries the command-line path should leave alone (ENGINEERING.md: start-up is mostly imports).
HEAVY = ("textual", "escpos", "qrcode", "alembic", "argon2", "PIL")

SIGN_IN_PROBE = r"""
import sys, time, asyncio
try:
    from kiosk.app import make_app
    from kiosk.config import Settings
except ImportError as exc:
    print(f"NO-APP {exc}", flush=True)
    sys.exit(3)
try:
    from kiosk.screens.sign_in import SignInScreen
except ImportError:
    SignInScreen = None

app = make_app(Settings(db=sys.argv[1]))

async def ready(pilot):
    app = pilot.app
    # The first frame drawn (Textual's Ready), the sign-in screen current and a field focused: a badge can be scanned.
    while not (getattr(app, "_dom_ready", True) and app.focused is not None
               and (SignInScreen is None or isinstance(app.screen, SignInScreen))):
        await asyncio.sleep(0.0005)
    print(f"READY {time.time_ns()} {type(app.screen).__name__}", flush=True)
    app.exit()

app.run(headless=True, size=(120, 36), auto_pilot=ready)
"""

CLI_MODULES = r"""
import sys
from kiosk.cli import main
code = main(sys.argv[1:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(%r))
print("HEAVY", ",".join(heavy) or "-", file=sys.stderr)
sys.exit(code)
""" % (HEAVY,)  # noqa: UP031 - Python source with a set comprehension: .format would need its braces doubled


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def load_average() -> str:
    """Other work on the machine moves every figure: print it beside them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def child_env(home: Path) -> dict:
    """The user's environment, but settings and data folders of our own and no $KIOSK_* overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"), PYTHONDONTWRITEBYTECODE="")
    return env


def prepare_database(path: Path) -> tuple[str, str]:
    """A small school made through the ledger functions: 60 pupils with phone tags, 20 phones held.

    Returns its URL and the code of a 6A phone not held (for `kiosk phone in`)."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from db import people, phones, tags
    from db.core import HEAD_REVISION, open_database, schema_revision, sqlite_url, upgrade
    from db.core.models import Location, Pupil, Staff
    from tagcodes import TagKind, new_code

    url = sqlite_url(path)
    if path.exists():
        database = open_database(url)
        current = schema_revision(database) == HEAD_REVISION
        free = phone_not_held(database) if current else None
        database.engine.dispose()
        if free:
            return url, free
        path.unlink()  # made by another version of the kiosk: `kiosk phone where` would refuse it
    tmp = path.with_name(path.name + ".building")
    tmp.unlink(missing_ok=True)
    morning = datetime(2026, 11, 20, 8, 40, tzinfo=ZoneInfo("Europe/London")).astimezone(timezone.utc)
    database = open_database(sqlite_url(tmp), clock=lambda: morning, kiosk_name="bench")
    upgrade(database)
    with database.writing() as session:
        session.add_all([Staff(code="T6A", first_name="Hannah", surname="Brooks", role="teacher", class_name="6A"),
                         Staff(code="OFF", first_name="Maria", surname="Jones", role="office"),
                         Location(name="Office", kind="office"),
                         Location(name="6A cupboard", kind="cupboard", class_name="6A")])
        session.add_all([Pupil(adno=f"{2000 + i}", legal_first=f"Pupil{i}", surname="Example", year=6 if i < 30 else 4,
                               class_name="6A" if i < 30 else "4B") for i in range(60)])
        session.commit()
    for i in range(60):
        if i < 25:
            people.permit_walk_home(database, f"{2000 + i}", "OFF")
        code = tags.issue_phone_tag(database, f"{2000 + i}", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE).code
        if i % 3 == 0:
            phones.phone_in(database, code, "T6A" if i < 30 else "OFF")  # 6A's teacher may not check in 4B's phones
    free = phone_not_held(database)
    database.engine.dispose()
    os.replace(tmp, path)
    return url, free


def phone_not_held(database) -> str | None:
    """A 6A pupil's phone tag that is not checked in (6A's teacher, T6A, may check it in)."""
    from db.phones import phones_held
    from db.tags import list_tags

    held = {row.code for row in phones_held(database, by=COMMAND_LINE)}
    return next((tag.code for tag in list_tags(database, "phone", class_name="6A") if tag.code not in held), None)


def time_process(cmd: list[str], env: dict) -> tuple[float, float | None, str, str, int]:
    """Wall seconds to exit; seconds to the READY line if the child printed one; stdout; stderr; exit code."""
    spawn_ns = time.time_ns()
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    ready = None
    for line in done.stdout.splitlines():
        if line.startswith("READY "):
            ready = (int(line.split()[1]) - spawn_ns) / 1e9
    return wall, ready, done.stdout, done.stderr, done.returncode


def import_profile(cmd_tail: list[str], python: str, env: dict) -> list[tuple[str, float]]:
    """Import seconds spent in each top-level package's own modules (``-X importtime`` self times)."""
    done = subprocess.run([python, "-X", "importtime", *cmd_tail], capture_output=True, text=True, env=env)
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|")
        if not own.strip().isdigit():
            continue  # the header line
        top = name.strip().split(".")[0]
        totals[top] = totals.get(top, 0.0) + int(own) / 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])


def show_profile(title: str, profile: list[tuple[str, float]]) -> None:
    total = sum(seconds for _, seconds in profile)
    shown = ", ".join(f"{name} {seconds:.3f}" for name, seconds in profile[:12] if seconds >= 0.005)
    print(f"  {title}: all imports {total:.3f} s; by package (s): {shown}")


def show_import_profiles(variants: dict, python: str, env: dict, url: str) -> None:
    kiosk_script = Path(python).with_name("kiosk")
    print("\nwhere the import time goes (python -X importtime, one run, self time summed by top-level package;"
          " inflated by the tracing itself):")
    if variants["(c) kiosk to sign-in"] is not None:
        show_profile("import kiosk.app", import_profile(["-c", "import kiosk.app"], python, env))
    else:
        print("  import kiosk.app: not measured yet (kiosk.app is not there)")
    if variants["(d) kiosk phone where"] is not None:
        show_profile("kiosk phone where",
                     import_profile([str(kiosk_script), "phone", "where", "--db", url], python, env))
        done = subprocess.run([python, "-c", CLI_MODULES, "phone", "where", "--db", url], capture_output=True,
                              text=True, env=env)
        heavy = [line for line in done.stderr.splitlines() if line.startswith("HEAVY ")]
        print(f"heavy libraries loaded by `kiosk phone where`: {heavy[0].split(' ', 1)[1] if heavy else '?'} "
              f"(watched: {', '.join(HEAVY)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="measured runs of each variant (default 10)")
    parser.add_argument("--dir", type=Path, default=Path(__file__).parent / "out",
                        help="where the small database lives")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to time (default: this one)")
    add_common(parser)
    args = parser.parse_args(argv)
    if args.small:
        args.runs, args.dir = 1, Path(tempfile.mkdtemp(prefix="startup-"))

    args.dir.mkdir(parents=True, exist_ok=True)
    home = args.dir / "startup-home"
    env = child_env(home)
    python = args.python
    kiosk_script = Path(python).with_name("kiosk")
    print(f"date {dt.datetime.now().isoformat(timespec='seconds')}; machine: {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.platform()}; load average {load_average()}; "
          f"{args.runs} runs each, after one warm-up round")

    url, free_phone = prepare_database(args.dir / "startup-small.db")
    hand_back = [str(kiosk_script), "phone", "out", free_phone, "--by", "OFF", "--reason", "bench", "--db", url]
    variants: dict[str, list[str] | None] = {
        "(0) python -c pass": [python, "-c", "pass"],
        "(a) import textual  [floor]": [python, "-c", "import textual"],
        "(b) import textual.app": [python, "-c", "import textual.app"],
        "(c) kiosk to sign-in": [python, "-c", SIGN_IN_PROBE, url],
        "(d) kiosk phone where": [str(kiosk_script), "phone", "where", "--db", url],
        "(e) kiosk phone in": [str(kiosk_script), "phone", "in", free_phone, "--by", "T6A", "--db", url],
        "(f) kiosk report custody": [str(kiosk_script), "report", "custody", "--db", url],
    }
    commands = ("(d) kiosk phone where", "(e) kiosk phone in", "(f) kiosk report custody")
    notes: dict[str, str] = {}
    # Does the code under test exist yet? Say so plainly rather than time an ImportError.
    probe = subprocess.run([python, "-c", "import kiosk.app"], capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        variants["(c) kiosk to sign-in"] = None
        notes["(c) kiosk to sign-in"] = ("not measured yet: kiosk.app cannot be imported "
                                         f"({probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else '?'})")
    probe = subprocess.run([python, "-c", "import kiosk.cli"], capture_output=True, text=True, env=env)
    if probe.returncode != 0 or not kiosk_script.exists():
        for name in commands:
            variants[name] = None
            notes[name] = "not measured yet: kiosk.cli (or the `kiosk` console script) is not there"

    walls: dict[str, list[float]] = {name: [] for name in variants}
    readies: dict[str, list[float]] = {name: [] for name in variants}
    for round_number in range(args.runs + 1):
        for name, cmd in variants.items():
            if cmd is None:
                continue
            wall, ready, out, err, code = time_process(cmd, env)
            if code != 0 or (name.startswith("(c)") and ready is None):
                variants[name] = None
                notes[name] = f"failed (exit {code}): {(err.strip() or out.strip()).splitlines()[-1:]}"
                continue
            if round_number == 0 and name.startswith("(c)"):  # the warm-up round fills the file cache, __pycache__
                notes[name] = f"first screen: {out.split()[2] if len(out.split()) > 2 else '?'}"
            if name.startswith("(e)"):  # the office hands the phone back, so the next round can check it in
                subprocess.run(hand_back, capture_output=True, env=env, check=True)
            if round_number == 0:
                continue
            walls[name].append(wall)
            if ready is not None:
                readies[name].append(ready)

    floor = statistics.median(walls["(a) import textual  [floor]"]) if walls["(a) import textual  [floor]"] else None
    print(f"\n{'':34}{'median s':>10}{'p99/max s':>11}{'min s':>8}   {'vs floor':>9}")
    rows = []
    for name in variants:
        if not walls[name]:
            print(f"{name:34}{notes.get(name, 'not measured')}")
            continue
        for label, values in ((name, walls[name]), ("    spawn to sign-in ready", readies[name])):
            if not values:
                continue
            median, p99 = statistics.median(values), percentile(values, 99)
            verdict = ""
            if label.strip().startswith("spawn to sign-in"):
                verdict = f"target <= {SIGN_IN_TARGET_S:g} s: {mark(p99 <= SIGN_IN_TARGET_S)} (p99)"
            elif name.startswith("(c)"):
                verdict = "whole process, including shutting down"
            elif name in commands:
                verdict = f"target about {CLI_TARGET_S:g} s: {mark(median <= CLI_TARGET_S)} (median)"
            ratio = f"{median / floor:8.1f}x" if floor else ""
            print(f"{label:34}{median:10.3f}{p99:11.3f}{min(values):8.3f}   {ratio:>9}  {verdict}")
            rows.append((label, median, p99))
        if name in notes and name.startswith("(c)"):
            print(f"    ({notes[name]})")

    print()
    bare, textual = walls["(0) python -c pass"], walls["(a) import textual  [floor]"]
    ms = lambda values: [v * 1000 for v in values]  # noqa: E731
    if readies["(c) kiosk to sign-in"]:
        figure("startup", "kiosk to its sign-in screen (spawn to ready)", ms(readies["(c) kiosk to sign-in"]),
               ms(textual), note="floor: python -c 'import textual'")
    for name in commands:
        if walls[name]:
            figure("startup", f"{name[4:]} (whole process, SQLite)", ms(walls[name]), ms(bare),
                   note="floor: python -c pass (a command imports no Textual)")
    if not args.small:  # a small run checks that everything runs; these profiles are for reading
        show_import_profiles(variants, python, env, url)
    shutil.rmtree(home, ignore_errors=True)
    if args.small:
        shutil.rmtree(args.dir, ignore_errors=True)
    failed = [f"{name}: {note}" for name, note in notes.items() if note.startswith("failed")]
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
