"""Writes the MIS exports in tests/data as Excel and the MIS save them: `python tests/data/make_excel_exports.py`.

The pupils are invented (their UPNs use stdnum's check letter on the test authority 801); the column
headings follow the public field lists of SIMS's "Student List" report, Bromcom's and Arbor's student
exports and a school's own report. Each file is written from Python strings with the encoding that
program uses, so the bytes are what an office would really hand over:

- sims_student_list_1252.csv    SIMS report saved by Excel as "CSV (Comma delimited)": Windows-1252 (’ is 0x92,
                                ë is 0xEB), no byte-order mark, CRLF, title lines, a count footer, zero-padded Adno
- sims_student_list_resaved.csv the same list a term later after Excel opened and re-saved it: the Adno column
                                lost its leading zeros, one pupil left, one joined
- bromcom_unicode_text.txt      Bromcom export saved by Excel as "Unicode Text": UTF-16 LE with its BOM,
                                tab-separated, Legal/Preferred First Name, extra columns (Gender, Primary Email)
- arbor_semicolon.csv           Arbor export from a European Excel: semicolons, UTF-8 with BOM, "MIS ID",
                                a quoted field holding a semicolon, a blank line then "3 records"
- school_report_years.csv       a school's own report: Forename beside Legal Surname, Class Name, every
                                spelling of Reception and Nursery, Admission No.
"""

from __future__ import annotations

from pathlib import Path

from stdnum.gb import upn as upn_number

HERE = Path(__file__).parent


def upn(serial: int) -> str:
    body = f"80130010{serial:04d}"
    return upn_number.calc_check_digit(body) + body


def save(name: str, lines: list[str], encoding: str, *, bom: bytes = b"") -> None:
    (HERE / name).write_bytes(bom + "\r\n".join(lines + [""]).encode(encoding))


SIMS_HEADER = ("Adno,UPN,Legal Surname,Legal Forename,Preferred Surname,Preferred Forename,Gender,DOB,"
               "Year Taught In,Reg,Year of Entry")
SIMS_PUPILS = [
    # adno, serial, legal surname, legal forename, preferred surname, preferred forename, gender, dob, year, reg, entry
    ("000017", 1, "O’Brien", "Zoë", "", "", "F", "14/03/2015", "Year 6", "6A", "2019"),
    ("000018", 2, "Fitzgerald-Kaur", "Siân", "Kaur", "", "F", "02/09/2014", "Year 6", "6A", "2019"),
    ("000019", 3, "Müller", "François", "", "Frankie", "M", "30/11/2015", "Year 5", "5 Oak", "2020"),
    ("000020", 4, "Nowak", "Chloé", "", "", "F", "21/06/2016", "Year 4", "4B", "2021"),
    ("000021", 5, "Adébáyọ̀", "Tolu", "", "", "M", "05/01/2019", "Reception", "RW", "2024"),
    ("000022", 6, "D’Souza", "Aarav", "", "", "M", "17/08/2020", "Nursery", "Nursery 1", "2024"),
]


def sims_lines(pupils, adno=lambda a: a) -> list[str]:
    rows = [f'{adno(a)},{upn(s)},"{sn}","{fn}",{psn},{pfn},{g},{dob},{y},{reg},{e}'
            for a, s, sn, fn, psn, pfn, g, dob, y, reg, e in pupils]
    return ["Student List", "Meadowbank Primary School", "Printed 10/11/2026 08:15", "", SIMS_HEADER, *rows, "",
            f"Total number of students: {len(rows)}"]


def main() -> None:
    # Adébáyọ̀'s dot below has no Windows-1252 byte: SIMS on a UK PC writes him as Excel would, without it.
    cp1252_pupils = [p if p[0] != "000021" else (*p[:2], "Adebayo", *p[3:]) for p in SIMS_PUPILS]
    save("sims_student_list_1252.csv", sims_lines(cp1252_pupils), "cp1252")
    resaved = [p for p in cp1252_pupils if p[0] != "000020"]  # Chloé left
    resaved.append(("000023", 7, "Ó Súilleabháin", "Róisín", "", "", "F", "09/02/2016", "Year 4", "4B", "2026"))
    save("sims_student_list_resaved.csv", sims_lines(resaved, adno=lambda a: str(int(a))), "cp1252")

    save("bromcom_unicode_text.txt", [
        "Legal First Name\tLegal Last Name\tPreferred First Name\tYear\tTutor Group\tUPN\tAdmission No.\tGender\t"
        "Primary Email",
        f"Thảo\tNguyễn\tTom\tYear 6\t6W\t{upn(31)}\t3101\tM\tparent.nguyen@example.org",
        f"Kacper\tWiśniewski\t\tYear Y6\t6W\t{upn(32)}\t3102\tM\t",
        f"Ayşe\tÖztürk\t\tYear R\tRS\t{upn(33)}\t3103\tF\t",
        f"Mia\tSmith-Jones\t\tNursery 1\tN1\t{upn(34)}\t3104\tF\t",
    ], "utf-16-le", bom=b"\xff\xfe")

    save("arbor_semicolon.csv", [
        "First Name;Last Name;Preferred First Name;Year Group;Registration Form;UPN;MIS ID;Date of Birth;SEN Status",
        f"Amelia;Jones;Millie;Year 6;6 Oak;{upn(41)};A0042;01/02/2015;",
        f"Lars;\"Østergård; Jr\";;Yr 6;6 Oak;{upn(42)};A0043;12/07/2014;K",
        f"Élodie;Lefèvre;;Year 3;3 Elm;{upn(43)};A0044;23/10/2018;",
        "",
        "3 records",
    ], "utf-8", bom=b"\xef\xbb\xbf")

    save("school_report_years.csv", [
        "Class list for the office (Autumn 2026)",
        "Forename,Legal Surname,Preferred Surname,Class Name,NC Year,Admission No.,DOB,Primary Email",
        "Ada,Lovelace,,Year 5/6 Oak,Year 6,4001,10/12/2014,",
        "Tom,Nguyen-Baker,Baker,Yr 6 Ash,Yr 6,4002,03/03/2015,",
        "Ivy,Chen,,Robins,F2,4003,01/01/2021,",
        "Noah,Patel,,Robins,FS2,4004,02/01/2021,",
        "Ella,Ward,,Robins,EYFS,4005,03/01/2021,",
        "Sam,Reid,,Robins,Reception Year,4006,04/01/2021,",
        "Ava,Bell,,Ducklings,N2,4007,05/01/2022,",
        "Leo,Hart,,Ducklings,Year N1,4008,06/01/2023,",
        "Zara,Khan,,Ducklings,Nursery 2,4009,07/01/2022,",
    ], "utf-8")


if __name__ == "__main__":
    main()
