"""Read-only aggregates: the committee board and the bulletin (通报). Fixed query counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from branches import periods
from branches.models.tree import unit_label

from .calendar import WorkCalendar
from .models import Card, Finding, Rectification, Severity, SupervisionTask
from .querysets import late_by


def _pct(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def board(user, *, today: datetime.date) -> dict:
    cal = WorkCalendar()
    cutoff = cal.overdue_cutoff(today, 1)
    tasks_url = reverse("supervision:task_list")
    findings_url = reverse("supervision:finding_list")
    rects_url = reverse("supervision:rectification_list")
    cards_url = reverse("supervision:card_list")

    task_rows = dict(SupervisionTask.objects.visible_to(user).order_by().values_list("status").annotate(n=Count("pk")))
    tasks = [
        {"label": label, "count": task_rows.get(value, 0), "url": f"{tasks_url}?status={value}"}
        for value, label in SupervisionTask.Status.choices
    ]

    findings = Finding.objects.visible_to(user).order_by()
    matrix_rows = findings.values("category_id", "category__name", "category__order", "severity").annotate(
        n=Count("pk")
    )
    categories: dict[int, dict] = {}
    for row in sorted(matrix_rows, key=lambda r: (r["category__order"], r["category__name"])):
        cat = categories.setdefault(
            row["category_id"],
            {"name": row["category__name"], "id": row["category_id"], "cells": {}, "total": 0},
        )
        cat["cells"][row["severity"]] = row["n"]
        cat["total"] += row["n"]
    severities = Severity.choices
    finding_matrix = []
    for cat in categories.values():
        cells = [
            {"count": cat["cells"].get(s, 0), "url": f"{findings_url}?category={cat['id']}&severity={s}"}
            for s, _label in severities
        ]
        finding_matrix.append(
            {"name": cat["name"], "cells": cells, "total": cat["total"], "url": f"{findings_url}?category={cat['id']}"}
        )
    finding_totals = findings.aggregate(total=Count("pk"), repeats=Count("pk", filter=Q(repeat_of__isnull=False)))

    rect = (
        Rectification.objects.visible_to(user)
        .order_by()
        .aggregate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status="closed")),
            on_time=Count("pk", filter=Q(status="closed", closed_at__date__lte=F("effective_deadline"))),
            overdue=Count("pk", filter=~Q(status="closed") & late_by(cutoff)),
        )
    )
    overdue_by_unit = list(
        Rectification.objects.visible_to(user)
        .open()
        .filter(late_by(cutoff))
        .order_by()
        .values("owner_org_id", "owner_org__name", "owner_org__depth", "owner_org__unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_org__name")[:20]
    )
    for row in overdue_by_unit:
        row["url"] = f"{rects_url}?overdue=1&org={row['owner_org_id']}"
        row["label"] = unit_label(row["owner_org__name"], row["owner_org__unit__name"], row["owner_org__depth"])

    card_rows = {
        r["colour"]: r
        for r in Card.objects.visible_to(user)
        .order_by()
        .values("colour")
        .annotate(total=Count("pk"), active=Count("pk", filter=Q(revoked_at__isnull=True, cleared_at__isnull=True)))
    }
    cards = [
        {
            "colour": colour,
            "label": label,
            "total": card_rows.get(colour, {}).get("total", 0),
            "active": card_rows.get(colour, {}).get("active", 0),
            "url": f"{cards_url}?colour={colour}",
        }
        for colour, label in Card._meta.get_field("colour").choices
    ]
    return {
        "tasks": tasks,
        "severities": severities,
        "finding_matrix": finding_matrix,
        "finding_total": finding_totals["total"],
        "category_count": len(finding_matrix),
        "repeat_rate": _pct(finding_totals["repeats"], finding_totals["total"]),
        "repeats_url": f"{findings_url}?repeat=1",
        "rect": rect,
        "completion_rate": _pct(rect["closed"], rect["total"]),
        "on_time_rate": _pct(rect["on_time"], rect["closed"]),
        "rect_urls": {
            "all": rects_url,
            "closed": f"{rects_url}?status=closed",
            "overdue": f"{rects_url}?overdue=1",
        },
        "overdue_by_unit": overdue_by_unit,
        "cards": cards,
    }


def period_from(key: str | None, today: datetime.date) -> periods.Period:
    if key:
        try:
            return periods.parse(key)
        except (ValueError, TypeError):
            pass
    return periods.period_containing("month", today)


@dataclass
class Bulletin:
    period: periods.Period
    cards: list = field(default_factory=list)
    overdue: list = field(default_factory=list)


def bulletin(user, period: periods.Period, *, today: datetime.date) -> Bulletin:
    """Cards issued in the period and rectifications overdue at its end (or today, if earlier)."""
    cal = WorkCalendar()
    as_of = min(period.end, today)
    cards = list(
        Card.objects.visible_to(user)
        .filter(issued_at__gte=period.start_datetime(), issued_at__lt=period.end_datetime())
        .select_related("organization__unit", "rule")
        .order_by("colour", "organization__path", "issued_at")
    )
    overdue = list(
        Rectification.objects.visible_to(user)
        .filter(late_by(cal.overdue_cutoff(as_of, 1)))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=as_of))
        .filter(finding__recorded_at__date__lte=as_of)
        .select_related("owner_org__unit", "finding__category")
        .order_by("effective_deadline", "pk")
    )
    for r in overdue:
        r.overdue_days = cal.working_days_between(r.deadline_on(as_of, cal), as_of)
    return Bulletin(period=period, cards=cards, overdue=overdue)


def bulletin_xlsx(b: Bulletin) -> HttpResponse:
    from branches.documents import xlsx

    book = xlsx.Book()
    title = f"{_('Supervision bulletin')} {b.period.label}"
    ws = book.sheet(
        _("Cards"),
        [_("Colour"), _("Organisation"), _("Rule"), pgettext("supervision", "Reason"), _("Issued at"), _("State")],
        title=title,
    )
    for c in b.cards:
        state = _("Revoked") if c.revoked_at else (_("Cleared") if c.cleared_at else _("Active"))
        ws.append(
            [
                c.get_colour_display(),
                c.organization.label,
                c.rule.name,
                c.reason,
                xlsx.local_date(c.issued_at),
                state,
            ]
        )
    ws2 = book.sheet(
        _("Overdue rectifications"),
        [_("Organisation"), _("Category"), _("Measures"), _("Deadline"), _("Working days overdue")],
        title=title,
    )
    for r in b.overdue:
        ws2.append([r.owner_org.label, r.finding.category.name, r.measures, r.effective_deadline, r.overdue_days])
    return book.response(f"bulletin-{b.period.key}.xlsx")
