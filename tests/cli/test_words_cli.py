"""The command line's text listings read as words: no Python lists, None or True in a table (issue 12, point 16).
JSON and CSV keys are the contract and do not change; the custody report's note is text in every format."""

import re

import pytest

from db.phones import check_in_at_kiosk


@pytest.fixture
def filled(kiosk, database, school):
    return school


def test_the_custody_report_reads_as_words(kiosk, filled, database, clock):
    kiosk("phone", "in", filled.year4, "--by", "LPA")  # a Year 4 phone: the parents are to be told
    kiosk("parents", "told", filled.year4, "--by", "MJO", "--how", "phoned mum")
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    kiosk("cupboard", "locked", "6A", "--by", "HBR")
    clock.advance(days=1)  # Wednesday: the 6A phone spent the night in the cupboard
    check_in_at_kiosk(database, filled.walker, "HBR")
    status, out, _ = kiosk("report", "custody", "--from", "2026-11-10", "--to", "2026-11-11")
    assert status == 0
    assert re.search(r"parents told .*how: phoned mum; parents task \d+$", out, re.M)
    assert re.search(r"cupboard locked .*1 phone in it$", out, re.M)
    assert re.search(r"phone in again .*held since Tue 10 Nov 08:40$", out, re.M)
    for python in ("[", "]", "{", "None", "True", "False", "+00:00"):
        assert python not in out


def test_a_role_refusal_on_the_command_line_names_the_staff_given_with_by(kiosk, filled):
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    status, _, err = kiosk("phone", "out", filled.walker, "--by", "HBR", "--reason", "dentist")
    assert status == 1
    assert err.startswith("Hannah Brooks is a teacher: handing a phone back before home-time is for office staff")
