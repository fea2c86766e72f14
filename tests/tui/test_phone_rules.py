"""The leadership's review of the phone rules (R8): R beside the cameras and iPads review; the figures by class for
this half-term (or another period), check-ins and office phones per week, the lists behind the figures, the export."""

from __future__ import annotations

import csv
from datetime import datetime, timezone

from textual.widgets import DataTable

from db import phones
from kiosk.screens.devices_review import DevicesReviewScreen
from kiosk.screens.help import HelpScreen
from kiosk.screens.phone_rules import PhoneRulesScreen
from kiosk.screens.scan import ScanScreen
from tests.conftest import LONDON
from tests.tui.helpers import build_app, on_screen, panel, phone_of, settle, signed_in


def at(clock, day: int, hour: int, minute: int = 0) -> None:
    clock.moment = datetime(2026, 11, day, hour, minute, tzinfo=LONDON).astimezone(timezone.utc)


def last_week(school, clock):
    """The week before this Tuesday's demo morning: a Year 4 phone home early for the orthodontist (its parents never
    told), and a Year 5 phone confiscated twice. Returns the two pupils."""
    early = phone_of(school, walker=False, held=False, class_name="4B")
    twice = phone_of(school, walker=False, held=False, class_name="5A")
    school.clock_checked = False  # last week, written after this morning's demo rows
    at(clock, 4, 8, 50)
    phones.phone_in(school, early.phone_tag, "MJO")
    at(clock, 4, 11, 0)
    phones.phone_out(school, early.phone_tag, "MJO", reason="orthodontist")
    at(clock, 5, 10, 0)
    phones.confiscate(school, twice.phone_tag, "MJO", "used at break")
    at(clock, 5, 15, 30)
    phones.phone_out(school, twice.phone_tag, "MJO", to="Mrs Khan")
    at(clock, 6, 10, 0)
    phones.confiscate(school, twice.phone_tag, "MJO", "filming in class")
    at(clock, 10, 9, 30)
    return early, twice


def rows(app, table: str) -> list[list[str]]:
    grid = app.screen.query_one(table, DataTable)
    return [[str(cell).strip() for cell in grid.get_row_at(i)] for i in range(grid.row_count)]


async def open_rules(pilot) -> PhoneRulesScreen:
    await signed_in(pilot, "HTE", "5678")
    await pilot.press("f11")
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PhoneRulesScreen)
    return pilot.app.screen


FIGURES = [  # In, Pupils, Cupbd, Office, Untold, Told, Unlocked, Confisc, Repeat, Early, Night, Back, Review, Except
    ["3C", "2", "2", "0", "2", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0"],
    ["4B", "2", "2", "0", "2", "2", "0", "0", "0", "0", "1", "0", "1", "0", "0"],
    ["5A", "0", "0", "0", "0", "0", "0", "0", "2", "1", "0", "0", "0", "0", "0"],
    ["6A", "8", "8", "8", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "1"],
    ["6B", "4", "4", "4", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0"],
    ["School", "16", "16", "12", "4", "3", "1", "1", "2", "1", "1", "0", "1", "0", "1"]]
SCHOOL_IN_WORDS = ("The school: 1 handed back early, 0 left overnight, 1 back the same day · parents told after 4 min "
                   "(median), 4 min at most · 1 pupil confiscated from twice or more, collected after 5.5 h (median) · "
                   "1 exception, 0 due for review")


async def test_the_phone_rules_beside_the_devices_review_this_half_term(school, clock, tmp_path, monkeypatch):
    early, twice = last_week(school, clock)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "Documents").mkdir(parents=True)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HTE", "5678")
        assert "F11 Review" in on_screen(app)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, DevicesReviewScreen) and "R Phone rules" in on_screen(app)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PhoneRulesScreen)
        shown = on_screen(app)
        # This half-term (England's pattern: the autumn half-term break was the week of 26 October) to today.
        assert "Phone rules this half-term: 2 Nov 2026 to 10 Nov 2026, 7 school days" in shown
        assert "Class   In  Pupils  Cupbd  Office  Untold  Told  Unlocked  Confisc  Repeat  Early  Night  Back  " \
               "Review  Except" in shown
        assert rows(app, "#figures") == FIGURES
        assert str(screen.query_one("#figures-detail").content) == SCHOOL_IN_WORDS  # the school's row selected
        # The chart: last week's Year 4 phone (to the office), this morning's sixteen (four to the office).
        assert "█ Phones checked in and ▒ office phones (R2) per week, 2 weeks to 10 Nov" in shown
        assert [(week.week.day, week.phones_in, week.office_phones) for week in screen.shown.weeks] == [
            (2, 1, 1), (9, 15, 3)]
        assert "checked in" in shown and "office (R2)" in shown and "2 Nov" in shown and "9 Nov" in shown
        # The lists behind the figures, names as R5.
        assert "Behind the figures: 3 parents untold · 1 repeat confiscation" in shown
        assert str(screen.query_one("#lists-title").content) == (
            "Behind the figures: 3 parents untold · 1 repeat confiscation · cupboards not confirmed on 1 day · "
            "1 early hand-back · 0 reviews due")
        lines = rows(app, "#lists")
        assert [line[0] for line in lines] == ["Parents untold"] * 3 + ["Confiscated again", "Cupboard not locked",
                                                                       "Home early"]
        assert lines[0] == ["Parents untold", early.short_name, "4B", "Wed 4 Nov 08:50", "waiting 6 days"]
        assert lines[3:] == [
            ["Confiscated again", twice.short_name, "5A", "Thu 5 Nov to Fri 6 Nov", "2 times: used at break; filming "
             "in class"],
            ["Cupboard not locked", "6B cupboard", "6B", "Tue 10 Nov", "4 phones in; no lock confirmed that day"],
            ["Home early", early.short_name, "4B", "Wed 4 Nov 11:00", "orthodontist"]]
        assert all(line[1].endswith(".") for line in lines if line[0] != "Cupboard not locked")
        await pilot.press("l", *["down"] * 5)  # to the lists, their last line
        await settle(pilot)
        assert app.focused is screen.query_one("#lists")
        assert (f"{early.short_name} (4B): phone handed back Wed 4 Nov 11:00 by Maria J., before home-time: "
                "“orthodontist”.") in on_screen(app)

        await pilot.press("t")  # this term: from the first day of the autumn term
        await settle(pilot)
        assert "Phone rules this term: 2 Sep 2026 to 10 Nov 2026" in on_screen(app)
        assert "11 weeks to 10 Nov" in on_screen(app) and len(screen.shown.weeks) == 11

        await pilot.press("d")
        await pilot.press(*"31/02/2026", "enter")
        await settle(pilot)
        assert "refused" in app.chimes and screen.query_one("#message").has_class("-refused")
        await pilot.press("d")
        await pilot.press(*"04/11/2026 05/11/2026", "enter")
        await settle(pilot)
        shown = on_screen(app)
        assert "Phone rules 4 Nov 2026 to 5 Nov 2026, 2 school days" in shown
        assert [line[0] for line in rows(app, "#lists")] == ["Parents untold", "Home early"]  # one confiscation

        await pilot.press("e")
        await settle(pilot)
        folder = tmp_path / "home" / "Documents" / "phone-rules-2026-11-04-to-2026-11-05"
        message = screen.query_one("#message")
        assert not message.has_class("-refused")  # green: done
        assert str(message.content) == (f"Saved the figures and the five lists behind them to {folder} (6 files: "
                                        "open them with Excel or Google Sheets).")
        await pilot.press("d")
        await pilot.press(*"07/09/2026", "enter")  # a quiet Monday: nothing behind the figures
        await settle(pilot)
        assert "Behind the figures: nothing to follow up for these days." in on_screen(app)
        assert not screen.query_one("#lists").display
        await pilot.press("r")  # back to the cameras and iPads, and out
        await settle(pilot)
        assert isinstance(app.screen, DevicesReviewScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ScanScreen)

    def read(name: str) -> list[dict]:
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as saved:
            return list(csv.DictReader(saved))

    figures = read("figures")
    assert list(figures[0])[:4] == ["class", "school_days", "phones_in", "pupils_with_phones"]
    assert [(row["class"], row["phones_in"], row["early_hand_backs"]) for row in figures if row["phones_in"] != "0"] \
        == [("4B", "1", "1"), ("school", "1", "1")]
    assert [(row["pupil"], row["class"], row["since"]) for row in read("parents-untold")] == [
        (early.short_name, "4B", "2026-11-04T08:50:00+00:00")]
    assert [(row["pupil"], row["reason"], row["by"]) for row in read("early-hand-backs")] == [
        (early.short_name, "orthodontist", "Maria J.")]
    assert read("repeat-confiscations") == read("cupboards-not-confirmed") == read("exceptions-due-for-review") == []
    surname = early.name.split(" ", 1)[1]
    assert all(surname not in path.read_text(encoding="utf-8-sig") for path in folder.iterdir())  # R5


async def test_the_phone_rules_are_the_leadership_teams(school, clock):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        # Office staff: F11 is explained in amber (nothing went wrong), and not in their footer or help.
        await signed_in(pilot, "MJO", "4567")
        assert "F11" not in on_screen(app)
        await pilot.press("f11")
        assert isinstance(app.screen, ScanScreen) and panel(pilot).mood == "-note"
        assert "phone rules is for the leadership team" in panel(pilot).text and "refused" not in app.chimes
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen) and "phone rules" not in app.screen.text
        await pilot.press("escape")
        # A class teacher's F11 is their class's phones not in yet; the review is not among their keys.
        app.sign_out("Maria Jones signed out.")
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("question_mark")
        assert "phone rules" not in app.screen.text and "Review" not in app.screen.text
        await pilot.press("escape")
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        # The leadership: in the help, with the keys of the view itself.
        app.sign_out("Hannah Brooks signed out.")
        await signed_in(pilot, "HTE", "5678")
        await pilot.press("question_mark")
        assert "(R there) the phone rules" in app.screen.text
        await pilot.press("escape", "f11", "r")
        await settle(pilot)
        await pilot.press("question_mark")
        help_text = app.screen.text
        for line in ("H  This half-term", "T  This term", "Y  This school year", "D  Which days", "L  Go to the lists",
                     "E  Save the figures and the lists as CSV files", "R  Switch to the review of the cameras"):
            assert line in help_text


async def test_readable_at_80_by_24(school, clock):
    early, twice = last_week(school, clock)
    app = build_app(school)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rules(pilot)
        shown = on_screen(app)
        assert "Phone rules this half-term: 2 Nov 2026 to 10 Nov 2026, 7 school days" in shown
        assert "Class   In  Pupils  Cupbd  Office  Untold  Told  Unlocked  Confisc" in shown
        assert "School  16      16     12       4       3     1         1        2" in shown
        # What the narrow table cuts is in the line under it, for the row selected (the school's).
        assert "The school: 1 handed back early, 0 left overnight, 1 back the same day" in shown
        assert "1 exception, 0 due for review" in " ".join(shown.split())
        assert "█ Phones checked in and ▒ office phones (R2) per week, 2 weeks to 10 Nov" in shown
        assert "Esc Back D Dates… L Lists E Export R Devices F10 Sign out" in shown
        await pilot.press("l")  # the lists, scrolled into view; the first line whole beneath
        await settle(pilot)
        shown = on_screen(app)
        assert "Behind the figures: 3 parents untold · 1 repeat confiscation · cupboards" in shown
        assert f"Parents untold       {early.short_name}" in shown
        assert (f"{early.short_name} (4B): the parents are not yet told about the phone checked in Wed 4 Nov 08:50, "
                "6 days ago.") in " ".join(shown.split())
        await pilot.press("l")  # and back to the figures
        await settle(pilot)
        assert app.focused is app.screen.query_one("#figures")
        assert "School  16      16     12" in on_screen(app)
