"""The school's PostgreSQL server goes away mid-shift, and comes back.

A real server of the test's own (tests/pg_cluster.py), because the test stops and starts it: a kiosk must say
"Not saved", save nothing, and recover by itself when the server is back.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid

import pytest
from sqlalchemy import create_engine, event, text

from db import people, phones
from db.core import COMMAND_LINE, UNREACHABLE, Database, Unreachable, open_database, upgrade
from db.core.engine import IDLE_PING_S
from db.phones import custody_report, phones_held
from kiosk.widgets.outage_banner import AFTER
from kiosk.widgets.result_panel import ResultPanel
from tests import pg_cluster
from tests.conftest import SmallSchool
from tests.tui.helpers import build_app, on_screen, scan, wait_until

pytestmark = pytest.mark.postgres

NO_SERVER = ("needs PostgreSQL's initdb and pg_ctl to start, stop and restart a throw-away server "
             "(apt-get install postgresql; run the tests as root or as a user who may run initdb)")
BANNER = AFTER.split(":")[0]  # "Nothing scanned now is recorded": the banner's words, not the panel's


def stop_server(cluster: pg_cluster.Cluster) -> None:
    """pg_ctl stop -m fast, keeping the data: the school's server going down."""
    cluster.stop(remove=False)


def start_server_again(cluster: pg_cluster.Cluster) -> None:
    """pg_ctl start on the same data and port: tests/pg_cluster.py only starts new clusters."""
    options = f"-p {cluster.port} -k {cluster.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(pg_cluster._as_server_user([str(pg_cluster.bin_dir() / "pg_ctl"), "-D", str(cluster.data),
                                               "-l", str(cluster.folder / "server.log"), "-o", options,
                                               "-w", "-t", "60", "start"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def server():
    if not pg_cluster.available():
        pytest.skip(NO_SERVER)
    try:
        cluster = pg_cluster.start()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"{NO_SERVER}: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def school_db(server, clock) -> Database:
    """A fresh, migrated database on the server with the small school in it."""
    name = f"kiosk_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    database = open_database(server.url(name), clock=clock, kiosk_name="classroom-6A")
    upgrade(database)
    database.school = SmallSchool(database)
    yield database
    database.engine.dispose()
    admin.dispose()


async def test_the_server_stops_mid_shift_nothing_is_saved_and_the_kiosk_recovers_by_itself(server, school_db):
    school = school_db.school
    people.set_pin(school_db, "HBR", "1234", by=COMMAND_LINE)
    teacher = people.sign_in(school_db, "HBR", "1234")
    app = build_app(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        app.signed_in(teacher)
        await pilot.pause()
        assert BANNER not in on_screen(app)

        await asyncio.to_thread(stop_server, server)
        await scan(pilot, school.walker)
        panel = pilot.app.screen.query_one(ResultPanel)
        assert panel.mood == "-refused"  # red "Not recorded", never the green "saved" panel
        assert "Not recorded" in panel.text and "cannot be reached" in panel.text
        assert "Amira" not in panel.text
        assert await wait_until(pilot, lambda: BANNER in on_screen(app), timeout=10)

        await asyncio.to_thread(start_server_again, server)
        assert await wait_until(pilot, lambda: BANNER not in on_screen(app), timeout=15)  # nobody touched it
        await scan(pilot, school.walker)
        assert panel.mood == "-done"
        assert "Amira Khan" in panel.text and "6A cupboard" in panel.text

    assert [row.code for row in phones_held(school_db, by=COMMAND_LINE)] == [school.walker]
    assert [event.action for event in custody_report(school_db, by=COMMAND_LINE)].count("phone in") == 1


def test_a_connection_dropped_mid_check_in_is_unreachable_and_saves_nothing(server, school_db):
    school = school_db.school
    before = school_db.newest_entry()
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    killed = []

    @event.listens_for(school_db.engine, "before_cursor_execute")
    def cut_the_cable(conn, cursor, statement, parameters, context, executemany):
        # The server ends this kiosk's connection just before the ledger row is written.
        if "INSERT INTO ledger_entry" in statement and not killed:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                killed.append(other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar())

    with pytest.raises(Unreachable) as raised:
        phones.phone_in(school_db, school.walker, "HBR")
    assert killed == [True]
    assert str(raised.value) == UNREACHABLE
    event.remove(school_db.engine, "before_cursor_execute", cut_the_cable)
    assert school_db.newest_entry() == before  # the pool reconnected; the half-done check-in left nothing
    assert phones_held(school_db, by=COMMAND_LINE) == []
    phones.phone_in(school_db, school.walker, "HBR")
    assert [row.code for row in phones_held(school_db, by=COMMAND_LINE)] == [school.walker]
    admin.dispose()


def test_a_connection_the_server_ended_while_the_kiosk_was_idle_is_replaced_before_the_next_scan(server, school_db):
    # What a restart of the server does to every kiosk's pooled connection: the next scan must just work.
    school = school_db.school
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with school_db.engine.connect() as conn:
        pid = conn.connection.dbapi_connection.info.backend_pid
    with admin.connect() as other:
        assert other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()
    time.sleep(IDLE_PING_S + 0.1)  # idle: the pool checks the connection before handing it out again
    result = phones.phone_in(school_db, school.walker, "HBR")
    assert (result.pupil, result.location) == ("Amira Khan", "6A cupboard")
    with school_db.engine.connect() as conn:
        assert conn.connection.dbapi_connection.info.backend_pid != pid
    admin.dispose()
