"""`kiosk void` and `kiosk staff cover`: what they print, their exit status and their refusals."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import kiosk  # noqa: F401 - the fixture


@pytest.fixture
def filled(kiosk, database, school):  # noqa: F811
    return school


def custody(kiosk) -> list[dict]:  # noqa: F811
    status, out, _ = kiosk("report", "custody", "--format", "json")
    assert status == 0
    return json.loads(out)


def test_void_a_check_in_by_its_entry_from_the_custody_report(kiosk, filled):  # noqa: F811
    assert kiosk("phone", "in", filled.walker, "--by", "HBR")[0] == 0
    [event] = [e for e in custody(kiosk) if e["action"] == "phone in"]
    entry = event["entry"]
    assert isinstance(entry, int) and event["voided_by"] is None
    status, out, err = kiosk("void", str(entry), "--reason", "scanned the wrong pouch", "--by", "MJO")
    assert (status, err) == (0, "")
    assert out.strip() == (f"Entry {entry} voided by entry {entry + 1}: Amira Khan's phone checked in (6A cupboard). "
                           "Amira Khan's phone is no longer recorded as held in the 6A cupboard.")
    events = {e["entry"]: e for e in custody(kiosk)}
    assert events[entry]["voided_by"] == entry + 1
    assert events[entry + 1]["action"] == "entry voided"
    assert events[entry + 1]["note"] == f"voids entry {entry} (phone in): scanned the wrong pouch"
    status, out, _ = kiosk("phone", "where", "--format", "json")
    assert json.loads(out) == []
    assert kiosk("audit", "verify")[0] == 0
    status, out, err = kiosk("void", str(entry), "--reason", "again", "--by", "MJO")
    assert status == 1 and f"Entry {entry} was already voided by entry {entry + 1}" in err


def test_the_custody_csv_has_the_entry_column(kiosk, filled):  # noqa: F811
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    status, out, _ = kiosk("report", "custody", "--format", "csv")
    assert out.splitlines()[0].startswith("entry,at,action,")


def test_void_refusals_are_one_sentence_and_exit_1(kiosk, filled):  # noqa: F811
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    entry = custody(kiosk)[-1]["entry"]
    status, out, err = kiosk("void", str(entry), "--reason", "mine", "--by", "LPA")
    assert (status, out) == (1, "")
    assert err.strip() == f"Entry {entry} was recorded by someone else: only the office or the leadership team can " \
                          "void it."
    status, _, err = kiosk("void", "1", "--reason", "x", "--by", "MJO")
    assert status == 1 and "cannot be voided" in err
    with pytest.raises(SystemExit) as exc:  # --reason is required: a usage error
        kiosk("void", str(entry), "--by", "MJO")
    assert exc.value.code == 2
    status, _, err = kiosk("void", "nope", "--reason", "x", "--by", "MJO")
    assert status == 1 and "is not a ledger entry number" in err


def test_staff_cover_prints_the_code_and_pin_once_and_the_badge_signs_in(kiosk, filled, database):  # noqa: F811
    status, out, err = kiosk("staff", "cover", "Sam Jones", "--class", "6A", "--by", "MJO")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Cover badge for Sam Jones, 6A, until 18:00 today"
    code, pin = lines[1].removeprefix("Code: "), lines[2].removeprefix("PIN:  ")
    assert code.startswith("CV") and pin.isdigit()
    from db.people import sign_in

    assert sign_in(database, code, pin).name == "Sam Jones"
    assert kiosk("phone", "in", filled.walker, "--by", code)[0] == 0
    status, out, _ = kiosk("phone", "where", "--format", "json")
    assert json.loads(out)[0]["by"] == "Sam Jones"
    status, _, err = kiosk("staff", "cover", "Sam Jones", "--class", "6A", "--by", "HBR")
    assert status == 1 and "giving a cover badge is for office staff or the leadership team" in err
