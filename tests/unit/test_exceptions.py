"""The exceptions register, confiscation, staff phones (R6) and the year-end for walk-home permission."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db import phones, records
from db.core import COMMAND_LINE, ParentNeeded, Refused
from db.core.models import Confiscation, HeldPhone, ParentTask
from db.records.projections import projection_problems


@pytest.fixture(autouse=True)
def tables_follow_the_ledger(database):
    """After every rule here the held phones, tasks and confiscations still follow from the ledger (issue 13)."""
    yield
    assert projection_problems(database) == []



def test_a_pupil_on_the_register_keeps_the_phone_and_it_is_not_a_breach(database, school):
    phones.add_exception(database, "1003", "medical", "Phone in bag on silent; glucose app only.",
                             date(2027, 2, 1), by="HTE")
    from db import people

    assert people.pupil_summary(database, "1003").phone == "kept by pupil (medical)"
    result = phones.phone_in(database, school.year4, "LPA")
    assert (result.outcome, result.location, result.review_due) == ("keeps phone", "keeps phone: medical", False)
    assert result.note == "Conditions: Phone in bag on silent; glucose app only."
    with database.reading() as session:
        assert session.exec(select(HeldPhone)).all() == []  # nothing held
        assert session.exec(select(ParentTask)).all() == []  # no breach: nobody to tell
    [event] = [e for e in phones.custody_report(database, by="HTE") if e.action == "phone kept"]
    assert event.pupil == "Zoë Wiśniewski" and "medical" in event.note
    with pytest.raises(Refused, match="Zoë Wiśniewski keeps their phone \\(exceptions register\\): "
                                      "there is nothing to hand back"):
        phones.phone_out(database, school.year4, "MJO", reason="home-time")


def test_an_exception_past_its_review_date_shows_as_due_for_review(database, school, clock):
    phones.add_exception(database, "1003", "young carer", "May phone home at break.", date(2026, 12, 1), by="HTE")
    clock.moment = clock.moment.replace(year=2026, month=12, day=2)
    result = phones.phone_in(database, school.year4, "LPA")
    assert result.outcome == "keeps phone" and result.review_due
    assert result.note.startswith("Due for review since 01 Dec 2026: tell the leadership team.")
    [row] = phones.exceptions_register(database, by="HTE")
    assert (row.pupil, row.kind, row.status) == ("Zoë Wiśniewski", "young carer", "due for review")


def test_ending_an_exception_brings_the_phone_rules_back(database, school):
    phones.add_exception(database, "1003", "SEND", "Visual timetable app.", date(2027, 1, 1), by="HTE")
    assert phones.end_exception(database, "1003", by="HTE") == 1
    assert phones.exceptions_register(database, by="HTE") == []
    assert [r.status for r in phones.exceptions_register(database, by="HTE", ended=True)] == ["ended"]
    assert phones.phone_in(database, school.year4, "LPA").outcome == "office"


@pytest.mark.parametrize("kind, conditions, review, words", [
    ("allergy", "x", date(2027, 1, 1), "is not a kind of exception"),
    ("medical", "   ", date(2027, 1, 1), "Say what was agreed"),
    ("medical", "x", date(2026, 11, 1), "Give a review date within the next year"),
    ("medical", "x", date(2028, 11, 1), "Give a review date within the next year"),
])
def test_a_bad_exception_is_refused_in_a_sentence(database, school, kind, conditions, review, words):
    with pytest.raises(Refused, match=words):
        phones.add_exception(database, "1003", kind, conditions, review, by="HTE")
    assert phones.exceptions_register(database, by="HTE", ended=True) == []


def test_a_confiscated_phone_goes_back_only_to_a_parent_or_carer_by_name(database, school, clock):
    taken = phones.confiscate(database, school.year4, "LPA", "used in class")
    assert (taken.outcome, taken.location) == ("confiscated", "Office")
    assert phones.phone_in(database, school.walker, "HBR").location == "6A cupboard"
    with pytest.raises(Refused, match="is confiscated and held in the Office until a parent or carer collects it"):
        phones.phone_in(database, school.year4, "LPA")
    clock.set_local(15, 30)
    for to in (None, "Zoë", "zoë wiśniewski", "ZOE WISNIEWSKI", " zoe  wisniewski"):  # the pupil, or nobody
        with pytest.raises(ParentNeeded, match="can be released only to a parent or carer, not to the pupil"):
            phones.phone_out(database, school.year4, "MJO", to=to)
    with pytest.raises(Refused, match="only the office or the leadership team can release it, to a parent or carer"):
        phones.phone_out(database, school.year4, "LPA", to="Mrs Wiśniewska (mum)")
    released = phones.phone_out(database, school.year4, "MJO", to="Mrs Wiśniewska (mum)")
    assert (released.outcome, released.note) == ("released", "Confiscated phone released to Mrs Wiśniewska (mum).")
    with database.reading() as session:
        [row] = session.exec(select(Confiscation)).all()
        assert (row.reason, row.released_to) == ("used in class", "Mrs Wiśniewska (mum)")
    actions = [e.action for e in phones.custody_report(database, by="HTE")]
    assert actions[-1] == "confiscation released" and "phone confiscated" in actions


def test_a_confiscated_phone_is_listed_as_confiscated_and_waits_for_a_parent_until_released(database, school, clock):
    clock.set_local(10, 5)
    phones.confiscate(database, school.year4, "LPA", "used in class")
    [held] = [r for r in phones.phones_held(database, by="MJO") if r.code == school.year4]
    assert (held.status, held.reason, f"{held.since:%H:%M}", held.location) == (
        "confiscated", "used in class", "10:05", "Office")
    clock.set_local(16, 0)  # after home-time, and the next morning, it is still "confiscated", not forgotten
    [held] = [r for r in phones.phones_held(database, by="MJO") if r.code == school.year4]
    assert held.status == "confiscated"
    [task] = phones.phones_to_collect(database, by="MJO")
    assert (task.code, task.reason, task.location, f"{task.since:%H:%M}") == (
        school.year4, "used in class", "Office", "10:05")
    assert task.pupil and task.class_name
    with pytest.raises(Refused):
        phones.phones_to_collect(database, by="HBR")  # the office's list
    phones.phone_out(database, school.year4, "MJO", to="Mrs Wiśniewska (mum)")
    assert phones.phones_to_collect(database, by="MJO") == []
    assert "Office" in phones.phone_places(database)


def test_a_phone_in_the_cupboard_can_be_confiscated_and_moves_to_the_place_named(database, school):
    from db.tags import issue_location_tag
    from tagcodes import TagKind, new_code

    issue_location_tag(database, "Head's office", lambda: new_code(TagKind.LOCATION), by=COMMAND_LINE)
    phones.phone_in(database, school.walker, "HBR")
    taken = phones.confiscate(database, school.walker, "HBR", "filming at break", where="head's office")
    assert taken.location == "Head's office"
    assert {r.code: r.location for r in phones.phones_held(database, by="MJO")} == {school.walker: "Head's office"}
    with pytest.raises(Refused, match="already confiscated"):
        phones.confiscate(database, school.walker, "HTE", "again")
    with pytest.raises(Refused, match="There is no place called “the moon”"):
        phones.confiscate(database, school.year6_no_permit, "HBR", "x", where="the moon")


def test_staff_phone_agreements_and_the_private_imei_note(database, school):
    agreed = phones.agree_staff_phone(database, "HBR", "Partner in hospital: on call", date(2026, 11, 9),
                                          date(2026, 12, 18), by="HTE")
    assert (agreed.staff, agreed.status, agreed.approved_by) == ("Hannah Brooks", "current", "Helen Teale")
    with pytest.raises(Refused, match="agreeing an exception for a staff phone is for the leadership team"):
        phones.agree_staff_phone(database, "MJO", "x", date(2026, 11, 9), date(2026, 11, 10), by="MJO")
    assert [a.staff for a in phones.staff_phone_agreements(database, by="HTE")] == ["Hannah Brooks"]
    assert phones.staff_phone_agreements(database, by="MJO") == []  # others see only their own
    assert [a.staff for a in phones.staff_phone_agreements(database, by="HBR")] == ["Hannah Brooks"]

    phones.set_imei_note(database, "HBR", "IMEI 35 209900 176148 1\x1b[2J", by="HBR")
    assert phones.imei_note(database, "HBR", by="HBR") == "IMEI 35 209900 176148 1 [2J"
    assert phones.imei_note(database, "HBR", by="HTE").startswith("IMEI 35")
    with pytest.raises(Refused, match="another person's IMEI note is for the leadership team"):
        phones.imei_note(database, "HBR", by="MJO")
    with database.reading() as session:
        from db.core.models import LedgerEntry

        details = [e.detail for e in session.exec(select(LedgerEntry))]
    assert not any("209900" in d for d in details)  # the ledger records the change, never the note


def test_walk_home_permission_ends_on_31_august(database, school, clock):
    database.clock_checked = False  # back to July, before the school was set up
    clock.moment = clock.moment.replace(year=2026, month=7, day=14)
    phones.phone_in(database, school.year6_no_permit, "HBR")  # no permission: office
    from db import people

    people.permit_walk_home(database, "1002", "MJO")  # given in July, for the rest of 2025/26
    clock.set_local(15, 30)
    phones.phone_out(database, school.year6_no_permit, "HBR")
    clock.moment = clock.moment.replace(month=7, day=15)
    clock.set_local(8, 40)
    assert phones.phone_in(database, school.year6_no_permit, "HBR").location == "6A cupboard"
    assert people.pupil_summary(database, "1002").phone == "goes to the class cupboard"
    clock.set_local(15, 30)
    phones.phone_out(database, school.year6_no_permit, "HBR")
    clock.moment = clock.moment.replace(month=9, day=3)
    clock.set_local(8, 40)
    result = phones.phone_in(database, school.year6_no_permit, "HBR")
    assert result.location == "Office"
    assert result.note == "Parents to be told: last year's walk-home permission ended on 31 August."
    summary = people.pupil_summary(database, "1002")  # what the kiosk shows when tagging the pupil by name
    assert (summary.walk_home, summary.phone) == (False, "goes to the office")
    assert records.export_pupil(database, "1002", by="HTE")["pupil"]["walk_home_permission"] is True  # the record


def test_the_subject_access_export_includes_exceptions_and_confiscations(database, school, clock):
    phones.add_exception(database, "1001", "young carer", "May text home at lunch.", date(2027, 2, 1), by="HTE")
    phones.confiscate(database, school.year4, "LPA", "used in class")
    clock.set_local(15, 30)
    phones.phone_out(database, school.year4, "MJO", to="Mr Wiśniewski")
    amira = records.export_pupil(database, "1001", by="ADM")
    assert [(e["kind"], e["approved_by"], e["review_on"]) for e in amira["exceptions"]] == [
        ("young carer", "Helen Teale", "2027-02-01")]
    assert amira["confiscations"] == []
    zoe = records.export_pupil(database, "1003", by="ADM")
    [taken] = zoe["confiscations"]
    assert (taken["reason"], taken["held_in"], taken["by"], taken["released_to"]) == (
        "used in class", "Office", "Lucy Patel", "Mr Wiśniewski")
    assert zoe["exceptions"] == [] and "Amira" not in str(zoe)
