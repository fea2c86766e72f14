"""Tag codes: the format a scanner types and a person copies from under the QR."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagcodes import ALPHABET, BadCode, TagKind, check_symbol, format_code, new_code, parse_code


def test_new_codes_read_back_as_their_kind():
    for kind in TagKind:
        code = new_code(kind)
        assert parse_code(code) == (kind, code)
        assert len(code) == 10 and code[1] == "-" and code[6] == "-"


def test_typed_by_hand_lower_case_without_dashes_and_with_lookalikes():
    code = "P-K3M0-1XT"
    body = code.replace("-", "")
    code = format_code(body[:-1] + check_symbol(body[:-1]))
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse_code(typed) == (TagKind.PHONE, code)


def test_a_wrong_check_symbol_says_there_is_a_mistake():
    code = new_code(TagKind.PHONE)
    wrong = code[:-1] + next(c for c in ALPHABET if c != code[-1])
    with pytest.raises(BadCode, match="mistake"):
        parse_code(wrong)


@given(st.sampled_from(list(TagKind)), st.integers(min_value=1, max_value=7), st.data())
def test_any_single_wrong_symbol_is_caught(kind, position, data):
    compact = new_code(kind).replace("-", "")
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != compact[position]]))
    typo = compact[:position] + replacement + compact[position + 1:]
    with pytest.raises(BadCode):
        parse_code(typo)


@given(st.sampled_from(list(TagKind)), st.integers(min_value=1, max_value=6))
def test_swapping_two_neighbours_is_caught(kind, position):
    compact = new_code(kind).replace("-", "")
    swapped = compact[:position] + compact[position + 1] + compact[position] + compact[position + 2:]
    if swapped != compact:
        with pytest.raises(BadCode):
            parse_code(swapped)


@given(st.text(max_size=200))
def test_any_text_is_a_code_or_a_plain_sentence(text):
    try:
        kind, code = parse_code(text)
    except BadCode as exc:
        message = str(exc)
        assert message.endswith(".") and "\n" not in message and len(message) < 200
    else:
        assert code[0] == kind.letter and set(code.replace("-", "")) <= set(ALPHABET)


def test_codes_use_only_characters_every_keyboard_layout_agrees_on():
    for _ in range(200):
        assert set(new_code(TagKind.PHONE)) <= set(string.ascii_uppercase + string.digits + "-")


def test_a_long_paste_is_refused_quickly():
    with pytest.raises(BadCode, match="too long"):
        parse_code("P" * 10_000)
