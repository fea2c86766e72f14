"""Issue 12, the morning after and home-time: phones left overnight, a scanner's double read, whole names in
refusals, a hand-back before the parents were told, and the class teacher's cupboard and "not in yet" lists."""

from datetime import date

import pytest
from sqlmodel import func, select

from db import phones, records
from db.core import COMMAND_LINE, Outcome, Refused, open_database
from db.core.models import LedgerEntry


def ledger_rows(database) -> int:
    with database.reading() as session:
        return session.exec(select(func.count()).select_from(LedgerEntry)).one()


def next_morning(clock, hour=8, minute=41):
    clock.advance(days=1)
    clock.set_local(hour, minute)


# --- 2. left overnight --------------------------------------------------------


def test_a_phone_left_overnight_is_on_the_class_list_and_the_morning_scan_finds_it_in_place(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    next_morning(clock)
    [row] = phones.class_phones_today(database, "6A", by="HBR")
    assert (row.pupil, row.location, row.left_overnight, row.handed_back) == ("Amira Khan", "6A cupboard", True, None)
    assert f"{row.checked_in:%a %H:%M}" == "Tue 08:40"
    assert [r.status for r in phones.phones_held(database, by=COMMAND_LINE)] == ["left overnight"]

    result = phones.check_in_at_kiosk(database, school.walker, "HBR")
    assert (result.outcome, result.location, result.pupil) == (Outcome.IN_AGAIN, "6A cupboard", "Amira Khan")
    assert result.note == "Left in the 6A cupboard overnight (in since 08:40 on Tue 10 Nov): recorded as in today."
    [row] = phones.class_phones_today(database, "6A", by="HBR")
    assert (row.left_overnight, f"{row.checked_in:%a %H:%M}") == (False, "Wed 08:41")
    [held] = phones.phones_held(database, by=COMMAND_LINE)
    assert (held.status, held.location, f"{held.since:%a %H:%M}") == ("held", "6A cupboard", "Wed 08:41")
    [event] = [e for e in phones.custody_report(database, by=COMMAND_LINE) if e.code == school.walker]
    assert (event.action, event.location, event.by) == ("phone in again", "6A cupboard", "Hannah Brooks")
    # Home-time the same day hands it back as usual, and the chain holds the new row like any other.
    clock.set_local(15, 20)
    assert phones.phone_out(database, school.walker, "HBR").outcome == Outcome.HANDED_BACK
    assert records.verify(database, by=COMMAND_LINE) == ledger_rows(database)


def test_the_command_line_still_refuses_a_phone_left_overnight(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    next_morning(clock)
    before = ledger_rows(database)
    with pytest.raises(Refused, match="Amira Khan's phone is already held in the 6A cupboard"):
        phones.phone_in(database, school.walker, "HBR")
    assert ledger_rows(database) == before
    assert phones.class_phones_today(database, "6A", by="HBR")[0].left_overnight


def test_a_confiscated_phone_is_not_on_the_class_list_and_its_scan_is_still_refused(database, school, clock):
    phones.confiscate(database, school.walker, "MJO", "used in class")
    next_morning(clock)
    assert phones.class_phones_today(database, "6A", by="HBR") == []
    with pytest.raises(Refused, match="Amira Khan's phone is confiscated"):
        phones.check_in_at_kiosk(database, school.walker, "HBR")


# --- 3. a scanner's double read ---------------------------------------------------


def test_a_double_read_at_the_same_kiosk_is_already_in_and_writes_nothing(database, school, clock):
    first = phones.check_in_at_kiosk(database, school.walker, "HBR")
    assert first.outcome == Outcome.CUPBOARD
    before = ledger_rows(database)
    clock.advance(seconds=1)
    again = phones.check_in_at_kiosk(database, school.walker, "HBR")
    assert (again.outcome, again.location) == (Outcome.ALREADY_IN, "6A cupboard")
    assert again.note == "Already in: checked in at 08:40. Nothing new was recorded."
    assert ledger_rows(database) == before
    # The command line keeps its contract: a phone already held is refused.
    with pytest.raises(Refused, match="already held"):
        phones.phone_in(database, school.walker, "HBR")


def test_a_re_scan_later_or_at_another_kiosk_is_still_refused(database, school, clock):
    phones.check_in_at_kiosk(database, school.walker, "HBR")
    clock.advance(seconds=30)
    other = open_database(database.url, clock=clock, kiosk_name="office-pc")
    try:
        with pytest.raises(Refused, match="Amira Khan's phone is already held in the 6A cupboard"):
            phones.check_in_at_kiosk(other, school.walker, "HBR")
    finally:
        other.engine.dispose()
    clock.advance(minutes=3)
    with pytest.raises(Refused, match="already held"):
        phones.check_in_at_kiosk(database, school.walker, "HBR")


# --- 4. whole names in refusals -----------------------------------------------


def test_refusals_name_the_pupil_by_first_name_and_surname(database, school, clock):
    with pytest.raises(Refused, match="^Amira Khan's phone is not being held"):
        phones.phone_out(database, school.walker, "HBR")
    phones.phone_in(database, school.year4, "LPA")
    phones.parents_told(database, "1003", "MJO", "phoned")
    with pytest.raises(Refused, match="nothing to tell Zoë Wiśniewski's parents"):
        phones.parents_told(database, "1003", "MJO", "again")


# --- 5. a hand-back before the parents were told ------------------------------------


def test_a_phone_going_home_before_the_parents_are_told_is_noted_and_the_task_stays(database, school, clock):
    phones.phone_in(database, school.year4, "LPA")
    clock.set_local(15, 20)
    result = phones.phone_out(database, school.year4, "LPA")
    assert result.outcome == Outcome.HANDED_BACK and result.parents_to_tell
    assert result.note == ("Parents not yet told that Zoë Wiśniewski brought a phone: the office still has it to do.")
    [task] = phones.parents_pending(database, by="MJO")
    assert task.pupil == "Zoë Wiśniewski" and f"{task.went_home:%H:%M}" == "15:20"
    [out] = [e for e in phones.custody_report(database, by=COMMAND_LINE) if e.action == "phone out"]
    assert "parents: not yet told" in out.note
    phones.parents_told(database, "1003", "MJO", "phoned mum at 15:30")
    assert phones.parents_pending(database, by="MJO") == []


def test_a_hand_back_after_the_parents_were_told_has_no_note(database, school, clock):
    phones.phone_in(database, school.year4, "LPA")
    phones.parents_told(database, "1003", "MJO", "phoned")
    clock.set_local(15, 20)
    result = phones.phone_out(database, school.year4, "LPA")
    assert (result.note, result.parents_to_tell) == (None, False)


# --- 9. the class teacher's cupboard and phones not in yet ------------------------------


def test_the_class_cupboard_is_not_confirmed_locked_until_the_teacher_says_so(database, school, clock):
    assert phones.class_cupboard(database, "6A", by="HBR") is None  # nothing in it
    phones.phone_in(database, school.walker, "HBR")
    check = phones.class_cupboard(database, "6a", by="HBR")
    assert (check.location, check.phones, check.locked_at) == ("6A cupboard", 1, None)
    clock.advance(minutes=2)
    phones.cupboard_locked(database, "6A", "HBR")
    assert phones.class_cupboard(database, "6A", by="HBR") is None
    # Left overnight: not confirmed today, until the teacher confirms it again.
    next_morning(clock)
    assert phones.class_cupboard(database, "6A", by="MJO").phones == 1
    with pytest.raises(Refused, match="6A's cupboard is for 6A's teacher and the office"):
        phones.class_cupboard(database, "6A", by="LPA")
    with pytest.raises(Refused, match="is an administrator"):
        phones.class_cupboard(database, "6A", by="ADM")


def test_phones_not_in_yet_lists_the_class_tagged_pupils_until_their_phone_is_scanned(database, school, clock):
    assert [(p.pupil, p.description) for p in phones.phones_not_in(database, "6A", by="HBR")] == [
        ("Amira Khan", "black iPhone, blue case"), ("Ben O'Connor", None)]
    phones.phone_in(database, school.walker, "HBR")
    assert [p.pupil for p in phones.phones_not_in(database, "6A", by="HBR")] == ["Ben O'Connor"]
    # Handed back early today: it did come in, so it is not "not in yet".
    clock.set_local(11, 0)
    phones.phone_out(database, school.walker, "MJO", reason="dentist")
    assert [p.code for p in phones.phones_not_in(database, "6A", by="HBR")] == [school.year6_no_permit]
    # A pupil who keeps their phone (exceptions register) is seen once scanned.
    phones.add_exception(database, "1002", "medical", "glucose monitor", date(2027, 1, 31), by="HTE")
    phones.check_in_at_kiosk(database, school.year6_no_permit, "HBR")
    assert phones.phones_not_in(database, "6A", by="HBR") == []
    # The next morning everyone is "not in yet" again.
    next_morning(clock)
    assert len(phones.phones_not_in(database, "6A", by="HBR")) == 2
    with pytest.raises(Refused, match="6A's phones are for 6A's teacher"):
        phones.phones_not_in(database, "6A", by="LPA")
