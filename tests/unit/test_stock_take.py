"""Stock-takes (issue 16 point 5): the phones found in a cupboard or the office against what the record says is
there, recorded in the ledger; nothing about custody changes. On both backends (the ``database`` fixture)."""

import json

import pytest
from sqlmodel import select

from db import phones, records, tags
from db.core import COMMAND_LINE, NotAllowed, Refused
from db.core.models import LedgerEntry
from db.corrections import void_entry
from db.records.projections import projection_problems
from tagcodes import TagKind, new_code


@pytest.fixture(autouse=True)
def record_stays_whole(database):
    """A stock-take is a ledger row like any other: the chain verifies and the tables still follow the ledger."""
    yield
    assert projection_problems(database) == []
    records.verify(database, by=COMMAND_LINE)


def stock_rows(database) -> list[LedgerEntry]:
    with database.reading() as session:
        return list(session.exec(select(LedgerEntry).where(LedgerEntry.action == "stock_take")
                                 .order_by(LedgerEntry.id)).all())


def held(database) -> list[tuple[str, str]]:
    return sorted((row.code, row.location) for row in phones.phones_held(database, by=COMMAND_LINE))


def test_every_phone_found_in_the_cupboard(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.advance(minutes=20)
    taken = phones.stock_take(database, "6a", [school.walker], "HBR")
    assert (taken.place, taken.class_name, taken.by, taken.expected, taken.found) == (
        "6A cupboard", "6A", "Hannah B.", 1, 1)
    assert taken.all_found and taken.missing == () and taken.not_expected == ()
    [phone] = taken.phones
    assert (phone.pupil, phone.class_name, phone.description, phone.result, phone.record) == (
        "Amira K.", "6A", "black iPhone, blue case", "found", "in the 6A cupboard since 08:40 today")
    [row] = stock_rows(database)
    assert row.id == taken.entry and row.kiosk == "test-kiosk"
    assert json.loads(row.detail) == {"expected": 1, "found": 1, "in_place": [school.walker], "missing": {},
                                      "not_expected": {}}


def test_missing_and_not_expected_phones_are_named_with_where_the_record_says_they_are(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")  # 6A cupboard, 08:40
    clock.advance(minutes=5)
    phones.phone_in(database, school.year6_no_permit, "HBR")  # the office: no walk-home permission
    before = held(database)
    clock.advance(minutes=30)
    # Ben's pouch went in the cupboard by mistake, Zoë's phone was never checked in, Amira's is not there.
    taken = phones.stock_take(database, "6A", [school.year6_no_permit, school.year4], "HBR")
    assert (taken.expected, taken.found, len(taken.missing), len(taken.not_expected)) == (1, 2, 1, 2)
    assert not taken.all_found
    assert [(p.result, p.pupil, p.class_name, p.record) for p in taken.phones] == [
        ("missing", "Amira K.", "6A", "in the 6A cupboard since 08:40 today"),
        ("not expected", "Zoë W.", "4B", "not checked in"),
        ("not expected", "Ben O.", "6A", "in the Office since 08:45 today"),
    ]
    assert held(database) == before  # a check: nobody's phone moved
    [row] = stock_rows(database)
    assert json.loads(row.detail) == {
        "expected": 1, "found": 2, "in_place": [],
        "missing": {school.walker: "in the 6A cupboard since 08:40 on Tue 10 Nov 2026"},
        "not_expected": {school.year6_no_permit: "in the Office since 08:45 on Tue 10 Nov 2026",
                         school.year4: "not checked in"}}


def test_a_phone_handed_back_and_found_again_says_when_it_went_home(database, school, clock):
    phones.phone_in(database, school.year4, "LPA")
    clock.set_local(15, 20)
    phones.phone_out(database, school.year4, "MJO")
    clock.advance(minutes=10)
    taken = phones.stock_take(database, "office", [school.year4], "MJO")
    [phone] = taken.phones
    assert (taken.place, taken.expected, phone.result, phone.record) == (
        "Office", 0, "not expected", "handed back at 15:20 today")


def test_the_office_and_a_double_read(database, school, clock):
    phones.phone_in(database, school.year4, "LPA")
    phones.phone_in(database, school.year6_no_permit, "HBR")
    taken = phones.stock_take(database, "Office", [school.year4, school.year4.replace("-", "")], "HTE")
    assert (taken.place, taken.by, taken.expected, taken.found) == ("Office", "Helen T.", 2, 1)
    assert [(p.pupil, p.result) for p in taken.missing] == [("Ben O.", "missing")]


def test_nothing_expected_and_nothing_found_is_recorded_too(database, school):
    taken = phones.stock_take(database, "6A", [], "HBR")
    assert (taken.expected, taken.found, taken.phones, taken.all_found) == (0, 0, (), True)
    assert len(stock_rows(database)) == 1


def test_a_location_tag_names_the_cupboard(database, school):
    phones.phone_in(database, school.walker, "HBR")
    tag = tags.issue_location_tag(database, "6A cupboard", lambda: new_code(TagKind.LOCATION), by=COMMAND_LINE)
    place = phones.stock_take_place(database, tag.code, by="HBR")
    assert (place.name, place.ref, place.class_name, place.expected) == ("6A cupboard", tag.code, "6A", 1)
    assert phones.stock_take(database, tag.code, [school.walker], "HBR").all_found
    # A room of the school's own with a tag is its own place, not the main office.
    head = tags.issue_location_tag(database, "Head's office", lambda: new_code(TagKind.LOCATION), by=COMMAND_LINE)
    phones.confiscate(database, school.year4, "MJO", "used in class", where="Head's office")
    taken = phones.stock_take(database, phones.stock_take_place(database, head.code, by="HTE").ref,
                              [school.year4], "HTE")
    assert (taken.place, taken.expected, taken.all_found) == ("Head's office", 1, True)


def test_each_scan_says_found_or_where_the_record_has_it_and_records_nothing(database, school):
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year6_no_permit, "HBR")
    here = phones.stock_take_phone(database, "6A", school.walker, by="HBR")
    assert (here.pupil, here.result, here.record) == ("Amira K.", "found", "in the 6A cupboard since 08:40 today")
    away = phones.stock_take_phone(database, "6A", school.year6_no_permit, by="HBR")
    assert (away.pupil, away.result, away.record) == ("Ben O.", "not expected", "in the Office since 08:40 today")
    assert stock_rows(database) == []


@pytest.mark.parametrize(("place", "found", "by", "sentence"), [
    ("6A", [], "LPA", "A stock-take of the 6A cupboard is for 6A's teacher, the office or the leadership team: "
                      "your class is 4B."),
    ("office", [], "HBR", "A stock-take of the office is for office staff and the leadership team"),
    ("9Z", [], "MJO", "There is no cupboard for class “9Z”: check the class, e.g. 6A, or say office."),
    ("6A", ["hello"], "HBR", "“hello” is not a tag code: check the code under the QR."),
    ("6A", ["P-AAAA-AAA"], "HBR", "No tag has the code P-AAAA-AAA"),
    ("6A", [], "NOBODY", "No member of staff has the code “NOBODY”"),
])
def test_refused_in_one_sentence_and_nothing_recorded(database, school, place, found, by, sentence):
    with pytest.raises(Refused) as refused:
        phones.stock_take(database, place, found, by)
    assert str(refused.value).startswith(sentence)
    assert stock_rows(database) == []


def test_an_administrator_and_a_badge_are_refused(database, school):
    with pytest.raises(NotAllowed, match="a stock-take is for teachers, office staff or the leadership team"):
        phones.stock_take(database, "6A", [], "ADM")
    badge = tags.issue_staff_tag(database, "MJO", lambda: new_code(TagKind.STAFF), by=COMMAND_LINE)
    with pytest.raises(Refused, match=f"{badge.code} is a staff tag, not a phone tag"):
        phones.stock_take(database, "6A", [badge.code], "HBR")
    assert stock_rows(database) == []


def test_stock_takes_over_a_period_for_the_leadership(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year6_no_permit, "HBR")
    clock.set_local(12, 0)
    phones.stock_take(database, "6A", [school.walker], "HBR")
    clock.advance(days=1)
    phones.stock_take(database, "office", [school.walker], "MJO")  # Amira's pouch turned up in the office
    clock.advance(days=1)
    phones.stock_take(database, "6A", [], "HTE")

    [tuesday, wednesday] = phones.stock_takes(database, clock.moment.date().replace(day=10),
                                              clock.moment.date().replace(day=11), by="HTE")
    assert (tuesday.place, tuesday.by, tuesday.expected, tuesday.found, len(tuesday.missing),
            len(tuesday.not_expected)) == ("6A cupboard", "Hannah B.", 1, 1, 0, 0)
    assert f"{tuesday.at:%a %H:%M}" == "Tue 12:00"
    assert (wednesday.place, wednesday.by, wednesday.expected, wednesday.found) == ("Office", "Maria J.", 1, 1)
    assert [(p.pupil, p.class_name, p.description, p.record) for p in wednesday.missing] == [
        ("Ben O.", "6A", None, "in the Office since 08:40 on Tue 10 Nov 2026")]
    assert [(p.pupil, p.record) for p in wednesday.not_expected] == [
        ("Amira K.", "in the 6A cupboard since 08:40 on Tue 10 Nov 2026")]
    assert len(phones.stock_takes(database, by=COMMAND_LINE)) == 1  # today (Thursday) only
    with pytest.raises(NotAllowed):
        phones.stock_takes(database, by="MJO")


def test_the_custody_report_shows_it_and_it_cannot_be_voided(database, school):
    phones.phone_in(database, school.walker, "HBR")
    taken = phones.stock_take(database, "6A", [school.year4], "HBR")
    [row] = [e for e in phones.custody_report(database, by=COMMAND_LINE) if e.action == "stock take"]
    assert (row.location, row.by, row.entry) == ("6A cupboard", "Hannah Brooks", taken.entry)
    assert row.note == (f"expected 1, found 1, missing 1, not expected 1; missing {school.walker} (in the 6A "
                        f"cupboard since 08:40 on Tue 10 Nov 2026); not expected {school.year4} (not checked in)")
    with pytest.raises(Refused, match="A stock-take cannot be voided"):
        void_entry(database, taken.entry, "mistake", "MJO")


def test_a_subject_access_export_has_the_stock_takes_that_name_the_pupils_phone_and_no_one_else(database, school):
    phones.phone_in(database, school.walker, "HBR")
    taken = phones.stock_take(database, "6A", [school.year4], "HBR")
    amira = records.export_pupil(database, "1001", by="ADM")
    [row] = [r for r in amira["record"] if r["action"] == "stock_take"]
    assert (row["to"], row["by"]) == ("6A cupboard", "Hannah Brooks")
    assert row["detail"] == {"stock_take": {
        school.walker: "missing: the record said in the 6A cupboard since 08:40 on Tue 10 Nov 2026"}}
    zoe = records.export_pupil(database, "1003", by="ADM")
    assert [r["detail"] for r in zoe["record"] if r["action"] == "stock_take"] == [
        {"stock_take": {school.year4: "not expected: the record said not checked in"}}]
    ben = records.export_pupil(database, "1002", by="ADM")
    assert [r for r in ben["record"] if r["action"] == "stock_take"] == [] and taken.entry


def test_a_stock_take_past_the_custody_period_is_blanked_by_the_purge(database, school, clock):
    from datetime import timedelta

    from db.records import Retention, purge

    phones.phone_in(database, school.walker, "HBR")
    old = phones.stock_take(database, "6A", [school.year4], "HBR")
    database.clock_checked = False  # two school years in a moment
    clock.advance(days=2 * 366)
    report = purge(database, Retention(), by=COMMAND_LINE)
    assert report.redacted["custody"] >= 1
    [row] = stock_rows(database)
    assert (row.id, row.detail, row.to_location_id, row.purged_at is not None) == (old.entry, "{}", None, True)
    start = (clock.moment - timedelta(days=800)).date()
    assert phones.stock_takes(database, start, clock.moment.date(), by="HTE") == []
