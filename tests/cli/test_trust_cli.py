"""Roles, the exceptions register, confiscation and staff phones on the command line."""

import json

import pytest

from tests.cli.test_cli import filled, kiosk  # noqa: F401 - the shared fixtures


@pytest.mark.parametrize("args, words", [
    (("report", "custody", "--by", "HBR"),
     "Hannah Brooks is a teacher: the custody report is for the leadership team."),
    (("phone", "where", "--by", "LPA"), "the list of every phone held is for office staff or the leadership team."),
    (("audit", "verify", "--by", "MJO"), "checking the audit chain is for the leadership team or administrators."),
    (("export", "pupil", "1001", "--by", "HBR"),
     "a subject access export is for the leadership team or administrators."),
    (("import", "staff", "tests/data/staff.csv", "--by", "MJO"), "importing staff is for the leadership team"),
    (("exception", "list", "--by", "MJO"), "the exceptions register is for the leadership team."),
])
def test_a_named_member_of_staff_without_the_role_is_refused(kiosk, filled, args, words):
    status, out, err = kiosk(*args)
    assert status == 1 and out == "" and words in err
    assert len(err.strip().splitlines()) == 1


def test_the_command_line_without_by_keeps_the_contract(kiosk, filled):
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    status, out, _ = kiosk("report", "custody", "--format", "json")
    assert status == 0 and [(e["action"], e["pupil"]) for e in json.loads(out)] [-1:] == [("phone in", "Amira Khan")]
    status, out, _ = kiosk("report", "custody", "--by", "HTE", "--format", "json")  # the same, as a named SLT
    assert status == 0 and [e["by"] for e in json.loads(out)][-1] == "Hannah Brooks"


def test_exceptions_register_from_add_to_scan_to_list(kiosk, filled):
    status, out, err = kiosk("exception", "add", "1003", "--kind", "medical", "--conditions",
                             "Glucose app; phone on silent in bag", "--review", "2027-03-31", "--by", "HTE")
    assert status == 0, err
    assert out == "Zoë Wiśniewski (4B) keeps their phone: medical, review by 31 Mar 2027.\n"
    status, out, _ = kiosk("phone", "in", filled.year4, "--by", "LPA")
    assert status == 0 and out.splitlines() == [
        "Zoë Wiśniewski (4B) keeps phone: medical: on the exceptions register, not a breach.",
        "Conditions: Glucose app; phone on silent in bag"]
    status, out, _ = kiosk("exception", "list", "--format", "json")
    [row] = json.loads(out)
    assert (row["pupil"], row["kind"], row["review_on"], row["status"], row["approved_by"]) == (
        "Zoë Wiśniewski", "medical", "2027-03-31", "current", "Helen Teale")
    status, _, err = kiosk("exception", "add", "1003", "--kind", "medical", "--conditions", "x",
                           "--review", "2027-03-31", "--by", "MJO")
    assert status == 1 and "is for the leadership team" in err


def test_a_confiscated_phone_is_refused_to_the_pupil_and_released_to_a_parent(kiosk, filled, clock):
    status, out, _ = kiosk("phone", "confiscate", filled.walker, "--by", "HBR", "--reason", "used in class")
    assert status == 0
    assert out == ("Amira Khan's phone (6A) is confiscated and held in the Office: "
                   "it can be released only to a parent or carer.\n")
    clock.set_local(15, 30)
    status, out, err = kiosk("phone", "out", filled.walker, "--by", "MJO")
    assert status == 1 and out == ""
    assert err.strip() == ("Amira Khan's phone was confiscated (used in class): it can be released only to a parent or "
                           "carer, not to the pupil; give the parent or carer's name.")
    status, _, err = kiosk("phone", "out", filled.walker, "--by", "MJO", "--to", "Amira Khan")
    assert status == 1 and "not to the pupil" in err
    status, out, _ = kiosk("phone", "out", filled.walker, "--by", "MJO", "--to", "Mr Khan (dad)")
    assert status == 0 and out == "Confiscated phone released to Mr Khan (dad). It was in the Office.\n"


def test_staff_phone_agreement_and_imei_note(kiosk, filled):
    status, out, err = kiosk("staff", "phone-agree", "HBR", "--reason", "On call for a parent in hospital",
                             "--from", "2026-11-09", "--to", "2026-12-18", "--by", "HTE")
    assert status == 0, err
    assert out == ("Recorded: Hannah Brooks may keep their phone on from 09 Nov to 18 Dec 2026 "
                   "(agreed by Helen Teale).\n")
    status, out, _ = kiosk("staff", "phones", "--by", "MJO", "--format", "json")
    assert status == 0 and json.loads(out) == []  # not theirs
    status, out, _ = kiosk("staff", "phones", "--format", "json")
    assert [r["status"] for r in json.loads(out)] == ["current"]
    assert kiosk("staff", "imei", "HBR", "--by", "HBR", "--set", "353209001761481")[0] == 0
    status, out, _ = kiosk("staff", "imei", "HBR", "--by", "HTE")
    assert status == 0 and out == "353209001761481\n"
    status, out, err = kiosk("staff", "imei", "HBR", "--by", "MJO")
    assert status == 1 and out == "" and "another person's IMEI note is for the leadership team" in err


def test_a_bad_setting_is_one_sentence_not_a_traceback(kiosk, filled, monkeypatch):
    monkeypatch.setenv("KIOSK_KEEP_CUSTODY_YEARS", "-1")
    status, out, err = kiosk("purge", "--dry-run")
    assert status == 1 and out == ""
    assert err == ("The setting keep_custody_years (KIOSK_KEEP_CUSTODY_YEARS) is not valid: input should be greater "
                   "than or equal to 0; check settings.toml and the KIOSK_ variables.\n")


def test_an_unknown_theme_is_one_sentence_naming_the_themes(kiosk, filled, monkeypatch):
    monkeypatch.setenv("KIOSK_THEME", "pink")
    status, out, err = kiosk("report", "custody")
    assert status == 1 and out == ""
    assert err == ("The setting theme (KIOSK_THEME) is not valid: input should be 'standard' or 'high-contrast'; "
                   "check settings.toml and the KIOSK_ variables.\n")


def test_a_refusal_never_echoes_a_terminal_escape_that_was_typed(kiosk, filled):
    status, out, err = kiosk("phone", "in", filled.walker, "--by", "\x1b[2J\x07HB\u202eR")
    assert status == 1 and out == ""
    assert err.startswith("No member of staff has the code “ [2J HB R”")
    assert not any(ord(ch) < 32 and ch != "\n" or 0x202A <= ord(ch) <= 0x202E for ch in err)
