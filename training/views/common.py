"""Helpers shared by the training pages (form errors, the year and period asked for, counts)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches import periods

from ..models import (
    ItemProgress,
    StudyItem,
)


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        return this_year
    return year if 2000 <= year <= 2100 else this_year


def _overview_period(request) -> periods.Period:
    """``period=2026-Q2`` (a month, quarter or year, as the dashboards link), else the ``year``."""
    key = request.GET.get("period", "")
    try:
        period = periods.parse(key) if key else None
    except (ValueError, TypeError):
        period = None
    if period is None or not 2000 <= period.start.year <= 2100:
        period = periods.period_containing("year", datetime.date(_year(request), 1, 1))
    return period


def _int(value) -> int:
    """A posted id, or 0 (which matches nothing) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _items_count():
    return Coalesce(
        Subquery(
            StudyItem.objects.filter(module_id=OuterRef("module_id"))
            .values("module_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _done_count():
    return Coalesce(
        Subquery(
            ItemProgress.objects.filter(assignment_id=OuterRef("pk"), completed_at__isnull=False)
            .values("assignment_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )
