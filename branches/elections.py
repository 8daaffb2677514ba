"""Election rules (换届选举), 中国共产党基层组织选举工作条例:

* the election meeting is valid only when the members with a vote who attend are **more than
  4/5** of those entitled to vote;
* a candidate is elected only with yes-votes from **more than half** of those attending with a vote;
* probationary members have no vote and cannot be elected (and neither can members under
  留党察看: ``voting_right_problem`` is the one place to add further reasons);
* an early or late election (提前/延期换届) needs an approval record (who approved, document
  number, date) and moves the term by at most ``term.change.max_months`` (1 year, 任期意见).

Regulation thresholds are fractions here, not rule data: they are not local practice.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from django.utils.translation import gettext as _

from . import rules
from .models import Member, MemberCategory
from .models.members import ACTIVE_STATUSES

VALIDITY_SHARE = Fraction(4, 5)  # attending voters must be more than this share of the entitled
MAJORITY_SHARE = Fraction(1, 2)  # a winner needs more yes-votes than this share of attending voters
REGULATION = "《中国共产党基层组织选举工作条例》"


def voting_right_problem(member: Member) -> str | None:
    """Why this person has no vote (and cannot be elected), or None when they have one.

    Other helpers extend this one function (e.g. 留党察看 from the member file).
    """
    if member.category == MemberCategory.PROBATIONARY:
        return _(
            "%(name)s is a probationary member: probationary members have no vote and cannot be elected (%(reg)s)."
        ) % {
            "name": member.name,
            "reg": REGULATION,
        }
    if member.category != MemberCategory.FULL:
        return _("%(name)s is not a party member and has no vote.") % {"name": member.name}
    if member.status not in ACTIVE_STATUSES:
        return _("%(name)s is not a member in good standing and has no vote.") % {"name": member.name}
    return None


def has_vote(member: Member) -> bool:
    return voting_right_problem(member) is None


def voters(queryset):
    """Narrow a member queryset to those with a vote (SQL twin of ``has_vote``)."""
    return queryset.filter(category=MemberCategory.FULL, status__in=ACTIVE_STATUSES)


def meeting_problem(expected: int | None, present: int | None) -> str | None:
    """Why an election meeting is invalid, or None. Both numbers count members *with a vote*."""
    if expected is None or present is None:
        return None
    if expected <= 0:
        return _("An election needs members entitled to vote.")
    if present > expected:
        return _("More members present than entitled to vote.")
    if Fraction(present, expected) <= VALIDITY_SHARE:
        return _(
            "The election is invalid: %(present)s of %(expected)s members with a vote attended; more than 4/5 "
            "must attend (%(reg)s)."
        ) % {"present": present, "expected": expected, "reg": REGULATION}
    return None


def elected_problem(votes: int | None, present: int | None) -> str | None:
    """Why a candidate with ``votes`` yes-votes is not elected, or None."""
    if votes is None or present is None:
        return None
    if votes > present:
        return _("Votes cannot exceed the members present.")
    if Fraction(votes, present or 1) <= MAJORITY_SHARE:
        return _(
            "Not elected: %(votes)s yes-votes of %(present)s members present with a vote; more than half are "
            "needed (%(reg)s)."
        ) % {"votes": votes, "present": present, "reg": REGULATION}
    return None


def schedule_problems(
    *,
    change: str,
    start: datetime.date,
    regular_start: datetime.date | None,
    approval_authority: str,
    approval_reference: str,
    approval_date: datetime.date | None,
    values: dict,
) -> dict[str, str]:
    """Problems of an early or late election record, by field (empty for a regular one)."""
    from .models import TermChange

    if change not in (TermChange.EARLY, TermChange.LATE):
        return {}
    problems = {}
    missing = []
    if not (approval_authority or "").strip():
        missing.append(_("who approved"))
    if not (approval_reference or "").strip():
        missing.append(_("the document number"))
    if approval_date is None:
        missing.append(_("the approval date"))
    if missing:
        problems["approval_reference"] = _(
            "An early or late election needs its approval record: %(missing)s (任期意见)."
        ) % {"missing": "、".join(str(m) for m in missing)}
    if regular_start is not None:
        limit = values.get("term.change.max_months", 12)
        if change == TermChange.EARLY:
            too_far = start < rules.add_months(regular_start, -limit)
            wrong_side = start > regular_start
        else:
            too_far = start > rules.add_months(regular_start, limit)
            wrong_side = start < regular_start
        if too_far:
            problems["start"] = _(
                "A term may be advanced or extended by at most %(n)s months (任期意见); the regular date is %(date)s."
            ) % {"n": limit, "date": regular_start}
        elif wrong_side:
            problems["change"] = _("The regular date is %(date)s: this election is not %(kind)s.") % {
                "date": regular_start,
                "kind": TermChange(change).label,
            }
    return problems
