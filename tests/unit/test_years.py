"""A pupil's year as SIMS, Arbor, Bromcom and schools' own reports write it (db/people/years.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.people import parse_year
from db.people.years import year_problem

# Each spelling as words; any case and any spacing between the words (none included) is the same year.
SPELLINGS = {
    6: [("year", "6"), ("year", "y6"), ("yr", "6"), ("y", "6"), ("6",), ("nc", "year", "6"), ("year", "06"),
        ("year", "group", "6"), ("national", "curriculum", "year", "6")],
    1: [("year", "1"), ("y1",), ("1",)],
    3: [("yr", "3"), ("nc", "year", "3")],
    0: [("year", "r"), ("reception",), ("reception", "year"), ("r",), ("rec",), ("yr",), ("f2",), ("fs2",),
        ("fs", "2"), ("eyfs",), ("foundation", "stage", "2"), ("year", "reception")],
    -1: [("nursery",), ("nursery", "1"), ("nursery", "2"), ("n1",), ("n2",), ("n",), ("year", "n1"), ("fs1",),
         ("nc", "year", "n2")],
}
ACCEPTED = [(words, year) for year, spellings in SPELLINGS.items() for words in spellings]


@pytest.mark.parametrize("text, year", [
    ("Year 6", 6), ("Year Y6", 6), ("Yr 6", 6), ("Y6", 6), ("6", 6), ("NC Year 6", 6), ("Yr. 6", 6), ("Year-6", 6),
    ("Year\u00a06", 6), ("Year R", 0), ("Reception", 0), ("Reception Year", 0), ("R", 0), ("F2", 0), ("FS2", 0),
    ("EYFS", 0), ("Nursery", -1), ("Nursery 1", -1), ("Nursery 2", -1), ("N1", -1), ("N2", -1), ("Year N1", -1),
    ("N1/N2", -1),
    ("7", None), ("Year 7", None), ("0", None), ("-1", None), ("6A", None), ("Year 5/6", None), ("5/6", None),
    ("Year of Entry", None), ("2019", None), ("Y", None), ("Year", None),
])
def test_the_spellings_schools_write(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize("text, sentence", [
    ("5/6", "the year '5/6' is a mixed class, not a year: give the pupil's own year (5 or 6) and keep the class in "
            "the class column"),
    ("Year 5/6 Oak", "the year 'Year 5/6 Oak' is a mixed class, not a year: give the pupil's own year (5 or 6) and "
                     "keep the class in the class column"),
    ("R/1", "the year 'R/1' is a mixed class, not a year: give the pupil's own year (Reception or 1) and keep the "
            "class in the class column"),
    ("Year 7", "the year 'Year 7' is not a primary year (use Nursery, Reception or 1 to 6)"),
    ("  ", "the year is blank"),
])
def test_why_a_year_is_refused(text, sentence):
    assert parse_year(text) is None and year_problem(text) == sentence


_spacing = st.text(alphabet=" \t\u00a0", max_size=2)


@st.composite
def spelled(draw):
    """An accepted spelling with each letter in either case and 0-2 spaces (tabs, no-break) around each word."""
    words, year = draw(st.sampled_from(ACCEPTED))
    text = draw(_spacing)
    for word in words:
        text += "".join(ch.upper() if draw(st.booleans()) else ch for ch in word) + draw(_spacing)
    return text, year


@given(spelled())
def test_every_accepted_spelling_in_any_case_and_spacing_gives_its_year(case):
    text, year = case
    assert parse_year(text) == year


@given(st.text())
def test_any_text_gives_a_year_or_none_and_a_refused_one_gets_a_sentence(text):
    year = parse_year(text)
    assert year is None or year in range(-1, 7)
    if year is None:
        assert year_problem(text).startswith("the year ")
