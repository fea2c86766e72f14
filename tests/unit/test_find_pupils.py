"""Finding a pupil by part of a name, as staff type it: any case, with or without accents, on both backends.

Every test here runs on a SQLite file and on PostgreSQL (tests/conftest.py): the point of the search key is
that both answer the same, where their own lower() and collations do not.
"""

from __future__ import annotations

import itertools
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlmodel import delete, select

from db.core import COMMAND_LINE, Refused, name_key, pupil_search_key, search_words
from db.core.models import Pupil, Staff
from db.people import find_pupils, import_pupils, permit_walk_home

# Pupils as an MIS exports them (legal first, preferred first, surname, class), the names as they are.
ROLL = (
    ("1", "Jan", "", "Łaski", "6A"),
    ("2", "Ayşe", "", "Öztürk", "6A"),
    ("3", "Emre", "", "Çelik", "5B"),
    ("4", "Minh", "", "Đặng", "5B"),
    ("5", "Zoë", "", "Wiśniewski", "4C"),
    ("6", "Siobhán", "", "O’Brien", "4C"),
    ("7", "Lan", "", "Nguyễn", "3D"),
    ("8", "İbrahim", "", "Işık", "3D"),
    ("9", "Lena", "", "Strauß", "6A"),
    ("10", "Anne-Marie", "", "Smith-Jones", "5B"),
    ("11", "Benjamin", "Ben", "Kowalski", "4C"),
    ("12", "Søren", "", "Ærø", "3D"),
    ("13", "Jürgen", "", "Müller", "4C"),
)
NAMES = {adno: f"{preferred or first} {surname}" for adno, first, preferred, surname, _class in ROLL}

# What a member of staff types, and whom it must find (and nobody else).
TYPED = [
    ("łaski", ["Jan Łaski"]),
    ("Łaski", ["Jan Łaski"]),  # SQLite's lower() leaves Ł alone: typed exactly, it found nobody before the key
    ("ŁASKI", ["Jan Łaski"]),
    ("laski", ["Jan Łaski"]),
    ("Öztürk", ["Ayşe Öztürk"]),
    ("ozturk", ["Ayşe Öztürk"]),
    ("OZTÜRK", ["Ayşe Öztürk"]),
    ("ayse", ["Ayşe Öztürk"]),
    ("ÇELIK", ["Emre Çelik"]),
    ("celik", ["Emre Çelik"]),
    ("dang", ["Minh Đặng"]),
    ("ĐẶNG", ["Minh Đặng"]),
    ("đang", ["Minh Đặng"]),
    ("zoe", ["Zoë Wiśniewski"]),
    ("ZOË", ["Zoë Wiśniewski"]),
    ("wisniewski", ["Zoë Wiśniewski"]),
    ("obrien", ["Siobhán O’Brien"]),
    ("O'Brien", ["Siobhán O’Brien"]),  # a straight apostrophe typed, a curly one stored
    ("O’Brien", ["Siobhán O’Brien"]),
    ("o`brien", ["Siobhán O’Brien"]),
    ("siobhan", ["Siobhán O’Brien"]),
    ("nguyen", ["Lan Nguyễn"]),
    ("NGUYỄN", ["Lan Nguyễn"]),
    ("isik", ["İbrahim Işık"]),  # Turkish dotless ı and dotted İ: plain i and I on an English keyboard
    ("IŞIK", ["İbrahim Işık"]),
    ("ışık", ["İbrahim Işık"]),
    ("ibrahim", ["İbrahim Işık"]),
    ("İBRAHİM", ["İbrahim Işık"]),
    ("strauss", ["Lena Strauß"]),  # German ß is ss
    ("STRAUSS", ["Lena Strauß"]),
    ("strauß", ["Lena Strauß"]),
    ("anne marie", ["Anne-Marie Smith-Jones"]),  # hyphens join: each word typed is found inside
    ("annemarie", ["Anne-Marie Smith-Jones"]),
    ("smith-jones", ["Anne-Marie Smith-Jones"]),
    ("JONES", ["Anne-Marie Smith-Jones"]),
    ("ben", ["Ben Kowalski"]),  # the preferred first name
    ("benjamin kowal", ["Ben Kowalski"]),  # the legal one, and each word must match
    ("soren aero", ["Søren Ærø"]),
    ("soeren", ["Søren Ærø"]),  # ø spelled out, as Danes write it without one
    ("muller", ["Jürgen Müller"]),
    ("mueller", ["Jürgen Müller"]),  # German ü spelled out
    ("MÜLLER", ["Jürgen Müller"]),
    ("juergen muller", ["Jürgen Müller"]),
    ("oeztuerk", ["Ayşe Öztürk"]),
    ("  Jan   ŁAS  ", ["Jan Łaski"]),
    # Part of any name, listed by class, then surname as the key spells it: Đặng before Smith-Jones on both backends.
    ("an", ["Lan Nguyễn", "Siobhán O’Brien", "Minh Đặng", "Anne-Marie Smith-Jones", "Jan Łaski"]),
    ("jan nguyen", []),  # two pupils' words: nobody has both
    ("lasky", []),
    ("la%ki", []),  # a wildcard typed is punctuation, not a wildcard (as one, it would find Łaski)
    ("ła_ki", []),
    ("_", []),
    ("’", []),
]


def roll_file(folder: Path, rows=ROLL, name: str = "roll.csv") -> Path:
    """A UTF-8 export as SIMS saves it (BOM, CRLF)."""
    lines = ["Adno,Legal Forename,Preferred Forename,Legal Surname,Year,Reg Group"]
    lines += [f"{adno},{first},{preferred},{surname},{class_name[0]},{class_name}"
              for adno, first, preferred, surname, class_name in rows]
    path = folder / name
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines + [""]).encode("utf-8"))
    return path


@pytest.fixture
def roll(database, tmp_path):
    """The pupils above, imported through the MIS import as a school would."""
    report = import_pupils(database, roll_file(tmp_path), by=COMMAND_LINE)
    assert report.added == len(ROLL)
    return database


def found(database, text: str, by=COMMAND_LINE) -> list[str]:
    return [p.name for p in find_pupils(database, text, 50, by=by)]


@pytest.mark.parametrize(("typed", "pupils"), TYPED, ids=[typed for typed, _ in TYPED])
def test_a_name_is_found_however_it_is_typed(roll, typed, pupils):
    assert found(roll, typed) == pupils


def test_every_pupil_is_found_by_each_part_of_their_name_as_stored_in_either_case(roll):
    for adno, first, preferred, surname, _class in ROLL:
        for part in filter(None, (first, preferred, surname)):
            for typed in (part, part.lower(), part.upper(), part[1:-1]):
                assert NAMES[adno] in found(roll, typed), typed


def test_the_names_come_back_as_stored_with_their_accents(roll):
    [pupil] = find_pupils(roll, "nguyen", by=COMMAND_LINE)
    assert (pupil.name, pupil.short_name, pupil.adno, pupil.class_name) == ("Lan Nguyễn", "Lan N.", "7", "3D")
    assert unicodedata.is_normalized("NFC", pupil.name)


def test_the_key_is_kept_in_step_when_a_re_import_renames_a_pupil(roll, tmp_path):
    renamed = [row if row[0] != "1" else ("1", "Janek", "", "Łaska-Nowak", "6A") for row in ROLL]
    report = import_pupils(roll, roll_file(tmp_path, renamed, "again.csv"), by=COMMAND_LINE)
    assert (report.added, report.updated, report.archived) == (0, 1, 0)
    assert found(roll, "laski") == []
    assert found(roll, "janek nowak") == found(roll, "ŁASKA") == ["Janek Łaska-Nowak"]


def test_the_key_is_kept_in_step_by_any_write_of_a_pupil(roll):
    with roll.writing() as session:
        pupil = session.exec(select(Pupil).where(Pupil.adno == "3")).one()
        pupil.preferred_first = "Emir"
        session.add(pupil)
        session.add(Pupil(adno="14", legal_first="Małgorzata", surname="Żółć", year=2, class_name="2E"))
        session.commit()
    permit_walk_home(roll, "3", COMMAND_LINE)  # a write that changes no name leaves the key as it was
    assert found(roll, "emir celik") == found(roll, "EMRE") == ["Emir Çelik"]
    assert found(roll, "malgorzata zolc") == ["Małgorzata Żółć"]
    with roll.reading() as session:
        keys = dict(session.exec(select(Pupil.adno, Pupil.search_key)).all())
    assert (keys["3"], keys["14"], keys["6"]) == ("celik emre emir", "zolc malgorzata", "obrien siobhan")
    assert keys["13"] == "muller jurgen mueller juergen"  # and spelled out
    assert keys["11"] == pupil_search_key("Benjamin", "Ben", "Kowalski") == "kowalski benjamin ben"


def test_leavers_are_not_found(roll, tmp_path):
    import_pupils(roll, roll_file(tmp_path, [row for row in ROLL if row[0] != "7"], "leavers.csv"),
                  by=COMMAND_LINE)
    assert found(roll, "nguyen") == []


def test_any_member_of_staff_may_find_any_pupil_and_an_unknown_code_is_refused(roll):
    with roll.writing() as session:
        session.add_all([Staff(code="HBR", first_name="Hannah", surname="Brooks", role="teacher", class_name="6A"),
                         Staff(code="MJO", first_name="Maria", surname="Jones", role="office"),
                         Staff(code="HTE", first_name="Helen", surname="Teale", role="slt"),
                         Staff(code="ADM", first_name="Alan", surname="Dean", role="admin")])
        session.commit()
    # A teacher of 6A finds a pupil of 3D, as the kiosk's F3 box has always let them (tagging the phone is then
    # for 3D's teacher or the office: db.tags).
    for code in ("HBR", "mjo", "HTE", "ADM"):
        assert found(roll, "nguyen", by=code) == ["Lan Nguyễn"]
    with pytest.raises(Refused, match="No member of staff has the code “NOBODY”"):
        find_pupils(roll, "nguyen", by="NOBODY")


def test_nothing_typed_finds_nobody(roll):
    for typed in ("", "   ", "-", "''"):
        assert find_pupils(roll, typed, by=COMMAND_LINE) == []


def test_the_do_not_photograph_list_reads_in_first_name_order_whatever_the_accents(database):
    from db.devices import do_not_photograph

    with database.writing() as session:
        for n, (first, surname) in enumerate((("Zara", "Ali"), ("Łukasz", "Nowak"), ("Émile", "Roux"),
                                              ("Lucy", "Day"), ("Ella", "Hart"))):
            session.add(Pupil(adno=str(n), legal_first=first, surname=surname, year=2, class_name="2Z"))
        session.commit()
    listed = [p.short_name for p in do_not_photograph(database, "2z").pupils]  # no consent returned: all of them
    assert listed == ["Ella H.", "Émile R.", "Lucy D.", "Łukasz N.", "Zara A."]


# --- the key itself ---------------------------------------------------------------------------------------------

# What schools meet, and what Unicode holds besides: Latin with every accent, Greek, Cyrillic, Arabic, Hebrew,
# Indic and CJK letters, combining marks, apostrophes, hyphens, punctuation, spaces and invisible characters.
NAME_TEXT = st.text(st.one_of(
    st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")),
    st.sampled_from("ŁłĐđÐðØøÆæŒœßẞİıÞþĦħŊŋƏəÇçŞşĞğÖöÜüÄäÅåÑñÉéÈèÊêËëỄễẶặĂăŻżŹźŚśŃńĆćĘęĄą"
                    "’'`´ʼʻ‘-–—‐ .\u00a0\u200b\u200d\u202e\u0301\u0308\u0327\u093c\u094d"),
), max_size=30)


@given(NAME_TEXT)
def test_the_key_of_a_key_is_itself_and_holds_no_like_wildcards(text):
    key = name_key(text)
    assert name_key(key) == key
    assert not set(key) & set("%_\\/'’") and key == " ".join(key.split())
    assert all(word == name_key(word) for word in search_words(text))


@given(st.text(st.characters(codec="utf-8", categories=("L", "Zs")).filter(
    lambda ch: unicodedata.name(ch, "").startswith(("LATIN", "GREEK", "CYRILLIC"))), max_size=30))
def test_latin_greek_and_cyrillic_names_are_found_in_either_case(text):
    assert name_key(text.upper()) == name_key(text.lower()) == name_key(text)


ADNOS = itertools.count(1000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=NAME_TEXT, surname=NAME_TEXT, preferred=st.one_of(st.none(), NAME_TEXT), data=st.data())
def test_any_name_is_found_by_any_of_its_words_and_by_itself(database, first, surname, preferred, data):
    first, surname = first.strip() or "A", surname.strip() or "B"
    assume(len(first) <= 100 and len(surname) <= 100)
    adno = str(next(ADNOS))
    with database.writing() as session:
        session.add(Pupil(adno=adno, legal_first=first, preferred_first=preferred, surname=surname, year=3,
                          class_name="3A"))
        session.commit()
    try:
        for name in filter(None, (first, preferred, surname)):
            words = name_key(name).split()
            if not words:
                continue  # a name of punctuation alone: nothing to type
            word = data.draw(st.sampled_from(words))
            start = data.draw(st.integers(0, len(word) - 1))
            for typed in (word, word[start:], name):  # a word of the key, any end of it, the name as stored
                assert adno in [p.adno for p in find_pupils(database, typed, 200, by=COMMAND_LINE)], typed
    finally:
        with database.writing() as session:
            session.exec(delete(Pupil).where(Pupil.adno == adno))
            session.commit()
