"""Collecting from one's own subtree and passing an aggregate up (材料报送的逐级汇总).

A unit asked by the committee relays the same request (same fields, same templates) to the
organisations below it, reviews their answers like any requester, and then gathers the accepted
ones into its own submission: numbers summed, texts listed per organisation, a shared date or
choice kept, every accepted file linked (not copied) and a summary sheet attached. The unit then
checks the draft and submits it up; the committee sees where each piece came from.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organization
from branches.uploads import store_upload

from . import services
from .models import (
    FieldType,
    MaterialRequest,
    RequestStatus,
    RequestTemplate,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)


def _answerable(submission: Submission) -> Submission:
    submission = Submission.objects.select_related("request", "organization").get(pk=submission.pk)
    if submission.request.status != RequestStatus.OPEN:
        raise ValidationError(_("This request is closed."))
    if submission.status not in services.ANSWERABLE:
        raise ValidationError(_("This submission is under review or accepted; it cannot be changed."))
    return submission


@transaction.atomic
def relay_request(
    *,
    actor,
    submission: Submission,
    targets,
    deadline: datetime.date | None,
    instructions: str = "",
    today: datetime.date | None = None,
) -> MaterialRequest:
    """Ask the organisations below ``submission``'s organisation the same questions, by an earlier deadline."""
    services._require_target(actor, submission)
    submission = _answerable(submission)
    parent = submission.request
    if deadline is not None and deadline > parent.deadline:
        raise ValidationError(
            {
                "deadline": _("Ask for it by %(date)s at the latest, the deadline you must meet yourself.")
                % {"date": parent.deadline}
            }
        )
    relay = services.create_request(
        actor=actor,
        organization=submission.organization,
        title=parent.title,
        instructions=(instructions or "").strip() or parent.instructions,
        deadline=deadline,
        fields=parent.fields,
        targets=targets,
        today=today,
    )
    relay.relayed_from = submission
    relay.save(update_fields=["relayed_from"])
    for t in parent.templates.all():  # the same stored file, not a copy
        RequestTemplate.objects.create(
            request=relay,
            file=t.file.name,
            original_name=t.original_name,
            content_type=t.content_type,
            size=t.size,
            sha256=t.sha256,
            uploaded_by=t.uploaded_by,
        )
    audit.record(actor, "collection.relay", relay, after={"relayed_from": submission.pk, "request": parent.pk})
    return relay


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def aggregate_answers(fields: list[dict], rows: list[tuple[str, dict]]) -> dict:
    """``rows``: (organisation name, answers) of the accepted answers below, in tree order.

    Numbers are summed; texts become one line per organisation; a date or choice is kept when every
    organisation that answered gave the same one (otherwise the unit fills it in itself).
    """
    out = {}
    for f in fields:
        key, kind = f["key"], f["type"]
        given = [(org, str(a.get(key, "")).strip()) for org, a in rows if str(a.get(key, "")).strip()]
        if kind == FieldType.FILE or not given:
            continue
        if kind == FieldType.NUMBER:
            total = Decimal(0)
            for _org, value in given:
                try:
                    total += Decimal(value)
                except InvalidOperation:
                    continue
            out[key] = _number(total)
        elif kind == FieldType.TEXT:
            out[key] = "\n".join(f"{org}：{value}" for org, value in given)[:2000]
        elif len({value for _org, value in given}) == 1:
            out[key] = given[0][1]
    return out


def accepted_below(submission: Submission):
    return (
        Submission.objects.filter(request__relayed_from=submission, status=SubmissionStatus.ACCEPTED)
        .select_related("organization")
        .order_by("organization__path", "request_id")
    )


@transaction.atomic
def pass_up(*, actor, submission: Submission, submit: bool = False, now=None) -> Submission:
    """Gather the accepted answers of the relayed requests into ``submission`` (a draft, or submitted)."""
    services._require_target(actor, submission)
    submission = _answerable(submission)
    services._require_requester(actor, submission.organization)
    relays = list(MaterialRequest.objects.filter(relayed_from=submission).order_by("id"))
    if not relays:
        raise ValidationError(_("Ask the organisations below first; there is nothing to gather yet."))
    below = list(accepted_below(submission))
    if not below:
        raise ValidationError(_("No answer from below has been accepted yet; accept at least one first."))
    fields = submission.request.fields
    answers = aggregate_answers(fields, [(s.organization.name, s.answers) for s in below])
    kept = {k: v for k, v in submission.answers.items() if k not in answers}
    before = audit.snapshot(submission)
    submission.files.filter(aggregated=True).delete()
    linked = 0
    for f in SubmissionFile.objects.filter(submission__in=below).select_related("submission__organization"):
        SubmissionFile.objects.create(
            submission=submission,
            field_key=f.field_key,
            aggregated=True,
            file=f.file.name,
            thumbnail=f.thumbnail.name or "",
            original_name=f"{f.submission.organization.name}-{f.original_name}"[-200:],
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by=f.uploaded_by,
        )
        linked += 1
    sheet = SubmissionFile(submission=submission, field_key="", aggregated=True)
    content = ContentFile(_summary_sheet(submission, relays), name=f"{submission.organization.name}汇总.xlsx")
    store_upload(sheet, content, kinds=("document",), user=actor)
    sheet.save()
    note = submission.note or _("Gathered from %(n)s organisations below.") % {"n": len(below)}
    result = services.save_answer(
        actor=actor, submission=submission, answers={**kept, **answers}, note=note, submit=submit, now=now
    )
    audit.record(
        actor,
        "collection.aggregate",
        result,
        before=before,
        after={
            **audit.snapshot(result),
            "from_submissions": [s.pk for s in below],
            "files_linked": linked,
            "at": (now or timezone.now()).isoformat(),
        },
    )
    return result


def _summary_sheet(submission: Submission, relays: list[MaterialRequest]) -> bytes:
    """Every organisation asked below, with its status and answers (the accepted ones are the aggregate)."""
    from branches.documents import xlsx

    book = xlsx.Book()
    fields = [f for f in submission.request.fields if f["type"] != FieldType.FILE]
    ws = book.sheet(
        "下级报送",
        ["组织", "状态", "报送时间", "逾期", *[f["label"] for f in fields], "备注"],
        title=submission.request.title,
        organization=submission.organization.name,
    )
    labels = dict(SubmissionStatus.choices)
    rows = (
        Submission.objects.filter(request__in=relays)
        .select_related("organization")
        .only("status", "answers", "submitted_at", "is_late", "note", "organization__name", "organization__path")
        .order_by("organization__path", "request_id")
    )
    for s in rows:
        ws.append(
            [
                s.organization.name,
                str(labels[s.status]),
                s.submitted_at,
                "是" if s.is_late else "",
                *[s.answers.get(f["key"], "") for f in fields],
                s.note,
            ]
        )
    return book.bytes()


def relays_of(submission: Submission):
    """The requests relayed from ``submission`` with their counts (one query)."""
    from django.db.models import Count, Q

    return (
        MaterialRequest.objects.filter(relayed_from=submission)
        .select_related("organization")
        .annotate(
            n_total=Count("submissions"),
            n_accepted=Count("submissions", filter=Q(submissions__status=SubmissionStatus.ACCEPTED)),
        )
        .order_by("id")
    )


def may_relay(user, submission: Submission) -> bool:
    return Organization.objects.visible_to(user, "collection.request").filter(pk=submission.organization_id).exists()
