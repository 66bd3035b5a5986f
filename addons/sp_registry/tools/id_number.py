"""Checks of Vietnamese personal numbers and phone numbers, pure Python (no ORM).

The registry forms, the import pipeline and the demo generator all call these, so a number is
judged the same way everywhere. Each ``validate_*`` returns ``(errors, warnings)``: two lists of
messages in ``lang`` (an Odoo language code such as ``env.lang``; English by default). Errors
block the record; warnings are shown but do not block.
"""
import datetime
import re

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Codes of the place of birth registration (Circular 07/2016/TT-BCA, 59/2021/TT-BCA): the 63
# provinces before the 2025 reform. The number never changes when provinces merge, so this list
# stays the 63 historical codes. Any other prefix (a country code, a new code) only warns.
PROVINCE_ID_CODES = frozenset({
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
})

_SEPARATORS = re.compile(r"[\s.\-]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")


def normalize_id_number(value):
    """Strip spaces, dots and dashes; ``False``/empty stays ``False``."""
    if not value:
        return False
    return _SEPARATORS.sub("", str(value)) or False


def id_number_century(number):
    """(first year of the century, gender) encoded by digit 4 of a 12-digit number."""
    digit = int(number[3])
    return 1900 + 100 * (digit // 2), ("male" if digit % 2 == 0 else "female")


def _t(lang, message):
    """The text of a lazy message in ``lang``, without guessing the language from the stack."""
    return message._translate(lang or "en_US")


def validate_id_number(number, gender=None, birth_year=None, today=None, lang=None):
    """Check a 12-digit personal ID (DOMAIN.md section 5).

    :param number: the ID as typed (spaces, dots and dashes are ignored);
    :param gender: ``'male'``, ``'female'`` or None (not checked);
    :param birth_year: int or None (not checked);
    :param today: date used to reject numbers of people born in the future (default: today);
    :param lang: language of the messages (default English).
    :return: ``(errors, warnings)``, lists of str.
    """
    errors, warnings = [], []
    number = normalize_id_number(number)
    if not number:
        return errors, warnings
    if not number.isdigit() or len(number) != 12:
        errors.append(_t(lang, _lt(
            "The personal ID %(number)s must have exactly 12 digits.", number=number)))
        return errors, warnings
    if int(number[3]) > 5:
        errors.append(_t(lang, _lt(
            "The fourth digit of the personal ID %(number)s must be 0 to 5 (century and sex).",
            number=number)))
        return errors, warnings
    if number[:3] not in PROVINCE_ID_CODES:
        warnings.append(_t(lang, _lt(
            "The personal ID %(number)s starts with %(prefix)s, which is not a known province "
            "code: check the number (it may be a country code).", number=number,
            prefix=number[:3])))
    century, id_gender = id_number_century(number)
    id_year = century + int(number[4:6])
    if gender and gender != id_gender:
        errors.append(_t(lang, _lt(
            "The personal ID %(number)s is that of a %(id_gender)s person, but the record says "
            "%(gender)s.", number=number, id_gender=_gender_label(id_gender, lang),
            gender=_gender_label(gender, lang))))
    if birth_year and int(birth_year) != id_year:
        errors.append(_t(lang, _lt(
            "The personal ID %(number)s encodes the birth year %(id_year)s, but the record says "
            "%(year)s.", number=number, id_year=id_year, year=birth_year)))
    elif not birth_year and id_year > (today or datetime.date.today()).year:
        errors.append(_t(lang, _lt(
            "The personal ID %(number)s encodes the birth year %(id_year)s, which is in the "
            "future.", number=number, id_year=id_year)))
    return errors, warnings


def validate_legacy_id_number(number, lang=None):
    """A legacy identity card number: 9 digits (CMND) or 12 digits (old CCCD), digits only."""
    number = normalize_id_number(number)
    if number and (not number.isdigit() or len(number) not in (9, 12)):
        return [_t(lang, _lt("The old ID card number %(number)s must have 9 or 12 digits.",
                        number=number))], []
    return [], []


def normalize_phone(value):
    """A Vietnamese mobile number as 10 digits starting with 0 ('+84 912 345 678' ->
    '0912345678'); values that cannot be normalised are returned stripped, for the error."""
    if not value:
        return False
    phone = re.sub(r"[\s.\-()]", "", str(value))
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) == 11:
        phone = "0" + phone[2:]
    return phone or False


def validate_phone(value, lang=None):
    phone = normalize_phone(value)
    if phone and not _MOBILE.match(phone):
        return [_t(lang, _lt(
            "The phone number %(phone)s is not a Vietnamese mobile number (10 digits starting "
            "with 03, 05, 07, 08 or 09, or +84 followed by 9 digits).", phone=value))], []
    return [], []


def _gender_label(gender, lang):
    return _t(lang, _lt("male") if gender == "male" else _lt("female"))
