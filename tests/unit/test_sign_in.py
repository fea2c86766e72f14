"""PIN guessing: five wrong PINs lock a staff code for five minutes, and every wrong PIN is recorded."""

import pytest
import sqlalchemy as sa

from db import people
from db.core import COMMAND_LINE, LEDGER, Refused
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


def _guess(url: str, moment, pin: str, start, answers) -> None:
    """One kiosk process: its own connection, one sign-in at the same moment as the others."""
    from db.core import open_database

    database = open_database(url, clock=lambda: moment, kiosk_name=f"kiosk-{pin}")
    start.wait()
    try:
        answers.put(people.sign_in(database, "HBR", pin).code)
    except Refused as refused:
        answers.put(str(refused))
    finally:
        database.engine.dispose()


def test_sixteen_parallel_sign_ins_try_no_more_than_five_wrong_pins(database_url, database, school, clock):
    """16 processes (kiosks, tabs, `kiosk serve` sessions) guessing at once: five wrong PINs get an answer, the
    rest are told the code is locked, and the right PIN among the late ones is refused too."""
    import multiprocessing

    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    context = multiprocessing.get_context("fork")  # the test's modules already loaded: 16 starts in a second
    start, answers = context.Barrier(16), context.Queue()
    pins = [f"{1000 + i}" for i in range(15)] + ["2468"]
    kiosks = [context.Process(target=_guess, args=(database_url, clock.moment, pin, start, answers)) for pin in pins]
    for kiosk in kiosks:
        kiosk.start()
    said = [answers.get(timeout=120) for _ in kiosks]
    for kiosk in kiosks:
        kiosk.join(timeout=60)
    with database.engine.connect() as conn:
        wrong = conn.execute(sa.select(sa.func.count()).select_from(LEDGER).where(
            LEDGER.c.action == "pin_wrong")).scalar()
    told_wrong = [s for s in said if s == "That PIN is not right: try again."]
    locked = [s for s in said if s.startswith("HBR is locked after 5 wrong PINs")]
    signed_in = said.count("HBR")
    assert wrong == 5  # recorded, and no more tried
    assert len(told_wrong) + len(locked) + signed_in == 16
    assert len(told_wrong) == 4 and len(locked) in (11, 12) and signed_in in (0, 1)  # the right PIN: first or late
    with pytest.raises(Refused, match="HBR is locked"):
        people.sign_in(database, "HBR", "2468")
    assert verify(database, by=COMMAND_LINE) > 0
