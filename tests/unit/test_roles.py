"""Roles are enforced in db/, whatever calls it: each function refuses the wrong role and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db import devices, people, phones, records, tags
from db.core import COMMAND_LINE, Refused
from db.core.models import LedgerEntry
from tagcodes import TagKind, new_code


def ledger_rows(database) -> int:
    with database.reading() as session:
        return session.exec(select(func.count()).select_from(LedgerEntry)).one()


# (what, the call, a role that may not do it, the words the refusal uses)
READS = [
    ("phones held", lambda db, by: phones.phones_held(db, by=by), "HBR", "the list of every phone held"),
    ("parents to tell", lambda db, by: phones.parents_pending(db, by=by), "HBR", "the list of parents to tell"),
    ("cupboards", lambda db, by: phones.cupboards_to_check(db, by=by), "LPA", "the list of cupboards to check"),
    ("custody report", lambda db, by: phones.custody_report(db, by=by), "MJO", "the custody report"),
    ("devices report", lambda db, by: devices.loans_report(db, by=by), "HBR", "the report of camera and iPad loans"),
    ("devices out", lambda db, by: devices.devices_out(db, by=by), "MJO", "the list of devices out"),
    ("uploads outstanding", lambda db, by: devices.outstanding_uploads(db, by=by), "ADM", "uploads outstanding"),
    ("exceptions", lambda db, by: phones.exceptions_register(db, by=by), "MJO", "the exceptions register"),
    ("audit", lambda db, by: records.verify(db, by=by), "HBR", "checking the audit chain"),
    ("subject access", lambda db, by: records.export_pupil(db, "1001", by=by), "MJO", "a subject access export"),
    ("stock-takes", lambda db, by: phones.stock_takes(db, by=by), "MJO", "the list of stock-takes"),
]


@pytest.mark.parametrize("what, call, wrong, words", READS, ids=[r[0] for r in READS])
def test_a_report_refuses_the_wrong_role_and_serves_the_right_one(database, school, what, call, wrong, words):
    with pytest.raises(Refused, match=words) as refused:
        call(database, wrong)
    assert str(refused.value).endswith(".") and "\n" not in str(refused.value)
    right = "HTE"  # the leadership team may do everything
    call(database, right)
    call(database, COMMAND_LINE)  # the command line without --by acts with every right


def test_a_teacher_checks_in_only_their_own_classs_phones(database, school):
    before = ledger_rows(database)
    with pytest.raises(Refused, match="Zoë Wiśniewski is in 4B and your class is 6A: checking in this phone is "
                                      "for 4B's teacher or the office."):
        phones.phone_in(database, school.year4, "HBR")
    assert ledger_rows(database) == before
    assert phones.phone_in(database, school.year4, "LPA").location == "Office"
    assert phones.phone_in(database, school.walker, "MJO").location == "6A cupboard"  # the office: any class


def test_an_administrator_runs_imports_but_does_not_handle_phones(database, school):
    with pytest.raises(Refused, match="Alan Dean is an administrator: checking in a phone is for teachers, office "
                                      "staff or the leadership team."):
        phones.phone_in(database, school.walker, "ADM")
    tag = tags.issue_location_tag(database, "Head's office", lambda: new_code(TagKind.LOCATION), by="ADM")
    assert tag.kind == "location"


def test_early_hand_back_is_for_the_office_even_for_the_class_teacher(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(11, 0)
    with pytest.raises(Refused, match="handing a phone back before home-time is for office staff or the "
                                      "leadership team"):
        phones.phone_out(database, school.walker, "HBR", reason="dentist")
    assert phones.phone_out(database, school.walker, "MJO", reason="dentist").outcome == "handed back"
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(15, 20)
    assert phones.phone_out(database, school.walker, "HBR").outcome == "handed back"  # home-time: own class


def test_a_teacher_sees_only_their_own_classs_list(database, school):
    phones.phone_in(database, school.year4, "LPA")
    assert [p.pupil for p in phones.class_phones_today(database, "4B", by="LPA")] == ["Zoë Wiśniewski"]
    with pytest.raises(Refused, match="4B's phones are for 4B's teacher and the office"):
        phones.class_phones_today(database, "4B", by="HBR")


def test_only_the_office_and_slt_record_parents_told_walk_home_and_consent(database, school):
    phones.phone_in(database, school.year4, "LPA")
    before = ledger_rows(database)
    for call in (lambda: phones.parents_told(database, "1003", "LPA", "phoned"),
                 lambda: people.permit_walk_home(database, "1002", "HBR"),
                 lambda: devices.set_consent(database, "1001", "photos", True, "HBR")):
        with pytest.raises(Refused, match="is for office staff or the leadership team"):
            call()
    assert ledger_rows(database) == before


def test_a_pin_is_set_by_an_administrator_or_by_its_owner(database, school):
    people.set_pin(database, "HBR", "2468", by="HBR")
    people.set_pin(database, "HBR", "1357", by="ADM")
    with pytest.raises(Refused, match="setting another person's PIN is for the leadership team or administrators"):
        people.set_pin(database, "MJO", "1111", by="HBR")
    assert people.sign_in(database, "HBR", "1357").code == "HBR"


def test_imports_and_tags_for_devices_are_for_administrators(database, school, tmp_path):
    from db.people import import_staff

    staff_file = tmp_path / "staff.csv"
    staff_file.write_text("Staff Code,First Name,Surname,Role,Class\nNEW,Nia,Evans,teacher,5A\n", encoding="utf-8")
    with pytest.raises(Refused, match="importing staff is for the leadership team or administrators"):
        import_staff(database, staff_file, by="MJO")
    assert import_staff(database, staff_file, by="ADM").added == 1


def test_exceptions_are_approved_by_the_leadership_team_only(database, school):
    with pytest.raises(Refused, match="approving an exception is for the leadership team"):
        phones.add_exception(database, "1001", "medical", "glucose app", date(2027, 3, 1), by="MJO")
    with pytest.raises(Refused, match="add --by with their staff code"):
        phones.add_exception(database, "1001", "medical", "glucose app", date(2027, 3, 1), by=COMMAND_LINE)
    assert phones.add_exception(database, "1001", "medical", "glucose app", date(2027, 3, 1),
                                    by="HTE").approved_by == "Helen Teale"
