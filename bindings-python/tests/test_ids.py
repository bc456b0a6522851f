from __future__ import annotations

import pickle

import pytest

import carecoord
from carecoord.ids import NhsNumber


def test_forms_and_reveal_on_purpose() -> None:
    n = NhsNumber("943-476-5919")
    assert n == NhsNumber("9434765919")
    assert n.digits() == "9434765919"
    assert n.formatted() == "943 476 5919"
    assert hash(n) == hash(NhsNumber("943 476 5919"))
    assert sorted([NhsNumber("9990000018"), n]) == [n, NhsNumber("9990000018")]


def test_never_shown_by_accident() -> None:
    n = NhsNumber("9434765919")
    for shown in (repr(n), str(n), f"{n}", repr([n]), repr({"nhs": n})):
        assert "943" not in shown and "5919" not in shown


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "nhs_number.empty"),
        ("943476591", "nhs_number.wrong_length"),
        ("94347659X9", "nhs_number.invalid_character"),
        ("943 476-5919", "nhs_number.misplaced_separator"),
        ("9434765918", "nhs_number.check_digit_mismatch"),
        ("1000000010", "nhs_number.check_digit_ten"),
    ],
)
def test_invalid_numbers_raise_typed_errors_without_the_digits(text: str, code: str) -> None:
    with pytest.raises(carecoord.InvalidNhsNumber) as raised:
        NhsNumber(text)
    err = raised.value
    assert err.code == code and err.kind == "invalid_input"
    assert isinstance(err, ValueError) and isinstance(err, carecoord.CarecoordError)
    if len(text) >= 4:
        assert text[:4] not in str(err) and text[-4:] not in str(err)
    assert not NhsNumber.is_valid(text)


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        NhsNumber(9434765919)  # type: ignore[arg-type]


def test_errors_survive_pickling() -> None:
    with pytest.raises(carecoord.InvalidNhsNumber) as raised:
        NhsNumber("9434765918")
    again = pickle.loads(pickle.dumps(raised.value))
    assert type(again) is carecoord.InvalidNhsNumber
    assert (again.code, again.kind, str(again)) == (raised.value.code, "invalid_input", str(raised.value))
