"""Corrections: a mistaken event voided by a new ledger row with a reason; current state and reports follow."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db import devices, people, phones
from db.core import COMMAND_LINE, Refused
from db.core.models import Confiscation, DeviceLoan, HeldPhone, LedgerEntry, ParentTask
from db.corrections import last_own_entry, void_entry
from db.devices import import_devices
from db.records import verify
from db.records.projections import projection_problems


@pytest.fixture(autouse=True)
def tables_follow_the_ledger(database):
    """After every change here, and every void, the held phones, tasks, confiscations and loans still follow from
    the ledger: `kiosk audit verify` finds nothing wrong with a record the rules wrote (issue 13)."""
    yield
    assert projection_problems(database) == []


DEVICES = "Asset Tag,Type,Name,Make,Model,Serial\nIPAD-03,ipad,iPad 3,Apple,iPad (9th generation),\n"


def newest(database) -> int:
    with database.reading() as session:
        return session.exec(select(LedgerEntry.id).order_by(LedgerEntry.id.desc())).first()


def held(database) -> dict[str, str]:
    return {h.code: h.location for h in phones.phones_held(database, by=COMMAND_LINE)}


def test_voiding_a_check_in_takes_the_phone_off_the_held_list_and_closes_its_parents_task(database, school):
    phones.phone_in(database, school.year6_no_permit, "HBR")
    entry = newest(database)
    done = void_entry(database, entry, "scanned the wrong pouch", "MJO")
    assert done.entry == entry and done.void_entry == entry + 1
    assert done.what == "Ben O'Connor's phone checked in (Office)"
    assert done.outcome == ("Ben O'Connor's phone is no longer recorded as held in the Office, and the "
                            "parents-to-tell task is closed.")
    assert held(database) == {}
    assert phones.parents_pending(database, by=COMMAND_LINE) == []
    with database.reading() as session:
        task = session.exec(select(ParentTask)).one()
        assert task.how == f"not needed: entry {entry} was voided (scanned the wrong pouch)"
        void = session.get(LedgerEntry, entry + 1)
        assert (void.action, void.voids_id, void.tag_code) == ("entry_voided", entry, school.year6_no_permit)
        assert session.get(LedgerEntry, entry).action == "phone_in"  # the voided row stays
    assert verify(database, by=COMMAND_LINE) == entry + 1
    # The phone can be checked in again now, as if the mistaken scan had not happened.
    assert phones.phone_in(database, school.year6_no_permit, "MJO").location == "Office"


def test_the_custody_report_shows_the_entry_the_void_and_the_voided_row(database, school):
    phones.phone_in(database, school.walker, "HBR")
    entry = newest(database)
    void_entry(database, entry, "double scan", "MJO")
    *_, first, void = phones.custody_report(database, by=COMMAND_LINE)
    assert (first.entry, first.action, first.voided_by) == (entry, "phone in", entry + 1)
    assert first.note.startswith(f"VOIDED by entry {entry + 1}")
    assert (void.entry, void.action, void.pupil) == (entry + 1, "entry voided", "Amira Khan")
    assert void.note == f"voids entry {entry} (phone in): double scan"
    assert phones.class_phones_today(database, "6A", by="HBR") == []


def test_voiding_a_hand_back_puts_the_phone_back_where_it_was_held(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    checked_in = newest(database)
    clock.set_local(15, 20)
    phones.phone_out(database, school.walker, "HBR")
    out = newest(database)
    done = void_entry(database, out, "handed to the wrong pupil, taken back", "HBR")
    assert done.outcome == "Amira Khan's phone is held in the 6A cupboard again, as before the hand-back."
    [phone] = phones.phones_held(database, by=COMMAND_LINE)
    assert (phone.location, f"{phone.since:%H:%M}", phone.by) == ("6A cupboard", "08:40", "Hannah Brooks")
    with database.reading() as session:
        assert session.get(HeldPhone, school.walker).ledger_id == checked_in
    [today] = phones.class_phones_today(database, "6A", by="HBR")
    assert today.handed_back is None


def test_a_check_in_followed_by_a_hand_back_is_refused_until_the_later_one_is_voided(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    checked_in = newest(database)
    clock.set_local(15, 20)
    phones.phone_out(database, school.walker, "HBR")
    out = newest(database)
    with pytest.raises(Refused, match=f"later event for Amira Khan's phone stands \\(entry {out}, phone out\\): "
                                      "void the later one first"):
        void_entry(database, checked_in, "wrong", "MJO")
    void_entry(database, out, "wrong", "MJO")
    void_entry(database, checked_in, "wrong", "MJO")
    assert held(database) == {}
    assert verify(database, by=COMMAND_LINE) == newest(database)


def test_a_void_cannot_be_voided_nor_an_entry_voided_twice(database, school):
    phones.phone_in(database, school.walker, "HBR")
    entry = newest(database)
    void_entry(database, entry, "wrong pouch", "MJO")
    with pytest.raises(Refused, match=f"Entry {entry} was already voided by entry {entry + 1} .*voided twice"):
        void_entry(database, entry, "again", "MJO")
    with pytest.raises(Refused, match=f"Entry {entry + 1} is itself a void \\(of entry {entry}\\)"):
        void_entry(database, entry + 1, "undo the undo", "MJO")


def test_events_without_a_sensible_undo_are_refused_with_what_to_do(database, school):
    people.set_pin(database, "MJO", "4321", by=COMMAND_LINE)
    with pytest.raises(Refused, match="A PIN change cannot be voided: set the PIN again"):
        void_entry(database, newest(database), "typo", "MJO")
    phones.cupboard_locked(database, "6A", "HBR")
    with pytest.raises(Refused, match="A cupboard lock confirmation cannot be voided"):
        void_entry(database, newest(database), "typo", "MJO")
    with pytest.raises(Refused, match="There is no ledger entry 999"):
        void_entry(database, 999, "typo", "MJO")
    with pytest.raises(Refused, match="is not a ledger entry number"):
        void_entry(database, "abc", "typo", "MJO")
    with pytest.raises(Refused, match="Say why entry 1 is being voided"):
        void_entry(database, 1, "  ", "MJO")


def test_a_teacher_voids_only_their_own_entry_and_only_within_minutes(database, school, clock):
    phones.phone_in(database, school.year6_no_permit, "MJO")
    by_office = newest(database)
    with pytest.raises(Refused, match=f"Entry {by_office} was recorded by someone else"):
        void_entry(database, by_office, "mine", "HBR")
    phones.phone_in(database, school.walker, "HBR")
    own = newest(database)
    clock.advance(minutes=11)
    with pytest.raises(Refused, match=f"Entry {own} is more than 10 minutes old: ask the office"):
        void_entry(database, own, "mine", "HBR")
    assert last_own_entry(database, "HBR") is None
    void_entry(database, own, "old scan", "HTE")  # the leadership team: any entry, any time


def test_the_kiosk_offers_a_teachers_last_entry_to_undo(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.advance(minutes=1)
    offer = last_own_entry(database, "HBR")
    assert (offer.entry, offer.what, f"{offer.at:%H:%M}") == (newest(database), "Amira Khan's phone checked in "
                                                             "(6A cupboard)", "08:40")
    void_entry(database, offer.entry, "pupil took it back", "HBR")
    assert last_own_entry(database, "HBR") is None


def test_voiding_a_confiscation_releases_it_and_voiding_a_release_confiscates_again(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    phones.confiscate(database, school.walker, "MJO", "used in class")
    taken = newest(database)
    done = void_entry(database, taken, "wrong pupil", "MJO")
    assert done.outcome == "Amira Khan's phone is no longer confiscated: it is held in the 6A cupboard again."
    with database.reading() as session:
        assert session.exec(select(Confiscation)).all() == []
    assert held(database) == {school.walker: "6A cupboard"}

    phones.confiscate(database, school.walker, "MJO", "used in class")
    phones.phone_out(database, school.walker, "MJO", to="Mrs Khan")
    released = newest(database)
    done = void_entry(database, released, "mum had not arrived yet", "MJO")
    assert done.outcome == "Amira Khan's phone is confiscated again, held in the Office."
    assert held(database) == {school.walker: "Office"}
    with database.reading() as session:
        assert session.exec(select(Confiscation)).one().released_at is None


def test_voiding_a_confiscation_of_a_phone_not_held_leaves_it_not_held(database, school):
    phones.confiscate(database, school.year4, "MJO", "used at break")
    void_entry(database, newest(database), "not hers", "HTE")
    assert held(database) == {}


def test_voiding_parents_told_puts_them_back_on_the_list(database, school):
    phones.phone_in(database, school.year4, "LPA")
    phones.parents_told(database, "1003", "MJO", "phoned mum")
    done = void_entry(database, newest(database), "it was the wrong family", "MJO")
    assert done.outcome == "Zoë Wiśniewski's parents are back on the list of parents to tell."
    [task] = phones.parents_pending(database, by=COMMAND_LINE)
    assert task.pupil == "Zoë Wiśniewski"


@pytest.fixture
def ipad(database, school, tmp_path):
    path = tmp_path / "devices.csv"
    path.write_text(DEVICES, encoding="utf-8")
    import_devices(database, path, by=COMMAND_LINE)
    return "IPAD-03"


def loan(database) -> DeviceLoan | None:
    with database.reading() as session:
        return session.exec(select(DeviceLoan)).first()


def test_voiding_a_loan_return_and_upload_puts_the_device_back_step_by_step(database, ipad):
    devices.lend_device(database, ipad, "HBR", "6A", "trip")
    out = newest(database)
    devices.return_device(database, ipad, "HBR", 12)
    back = newest(database)
    devices.confirm_upload(database, ipad, "HBR")
    uploaded = newest(database)
    with pytest.raises(Refused, match=f"upload was confirmed since \\(entry {uploaded}\\): void the upload"):
        void_entry(database, back, "miscounted", "MJO")
    done = void_entry(database, uploaded, "not uploaded yet", "MJO")
    assert done.outcome == "IPAD-03 (iPad 3)'s upload is no longer confirmed: its images are outstanding again."
    assert (loan(database).uploaded_at, loan(database).images) == (None, 12)
    assert [x.asset_tag for x in devices.outstanding_uploads(database, by=COMMAND_LINE)] == [ipad]
    done = void_entry(database, back, "miscounted", "MJO")
    assert done.outcome == "IPAD-03 (iPad 3) is out again with Hannah Brooks for 6A."
    assert devices.device_info(database, ipad).status == "out"
    with pytest.raises(Refused, match="is out with Hannah Brooks"):
        devices.lend_device(database, ipad, "LPA", "6A", "science")
    done = void_entry(database, out, "lent by mistake", "MJO")
    assert done.outcome == "IPAD-03 (iPad 3) is no longer recorded as lent for 6A: it is in."
    assert loan(database) is None and devices.device_info(database, ipad).status == "in"
    assert verify(database, by=COMMAND_LINE) == newest(database)


def test_a_return_is_not_voided_once_the_device_is_lent_again(database, ipad):
    devices.lend_device(database, ipad, "HBR", "6A", "trip")
    devices.return_device(database, ipad, "HBR", 0)
    back = newest(database)
    devices.lend_device(database, ipad, "LPA", "6A", "science")
    with pytest.raises(Refused, match="has been lent again since .*void the later loan first"):
        void_entry(database, back, "wrong", "MJO")
