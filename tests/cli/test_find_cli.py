"""`kiosk pupil find TEXT`: part of a name, any case, with or without accents; a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

from db.core import COMMAND_LINE
from db.people import import_pupils


@pytest.fixture
def roll(database, school, tmp_path):
    """The small school (Amira Khan, Ben O'Connor, Zoë Wiśniewski) and three more pupils from the MIS."""
    path = tmp_path / "more.csv"
    path.write_text("Adno,Forename,Surname,Year,Reg Group\n2001,Jan,Łaski,6,6A\n2002,Siobhán,O’Brien,4,4B\n"
                    "2003,Minh,Đặng,4,4B\n", encoding="utf-8")
    import_pupils(database, path, full=False, by=COMMAND_LINE)
    return school


def test_find_lists_the_pupils_found_as_a_table(kiosk, roll):
    status, out, err = kiosk("pupil", "find", "laski")
    assert (status, err) == (0, "")
    header, row = out.splitlines()
    assert header.split() == ["PUPIL", "NAME", "CLASS", "TAG"]
    assert row.split() == ["2001", "Jan", "Łaski", "6A"]  # no phone tag yet: an empty cell

    status, out, _ = kiosk("pupil", "find", "ZOE")
    assert status == 0 and out.splitlines()[1].split() == ["1003", "Zoë", "Wiśniewski", "4B", roll.year4]


def test_find_as_json_has_the_contracts_keys_and_the_names_as_stored(kiosk, roll):
    status, out, _ = kiosk("pupil", "find", "O'BRIEN", "--format", "json")
    assert status == 0
    [row] = json.loads(out)
    assert {"pupil", "name", "class"} <= set(row)
    assert row == {"pupil": "2002", "name": "Siobhán O’Brien", "class": "4B", "tag": None}

    # Every pupil with an a in a name (Ben's is Benjamin), by class, then surname as the key spells it.
    status, out, _ = kiosk("pupil", "find", "A", "--format", "json")
    assert [(r["pupil"], r["name"], r["class"]) for r in json.loads(out)] == [
        ("2003", "Minh Đặng", "4B"), ("2002", "Siobhán O’Brien", "4B"), ("D801999924001", "Amira Khan", "6A"),
        ("2001", "Jan Łaski", "6A"), ("T801999924002", "Ben O'Connor", "6A")]


def test_find_as_csv(kiosk, roll):
    status, out, _ = kiosk("pupil", "find", "dang minh", "--format", "csv")
    assert status == 0
    assert list(csv.DictReader(io.StringIO(out))) == [{"pupil": "2003", "name": "Minh Đặng", "class": "4B", "tag": ""}]


def test_find_as_a_member_of_staff(kiosk, roll):
    status, out, _ = kiosk("pupil", "find", "khan", "--by", "lpa", "--format", "json")  # a teacher of another class
    assert status == 0 and [r["name"] for r in json.loads(out)] == ["Amira Khan"]
    status, out, err = kiosk("pupil", "find", "khan", "--by", "NOBODY")
    assert (status, out) == (1, "")
    assert err.strip() == "No member of staff has the code “NOBODY”: check the code on your badge."


def test_find_nobody_and_nothing_to_find(kiosk, roll):
    assert kiosk("pupil", "find", "xyzzy") == (0, "No pupil on roll has “xyzzy” in their name.\n", "")
    assert kiosk("pupil", "find", "xyzzy", "--format", "json") == (0, "[]\n", "")
    status, out, err = kiosk("pupil", "find", " ’- ")
    assert (status, out) == (1, "")
    assert err.strip() == "Give part of a pupil's name to find, e.g. “laski” or “amira kh”."
    with pytest.raises(SystemExit) as usage:
        kiosk("pupil", "find")
    assert usage.value.code == 2
