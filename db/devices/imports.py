"""Importing the school's cameras and iPads (its asset register) and the parents' photo consent forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select
from stdnum.gb import upn as upn_number

from db.core import CommandLine, Database, Refused, adno_key, append, find_staff
from db.core.models import DEVICE_KINDS, Device, Pupil
from db.core.spreadsheet import NAME_MAX, BadRows, Column, ImportReport, Row, clean_text, or_list, read_rows, refuse_bad
from db.devices.consent import current_answers, record_answers
from db.devices.matching import model_key, serial_key

# --- Devices ----------------------------------------------------------------------------------

DEVICE_COLUMNS = (
    Column("asset", "Asset Tag", ("Asset Tag", "Asset", "Asset Number", "Asset No", "Asset ID")),
    Column("type", "Type", ("Type", "Device Type", "Kind")),
    Column("name", "Name", ("Name", "Device Name", "Description")),
    Column("make", "Make", ("Make", "Manufacturer", "Brand")),
    Column("model", "Model", ("Model",)),
    Column("serial", "Serial", ("Serial", "Serial Number", "Serial No", "S/N")),
)
DEVICE_REQUIRED = (("asset",), ("type",), ("name",), ("make",), ("model",))
ASSET_MAX = 64
SERIAL_MAX = 64
_ASSET_TAG = re.compile(r"[A-Z0-9][A-Z0-9 ./_#-]*", re.ASCII)
_SERIAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./_-]*", re.ASCII)


@dataclass(frozen=True)
class DeviceRow:
    line: int
    asset_tag: str
    kind: str
    name: str
    make: str
    model: str
    serial: str | None
    has_serial: bool  # False when the file has no Serial column: keep what is stored


def _parse_device(row: Row, bad: BadRows) -> DeviceRow | None:
    cells, problems = row.cells, []
    asset = " ".join(cells["asset"].split()).upper()
    if not asset:
        problems.append("the asset tag is blank")
    elif len(asset) > ASSET_MAX or not _ASSET_TAG.fullmatch(asset):
        problems.append(f"the asset tag '{asset[:40]}' must be up to {ASSET_MAX} letters, digits, spaces, "
                        "-, _, /, . or #")
    kind = cells["type"].strip().lower()
    if kind not in DEVICE_KINDS:
        problems.append(f"the type '{cells['type'][:40] or 'blank'}' is not one of {or_list(DEVICE_KINDS)}")
    name = clean_text(cells["name"], "name", NAME_MAX, problems)
    make = clean_text(cells["make"], "make", NAME_MAX, problems)
    model = clean_text(cells["model"], "model", NAME_MAX, problems)
    serial = " ".join(cells.get("serial", "").split()) or None
    if serial and (len(serial) > SERIAL_MAX or not _SERIAL.fullmatch(serial)):
        problems.append(f"the serial '{serial[:40]}' must be up to {SERIAL_MAX} letters, digits, spaces, -, _, / or .")
    if problems:
        bad.add(row.line, problems)
        return None
    return DeviceRow(row.line, asset, kind, name, make, model, serial, "serial" in cells)


def _unit(make: str, model: str, serial: str | None) -> tuple[str, str] | None:
    """What tells one device's photos from another's: its model and serial (None without a serial)."""
    key = serial_key(serial)
    return (model_key(make, model), key) if key else None


def import_devices(database: Database, path: Path, *, by: str | CommandLine) -> ImportReport:
    """Add and update school cameras, iPads and phones by asset tag; devices missing from the file stay.

    Two devices of one model with one serial number would make their photos
    impossible to tell apart, so that is a bad row.
    """
    path = Path(path)
    rows = read_rows(path, DEVICE_COLUMNS, anchors=("asset", "make"), required=DEVICE_REQUIRED)
    if not rows:
        raise Refused(f"The file {path.name} has a header row but no devices below it: nothing was imported.")
    bad = BadRows()
    parsed, assets, units = [], {}, {}
    for device in (_parse_device(row, bad) for row in rows):
        if device is None:
            continue
        unit = _unit(device.make, device.model, device.serial)
        clashes = []
        if device.asset_tag in assets:
            clashes.append(f"the asset tag {device.asset_tag} is also on line {assets[device.asset_tag]}")
        if unit and unit in units:
            clashes.append(f"the serial {device.serial} of this model is also on line {units[unit]}")
        if clashes:
            bad.add(device.line, clashes)
            continue
        assets[device.asset_tag] = device.line
        if unit:
            units[unit] = device.line
        parsed.append(device)
    with database.writing() as session:
        staff = find_staff(session, by, "admin", "importing devices")
        known = {d.asset_tag: d for d in session.exec(select(Device)).all()}
        for device in parsed:
            unit = _unit(device.make, device.model, device.serial)
            owner = next((d for d in known.values() if d.asset_tag != device.asset_tag and d.asset_tag not in assets
                          and unit and _unit(d.make, d.model, d.serial) == unit), None)
            if owner is not None:
                bad.add(device.line, [f"the serial {device.serial} of this model belongs to {owner.asset_tag} "
                                      "already: check both"])
        refuse_bad(bad, path, skip_bad=False, offers_skip=False)
        added = updated = 0
        now = database.now()
        for row in parsed:
            device = known.get(row.asset_tag)
            if device is None:
                session.add(Device(asset_tag=row.asset_tag, kind=row.kind, name=row.name, make=row.make,
                                   model=row.model, serial=row.serial, added_at=now))
                added += 1
            elif _update_device(device, row):
                session.add(device)
                updated += 1
        append(session, database, "import_devices", staff_id=staff.id, detail={
            "file": path.name, "added": added, "updated": updated, "archived": 0, "skipped": 0})
        session.commit()
    return ImportReport(added=added, updated=updated, archived=0, skipped=())


def _update_device(device: Device, row: DeviceRow) -> bool:
    wanted = {"kind": row.kind, "name": row.name, "make": row.make, "model": row.model}
    if row.has_serial:
        wanted["serial"] = row.serial
    changed = {field: value for field, value in wanted.items() if getattr(device, field) != value}
    for field, value in changed.items():
        setattr(device, field, value)
    return bool(changed)


# --- Photo consent ----------------------------------------------------------------------------

CONSENT_COLUMNS = (
    Column("upn", "UPN", ("UPN",)),
    Column("adno", "Admission Number", ("Adno", "Admission No", "Admission Number"), also=("Adm No", "MIS ID")),
    Column("photos", "Photos in school", ("Photos in school", "Photos", "Photographs in school", "Photographs",
                                          "School Photos")),
    Column("website", "Website", ("Website", "Web site", "School Website")),
    Column("social", "Social Media", ("Social Media", "Social")),
    Column("press", "Press", ("Press", "Newspaper", "Newspapers")),
)
CONSENT_KEYS = ("photos", "website", "social", "press")
_YES = frozenset({"yes", "y", "true", "1", "given", "granted", "✓", "✔"})
# Blank means the form was not returned, and that means no (R3).
_NO = frozenset({"no", "n", "false", "0", "refused", "withdrawn", "not returned", "not given", "", "-"})


@dataclass(frozen=True)
class ConsentImportReport:
    pupils: int  # rows matched to a pupil on roll
    changed: int  # pupils with an answer recorded for the first time or changed
    withdrawn: int  # answers that went from yes to no
    given: int  # answers that went to yes
    skipped: tuple[str, ...]  # "line N: ... has left the school" for pupils archived as leavers


@dataclass(frozen=True)
class ConsentRow:
    line: int
    upn: str | None
    adno: str | None
    answers: dict[str, bool]


def _parse_consent(row: Row, bad: BadRows) -> ConsentRow | None:
    cells, problems = row.cells, []
    upn = upn_number.compact(cells["upn"]) if cells.get("upn") else None
    adno = cells.get("adno", "") or None
    if not upn and not adno:
        problems.append("there is no UPN and no admission number")
    answers = {}
    for key in CONSENT_KEYS:
        if key not in cells:
            continue  # a category the file does not have is left as it is
        value = " ".join(cells[key].split()).lower()
        if value in _YES:
            answers[key] = True
        elif value in _NO:
            answers[key] = False
        else:
            label = next(c.label for c in CONSENT_COLUMNS if c.key == key)
            problems.append(f"the {label} answer '{cells[key][:20]}' is not Yes, No or blank")
    if problems:
        bad.add(row.line, problems)
        return None
    return ConsentRow(row.line, upn, adno, answers)


def import_consent(database: Database, path: Path, *, by: str | CommandLine) -> ConsentImportReport:
    """Record each pupil's photo consent per category from the school's consent list.

    Yes is consent; No or a blank cell (the form was not returned) is not. A
    pupil's answer is recorded when it is new or has changed, from now on: a
    withdrawal applies to every loan after it, never to one before. Pupils
    not in the file keep their answers; a pupil who has left is reported and
    left alone. Atomic: one bad row and nothing is recorded.
    """
    path = Path(path)
    rows = read_rows(path, CONSENT_COLUMNS, anchors=(), anchor_groups=(("upn", "adno"), CONSENT_KEYS),
                     required=(("upn", "adno"), CONSENT_KEYS))
    if not rows:
        raise Refused(f"The file {path.name} has a header row but no pupils below it: nothing was imported.")
    bad = BadRows()
    parsed = [c for c in (_parse_consent(row, bad) for row in rows) if c]
    with database.writing() as session:
        staff = find_staff(session, by, "admin", "importing photo consent")
        pupils = session.exec(select(Pupil)).all()
        by_upn = {p.upn: p for p in pupils if p.upn}
        by_adno = {adno_key(p.adno): p for p in pupils if p.adno}  # Excel drops an admission number's 0s
        claimed: dict[int, int] = {}
        matched, left = [], []
        for row in parsed:
            upn_owner, adno_owner = by_upn.get(row.upn), by_adno.get(adno_key(row.adno)) if row.adno else None
            pupil = upn_owner or adno_owner
            if pupil is None:
                number = f"the UPN {row.upn}" if row.upn else f"the admission number {row.adno}"
                bad.add(row.line, [f"no pupil has {number[:60]}: import the pupils first, or check it"])
            elif upn_owner and adno_owner and upn_owner is not adno_owner:
                bad.add(row.line, [f"the UPN {row.upn} and the admission number {row.adno} belong to two "
                                   "different pupils: check both"])
            elif pupil.id in claimed:
                bad.add(row.line, [f"this is the same pupil as line {claimed[pupil.id]}"])
            elif pupil.left_at is not None:
                claimed[pupil.id] = row.line
                left.append(f"line {row.line}: {pupil.preferred_first or pupil.legal_first} {pupil.surname} has "
                            "left the school: their consent was not changed")
            else:
                claimed[pupil.id] = row.line
                matched.append((row, pupil))
        refuse_bad(bad, path, skip_bad=False, offers_skip=False)
        now = database.now()
        current = current_answers(session, [p.id for _row, p in matched], now)
        changed = withdrawn = given = 0
        for row, pupil in matched:
            new = {key: value for key, value in row.answers.items() if current.get((pupil.id, key)) != value}
            if not new:
                continue
            changed += 1
            withdrawn += sum(not value and current.get((pupil.id, key)) is True for key, value in new.items())
            given += sum(value for value in new.values())
            record_answers(session, database, pupil.id, new, now, source=path.name)
        append(session, database, "import_consent", staff_id=staff.id, detail={
            "file": path.name, "pupils": len(matched), "changed": changed, "withdrawn": withdrawn, "given": given,
            "left": len(left)})
        session.commit()
    return ConsentImportReport(pupils=len(matched), changed=changed, withdrawn=withdrawn, given=given,
                               skipped=tuple(left))
