"""The read-only role for reports in docs/security.md, its SQL run as written: reports work, a write is refused in
one sentence and changes nothing."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from db import phones
from db.core import FaultKind, open_database, sentence
from kiosk.cli import main
from tests.conftest import SmallSchool

SECURITY = Path(__file__).parents[2] / "docs" / "security.md"


def read_only_role_sql() -> str:
    """The SQL block under "A read-only role for reports"."""
    text = SECURITY.read_text(encoding="utf-8")
    return re.search(r"A read-only role for reports.*?```sql\n(.*?)```", text, re.DOTALL).group(1)


@pytest.mark.postgres
def test_the_read_only_role_reads_reports_and_is_refused_a_write(postgres, clock, capsys):
    url = postgres.fresh()
    database = open_database(url, clock=clock, kiosk_name="office-pc")
    school = SmallSchool(database)
    phones.phone_in(database, school.walker, "HBR")
    before = database.newest_entry()
    server = make_url(url)
    role = f"kiosk_reports_{uuid.uuid4().hex[:8]}"  # roles are the whole server's: one of its own per run
    sql = (read_only_role_sql().replace("kiosk_reports", role).replace("ON DATABASE kiosk", f"ON DATABASE "
           f"{server.database}").replace("FOR ROLE kiosk", f"FOR ROLE {server.username}"))
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)
    reports = server.set(username=role, password="choose-another-long-password").render_as_string(
        hide_password=False)
    try:
        assert main(["--db", reports, "report", "custody", "--format", "csv"], clock=clock) == 0
        assert school.walker in capsys.readouterr().out

        assert main(["--db", reports, "phone", "in", school.year4, "--by", "LPA"], clock=clock) == 1
        assert capsys.readouterr() == ("", sentence(FaultKind.READ_ONLY, on_file=False) + "\n")
        assert database.newest_entry() == before
    finally:
        database.engine.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")
