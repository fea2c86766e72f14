"""Supply and cover teachers: a one-day badge with a class teacher's rights for one class."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db import people, phones
from db.core import COMMAND_LINE, Refused
from db.core.models import LedgerEntry, Staff


def test_a_cover_badge_signs_in_acts_for_its_class_and_expires_at_the_end_of_the_day(database, school, clock):
    badge = people.give_cover_badge(database, "Sam  Jones", "6a", "MJO")
    assert badge.code.startswith("CV") and len(badge.code) == 6 and badge.code[2:].isdigit()
    assert badge.pin.isdigit() and len(badge.pin) == 6
    assert (badge.name, badge.class_name, f"{badge.until:%H:%M}") == ("Sam Jones", "6A", "18:00")
    with database.reading() as session:
        row = session.exec(select(Staff).where(Staff.code == badge.code)).one()
        assert (row.role, row.class_name) == ("teacher", "6A")
        assert row.pin_hash.startswith("$argon2") and badge.pin not in row.pin_hash  # never stored in clear
    me = people.sign_in(database, badge.code, badge.pin)
    assert (me.name, me.role, me.class_name) == ("Sam Jones", "teacher", "6A")
    # Every action is recorded under the cover teacher's own name.
    phones.phone_in(database, school.walker, badge.code)
    assert phones.phones_held(database, by=COMMAND_LINE)[0].by == "Sam Jones"
    with pytest.raises(Refused, match="Zoë Wiśniewski is in 4B and your class is 6A"):
        phones.phone_in(database, school.year4, badge.code)
    assert [(c.name, c.class_name) for c in people.cover_today(database, by="MJO")] == [("Sam Jones", "6A")]
    clock.set_local(18, 0)
    with pytest.raises(Refused, match=f"The cover badge {badge.code} has expired .*ask the office for a new one"):
        people.sign_in(database, badge.code, badge.pin)
    with pytest.raises(Refused, match="has expired"):
        phones.phone_out(database, school.walker, badge.code)
    assert people.cover_today(database, by="MJO") == []


def test_only_the_office_and_leadership_give_cover_badges_for_a_class_on_roll(database, school, clock):
    with pytest.raises(Refused, match="giving a cover badge is for office staff or the leadership team"):
        people.give_cover_badge(database, "Sam Jones", "6A", "HBR")
    with pytest.raises(Refused, match="No pupil on roll is in class “9Z”"):
        people.give_cover_badge(database, "Sam Jones", "9Z", "MJO")
    with pytest.raises(Refused, match="first name and surname"):
        people.give_cover_badge(database, "Sam", "6A", "MJO")
    clock.set_local(18, 30)
    with pytest.raises(Refused, match="The school day is over"):
        people.give_cover_badge(database, "Sam Jones", "6A", "MJO")


def test_each_badge_gets_its_own_code_and_the_ledger_records_who_gave_it(database, school):
    codes = {people.give_cover_badge(database, f"Sam Jones{i}", "6A", "HTE").code for i in range(5)}
    assert len(codes) == 5
    with database.reading() as session:
        rows = session.exec(select(LedgerEntry).where(LedgerEntry.action == "cover_badge")).all()
    assert len(rows) == 5 and all('"class": "6A"' in r.detail for r in rows)
