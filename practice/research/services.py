"""State changes of research topics. One transaction each, keyword-only ``actor``, audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit, periods
from branches.models import Member, Organization
from branches.uploads import store_upload

from ..common import clean_text, require, user_or_none
from .models import OutcomeKind, ResearchOutcome, ResearchPhoto, ResearchReport, ResearchTopic

MAX_PHOTOS = 9


def _snapshot(topic: ResearchTopic) -> dict:
    data = audit.snapshot(topic)
    data["members"] = sorted(topic.members.values_list("pk", flat=True))
    return data


def _check_people(organization: Organization, people) -> None:
    ids = {m.organization_id for m in people if m is not None}
    if ids and Organization.objects.filter(pk__in=ids, path__startswith=organization.path).count() != len(ids):
        raise ValidationError({"members": _("Choose the leader and team from the unit's register.")})


@transaction.atomic
def create_topic(
    *,
    actor,
    organization: Organization,
    title: str,
    year: int,
    leader: Member | None = None,
    members=(),
    plan: str = "",
    photos=(),
) -> ResearchTopic:
    require(actor, organization, "practice.change")
    if not clean_text(title, 200):
        raise ValidationError({"title": _("Name the research topic.")})
    if not year or not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter the year of the topic.")})
    people = list(members or ())
    _check_people(organization, [leader, *people])
    topic = ResearchTopic.objects.create(
        organization=organization,
        year=int(year),
        title=clean_text(title, 200),
        leader=leader,
        plan=(plan or "").strip(),
        created_by=user_or_none(actor),
    )
    topic.members.set(people)
    audit.record(actor, "research.create", topic, after=_snapshot(topic))
    if photos:
        add_photos(actor=actor, topic=topic, photos=photos)
    return topic


@transaction.atomic
def add_photos(*, actor, topic: ResearchTopic, photos) -> list[ResearchPhoto]:
    """Photos of the research (at most nine a topic); each checked and re-encoded by ``store_upload``."""
    require(actor, topic.organization, "practice.change")
    photos = [p for p in photos or () if p]
    if not photos:
        raise ValidationError({"photos": _("Choose the photos to upload.")})
    if topic.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("A research topic keeps at most %(n)s photos.") % {"n": MAX_PHOTOS}})
    saved = []
    for uploaded in photos:
        photo = store_upload(ResearchPhoto(topic=topic), uploaded, kinds=("image",), user=actor)
        photo.save()
        saved.append(photo)
    audit.record(
        actor,
        "research.photos",
        topic,
        after={"photos": [p.original_name for p in saved], "sha256": [p.sha256 for p in saved]},
    )
    return saved


@transaction.atomic
def file_report(*, actor, topic: ResearchTopic, uploaded, today: datetime.date | None = None) -> ResearchReport:
    """File the research report (a document); the topic counts as reported from then on."""
    require(actor, topic.organization, "practice.change")
    before = _snapshot(topic)
    report = store_upload(ResearchReport(topic=topic), uploaded, kinds=("document",), user=actor)
    report.save()
    if topic.report_filed_on is None:
        topic.report_filed_on = today or periods.today()
        topic.save(update_fields=["report_filed_on"])
    audit.record(actor, "research.report", topic, before=before, after=_snapshot(topic))
    return report


@transaction.atomic
def add_outcome(
    *, actor, topic: ResearchTopic, kind: str, description: str, date: datetime.date | None = None
) -> ResearchOutcome:
    """成果转化: record what the research led to."""
    require(actor, topic.organization, "practice.change")
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": _("Choose the kind of outcome from the list.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the outcome.")})
    outcome = ResearchOutcome.objects.create(
        topic=topic, kind=kind, description=description.strip(), date=date or periods.today()
    )
    audit.record(actor, "research.outcome", outcome, after=audit.snapshot(outcome))
    return outcome
