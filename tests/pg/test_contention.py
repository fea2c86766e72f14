"""Twenty kiosks on one PostgreSQL database at once: one check-in per phone, one unbroken ledger chain.

Each kiosk is its own process with its own connections, as in a school; they
all wait at a start line and then scan the same phones.
"""

from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import func
from sqlmodel import select

from db import records
from db.core import COMMAND_LINE
from db.core.models import HeldPhone, LedgerEntry
from tests.conftest import SmallSchool

KIOSKS = 20
LOCKS_EACH = 10

KIOSK = r"""
import json, sys
from db import phones
from db.core import open_database
from db.core import Refused

url, name, codes = sys.argv[1], sys.argv[2], sys.argv[3:]
database = open_database(url, kiosk_name=name)
with database.reading() as session:  # connected before the start line
    pass
print("ready", flush=True)
sys.stdin.readline()  # the start line
saved, refused = [], []
for code in codes:
    try:
        phones.phone_in(database, code, "MJO")  # the office: every class
        saved.append(code)
    except Refused as exc:
        refused.append(str(exc))
for _ in range(%d):
    phones.cupboard_locked(database, "6A", "HBR")
print(json.dumps({"saved": saved, "refused": refused}), flush=True)
""" % LOCKS_EACH  # noqa: UP031 - Python source with a dict literal: .format would need its braces doubled


def test_twenty_kiosks_scanning_the_same_phones_give_one_check_in_each_and_one_chain(pg_database):
    school = SmallSchool(pg_database)
    phones = [school.walker, school.year6_no_permit, school.year4]
    with pg_database.reading() as session:
        before = session.exec(select(func.count()).select_from(LedgerEntry)).one()
    kiosks = [subprocess.Popen([sys.executable, "-c", KIOSK, pg_database.url, f"room-{i}",
                                *phones[i % 3:], *phones[:i % 3]],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for i in range(KIOSKS)]
    for kiosk in kiosks:
        assert kiosk.stdout.readline().strip() == "ready"
    for kiosk in kiosks:
        kiosk.stdin.write("go\n")
        kiosk.stdin.flush()
    reports = [json.loads(kiosk.communicate(timeout=120)[0]) for kiosk in kiosks]
    assert all(kiosk.returncode == 0 for kiosk in kiosks)

    saved_by = {}
    for i, report in enumerate(reports):
        for code in report["saved"]:
            assert code not in saved_by, f"{code} was checked in twice"
            saved_by[code] = f"room-{i}"
        assert all("already held" in r or "just been checked in at another kiosk" in r for r in report["refused"])
    assert set(saved_by) == set(phones)

    with pg_database.reading() as session:
        held = session.exec(select(HeldPhone.tag_code, HeldPhone.ledger_id)).all()
        check_ins = dict(session.exec(select(LedgerEntry.tag_code, LedgerEntry.kiosk)
                                      .where(LedgerEntry.action == "phone_in")).all())
        ids = session.exec(select(LedgerEntry.id).order_by(LedgerEntry.id)).all()
    assert sorted(code for code, _ in held) == sorted(phones)
    assert check_ins == saved_by  # every check-in a kiosk reported is in the ledger, under its name
    expected = before + len(phones) + KIOSKS * LOCKS_EACH
    assert ids == list(range(1, expected + 1))  # one chain: no gap, no fork
    assert records.verify(pg_database, by=COMMAND_LINE) == expected
