"""Bad input on purpose: forged and replayed badges, SQL and control characters in every free-text field."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from db import devices, people, phones, tags
from db.core import COMMAND_LINE, Refused
from db.core.models import Pupil
from db.phones import custody_report
from db.records import verify
from tagcodes import TagKind, new_code

NASTY = "Robert'); DROP TABLE pupil;-- \x1b[2J\x1b]0;owned\x07 \u202eevil\r\nnext line\x00"


def test_a_replayed_old_badge_stops_working_when_a_new_one_is_issued(database, school):
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    old = tags.issue_staff_tag(database, "HBR", lambda: new_code(TagKind.STAFF), by=COMMAND_LINE)
    assert people.sign_in(database, old.code, "2468").code == "HBR"
    new = tags.issue_staff_tag(database, "HBR", lambda: new_code(TagKind.STAFF), by=COMMAND_LINE)
    with pytest.raises(Refused, match="No member of staff has the code"):
        people.sign_in(database, old.code, "2468")  # a lost badge found and scanned again
    assert people.sign_in(database, new.code, "2468").code == "HBR"


def test_a_forged_badge_with_a_valid_check_symbol_is_unknown(database, school):
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    forged = new_code(TagKind.STAFF)  # well formed, never issued
    with pytest.raises(Refused, match="No member of staff has the code"):
        people.sign_in(database, forged, "2468")
    with pytest.raises(Refused, match="No member of staff has the code"):
        phones.phone_in(database, school.walker, forged)


def test_a_badge_does_not_skip_the_pin(database, school):
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    badge = tags.issue_staff_tag(database, "HBR", lambda: new_code(TagKind.STAFF), by=COMMAND_LINE)
    with pytest.raises(Refused, match="That PIN is not right"):
        people.sign_in(database, badge.code, "")


def _free_text_fields(database, school, clock, text):
    """Every free-text field a person can type into, each given ``text``; returns what was stored."""
    phones.phone_in(database, school.year4, "LPA")
    phones.parents_told(database, "1003", "MJO", text)
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_out(database, school.walker, "MJO", reason=text, to=text)
    phones.confiscate(database, school.walker, "HBR", text)
    tags.issue_phone_tag(database, "1002", lambda: new_code(TagKind.PHONE), text, by="HBR")
    tags.issue_location_tag(database, text, lambda: new_code(TagKind.LOCATION), by="ADM")
    phones.add_exception(database, "1002", "medical", text, date(2027, 1, 1), by="HTE")
    phones.agree_staff_phone(database, "HBR", text, date(2026, 11, 1), date(2026, 12, 1), by="HTE")
    phones.set_imei_note(database, "HBR", text, by="HBR")
    with database.writing() as session:
        from db.core.models import Device

        session.add(Device(asset_tag="IPAD-09", kind="ipad", name="iPad 9", make="Apple", model="iPad",
                           added_at=database.now()))
        session.commit()
    devices.lend_device(database, "IPAD-09", "HBR", "6A", text)
    return [e.note or "" for e in custody_report(database, by="HTE")] + \
        [r.conditions for r in phones.exceptions_register(database, by="HTE")] + \
        [a.reason for a in phones.staff_phone_agreements(database, by="HTE")] + \
        [phones.imei_note(database, "HBR", by="HBR")] + \
        [t.label + (t.description or "") for t in tags.list_tags(database)] + \
        [loan.purpose for loan in devices.loans_report(database, by="HTE")]


def test_sql_and_control_characters_in_every_free_text_field_are_stored_as_plain_text(database, school, clock):
    stored = _free_text_fields(database, school, clock, NASTY)
    with database.reading() as session:
        assert session.exec(select(func.count()).select_from(Pupil)).one() == 3  # no table was dropped
    assert any("DROP TABLE pupil" in text for text in stored)  # kept, as words
    for text in stored:
        assert not any(ord(ch) < 32 or ord(ch) == 127 or 0x202A <= ord(ch) <= 0x202E for ch in text), text
    assert verify(database, by=COMMAND_LINE) > 0


@pytest.mark.parametrize("blank", ["", "   ", "\x1b\x07\r\n"])
def test_free_text_that_is_only_control_characters_counts_as_blank(database, school, blank):
    phones.phone_in(database, school.year4, "LPA")
    with pytest.raises(Refused, match="Say how the parents were told"):
        phones.parents_told(database, "1003", "MJO", blank)
    with pytest.raises(Refused, match="Say why the phone is being confiscated"):
        phones.confiscate(database, school.year4, "LPA", blank)
