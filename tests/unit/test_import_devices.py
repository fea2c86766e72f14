"""Importing the device register and the photo-consent list: the same reading rules as pupils, atomic, line-numbered."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from db import devices
from db.core import COMMAND_LINE, Refused
from db.core.models import ConsentEvent, Device, LedgerEntry, Pupil
from db.core.spreadsheet import ImportReport
from db.devices import ConsentImportReport, import_consent, import_devices
from db.people import import_pupils

BOM = b"\xef\xbb\xbf"


def write(path: Path, lines: list[str], *, bom: bool = True, newline: str = "\r\n") -> Path:
    path.write_bytes((BOM if bom else b"") + newline.join(lines + [""]).encode("utf-8"))
    return path


def registered(database) -> dict[str, tuple]:
    with database.reading() as session:
        return {d.asset_tag: (d.kind, d.name, d.make, d.model, d.serial) for d in session.exec(select(Device)).all()}


def ledger(database) -> list[LedgerEntry]:
    with database.reading() as session:
        return session.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()


def events(database) -> list[tuple]:
    with database.reading() as session:
        return [(e.pupil_id, e.category, e.given) for e in session.exec(select(ConsentEvent).order_by(ConsentEvent.id))]


# --- Devices ----------------------------------------------------------------------------------------


def test_devices_with_title_lines_bom_crlf_synonyms_and_any_case_types(database, tmp_path, clock):
    path = write(tmp_path / "assets.csv", [
        "Park Primary asset register",
        "Exported 10/11/2026",
        "",
        "asset number,Device Type,Description,Manufacturer,Model,Serial Number",
        "ipad-03,iPad,iPad 3 (Year 4),Apple,iPad (9th generation),",
        "CAM 01,Camera,\"Canon, blue bag\",Canon,EOS 2000D,012345678901",
        " ph-1 ,PHONE,School mobile,Samsung,SM-A145R,R58T",
    ])
    assert import_devices(database, path, by=COMMAND_LINE) == ImportReport(added=3, updated=0, archived=0, skipped=())
    assert registered(database) == {
        "IPAD-03": ("ipad", "iPad 3 (Year 4)", "Apple", "iPad (9th generation)", None),
        "CAM 01": ("camera", "Canon, blue bag", "Canon", "EOS 2000D", "012345678901"),
        "PH-1": ("phone", "School mobile", "Samsung", "SM-A145R", "R58T"),
    }
    [entry] = ledger(database)
    assert (entry.action, entry.at) == ("import_devices", clock())
    assert json.loads(entry.detail) == {"file": "assets.csv", "added": 3, "updated": 0, "archived": 0, "skipped": 0}


def test_a_reimport_updates_by_asset_tag_and_keeps_devices_not_in_the_file(database, tmp_path):
    header = "Asset Tag,Type,Name,Make,Model,Serial"
    import_devices(database, write(tmp_path / "a.csv", [header, "IPAD-03,ipad,iPad 3,Apple,iPad,",
                                                         "CAM-01,camera,Canon 1,Canon,EOS 2000D,1"]), by=COMMAND_LINE)
    report = import_devices(database, write(tmp_path / "b.csv", [
        header,
        "ipad-03,ipad,iPad 3,Apple,iPad (9th generation),",
        "IPAD-05,ipad,iPad 5,Apple,iPad (9th generation),",
    ]), by=COMMAND_LINE)
    assert report == ImportReport(added=1, updated=1, archived=0, skipped=())
    assert registered(database)["IPAD-03"][3] == "iPad (9th generation)"
    assert set(registered(database)) == {"IPAD-03", "CAM-01", "IPAD-05"}
    # No Serial column: the serials stored are kept.
    import_devices(database, write(tmp_path / "c.csv", ["Asset Tag,Type,Name,Make,Model",
                                                        "CAM-01,camera,Canon 1,Canon,EOS 2000D"]), by=COMMAND_LINE)
    assert registered(database)["CAM-01"][4] == "1"


def test_bad_device_rows_are_all_reported_with_their_lines_and_nothing_is_imported(database, tmp_path):
    path = write(tmp_path / "devices.csv", [
        "Devices",
        "Asset Tag,Type,Name,Make,Model,Serial",
        "IPAD-03,ipad,iPad 3,Apple,iPad,",
        "IPAD-04,tablet,iPad 4,Apple,iPad,",
        ",camera,Canon 2,Canon,EOS,9",
        "ipad-03,ipad,Again,Apple,iPad,",
        "CAM-01,camera,Canon 1,Canon,Canon EOS 2000D,0042",
        "CAM-02,camera,Canon 2,Canon,EOS 2000D,42",  # the same camera as line 7, once "Canon" and zeros go
        "CAM-03,camera,,Canon,EOS,",
        "CAM-04,camera,Canon 4,Canon,EOS,bad;serial",
    ])
    with pytest.raises(Refused) as refused:
        import_devices(database, path, by=COMMAND_LINE)
    assert str(refused.value) == ("6 rows in devices.csv could not be imported, so nothing was imported: "
                                  "fix them and import again.")
    assert refused.value.details == (
        "line 4: the type 'tablet' is not one of camera, ipad, phone or other",
        "line 5: the asset tag is blank",
        "line 6: the asset tag IPAD-03 is also on line 3",
        "line 8: the serial 42 of this model is also on line 7",
        "line 9: the name is blank",
        "line 10: the serial 'bad;serial' must be up to 64 letters, digits, spaces, -, _, / or .",
    )
    assert registered(database) == {} and ledger(database) == []


def test_a_serial_already_registered_to_another_device_is_a_bad_row(database, tmp_path):
    header = "Asset Tag,Type,Name,Make,Model,Serial"
    import_devices(database, write(tmp_path / "a.csv", [header, "CAM-01,camera,Canon 1,Canon,EOS 2000D,555"]),
                   by=COMMAND_LINE)
    with pytest.raises(Refused) as refused:
        import_devices(database, write(tmp_path / "b.csv", [header, "CAM-09,camera,Canon 9,Canon,EOS 2000D,555"]),
                       by=COMMAND_LINE)
    assert refused.value.details == ("line 2: the serial 555 of this model belongs to CAM-01 already: check both",)


def test_a_devices_file_without_a_needed_column_says_which(database, tmp_path):
    with pytest.raises(Refused) as refused:
        import_devices(database, write(tmp_path / "d.csv", ["Asset Tag,Name,Make", "A,B,C"]), by=COMMAND_LINE)
    assert str(refused.value) == ("The file d.csv has no Type column (name it Type, Device Type or Kind); no Model "
                                  "column (name it Model): fix the header row and import it again.")


# --- Consent ---------------------------------------------------------------------------------------------


@pytest.fixture
def pupils(database):
    with database.writing() as session:
        rows = [Pupil(upn="D801999924001", adno="1001", legal_first="Amira", surname="Khan", year=4, class_name="4B"),
                Pupil(upn="T801999924002", adno="1002", legal_first="Ben", surname="O'Connor", year=4, class_name="4B"),
                Pupil(adno="1003", legal_first="Zoë", surname="Wiśniewski", year=4, class_name="4B")]
        session.add_all(rows)
        session.commit()
        return {p.adno: p.id for p in rows}


def test_consent_from_an_mis_export_yes_no_and_blank(database, tmp_path, pupils):
    path = write(tmp_path / "consent.csv", [
        "Media consent – Autumn 2026",
        "",
        "Surname,Forename,UPN,Adno,Photos,Web Site,Social,Newspaper",
        "Khan,Amira,d801999924001,,YES,y,No,",
        "O'Connor,Ben,,1002,No,No,No,No",
        "Wiśniewski,Zoë,,1003,,,,",
    ])
    report = import_consent(database, path, by=COMMAND_LINE)
    assert report == ConsentImportReport(pupils=3, changed=3, withdrawn=0, given=2, skipped=())
    answers = {ref: [(a.category, a.given) for a in devices.consent_of(database, ref).answers]
               for ref in ("1001", "1002", "1003")}
    assert answers == {
        "1001": [("photos", True), ("website", True), ("social", False), ("press", False)],
        "1002": [("photos", False), ("website", False), ("social", False), ("press", False)],
        "1003": [("photos", False), ("website", False), ("social", False), ("press", False)],
    }
    assert json.loads(ledger(database)[-1].detail) == {"file": "consent.csv", "pupils": 3, "changed": 3,
                                                       "withdrawn": 0, "given": 2, "left": 0}


def test_a_column_missing_from_the_file_leaves_that_category_alone(database, tmp_path, pupils):
    import_consent(database, write(tmp_path / "a.csv", ["Adno,Photos in school,Press", "1001,Yes,Yes"]),
                   by=COMMAND_LINE)
    report = import_consent(database, write(tmp_path / "b.csv", ["Adno,Press", "1001,No"]), by=COMMAND_LINE)
    assert (report.changed, report.withdrawn) == (1, 1)
    assert [(a.category, a.given) for a in devices.consent_of(database, "1001").answers] == [
        ("photos", True), ("website", False), ("social", False), ("press", False)]
    assert [e[1:] for e in events(database)] == [("photos", True), ("press", True), ("press", False)]


def test_bad_consent_rows_are_all_reported_and_nothing_is_recorded(database, tmp_path, pupils):
    path = write(tmp_path / "consent.csv", [
        "UPN,Adno,Photos in school,Website,Social Media,Press",
        "D801999924001,,Yes,Yes,Yes,Yes",
        ",,Yes,Yes,Yes,Yes",
        ",9999,Yes,,,",
        ",1002,maybe,Yes,ok,",
        "D801999924001,1002,Yes,,,",
        ",1001,No,,,",
    ])
    with pytest.raises(Refused) as refused:
        import_consent(database, path, by=COMMAND_LINE)
    assert str(refused.value) == ("5 rows in consent.csv could not be imported, so nothing was imported: "
                                  "fix them and import again.")
    assert refused.value.details == (
        "line 3: there is no UPN and no admission number",
        "line 4: no pupil has the admission number 9999: import the pupils first, or check it",
        "line 5: the Photos in school answer 'maybe' is not Yes, No or blank; the Social Media answer 'ok' is not "
        "Yes, No or blank",
        "line 6: the UPN D801999924001 and the admission number 1002 belong to two different pupils: check both",
        "line 7: this is the same pupil as line 2",
    )
    assert events(database) == [] and ledger(database) == []


def test_a_pupil_who_has_left_is_reported_and_left_alone(database, tmp_path, pupils):
    import_pupils(database, write(tmp_path / "p.csv", ["Forename,Surname,Year,Class,Adno", "Ben,O'Connor,4,4B,1002",
                                                        "Zoë,Wiśniewski,4,4B,1003"]), by=COMMAND_LINE)
    report = import_consent(database, write(tmp_path / "c.csv", ["Adno,Photos in school", "1001,Yes", "1002,Yes"]),
                            by=COMMAND_LINE)
    assert report.pupils == 1 and report.skipped == (
        "line 2: Amira Khan has left the school: their consent was not changed",)
    assert [e[0] for e in events(database)] == [pupils["1002"]]


def test_a_consent_file_without_a_pupil_number_or_a_category_is_refused(database, tmp_path, pupils):
    with pytest.raises(Refused, match="it needs columns named UPN or Admission Number and Photos in school, Website"):
        import_consent(database, write(tmp_path / "a.csv", ["Name,Photos", "Amira,Yes"]), by=COMMAND_LINE)
    with pytest.raises(Refused, match="it needs columns named"):
        import_consent(database, write(tmp_path / "b.csv", ["UPN,Name", "D801999924001,Amira"]), by=COMMAND_LINE)


# --- Whatever the file holds: a report or a refusal ------------------------------------------------------

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _report_or_refusal(call) -> None:
    try:
        assert isinstance(call(), (ImportReport, ConsentImportReport))
    except Refused as refusal:
        assert str(refusal) and all(isinstance(line, str) and line.startswith("line ") for line in refusal.details)


@FUZZ
@given(st.text())
def test_any_text_gives_a_report_or_a_refusal(database, tmp_path, pupils, text):
    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _report_or_refusal(lambda: import_devices(database, path, by=COMMAND_LINE))
    _report_or_refusal(lambda: import_consent(database, path, by=COMMAND_LINE))


_answer = st.sampled_from(["Yes", "yes", "Y", "No", "n", "", "Not returned", "maybe", "✓", " YES "])
_consent_row = st.tuples(st.sampled_from(["D801999924001", "T801999924002", "", "X1", "d801999924001"]),
                         st.sampled_from(["1001", "1002", "1003", "", "42", "1001 "]),
                         _answer, _answer, _answer, _answer)
_device_row = st.tuples(st.sampled_from(["IPAD-01", "ipad-01", "CAM-1", "", "x" * 70, "A/B#1"]),
                        st.sampled_from(["camera", "iPad", "PHONE", "other", "tablet", ""]),
                        st.text(max_size=8), st.sampled_from(["Apple", "Canon", "", "NIKON CORPORATION"]),
                        st.sampled_from(["iPad", "EOS 2000D", "Canon EOS 2000D", ""]),
                        st.sampled_from(["", "123", "0123", "S/N 9", "bad\x01"]))


def _csv(header: list[str], rows) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    return out.getvalue()


@FUZZ
@given(st.lists(_consent_row, max_size=6), st.lists(_device_row, max_size=6))
def test_random_rows_under_a_real_header_give_a_report_or_a_refusal(database, tmp_path, pupils, consent, assets):
    path = tmp_path / "consent.csv"
    path.write_text(_csv(["UPN", "Adno", "Photos in school", "Website", "Social Media", "Press"], consent),
                    encoding="utf-8", newline="")
    _report_or_refusal(lambda: import_consent(database, path, by=COMMAND_LINE))
    path = tmp_path / "devices.csv"
    path.write_text(_csv(["Asset Tag", "Type", "Name", "Make", "Model", "Serial"], assets), encoding="utf-8",
                    newline="")
    _report_or_refusal(lambda: import_devices(database, path, by=COMMAND_LINE))


def test_consent_matches_an_admission_number_excel_stripped_of_its_zeros(database, tmp_path):
    with database.writing() as session:
        session.add(Pupil(adno="000017", legal_first="Maya", surname="Obi", year=3, class_name="3C"))
        session.commit()
    report = import_consent(database, write(tmp_path / "consent.csv", ["MIS ID,Photos in school", "17,No"]),
                            by=COMMAND_LINE)
    assert (report.pupils, report.withdrawn) == (1, 0)
    refused = devices.consent_of(database, "000017")
    assert [(a.category, a.given) for a in refused.answers if a.category == "photos"] == [("photos", False)]
