"""发文字号: one sequence per organisation, prefix and year; the same object keeps its number."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .. import audit
from ..models import DocumentNumberRule, IssuedNumber, Organization
from . import official


def prefix_for(organization: Organization, kind: str) -> str:
    """The organisation's prefix for this kind, else its prefix for every kind, else the setting."""
    rules = {
        r.kind: r.prefix for r in DocumentNumberRule.objects.filter(organization=organization, kind__in=[kind, ""])
    }
    return rules.get(kind) or rules.get("") or settings.DOCUMENT_NUMBER_PREFIX


@transaction.atomic
def issue(
    *,
    actor,
    organization: Organization,
    kind: str,
    obj=None,
    ref: tuple[str, str] | None = None,
    title: str,
    day: datetime.date | None = None,
):
    """The ``IssuedNumber`` of ``obj`` (or of ``ref`` = (type, id) for a document that is no row, such as a
    period's bulletin) as a ``kind`` document of ``organization``: given once, then kept.

    Numbers run 1, 2, 3 … per organisation, prefix and year (the year of issue); a new year starts at 1.
    """
    object_type, object_id = ref if ref else (obj._meta.label_lower, str(obj.pk))
    existing = IssuedNumber.objects.filter(kind=kind, object_type=object_type, object_id=object_id).first()
    if existing is not None:
        return existing
    day = day or timezone.localdate()
    prefix = prefix_for(organization, kind)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()  # one issuer at a time
    last = IssuedNumber.objects.filter(organization=organization, year=day.year, prefix=prefix).aggregate(
        m=Max("sequence")
    )["m"]
    sequence = (last or 0) + 1
    try:
        with transaction.atomic():
            issued = IssuedNumber.objects.create(
                organization=organization,
                year=day.year,
                prefix=prefix,
                sequence=sequence,
                number=official.document_number(prefix, day.year, sequence),
                kind=kind,
                object_type=object_type,
                object_id=object_id,
                title=title[:200],
                issued_on=day,
                issued_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:  # the same object numbered by a parallel request: keep that number
        return IssuedNumber.objects.get(kind=kind, object_type=object_type, object_id=object_id)
    audit.record(actor, "document.numbered", issued, after=audit.snapshot(issued), organization=organization)
    return issued
