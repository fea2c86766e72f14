"""Whatever a scanner or a person types into the scan field is resolved or refused: never an exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from db.core import COMMAND_LINE, Refused
from db.core.models import LedgerEntry
from kiosk.scan import ScanMode, scan_phone

scanner_like = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ-plio ", min_size=6, max_size=14),
    st.sampled_from(["'; DROP TABLE ledger_entry; --", "\x00\x1b[2J", "P-0000-000", "S-AAAA-AAA", "x" * 10_000,
                     "\r\n", ""]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=scanner_like, mode=st.sampled_from([ScanMode.MORNING, ScanMode.HOME_TIME]))
def test_any_scan_is_resolved_or_refused_in_a_sentence(database, school, text, mode):
    with database.reading() as session:
        before = session.exec(select(func.count()).select_from(LedgerEntry)).one()
    try:
        result = scan_phone(database, text, "HBR", mode, reason="test")
    except Refused as exc:
        message = str(exc)
        assert message.endswith(".") and "\n" not in message and len(message) < 250
        with database.reading() as session:
            assert session.exec(select(func.count()).select_from(LedgerEntry)).one() == before
    else:
        assert result.code in (school.walker, school.year6_no_permit, school.year4)


def test_the_real_tags_resolve_in_both_modes(database, school):
    assert scan_phone(database, school.walker, "HBR", ScanMode.MORNING).location == "6A cupboard"
    handed = scan_phone(database, school.walker.lower(), "MJO", ScanMode.HOME_TIME, reason="early leaver")
    assert handed.outcome == "handed back"


def test_a_staff_badge_scanned_as_a_phone_says_so(database, school):
    from db.tags import issue_staff_tag
    from tagcodes import TagKind, new_code

    badge = issue_staff_tag(database, "HBR", lambda: new_code(TagKind.STAFF), by=COMMAND_LINE)
    try:
        scan_phone(database, badge.code, "HBR", ScanMode.MORNING)
    except Refused as exc:
        assert str(exc) == f"{badge.code} is a staff tag, not a phone tag: scan the tag on the phone pouch."
    else:
        raise AssertionError("a staff badge was accepted as a phone")


def test_a_double_read_is_taken_apart_only_when_it_is_one_tag_twice():
    from kiosk.scan import one_read
    from tagcodes import TagKind, new_code

    code, other = new_code(TagKind.PHONE), new_code(TagKind.PHONE)
    assert one_read(code + code) == code
    assert one_read(f"{code} {code}\r") == code
    assert one_read((code + code).lower()) == code.lower()  # read as any code typed in lower case
    for left_alone in (code, code + other, code + code + code, "6A6A", "ipad-03ipad-03", "", code[:-1] * 2):
        assert one_read(left_alone) == left_alone
