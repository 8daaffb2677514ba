"""Query-string parameters parsed in one place (security review F8).

Every page and endpoint reads the common parameters through these parsers, and
``portal.middleware.QueryParamsMiddleware`` applies them to every request first: a value
that cannot be what its name says is dropped on pages (as if it were absent) and answered
with a 400 on the API, never a 500. Values with control characters (a NUL byte) are refused.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_YEAR = 1921  # the party's founding: no record of ours is older
MAX_ID = 2**63 - 1
MAX_LENGTH = 2000
ID_PARAMS = frozenset({"org", "organization", "parent", "unit", "branch", "cycle", "task", "module", "member"})


class BadParameter(ValueError):
    """A parameter that cannot mean what its name says; the message names it in Chinese."""


def last_year() -> int:
    return timezone.localdate().year + 10


def parse_id(name: str, value: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadParameter(_("The parameter %(name)s must be a whole number.") % {"name": name}) from None
    if not 1 <= number <= MAX_ID:
        raise BadParameter(_("The parameter %(name)s is out of range.") % {"name": name})
    return number


def parse_year(name: str, value: str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise BadParameter(_("The parameter %(name)s must be a year such as 2026.") % {"name": name}) from None
    if not FIRST_YEAR <= year <= last_year():
        raise BadParameter(
            _("The parameter %(name)s must be a year between %(first)d and %(last)d.")
            % {"name": name, "first": FIRST_YEAR, "last": last_year()}
        )
    return year


def parse_period(name: str, value: str):
    """A period key (``2026-03``, ``2026-Q1``, ``2026``) within the years above."""
    from .periods import parse

    try:
        parse_year(name, value.split("-")[0])
        return parse(value)
    except (ValueError, OverflowError, IndexError):  # BadParameter is a ValueError too
        raise BadParameter(_("Write the period as 2026-05, 2026-Q2 or 2026.")) from None


def check_text(name: str, value: str) -> str:
    if len(value) > MAX_LENGTH:
        raise BadParameter(_("The parameter %(name)s is too long.") % {"name": name})
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value) or "\x7f" in value:
        raise BadParameter(_("The parameter %(name)s contains characters that are not allowed.") % {"name": name})
    return value


def check(name: str, value: str) -> None:
    """Raise ``BadParameter`` when ``value`` cannot be what ``name`` says."""
    check_text(name, value)
    if value == "":
        return
    if name in ID_PARAMS:
        parse_id(name, value)
    elif name == "year":
        parse_year(name, value)
    elif name == "period":
        parse_period(name, value)


def record_date_bounds(*, birth: bool = False, plan: bool = False) -> tuple[datetime.date, datetime.date]:
    """The dates a record may carry (security review F6)."""
    first = datetime.date(1900 if birth else FIRST_YEAR, 1, 1)
    this_year = timezone.localdate().year
    return first, datetime.date(this_year + (10 if plan else 2), 12, 31)
