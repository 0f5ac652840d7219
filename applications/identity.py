"""Citizen identifiers on the intake form: the GB 11643 ID number and the mainland mobile number.

Pure functions, no database: forms use the validators, services use `parse_id_number` to get the
birth date and sex, lists use the masking helpers (SPEC §8).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

# GB 11643-1999 (ISO 7064 MOD 11-2): weight i is 2^(17-i) mod 11; the check character is looked up by the sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
ID_LENGTH = 18
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
# Longest prefix first, so "0086" is not read as "00" + "86".
_MOBILE_COUNTRY_PREFIXES = ("+86", "0086", "86")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class IdNumber:
    """A checked ID number; build it with `parse_id_number`, which guarantees `value` is well formed."""

    value: str

    def __str__(self) -> str:
        return self.value

    @property
    def area_code(self) -> str:
        return self.value[:6]

    @property
    def birth_date(self) -> date:
        return date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def sex(self) -> str:
        return "男" if int(self.value[16]) % 2 else "女"

    @property
    def last6(self) -> str:
        return self.value[-6:]

    def age_on(self, day: date) -> int:
        # Full years, reached on the birthday itself (a 29 February birthday is reached on 1 March in
        # common years). The criminal-law reading (最高法 未成年人刑事案件解释 第二条) counts a 周岁 from the
        # day after the birthday; a caller applying that rule passes the previous day.
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def masked(self) -> str:
        return f"{self.value[:6]}{'*' * 8}{self.value[-4:]}"


def id_check_character(first17: str) -> str:
    return ID_CHECK_CHARACTERS[sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def _compact(raw: str) -> str:
    # NFKC turns full-width digits, Ｘ and ＋ typed with a Chinese input method into their ASCII forms.
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw))


def parse_id_number(raw: str, *, today: date) -> IdNumber:
    # The area code is deliberately not checked: applicants come from all over the country and old
    # cards keep retired codes (445323, the former 云安县), so any six digits are accepted.
    value = _compact(raw).upper()
    if not value:
        raise ValidationError("请输入身份证号。", code="id_number_missing")
    if len(value) != ID_LENGTH:
        raise ValidationError(
            "身份证号应为18位，您输入了%(length)d位。", code="id_number_length", params={"length": len(value)}
        )
    if not _ID_PATTERN.fullmatch(value):
        raise ValidationError("身份证号只能由数字和末位X组成。", code="id_number_characters")
    digits = value[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValidationError(
            "身份证号中的出生日期%(digits)s不存在。", code="id_number_birth_date", params={"digits": digits}
        ) from None
    if born > today:
        raise ValidationError(
            "身份证号中的出生日期%(digits)s晚于今天，请核对后重新输入。",
            code="id_number_birth_date_future",
            params={"digits": digits},
        )
    if born < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            "身份证号中的出生日期%(digits)s早于1900年，请核对后重新输入。",
            code="id_number_birth_date_too_early",
            params={"digits": digits},
        )
    if id_check_character(value[:17]) != value[17]:
        raise ValidationError("身份证号校验位不正确，请核对后重新输入。", code="id_number_check_character")
    return IdNumber(value)


def normalize_mobile(raw: str) -> str:
    number = _compact(raw).replace("-", "")
    for prefix in _MOBILE_COUNTRY_PREFIXES:
        if number.startswith(prefix):
            number = number.removeprefix(prefix)
            break
    if not _MOBILE_PATTERN.fullmatch(number):
        raise ValidationError("请输入有效的11位手机号码。", code="invalid_mobile")
    return number


def mask_phone(phone: str) -> str:
    # Keeps the first 3 and last 4 characters (138****5678); anything too short to keep both is hidden whole.
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def validate_id_number(value: str) -> None:
    parse_id_number(value, today=timezone.localdate())


def validate_mobile(value: str) -> None:
    normalize_mobile(value)
