"""`kiosk cupboard check CLASS|office --found CODE... --by STAFF`: a stock-take on the command line.

Exit 0 once it is recorded, even with phones missing (the check itself succeeded; the output says what is
missing); exit 1 with one sentence, nothing recorded, when it is refused."""

import csv
import io
import json

import pytest

from db import phones
from db.core import COMMAND_LINE


@pytest.fixture
def morning(kiosk, database, school, clock):
    """Amira's phone in the 6A cupboard at 08:40, Ben's in the office; the stock-take at 09:10."""
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year6_no_permit, "HBR")
    clock.set_local(9, 10)
    return school


def recorded(database) -> int:
    return len([e for e in phones.custody_report(database, by=COMMAND_LINE) if e.action == "stock take"])


def test_every_phone_found_exit_0(kiosk, database, morning):
    status, out, err = kiosk("cupboard", "check", "6A", "--found", morning.walker, "--by", "HBR")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == ("Stock-take of the 6A cupboard by Hannah B. at 09:10 recorded (entry 7): expected 1, "
                        "found 1, missing 0, not expected 0. Every phone expected was found.")
    assert lines[1].split() == ["RESULT", "CODE", "PUPIL", "CLASS", "DESCRIPTION", "RECORD"]
    assert lines[2].split()[:4] == ["found", morning.walker, "Amira", "K."]
    assert lines[2].endswith("in the 6A cupboard since 08:40 today")
    assert recorded(database) == 1


def test_something_missing_still_exit_0_and_says_so(kiosk, database, morning):
    status, out, _ = kiosk("cupboard", "check", "6A", "--found", morning.year6_no_permit, morning.year4,
                           "--by", "HBR", "--format", "json")
    assert status == 0
    assert json.loads(out) == [
        {"result": "missing", "code": morning.walker, "pupil": "Amira K.", "class": "6A",
         "description": "black iPhone, blue case", "record": "in the 6A cupboard since 08:40 today"},
        {"result": "not expected", "code": morning.year4, "pupil": "Zoë W.", "class": "4B",
         "description": "red Nokia", "record": "not checked in"},
        {"result": "not expected", "code": morning.year6_no_permit, "pupil": "Ben O.", "class": "6A",
         "description": "", "record": "in the Office since 08:40 today"},
    ]
    _, out, _ = kiosk("cupboard", "check", "6A", "--found", morning.year4, "--by", "HBR")
    assert out.splitlines()[0].endswith("expected 1, found 1, missing 1, not expected 1. 1 phone missing: look for "
                                        "it. 1 phone not expected here: the record column says where the record "
                                        "has it.")
    assert recorded(database) == 2


def test_the_office_by_csv_and_an_empty_cupboard(kiosk, database, morning):
    status, out, _ = kiosk("cupboard", "check", "office", "--found", morning.year6_no_permit, "--by", "MJO",
                           "--format", "csv")
    assert status == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["result", "code", "pupil", "class", "description", "record"],
        ["found", morning.year6_no_permit, "Ben O.", "6A", "", "in the Office since 08:40 today"]]
    phones.phone_out(database, morning.walker, "MJO", reason="dentist")
    status, out, _ = kiosk("cupboard", "check", "6A", "--by", "HBR")
    assert status == 0 and out.endswith("expected 0, found 0, missing 0, not expected 0. The record has no phone "
                                        "here.\n")
    assert kiosk("cupboard", "check", "6A", "--by", "HBR", "--format", "csv")[1] == \
        "result,code,pupil,class,description,record\n"


@pytest.mark.parametrize(("args", "sentence"), [
    (("9Z", "--by", "MJO"), "There is no cupboard for class “9Z”: check the class, e.g. 6A, or say office."),
    (("6A", "--by", "LPA"), "A stock-take of the 6A cupboard is for 6A's teacher, the office or the leadership "
                            "team: your class is 4B."),
    (("office", "--by", "HBR"), "A stock-take of the office is for office staff and the leadership team: take "
                                "stock of your class's cupboard."),
    (("6A", "--found", "HELLO", "--by", "HBR"), "“HELLO” is not a Custody Kiosk tag code"),
    (("6A", "--by", "ADM"), "Alan Dean is an administrator: a stock-take is for teachers, office staff or the "
                            "leadership team."),
])
def test_refused_in_one_sentence_exit_1_nothing_recorded(kiosk, database, morning, args, sentence):
    status, out, err = kiosk("cupboard", "check", *args)
    assert (status, out) == (1, "")
    assert err.startswith(sentence) and len(err.strip().splitlines()) == 1
    assert recorded(database) == 0


def test_report_stock_takes_over_days_for_the_leadership(kiosk, database, morning, clock):
    kiosk("cupboard", "check", "6A", "--found", morning.year4, "--by", "HBR")
    clock.advance(days=1)
    kiosk("cupboard", "check", "office", "--found", morning.year6_no_permit, "--by", "MJO")
    status, out, _ = kiosk("report", "stock-takes", "--from", "2026-11-10", "--to", "11/11/2026", "--by", "HTE",
                           "--format", "json")
    assert status == 0
    [cupboard, office] = json.loads(out)
    assert cupboard == {"entry": 7, "at": "2026-11-10T09:10:00+00:00", "place": "6A cupboard", "by": "Hannah B.",
                        "expected": 1, "found": 1, "missing": 1, "not_expected": 1,
                        "phones": "missing Amira K. 6A (in the 6A cupboard since 08:40 on Tue 10 Nov 2026); "
                                  "not expected Zoë W. 4B (not checked in)"}
    assert (office["place"], office["by"], office["missing"], office["phones"]) == ("Office", "Maria J.", 0, "")
    _, out, _ = kiosk("report", "stock-takes", "--by", "HTE")
    assert out.splitlines()[0].split() == ["ENTRY", "AT", "PLACE", "BY", "EXPECTED", "FOUND", "MISSING",
                                           "NOT_EXPECTED", "PHONES"]
    assert len(out.splitlines()) == 4 and out.splitlines()[3].startswith("Ledger anchor: K1-")  # today: the office's
    status, _, err = kiosk("report", "stock-takes", "--by", "MJO")
    assert status == 1 and "the list of stock-takes is for the leadership team" in err
