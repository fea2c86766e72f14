"""PIN guessing: five wrong PINs lock a staff code for five minutes, and every wrong PIN is recorded."""

import pytest

from db import people
from db.core import COMMAND_LINE, Refused
from db.records import verify


def test_five_wrong_pins_lock_the_code_for_five_minutes(database, school, clock):
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    for attempt in range(4):
        with pytest.raises(Refused, match="That PIN is not right"):
            people.sign_in(database, "HBR", f"100{attempt}")
        clock.advance(seconds=20)
    with pytest.raises(Refused, match="HBR is locked after 5 wrong PINs: try again in 4 minutes"):
        people.sign_in(database, "HBR", "9999")
    # Locked: even the right PIN is refused, and says so.
    clock.advance(minutes=2)
    with pytest.raises(Refused, match="try again in 2 minutes"):
        people.sign_in(database, "HBR", "2468")
    # Other staff are not affected.
    people.set_pin(database, "MJO", "1357", by=COMMAND_LINE)
    assert people.sign_in(database, "MJO", "1357").code == "MJO"
    # Five minutes after the first wrong PIN, one has aged out: the right PIN works again.
    clock.advance(minutes=2)
    assert people.sign_in(database, "HBR", "2468").name == "Hannah Brooks"
    assert verify(database, by=COMMAND_LINE) > 0


def test_a_badge_code_for_someone_else_or_a_forged_one_is_refused(database, school):
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    with pytest.raises(Refused, match="No member of staff has the code “S-0000-000”"):
        people.sign_in(database, "S-0000-000", "2468")
    with pytest.raises(Refused, match="No member of staff"):
        people.sign_in(database, "HBR'; --", "2468")
