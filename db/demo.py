"""A fictional school, Meadowbank Primary, to try the kiosk on. Every name here is made up."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from sqlmodel import func, select

from db import devices, people, phones, tags
from db.core import COMMAND_LINE, Database, Refused, append
from db.core.models import Location, Pupil, Staff
from tagcodes import TagKind, new_code


@dataclass(frozen=True)
class DemoLogin:
    code: str
    name: str
    role: str
    class_name: str | None
    pin: str


STAFF = (
    DemoLogin("HBR", "Hannah Brooks", "teacher", "6A", "1234"),
    DemoLogin("DOK", "David Okafor", "teacher", "6B", "2345"),
    DemoLogin("LPA", "Lucy Patel", "teacher", "4B", "3456"),
    DemoLogin("MJO", "Maria Jones", "office", None, "4567"),
    DemoLogin("HTE", "Helen Teale", "slt", None, "5678"),
)
TEACHERS = {"6A": "HBR", "6B": "DOK", "4B": "LPA"}
CLASSES = {"3C": 3, "4B": 4, "5A": 5, "6A": 6, "6B": 6}
FIRST = ("Amira", "Ben", "Chloé", "Dylan", "Ella", "Finley", "Grace", "Harvey", "Isla", "Jayden", "Kacper",
         "Layla", "Mohammed", "Niamh", "Oliver", "Priya", "Quinn", "Ruby", "Sami", "Tia", "Usman", "Violet",
         "Wiktoria", "Xander", "Yusuf", "Zoë", "Aoife", "Bartosz", "Chidi", "Darcey")
SURNAMES = ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fernandes", "Green", "Hughes", "Iqbal", "Jones",
            "Kowalski", "Lewis", "Mensah", "Nguyễn", "O'Connor", "Patel", "Quinn", "Roberts", "Smith", "Taylor",
            "Uddin", "Vaughan", "Wiśniewski", "Xu", "Young", "Zielińska")
DESCRIPTIONS = ("black iPhone, blue case", "white Samsung", "green Nokia flip phone", "red iPhone SE",
                "grey Motorola, cracked corner", "pink case with stickers")


def upn_for(serial: int) -> str:
    """A valid UPN for a fictional school (school number 9999 in local authority 801)."""
    from stdnum.gb import upn

    body = f"8019999{24:02d}{serial:03d}"
    return upn.calc_check_digit(body) + body


def fill(database: Database, seed: int = 6, drive: Path | None = None) -> tuple[DemoLogin, ...]:
    """Fill an empty database with the demo school; returns the staff codes and PINs to sign in with.

    With ``drive`` (a folder for the demo's Google Drive photos), the school's cameras and iPads also get
    the last six school weeks of loans, so the leadership's review has something to show.
    """
    rng = random.Random(seed)
    make_code = lambda: new_code(TagKind.PHONE, rng)  # noqa: E731 - seeded: the same codes every time
    with database.writing() as session:
        if session.exec(select(func.count()).select_from(Pupil)).one() or \
                session.exec(select(func.count()).select_from(Staff)).one():
            raise Refused("This database already holds a school: the demo fills only an empty database.")
        for login in STAFF:
            first, surname = login.name.split(" ", 1)
            session.add(Staff(code=login.code, first_name=first, surname=surname, role=login.role,
                              class_name=login.class_name))
        session.add(Location(name="Office", kind="office"))
        serial = 1
        for class_name, year in CLASSES.items():
            if year == 6:
                session.add(Location(name=f"{class_name} cupboard", kind="cupboard", class_name=class_name))
            for _ in range(24):
                first = rng.choice(FIRST)
                session.add(Pupil(upn=upn_for(serial), adno=f"{2400 + serial}", legal_first=first,
                                  preferred_first="Ollie" if first == "Oliver" and rng.random() < 0.5 else None,
                                  surname=rng.choice(SURNAMES), year=year, class_name=class_name))
                serial += 1
        append(session, database, "demo_filled", detail={"seed": seed})
        session.commit()
    for login in STAFF:
        people.set_pin(database, login.code, login.pin, by=COMMAND_LINE)
    _morning(database, rng, make_code)
    if drive is None:
        _cameras(database, rng)
    else:  # registered and consent in before the first loan of the six weeks
        from db.demo_loans import before_the_loans, lend_and_return

        _cameras(before_the_loans(database), rng)
        lend_and_return(database, Path(drive))
    return STAFF


def _morning(database: Database, rng: random.Random, make_code) -> None:
    """Walk-home permissions, phone tags, and this morning's phones already in."""
    with database.reading() as session:
        pupils = session.exec(select(Pupil).order_by(Pupil.id)).all()
    walkers = [p for i, p in enumerate(p for p in pupils if p.year == 6) if i % 3 != 2]
    younger = [p for p in pupils if p.year < 6][4::11]
    for pupil in walkers:
        people.permit_walk_home(database, pupil.upn, "MJO")
    tagged = {p.id: tags.issue_phone_tag(database, p.upn, make_code, rng.choice(DESCRIPTIONS), by=COMMAND_LINE).code
              for p in walkers + younger}
    # This morning's scans: 6A's walkers, a few of 6B's, three younger pupils' phones.
    arriving = [p for p in walkers if p.class_name == "6A"][:8] + \
        [p for p in walkers if p.class_name == "6B"][:4] + younger[:3]
    now = database.local(database.now())
    # 08:40 today, or a quarter of an hour ago when the demo starts before school: never in the future.
    start = min(now - timedelta(minutes=15), now.replace(hour=8, minute=40, second=0, microsecond=0))
    # The same database with its own clock (not the server's), so the demo reads like a real morning.
    morning = replace(database, server_clock=False, clock_checked=False)
    for i, pupil in enumerate(arriving):
        morning.clock = lambda moment=start + timedelta(seconds=40 * i): moment
        phones.phone_in(morning, tagged[pupil.id], TEACHERS.get(pupil.class_name, "MJO"))  # else the office
    morning.clock = lambda: start + timedelta(minutes=12)
    phones.cupboard_locked(morning, "6A", "HBR")  # 6B's teacher has not confirmed: the office screen shows it
    phones.parents_told(morning, younger[0].upn, "MJO", "phoned mum at 09:05")
    # One 6A walker not in yet keeps their phone: scanning it shows the exceptions register at work.
    keeps = [p for p in walkers if p.class_name == "6A"][-1]
    phones.add_exception(database, keeps.upn, "medical", "Glucose monitor app; phone on silent in the bag.",
                             now.date() + timedelta(days=120), by="HTE")


DEVICES = (
    ("IPAD-01", "ipad", "iPad 1", "Apple", "iPad (9th generation)", ""),
    ("IPAD-02", "ipad", "iPad 2", "Apple", "iPad (9th generation)", ""),
    ("IPAD-03", "ipad", "iPad 3", "Apple", "iPad Air (5th generation)", ""),
    ("CAM-01", "camera", "Class camera 1", "Canon", "Canon IXUS 185", "183052001234"),
)


def _cameras(database: Database, rng: random.Random) -> None:
    """The school's iPads and camera, with tags, and the media consent forms (some not returned)."""
    with tempfile.TemporaryDirectory() as folder:
        register = Path(folder) / "devices.csv"
        register.write_text("Asset Tag,Type,Name,Make,Model,Serial\n"
                            + "".join(",".join(row) + "\n" for row in DEVICES), encoding="utf-8")
        devices.import_devices(database, register, by=COMMAND_LINE)
        with database.reading() as session:
            pupils = session.exec(select(Pupil).order_by(Pupil.id)).all()
        consent = Path(folder) / "consent.csv"
        answers = ("Yes", "Yes", "Yes", "Yes", "Yes", "No", "")  # blank: form not returned
        consent.write_text("UPN,Photos in school,Website,Social Media,Press\n" + "".join(
            f"{p.upn},{rng.choice(answers)},{rng.choice(answers)},{rng.choice(answers)},{rng.choice(answers)}\n"
            for p in pupils), encoding="utf-8")
        devices.import_consent(database, consent, by=COMMAND_LINE)
    for asset, *_ in DEVICES:
        tags.issue_device_tag(database, asset, lambda: new_code(TagKind.DEVICE, rng), by=COMMAND_LINE)
