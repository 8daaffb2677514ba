"""Chinese citizen ID numbers (GB 11643-1999): 18 characters with a check digit."""

import datetime
import re
import unicodedata

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise(value: str) -> str:
    """The one form an ID number is stored, compared and hashed in: half-width (NFKC), no spaces
    (U+3000 included), upper-case X. ``１１０１…ｘ`` and ``1101… x`` are the same person."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).upper()


def problem(value: str) -> str | None:
    """Return a reason the ID number is invalid (in English msgid form), or None when valid."""
    from django.utils.translation import gettext as _

    value = normalise(value)
    if not _PATTERN.match(value):
        return _("An ID number has 18 characters: 17 digits and a final digit or X.")
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("The birth date inside the ID number is not a real date.")
    if check_digit(value[:17]) != value[17]:
        return _("The check digit of the ID number is wrong; please check for a typing error.")
    return None


def birth_date(value: str) -> datetime.date | None:
    value = normalise(value)
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def make(prefix17: str) -> str:
    """Complete 17 digits with the right check digit (used by demo data and tests)."""
    return prefix17 + check_digit(prefix17)
