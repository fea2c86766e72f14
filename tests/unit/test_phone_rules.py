"""The phone rules R1 and R2, hand-back at home-time, parents to tell and cupboard locks."""

import threading

import pytest
from sqlmodel import func, select

from db import people, phones, records, tags
from db.core import COMMAND_LINE, Refused, open_database
from db.core.models import HeldPhone, LedgerEntry, ParentTask
from db.records.projections import projection_problems
from tagcodes import TagKind, new_code


@pytest.fixture(autouse=True)
def tables_follow_the_ledger(database):
    """After every rule here the held phones, tasks and confiscations still follow from the ledger (issue 13)."""
    yield
    assert projection_problems(database) == []



def ledger_rows(database) -> int:
    with database.reading() as session:
        return session.exec(select(func.count()).select_from(LedgerEntry)).one()


def test_year6_walker_goes_to_the_class_cupboard(database, school):
    result = phones.phone_in(database, school.walker, "HBR")
    assert (result.pupil, result.class_name, result.location, result.outcome) == (
        "Amira Khan", "6A", "6A cupboard", "cupboard")
    assert result.note is None and not result.parents_to_tell
    assert result.description == "black iPhone, blue case"
    [held] = phones.phones_held(database, by=COMMAND_LINE)
    assert (held.pupil, held.location, held.by, held.status) == ("Amira Khan", "6A cupboard", "Hannah Brooks", "held")
    assert phones.parents_pending(database, by=COMMAND_LINE) == []


def test_year6_without_permission_goes_to_the_office_and_parents_are_told(database, school):
    result = phones.phone_in(database, school.year6_no_permit, "HBR")
    assert (result.pupil, result.location, result.outcome) == ("Ben O'Connor", "Office", "office")
    assert result.note == "Parents to be told: no walk-home permission is recorded."
    [task] = phones.parents_pending(database, by=COMMAND_LINE)
    assert (task.pupil, task.class_name, task.reason) == ("Ben O'Connor", "6A", "no walk-home permission is recorded")


def test_younger_pupil_goes_to_the_office(database, school):
    result = phones.phone_in(database, school.year4, "LPA")
    assert (result.location, result.parents_to_tell) == ("Office", True)
    assert "only Year 6 pupils who walk home alone" in result.note


def test_a_revoked_permission_sends_the_phone_to_the_office(database, school):
    people.permit_walk_home(database, "1001", "MJO", revoke=True)
    assert phones.phone_in(database, school.walker, "HBR").location == "Office"


def test_a_phone_already_held_is_refused_and_nothing_is_written(database, school):
    phones.phone_in(database, school.walker, "HBR")
    before = ledger_rows(database)
    with pytest.raises(Refused, match="already held in the 6A cupboard"):
        phones.phone_in(database, school.walker, "HBR")
    assert ledger_rows(database) == before
    assert len(phones.phones_held(database, by=COMMAND_LINE)) == 1


def test_two_kiosks_scanning_the_same_phone_at_once_give_one_check_in(database, clock, school):
    kiosks = [open_database(database.url, clock=clock, kiosk_name=f"room-{i}") for i in range(8)]
    barrier = threading.Barrier(len(kiosks))
    outcomes = []

    def scan(kiosk):
        barrier.wait()
        try:
            phones.phone_in(kiosk, school.walker, "HBR")
            outcomes.append("saved")
        except Refused:
            outcomes.append("refused")

    threads = [threading.Thread(target=scan, args=(k,)) for k in kiosks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["saved"]
    with kiosks[0].reading() as session:
        assert session.exec(select(func.count()).select_from(HeldPhone)).one() == 1
        assert session.exec(select(func.count()).select_from(LedgerEntry)
                            .where(LedgerEntry.action == "phone_in")).one() == 1
    assert records.verify(kiosks[0], by=COMMAND_LINE) > 0


def test_the_database_itself_refuses_a_second_custody_row(database, school):
    """The constraint, not only the read-then-write check, stops double custody."""
    phones.phone_in(database, school.walker, "HBR")
    from sqlalchemy.exc import IntegrityError

    with database.writing() as session, pytest.raises(IntegrityError):
        held = session.get(HeldPhone, school.walker)
        session.expunge(held)
        session.add(HeldPhone(tag_code=held.tag_code, pupil_id=held.pupil_id, location_id=held.location_id,
                              since=held.since, by_staff_id=held.by_staff_id, ledger_id=held.ledger_id))
        session.commit()


def test_an_early_hand_back_with_the_parents_untold_says_both_in_sentences(database, school, clock):
    phones.phone_in(database, school.year4, "MJO")
    clock.set_local(11, 0)
    result = phones.phone_out(database, school.year4, "MJO", reason="dentist at 11:30")
    pupil = result.pupil
    assert result.note == (f"Before home-time: dentist at 11:30. Parents not yet told that {pupil} brought a phone: "
                           "the office still has it to do.")


def test_hand_back_before_home_time_needs_a_reason(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(11, 30)
    with pytest.raises(Refused, match=r"before home-time \(15:15\)"):
        phones.phone_out(database, school.walker, "MJO")
    assert len(phones.phones_held(database, by=COMMAND_LINE)) == 1
    result = phones.phone_out(database, school.walker, "MJO", reason="dentist appointment", to="Mum")
    assert result.outcome == "handed back" and result.note == "Before home-time: dentist appointment"
    assert phones.phones_held(database, by=COMMAND_LINE) == []
    [_, out] = [e for e in phones.custody_report(database, by=COMMAND_LINE) if e.code == school.walker]
    assert (out.action, out.by, out.note) == ("phone out", "Maria Jones", "reason: dentist appointment; to: Mum")


def test_hand_back_at_home_time(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(15, 15)
    result = phones.phone_out(database, school.walker, "MJO")
    assert (result.pupil, result.location, result.note) == ("Amira Khan", "6A cupboard", None)


def test_a_phone_not_held_cannot_be_handed_back(database, school, clock):
    clock.set_local(15, 20)
    before = ledger_rows(database)
    with pytest.raises(Refused, match="not being held"):
        phones.phone_out(database, school.walker, "MJO")
    assert ledger_rows(database) == before


def test_still_held_after_home_time_and_left_overnight(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(15, 40)
    assert [r.status for r in phones.phones_held(database, by=COMMAND_LINE)] == ["still held"]
    clock.advance(days=1)
    clock.set_local(8, 30)
    assert [r.status for r in phones.phones_held(database, by=COMMAND_LINE)] == ["left overnight"]


def test_unknown_staff_and_missing_role_are_refused(database, school):
    with pytest.raises(Refused, match="No member of staff has the code “XYZ”"):
        phones.phone_in(database, school.walker, "XYZ")
    phones.phone_in(database, school.year4, "LPA")
    with pytest.raises(Refused, match="Hannah Brooks is a teacher: recording that parents were told is for "
                                      "office staff or the leadership team."):
        phones.parents_told(database, "1003", "HBR", "phoned")
    assert len(phones.parents_pending(database, by=COMMAND_LINE)) == 1


def test_parents_told_closes_the_task_with_who_and_how(database, school):
    phones.phone_in(database, school.year4, "LPA")
    assert phones.parents_told(database, "1003", "MJO", "phoned dad at 10:05") == 1
    assert phones.parents_pending(database, by=COMMAND_LINE) == []
    with database.reading() as session:
        task = session.exec(select(ParentTask)).one()
    assert (task.how, task.told_by_id is not None, task.told_at is not None) == ("phoned dad at 10:05", True, True)
    with pytest.raises(Refused, match="nothing to tell"):
        phones.parents_told(database, "1003", "MJO", "again")


def test_cupboard_not_confirmed_locked_shows_until_the_teacher_confirms(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    [check] = phones.cupboards_to_check(database, by=COMMAND_LINE)
    assert (check.location, check.phones, check.locked_at) == ("6A cupboard", 1, None)
    clock.advance(minutes=5)
    confirmed = phones.cupboard_locked(database, "6a", "HBR")
    assert (confirmed.location, confirmed.phones) == ("6A cupboard", 1)
    assert phones.cupboards_to_check(database, by=COMMAND_LINE) == []
    # A phone put in after the lock means the cupboard was opened again.
    people.permit_walk_home(database, "1002", "MJO")
    clock.advance(minutes=5)
    phones.phone_in(database, school.year6_no_permit, "HBR")
    [again] = phones.cupboards_to_check(database, by=COMMAND_LINE)
    assert again.phones == 2 and again.locked_at is not None
    # Yesterday's confirmation does not count today.
    phones.cupboard_locked(database, "6A", "HBR")
    clock.advance(days=1)
    assert [c.location for c in phones.cupboards_to_check(database, by=COMMAND_LINE)] == ["6A cupboard"]


def test_cupboard_for_an_unknown_class_is_refused(database, school):
    with pytest.raises(Refused, match="no cupboard for class “9Z”"):
        phones.cupboard_locked(database, "9Z", "HBR")


def test_a_new_tag_replaces_a_lost_one(database, school):
    old = school.walker
    new = tags.issue_phone_tag(database, "1001", lambda: new_code(TagKind.PHONE), "new pouch", by=COMMAND_LINE)
    with pytest.raises(Refused, match="not in use"):
        phones.phone_in(database, old, "HBR")
    assert phones.phone_in(database, new.code, "HBR").location == "6A cupboard"
    with pytest.raises(Refused, match="being held under tag"):
        tags.issue_phone_tag(database, "1001", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE)


def test_tag_labels_show_first_name_initial_and_class_only(database, school):
    labels = {t.code: t.label for t in tags.list_tags(database, "phone")}
    assert labels[school.walker] == "Amira K. 6A"
    assert labels[school.year6_no_permit] == "Ben O. 6A"
    assert labels[school.year4] == "Zoë W. 4B"


def test_class_phones_today_shows_in_and_back(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year6_no_permit, "HBR")
    clock.set_local(15, 20)
    phones.phone_out(database, school.walker, "MJO")
    rows = {r.pupil: r for r in phones.class_phones_today(database, "6A", by=COMMAND_LINE)}
    assert rows["Amira Khan"].handed_back is not None and rows["Amira Khan"].location == "6A cupboard"
    assert rows["Ben O'Connor"].handed_back is None and rows["Ben O'Connor"].location == "Office"
    assert phones.class_phones_today(database, "4B", by=COMMAND_LINE) == []


def test_every_action_leaves_an_intact_hash_chain_and_an_edit_is_found(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(15, 30)
    phones.phone_out(database, school.walker, "MJO")
    checked = records.verify(database, by=COMMAND_LINE)
    assert checked == ledger_rows(database)
    from sqlalchemy import text

    with database.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entry SET kiosk = 'elsewhere' WHERE action = 'phone_out'"))
    with pytest.raises(Refused, match="was changed after it was written"):
        records.verify(database, by=COMMAND_LINE)


def test_sign_in_with_code_or_badge_and_pin(database, school):
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    assert people.sign_in(database, "hbr", "2468").name == "Hannah Brooks"
    badge = tags.issue_staff_tag(database, "HBR", lambda: new_code(TagKind.STAFF), by=COMMAND_LINE)
    assert people.sign_in(database, badge.code, "2468").code == "HBR"
    with pytest.raises(Refused, match="That PIN is not right"):
        people.sign_in(database, "HBR", "1111")
    with pytest.raises(Refused, match="^Maria Jones, you have no PIN yet: ask the office"):
        people.sign_in(database, "MJO", "1111")
    with pytest.raises(Refused, match="4 to 12 digits"):
        people.set_pin(database, "HBR", "12a4", by=COMMAND_LINE)


def test_the_pin_is_stored_as_an_argon2_hash(database, school):
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    from db.core.models import Staff

    with database.reading() as session:
        stored = session.exec(select(Staff.pin_hash).where(Staff.code == "HBR")).one()
    assert stored.startswith("$argon2id$") and "2468" not in stored


def test_walk_home_permission_records_who_and_when(database, school, clock):
    pupil = people.permit_walk_home(database, "T801999924002", "MJO")
    assert pupil.walk_home
    events = [e for e in phones.custody_report(database, by=COMMAND_LINE) if e.action == "walk home permitted"]
    assert [(e.pupil, e.by) for e in events][-1] == ("Ben O'Connor", "Maria Jones")
    with pytest.raises(Refused, match="is for office staff or the leadership team"):
        people.permit_walk_home(database, "1002", "HBR")
