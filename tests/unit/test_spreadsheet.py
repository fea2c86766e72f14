"""Reading any export (db/core/spreadsheet.py, db/core/decoding.py): the encoding and the delimiter told from
the file, report footers, heading spellings. Every import shares this, so device imports gain it too."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from db.core import COMMAND_LINE
from db.core.decoding import decode_export
from db.core.footers import is_footer
from db.core.models import Device
from db.core.spreadsheet import Column, read_sheet
from db.devices import import_devices

NAMES = "Zoë O’Brien, Siân, Nguyễn Thảo, Wiśniewski, Øster–gård"
CP1252_NAMES = "Zoë O’Brien, Siân, François “Frankie” Müller – Ærø"


@pytest.mark.parametrize("data, encoding", [
    (codecs.BOM_UTF8 + NAMES.encode(), "utf-8"),
    (codecs.BOM_UTF16_LE + NAMES.encode("utf-16-le"), "utf-16-le"),  # Excel's "Unicode Text"
    (codecs.BOM_UTF16_BE + NAMES.encode("utf-16-be"), "utf-16-be"),
    (NAMES.encode("utf-16-le"), "utf-16-le"),  # no mark: told by the NUL bytes
    (NAMES.encode("utf-16-be"), "utf-16-be"),
    ("Forename,Surname".encode("utf-16-le"), "utf-16-le"),  # plain ASCII in UTF-16 is valid UTF-8 too
    (NAMES.encode(), "utf-8"),
])
def test_unicode_files_are_read_by_their_mark_or_their_bytes(data, encoding):
    text = "Forename,Surname" if data.replace(b"\0", b"") == b"Forename,Surname" else NAMES
    assert decode_export(data) == (text, encoding)


def test_excel_csv_comma_delimited_is_windows_1252():
    data = CP1252_NAMES.encode("cp1252")
    assert b"Zo\xeb O\x92Brien" in data and b"\x93Frankie\x94" in data and b"\x96" in data
    assert decode_export(data) == (CP1252_NAMES, "cp1252")


def test_utf8_wins_over_windows_1252_when_both_could_read_it():
    assert decode_export("Zoë".encode()) == ("Zoë", "utf-8")  # not "ZoÃ«"


@pytest.mark.parametrize("data", [b"Zo\x81", b"\x8d\x8f\x90\x9d", codecs.BOM_UTF8 + b"Zo\xeb",
                                  codecs.BOM_UTF16_LE + b"\x00\xd8"])
def test_bytes_none_of_the_encodings_read_give_none(data):
    assert decode_export(data) is None


@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0")))
def test_any_text_saved_as_utf8_or_utf16_with_its_mark_comes_back_exactly(text):
    assert decode_export(codecs.BOM_UTF8 + text.encode()) == (text, "utf-8")
    assert decode_export(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == (text, "utf-16-le")


@given(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,-'’àâäçéèêëïîôöùûüÿñæøåßÉÀÇÖÜ")))
def test_names_saved_as_windows_1252_come_back_or_were_also_valid_utf8(text):
    """The one limit of telling encodings from bytes: cp1252 text that is also valid UTF-8 (such as "é’’") reads as
    UTF-8. Real names almost never are; everything else comes back exactly."""
    data = text.encode("cp1252")
    try:
        as_utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        assert decode_export(data) == (text, "cp1252")
    else:
        assert decode_export(data) == (as_utf8, "utf-8")


COLUMNS = (Column("first", "First Name", ("Forename",)), Column("surname", "Surname", ("Surname",)))


@pytest.mark.parametrize("lines, delimiter", [
    (["Forename,Surname,Notes", "Zoë,O’Brien,a; b"], ","),
    (["Printed 10/11/2026, 08:15", "Forename\tSurname\tNotes", "Zoë\tO’Brien\ta, b"], "\t"),
    (["Liste des élèves; 2026", "Forename;Surname;Notes", 'Zoë;O’Brien;"a; b, c"'], ";"),
])
def test_the_delimiter_is_the_one_the_header_row_is_found_with(tmp_path, lines, delimiter):
    path = tmp_path / "list.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    sheet = read_sheet(path, COLUMNS, anchors=("first", "surname"), required=())
    assert (sheet.delimiter, sheet.encoding, sheet.ignored) == (delimiter, "cp1252", ("Notes",))
    assert [(row.line, row.cells) for row in sheet.rows] == [(len(lines), {"first": "Zoë", "surname": "O’Brien"})]


def test_headings_ignore_case_punctuation_and_invisible_characters(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("\ufeffFORENAME: ,sur\u200bname.,\u202eDOB\r\nAda,Lovelace,10/12/2015\r\n", encoding="utf-8")
    sheet = read_sheet(path, COLUMNS, anchors=("first", "surname"), required=())
    assert [row.cells for row in sheet.rows] == [{"first": "Ada", "surname": "Lovelace"}]
    assert sheet.ignored == ("DOB",)  # named without the override, so the summary cannot be turned around


@pytest.mark.parametrize("cells, footer", [
    (["Total number of students: 412"], True), (["412 records"], True), (["Total", "412"], True),
    (["Count: 30", "", ""], True), (["Page 2 of 3"], True), (["Printed 10/11/2026 08:15"], True),
    (["End of report"], True), (["  *** END OF LIST ***  "], True), (["Number of pupils", "30"], True),
    (["Page", "Tom"], False), (["Count", "Anna"], False), (["Smith"], False), (["412"], False),
    (["Total", "Anna", "6", "6A"], False), ([""], False), ([], False),
])
def test_what_a_footer_line_looks_like(cells, footer):
    assert is_footer(cells) is footer


def test_device_imports_read_windows_1252_and_semicolons_too(database, tmp_path):
    path = tmp_path / "assets.csv"
    path.write_bytes("Asset Tag;Type;Name;Make;Model;Serial\r\nCAM-01;camera;Caméra – Year 4;Canon;EOS 2000D;\r\n"
                     "\r\nTotal: 1\r\n".encode("cp1252"))
    assert import_devices(database, path, by=COMMAND_LINE).added == 1
    with database.reading() as session:
        assert [(d.asset_tag, d.name) for d in session.exec(select(Device))] == [("CAM-01", "Caméra – Year 4")]


def test_the_committed_fixtures_are_what_their_generator_writes(tmp_path, monkeypatch):
    """tests/data/make_excel_exports.py makes them; a hand edit that changed their bytes would show here."""
    import importlib.util

    data = Path(__file__).parent.parent / "data"
    spec = importlib.util.spec_from_file_location("make_excel_exports", data / "make_excel_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for made in sorted(tmp_path.iterdir()):
        assert made.read_bytes() == (data / made.name).read_bytes(), made.name
