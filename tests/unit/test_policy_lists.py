"""The lists behind the phone-rule figures (R8), on the fortnight of tests/unit/test_policy_figures.py: each list
names exactly the pupils, days and reasons its figure counts, voided entries left out, names as R5."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from db.core import COMMAND_LINE, NotAllowed, Refused
from db.phones import (
    CupboardUnconfirmed,
    EarlyHandBack,
    ExceptionDue,
    ParentsUntold,
    RepeatConfiscation,
    cupboards_unconfirmed,
    early_hand_backs,
    exceptions_due,
    parents_untold,
    policy_figures,
    policy_lists,
    repeat_confiscations,
)
from tests.conftest import LONDON
from tests.unit.test_policy_figures import ENGLAND, fortnight  # noqa: F401 - the fixture

FIRST, LAST = date(2026, 11, 10), date(2026, 11, 20)


def london(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def test_each_list_names_what_its_figure_counts(database, fortnight):  # noqa: F811
    # Read on Friday 20 November at 16:00. Ben's parents were never told about Wednesday's phone; Monday's
    # check-in of his (the wrong pouch) was voided, so its task is not on the list.
    waited = int((london(20, 16, 0) - london(11, 8, 47)).total_seconds() // 60)
    assert parents_untold(database, FIRST, LAST, by="HTE") == [
        ParentsUntold("Ben O.", "6A", london(11, 8, 47), waited)]
    assert waited == 9 * 24 * 60 + 7 * 60 + 13
    assert repeat_confiscations(database, FIRST, LAST, by="HTE") == [
        RepeatConfiscation("Zoë W.", "4B", 2, london(12, 9, 0), london(16, 10, 0),
                           ("used in class", "used in class again"))]
    # Wednesday: Amira's phone went into 6A's cupboard at 08:45 and no lock was confirmed that day.
    assert cupboards_unconfirmed(database, FIRST, LAST, by="HTE") == [
        CupboardUnconfirmed("6A", date(2026, 11, 11), 1, london(11, 8, 45), None)]
    assert early_hand_backs(database, FIRST, LAST, by="HTE") == [
        EarlyHandBack("Ben O.", "6A", london(11, 11, 0), "dentist appointment", "Maria J.")]
    assert exceptions_due(database, FIRST, LAST, by="HTE") == [
        ExceptionDue("Chloé M.", "2C", "medical", "Helen T.", date(2026, 11, 18), 2)]

    school = policy_figures(database, FIRST, LAST, terms=ENGLAND, by="HTE").rows[-1]
    lists = policy_lists(database, FIRST, LAST, by="HTE")
    assert (lists.first, lists.last) == (FIRST, LAST)
    assert (len(lists.parents_untold), len(lists.repeat_confiscations), len(lists.cupboards_unconfirmed),
            len(lists.early_hand_backs), len(lists.exceptions_due)) == (
        school.parents_not_told, school.confiscation_repeat_pupils, school.cupboard_unconfirmed_days,
        school.early_hand_backs, school.exceptions_review_due)


def test_the_lists_follow_the_days_asked_for(database, fortnight):  # noqa: F811
    # The first week alone: one confiscation each (no repeat), the exception not yet due (18 November).
    lists = policy_lists(database, FIRST, date(2026, 11, 13), by="HTE")
    assert [row.pupil for row in lists.parents_untold] == ["Ben O."]
    assert lists.repeat_confiscations == () and lists.exceptions_due == ()
    assert [row.day for row in lists.cupboards_unconfirmed] == [date(2026, 11, 11)]
    # The second week: nothing left untold, no cupboard unconfirmed, no early hand-back; the review is due.
    lists = policy_lists(database, date(2026, 11, 16), LAST, by="HTE")
    assert (lists.parents_untold, lists.cupboards_unconfirmed, lists.early_hand_backs) == ((), (), ())
    assert [(row.pupil, row.days_overdue) for row in lists.exceptions_due] == [("Chloé M.", 2)]


def test_the_lists_are_the_leadership_teams(database, fortnight):  # noqa: F811
    for listing in (parents_untold, repeat_confiscations, cupboards_unconfirmed, early_hand_backs, exceptions_due,
                    policy_lists):
        with pytest.raises(NotAllowed):
            listing(database, FIRST, LAST, by="HBR")  # a class teacher
        with pytest.raises(NotAllowed):
            listing(database, FIRST, LAST, by="MJO")  # the office
    with pytest.raises(Refused, match="swap them"):
        policy_lists(database, LAST, FIRST, by=COMMAND_LINE)
    assert policy_lists(database, LAST, by=COMMAND_LINE).parents_untold == ()  # --from alone: to today


def test_a_voided_hand_back_leaves_the_list_and_the_figure(database, fortnight):  # noqa: F811
    from sqlmodel import select

    from db.core.models import LedgerEntry
    from db.corrections import void_entry

    with database.reading() as session:
        [early] = session.exec(select(LedgerEntry.id).where(LedgerEntry.action == "phone_out",
                                                            LedgerEntry.detail.contains("dentist"))).all()
    void_entry(database, early, "handed back by mistake: Ben stayed all day", "MJO")
    assert early_hand_backs(database, FIRST, LAST, by="HTE") == []
    assert policy_figures(database, FIRST, LAST, terms=ENGLAND, by="HTE").rows[-1].early_hand_backs == 0
