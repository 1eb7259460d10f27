from decimal import Decimal

import pytest

from stockbot.commands.quantity import (
    QuantityError,
    QuantityText,
    looks_like_quantity,
    parse_quantity,
)
from stockbot.i18n import CATALOG


@pytest.mark.parametrize(
    ("token", "value", "unit"),
    [
        ("20", "20", None),
        ("20pcs", "20", "pcs"),
        ("2.5kg", "2.5", "kg"),
        ("2箱", "2", "箱"),
        ("１２", "12", None),
        ("２０ｐｃｓ", "20", "pcs"),
        ("1,000", "1000", None),
        ("１，０００", "1000", None),
        ("1,234,567.5", "1234567.5", None),
        ("0.1", "0.1", None),
        (".5", "0.5", None),
        ("007", "7", None),
        ("20个", "20", "个"),
        ("0.000001", "0.000001", None),
        ("999999999999", "999999999999", None),
    ],
)
def test_a_well_formed_quantity_is_parsed_to_an_exact_decimal_and_its_unit(
    token: str, value: str, unit: str | None
) -> None:
    parsed = parse_quantity(token)
    assert parsed == QuantityText(Decimal(value), unit)
    assert isinstance(parsed.value, Decimal)


def test_point_one_stays_exactly_one_tenth_because_no_float_is_involved() -> None:
    assert parse_quantity("0.1").value * 3 == Decimal("0.3")


def test_trailing_zeros_do_not_count_as_decimal_places() -> None:
    assert parse_quantity("1.50000000").value == Decimal("1.5")


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("0", "qty.not_positive"),
        ("0.000", "qty.not_positive"),
        ("-5", "qty.not_positive"),
        ("abc", "qty.invalid"),
        ("1e309", "qty.scientific"),
        ("1e5", "qty.scientific"),
        ("1E5", "qty.scientific"),
        ("2.5e-3", "qty.scientific"),
        ("1e5kg", "qty.scientific"),
        ("NaN", "qty.not_finite"),
        ("nan", "qty.not_finite"),
        ("inf", "qty.not_finite"),
        ("-Infinity", "qty.not_finite"),
        ("0.0000001", "qty.too_many_decimals"),
        ("1.1234567", "qty.too_many_decimals"),
        ("1234567890123", "qty.too_large"),
        ("1,234,567,890,123", "qty.too_large"),
        ("1,00", "qty.invalid"),
        ("1.", "qty.invalid"),
        ("+5", "qty.invalid"),
        ("5%", "qty.invalid"),
        ("", "qty.missing"),
        ("   ", "qty.missing"),
    ],
)
def test_a_bad_quantity_is_refused_with_a_message_key(token: str, key: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_quantity(token)
    assert caught.value.key == key
    assert caught.value.params["token"] == token


def test_every_quantity_error_key_has_a_message_in_the_catalog() -> None:
    keys = {
        "qty.missing",
        "qty.invalid",
        "qty.not_positive",
        "qty.not_finite",
        "qty.scientific",
        "qty.too_many_decimals",
        "qty.too_large",
    }
    for key in keys:
        assert {"en", "zh-Hans"} <= CATALOG[key].keys()


def test_a_quantity_error_is_a_value_error_so_generic_handlers_still_catch_it() -> None:
    with pytest.raises(ValueError, match=r"qty\.not_positive"):
        parse_quantity("0")


@pytest.mark.parametrize(
    ("token", "shaped"),
    [
        ("20", True),
        ("3M", True),
        ("0", True),
        ("-5", True),
        ("1e5", True),
        ("NaN", True),
        ("２０个", True),
        ("m8", False),
        ("M8螺栓", False),
        ("WO-12", False),
        ("abc", False),
        ("", False),
    ],
)
def test_the_parser_can_tell_which_tokens_look_like_quantities(token: str, shaped: bool) -> None:
    assert looks_like_quantity(token) is shaped


def test_a_quantity_prints_as_number_then_unit() -> None:
    assert str(parse_quantity("2.5kg")) == "2.5kg"
