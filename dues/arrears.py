"""Arrears: months in a row without dues. After 3 the secretary talks with the member (批评教育); after 6 the
case is on the unit's list for handling under 党章 第九条 (a member who, without proper reason, fails to
take part in organisational life or pay dues for six months in a row is regarded as having given up
membership). Both numbers are ``DuesSettings`` data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Member

from . import lifecases
from .guard import actor_user, require
from .ledger import ZERO, add_months, first_of, ledger, unpaid_run
from .models import ArrearsAction, ArrearsActionKind, ArrearsOutcome, DuesSettings


@dataclass
class Case:
    member: Member
    months: int  # unpaid months in a row, up to the last complete month
    owed: object  # Decimal
    talked: bool  # a talk is recorded since the run began
    decided: bool  # a decision is recorded since the run began
    since: datetime.date


def cases(members, today: datetime.date, *, minimum: int | None = None) -> list[Case]:
    """Members of ``members`` (a queryset) with at least ``minimum`` unpaid months in a row (fixed queries)."""
    conf = DuesSettings.current()
    minimum = conf.talk_after_months if minimum is None else minimum
    last = add_months(first_of(today), -1)
    first = add_months(last, -(conf.arrears_window_months - 1))
    lines = ledger(members, first, last)
    runs = {pk: unpaid_run(ls) for pk, ls in lines.items()}
    wanted = {pk: n for pk, n in runs.items() if n >= minimum}
    if not wanted:
        return []
    people = {
        m.pk: m
        for m in Member.objects.filter(pk__in=list(wanted)).select_related("organization").defer("id_number", "phone")
    }
    actions: dict[int, set] = {}
    for member_id, kind, date in ArrearsAction.objects.filter(member_id__in=list(wanted)).values_list(
        "member_id", "kind", "date"
    ):
        since = add_months(last, -(wanted[member_id] - 1))
        if date >= since:
            actions.setdefault(member_id, set()).add(kind)
    out = []
    for pk, n in sorted(wanted.items(), key=lambda item: (-item[1], people[item[0]].name)):
        ls = lines[pk][-n:]
        out.append(
            Case(
                member=people[pk],
                months=n,
                owed=sum((line.owed for line in ls), start=ZERO),
                talked=ArrearsActionKind.TALK in actions.get(pk, set()),
                decided=ArrearsActionKind.DECISION in actions.get(pk, set()),
                since=ls[0].month,
            )
        )
    return out


def _months_unpaid(member: Member, today: datetime.date) -> int:
    found = [c for c in cases(Member.objects.filter(pk=member.pk), today, minimum=1) if c.member.pk == member.pk]
    return found[0].months if found else 0


@transaction.atomic
def record_talk(*, actor, member: Member, date: datetime.date, note: str, today: datetime.date) -> ArrearsAction:
    """The secretary's talk with a member in arrears (批评教育), recorded on the case."""
    require(actor, member.organization)
    if not (note or "").strip():
        raise ValidationError({"note": _("Write down what was said and agreed.")})
    months = _months_unpaid(member, today)
    if months == 0:
        raise ValidationError(_("This member has no unpaid months."))
    action = ArrearsAction.objects.create(
        organization=member.organization,
        member=member,
        kind=ArrearsActionKind.TALK,
        months_unpaid=months,
        date=date,
        note=note.strip(),
        created_by=actor_user(actor),
    )
    audit.record(actor, "dues.arrears_talk", action, after=audit.snapshot(action))
    return action


@transaction.atomic
def record_decision(
    *, actor, member: Member, date: datetime.date, outcome: str, note: str, today: datetime.date
) -> ArrearsAction:
    """The unit's decision on a 6-month case (党章 第九条): six months of unpaid dues, or an open case of six
    months without organisational life (which the decision closes)."""
    require(actor, member.organization, "dues.approve")
    if outcome not in ArrearsOutcome.values:
        raise ValidationError({"outcome": _("Choose the decision from the list.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Write down the decision and the meeting that took it.")})
    months = _months_unpaid(member, today)
    needed = DuesSettings.current().handle_after_months
    life_case = lifecases.open_case_of(member)  # six months without organisational life
    if months < needed and life_case is None:
        raise ValidationError(
            _("Only a member with %(n)s months unpaid in a row is handled under Article 9.") % {"n": needed}
        )
    action = ArrearsAction.objects.create(
        organization=member.organization,
        member=member,
        kind=ArrearsActionKind.DECISION,
        months_unpaid=months,
        date=date,
        outcome=outcome,
        note=note.strip(),
        created_by=actor_user(actor),
    )
    audit.record(actor, "dues.arrears_decision", action, after=audit.snapshot(action))
    if life_case is not None:
        lifecases.close_with(life_case, actor=actor, decision=action)
    return action
