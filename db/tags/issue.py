"""Issuing and listing tags. Codes are minted by the caller (labels/ knows their format)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, func, select

from db.core import (
    CommandLine,
    Database,
    Refused,
    TagInfo,
    append,
    find_pupil,
    find_staff,
    full_name,
    may,
    plain,
    pupil_name,
    pupil_short,
    require_class,
)
from db.core.models import Device, HeldPhone, Location, Pupil, Staff, Tag

KINDS = ("phone", "device", "location", "staff")
MakeCode = Callable[[], str]


def label(session: Session, tag: Tag) -> str:
    """What is printed beside the QR (R5: a pupil's first name, surname initial and class)."""
    if tag.kind == "phone" and tag.pupil_id:
        pupil = session.get(Pupil, tag.pupil_id)
        return f"{pupil_short(pupil)} {pupil.class_name}"
    if tag.kind == "staff" and tag.staff_id:
        staff = session.get(Staff, tag.staff_id)
        return f"{staff.code} {full_name(staff.first_name, staff.surname)}"
    if tag.kind == "location" and tag.location_id:
        return session.get(Location, tag.location_id).name
    if tag.kind == "device" and tag.asset:
        name = session.exec(select(Device.name).where(Device.asset_tag == tag.asset)).first()
        return f"{tag.asset} {name}" if name else tag.asset
    return tag.asset or tag.code


def _info(session: Session, tag: Tag) -> TagInfo:
    return TagInfo(code=tag.code, kind=tag.kind, label=label(session, tag), description=tag.description)


def _fresh_code(session: Session, make_code: MakeCode) -> str:
    for _ in range(10):
        code = make_code()
        if session.get(Tag, code) is None:
            return code
    raise RuntimeError("could not find an unused tag code")  # 31**6 codes: never in practice


def issue_phone_tag(database: Database, pupil_ref: str, make_code: MakeCode, description: str | None = None, *,
                    by: str | CommandLine) -> TagInfo:
    """A new tag for a pupil's phone; it replaces the pupil's old tag (a lost pouch)."""
    description = plain(description, 200) or None
    with database.writing() as session:
        staff = find_staff(session, by)
        pupil = find_pupil(session, pupil_ref)
        if not may(staff, "admin"):
            require_class(staff, pupil.class_name, pupil_name(pupil), "tagging this phone")
        old = session.exec(select(Tag).where(Tag.pupil_id == pupil.id, Tag.kind == "phone",
                                             Tag.retired_at.is_(None))).all()
        for tag in old:
            if session.get(HeldPhone, tag.code):
                raise Refused(f"{pupil_name(pupil)}'s phone is being held under tag {tag.code}: "
                              "hand it back before issuing a new tag.")
            tag.retired_at = database.now()
            session.add(tag)
        tag = Tag(code=_fresh_code(session, make_code), kind="phone", pupil_id=pupil.id,
                  description=description, issued_at=database.now())
        session.add(tag)
        session.flush()
        append(session, database, "tag_issued", staff_id=staff.id, tag_code=tag.code, pupil_id=pupil.id,
               detail={"kind": "phone", "replaces": [t.code for t in old]})
        session.commit()
        return _info(session, tag)


def issue_device_tag(database: Database, asset: str, make_code: MakeCode, *, by: str | CommandLine) -> TagInfo:
    """A tag for a registered school device (by asset tag); it replaces the device's old tag (a lost sticker)."""
    asset = " ".join((asset or "").split()).upper()[:64]
    with database.writing() as session:
        staff = find_staff(session, by, "admin", "issuing a device tag")
        device = session.exec(select(Device).where(Device.asset_tag == asset)).first() if asset else None
        if device is None:
            raise Refused(f"No school device has the asset tag “{asset}”: check it, or import the devices first "
                          "(kiosk import devices FILE).")
        old = session.exec(select(Tag).where(Tag.kind == "device", Tag.asset == device.asset_tag,
                                             Tag.retired_at.is_(None))).all()
        for tag in old:
            tag.retired_at = database.now()
            session.add(tag)
        tag = Tag(code=_fresh_code(session, make_code), kind="device", asset=device.asset_tag,
                  description=f"{device.make} {device.model}"[:200], issued_at=database.now())
        session.add(tag)
        session.flush()
        append(session, database, "tag_issued", staff_id=staff.id, tag_code=tag.code,
               detail={"kind": "device", "asset": device.asset_tag, "replaces": [t.code for t in old]})
        session.commit()
        return _info(session, tag)


def issue_location_tag(database: Database, name: str, make_code: MakeCode, *, by: str | CommandLine) -> TagInfo:
    """A tag for a cupboard or the office (the location is created if new)."""
    name = plain(name, 100)
    if not name:
        raise Refused("Give the location a name, e.g. “6A cupboard” or “Office”.")
    with database.writing() as session:
        staff = find_staff(session, by, "admin", "issuing a location tag")
        location = session.exec(select(Location).where(Location.name == name)).first()
        if location is None:
            location = Location(name=name, kind="office" if "office" in name.lower() else "cupboard")
            session.add(location)
            session.flush()
        tag = Tag(code=_fresh_code(session, make_code), kind="location", location_id=location.id,
                  issued_at=database.now())
        session.add(tag)
        append(session, database, "tag_issued", staff_id=staff.id, tag_code=tag.code, to_location_id=location.id,
               detail={"kind": "location"})
        session.commit()
        return _info(session, tag)


def issue_staff_tag(database: Database, staff_code: str, make_code: MakeCode, *, by: str | CommandLine) -> TagInfo:
    """A badge tag for a member of staff, to sign in by scanning; their old badge stops working (a lost badge)."""
    with database.writing() as session:
        find_staff(session, by, "admin", "issuing a staff badge")
        staff = find_staff(session, staff_code)
        for old in session.exec(select(Tag).where(Tag.staff_id == staff.id, Tag.retired_at.is_(None))).all():
            old.retired_at = database.now()
            session.add(old)
        tag = Tag(code=_fresh_code(session, make_code), kind="staff", staff_id=staff.id, issued_at=database.now())
        session.add(tag)
        append(session, database, "tag_issued", tag_code=tag.code, staff_id=staff.id, detail={"kind": "staff"})
        session.commit()
        return _info(session, tag)


def list_tags(database: Database, kind: str | None = None, *, code: str | None = None,
              class_name: str | None = None) -> list[TagInfo]:
    """Every tag in use; or one tag by its code, the phone tags of one class, or the tags of one kind."""
    if kind is not None and kind not in KINDS:
        raise Refused(f"“{kind}” is not a kind of tag: use phone, device, location or staff.")
    with database.reading() as session:
        query = select(Tag).where(Tag.retired_at.is_(None))
        if kind:
            query = query.where(Tag.kind == kind)
        if code:
            query = query.where(Tag.code == code)
        if class_name:
            query = query.join(Pupil, Pupil.id == Tag.pupil_id).where(
                func.upper(Pupil.class_name) == class_name.strip().upper(), Pupil.left_at.is_(None))
            query = query.order_by(Pupil.surname, Pupil.legal_first)
        tags = session.exec(query.order_by(Tag.kind, Tag.issued_at)).all()
        if code and not tags:
            raise Refused(f"No tag in use has the code {code}: check it, or issue a new tag.")
        if class_name and not tags:
            raise Refused(f"No pupil in class “{class_name.strip()[:32]}” has a phone tag: check the class, e.g. 6A.")
        return [_info(session, tag) for tag in tags]
