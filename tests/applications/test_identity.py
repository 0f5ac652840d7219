from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError

from applications.identity import (
    IdNumber,
    mask_phone,
    normalize_mobile,
    parse_id_number,
    validate_id_number,
    validate_mobile,
)

TODAY = date(2026, 5, 2)


def with_check(first17: str) -> str:
    """Complete an ID number the ISO 7064 MOD 11-2 way, independently of the lookup table under test."""
    total = sum(int(digit) * pow(2, 17 - position, 11) for position, digit in enumerate(first17))
    check = (12 - total % 11) % 11
    return first17 + ("X" if check == 10 else str(check))


def parse_error(raw: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_id_number(raw, today=TODAY)
    return caught.value


def test_the_helper_reproduces_the_published_sample():
    assert with_check("11010519491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        with_check("44532319850615123"),  # 云安县, a retired code still on old cards
        with_check("44530219900101456"),
        with_check("11010520000229001"),  # leap day, outside 云浮
        with_check("51010719780808030"),
        with_check("99999919700101001"),  # an area code nobody knows is still accepted
    ],
)
def test_valid_numbers_are_accepted_whatever_the_area_code(number):
    assert parse_id_number(number, today=TODAY) == IdNumber(number)


def test_spaces_and_lower_case_x_are_normalised():
    assert parse_id_number(" 110105 19491231 002x ", today=TODAY).value == "11010519491231002X"


def test_full_width_input_from_a_chinese_keyboard_is_normalised():
    assert parse_id_number("１１０１０５１９４９１２３１００２ｘ", today=TODAY).value == "11010519491231002X"


def test_a_wrong_check_character_is_refused():
    error = parse_error("110105194912310021")
    assert error.messages == ["身份证号校验位不正确，请核对后重新输入。"]
    assert error.code == "id_number_check_character"


@pytest.mark.parametrize(
    ("first17", "digits"),
    [("44530219990230123", "19990230"), ("44530219991301123", "19991301"), ("44530219990100123", "19990100")],
)
def test_an_impossible_birth_date_is_refused_even_with_a_correct_check_character(first17, digits):
    error = parse_error(with_check(first17))
    assert error.messages == [f"身份证号中的出生日期{digits}不存在。"]
    assert error.code == "id_number_birth_date"


def test_a_birth_date_after_today_is_refused_but_today_is_accepted():
    error = parse_error(with_check("44530220260503001"))
    assert error.code == "id_number_birth_date_future"
    assert "20260503" in error.messages[0]
    assert parse_id_number(with_check("44530220260502001"), today=TODAY).birth_date == TODAY


def test_a_birth_date_before_1900_is_refused():
    error = parse_error(with_check("44530218991231001"))
    assert error.code == "id_number_birth_date_too_early"
    assert parse_id_number(with_check("44530219000101001"), today=TODAY).birth_date == date(1900, 1, 1)


@pytest.mark.parametrize(("raw", "length"), [("11010519491231002", 17), ("11010519491231002X1", 19)])
def test_a_wrong_length_says_how_many_characters_were_given(raw, length):
    error = parse_error(raw)
    assert error.messages == [f"身份证号应为18位，您输入了{length}位。"]
    assert error.code == "id_number_length"


def test_an_empty_number_asks_for_one():
    assert parse_error("   ").messages == ["请输入身份证号。"]


@pytest.mark.parametrize(
    "raw", ["1101051949A231002X", "11010519491231X02X", "X1010519491231002X", "11010519491231002Y"]
)
def test_letters_other_than_a_final_x_are_refused(raw):
    error = parse_error(raw)
    assert error.messages == ["身份证号只能由数字和末位X组成。"]
    assert error.code == "id_number_characters"


def test_birth_date_sex_and_parts_are_derived():
    woman = parse_id_number("11010519491231002X", today=TODAY)
    assert woman.birth_date == date(1949, 12, 31)
    assert woman.sex == "女"
    assert woman.area_code == "110105"
    assert woman.last6 == "31002X"
    man = parse_id_number(with_check("44532319850615123"), today=TODAY)
    assert man.sex == "男"
    assert man.birth_date == date(1985, 6, 15)


def test_masked_shows_the_area_code_and_the_last_four_only():
    number = parse_id_number(with_check("44530219900119123"), today=TODAY)
    assert number.value == "44530219900119123X"
    assert number.masked() == "445302********123X"
    assert parse_id_number("11010519491231002X", today=TODAY).masked() == "110105********002X"


def test_age_is_counted_in_full_years_around_the_birthday():
    number = parse_id_number(with_check("44530220080502001"), today=TODAY)
    assert number.age_on(date(2026, 5, 1)) == 17
    assert number.age_on(date(2026, 5, 2)) == 18
    assert number.age_on(date(2026, 5, 3)) == 18


def test_a_leap_day_birthday_is_reached_on_1_march_in_common_years():
    number = parse_id_number(with_check("11010520000229001"), today=TODAY)
    assert number.age_on(date(2018, 2, 28)) == 17
    assert number.age_on(date(2018, 3, 1)) == 18
    assert number.age_on(date(2020, 2, 29)) == 20


@pytest.mark.parametrize(
    "raw",
    ["13812345678", "+86 138 1234 5678", "+8613812345678", "0086-138-1234-5678", "8613812345678", " 138-1234-5678 "],
)
def test_mobile_numbers_are_normalised_to_eleven_digits(raw):
    assert normalize_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw",
    ["138123456789", "1381234567", "12812345678", "10812345678", "0766-8881234", "07668881234", "+8607668881234", ""],
)
def test_invalid_mobiles_are_refused(raw):
    with pytest.raises(ValidationError) as caught:
        normalize_mobile(raw)
    assert caught.value.messages == ["请输入有效的11位手机号码。"]
    assert caught.value.code == "invalid_mobile"


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("1234567") == "*******"


class IdentityForm(forms.Form):
    id_number = forms.CharField(validators=[validate_id_number])
    phone = forms.CharField(validators=[validate_mobile])


def test_the_validators_report_chinese_errors_on_a_django_form():
    form = IdentityForm(data={"id_number": "110105194912310021", "phone": "0766-8881234"})
    assert form.errors == {
        "id_number": ["身份证号校验位不正确，请核对后重新输入。"],
        "phone": ["请输入有效的11位手机号码。"],
    }
    assert IdentityForm(data={"id_number": "11010519491231002x", "phone": "+86 138 1234 5678"}).is_valid()


def test_the_form_validator_uses_the_local_date_for_the_future_check(monkeypatch):
    monkeypatch.setattr("applications.identity.timezone.localdate", lambda: date(2026, 5, 2))
    with pytest.raises(ValidationError) as caught:
        validate_id_number(with_check("44530220260503001"))
    assert caught.value.code == "id_number_birth_date_future"
    validate_id_number(with_check("44530220260502001"))
