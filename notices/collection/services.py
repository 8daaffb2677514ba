"""Material collection: ask, answer (draft, submit), review (accept / return), resubmit. Audited."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit, events
from branches.access import holders
from branches.models import Organization
from branches.roles import Role
from branches.uploads import store_upload

from .models import (
    FieldType,
    MaterialRequest,
    RequestStatus,
    RequestTemplate,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ANSWERABLE = {SubmissionStatus.PENDING, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}
TARGET_ROLES = (Role.SECRETARY, Role.UNIT_ADMIN)


def _is_system(actor) -> bool:
    return actor is audit.SYSTEM or getattr(actor, "is_superuser", False)


def _require_requester(actor, organization: Organization) -> None:
    if _is_system(actor):
        return
    if not Organization.objects.visible_to(actor, "collection.request").filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You may not collect material for %(org)s.") % {"org": organization})


def _require_target(actor, submission: Submission) -> None:
    if _is_system(actor):
        return
    if not Organization.objects.visible_to(actor, "collection.submit").filter(pk=submission.organization_id).exists():
        raise PermissionDenied(_("You may not answer for %(org)s.") % {"org": submission.organization})


def clean_fields(fields) -> list[dict]:
    """The structured form as data; keys unique and simple, types known, choices given for choice fields."""
    out, seen = [], set()
    for i, f in enumerate(fields or [], start=1):
        label = str(f.get("label") or "").strip()[:100]
        key = str(f.get("key") or f"f{i}").strip().lower()
        kind = f.get("type") or FieldType.TEXT
        if not label:
            raise ValidationError({"fields": _("Field %(n)s needs a label.") % {"n": i}})
        if not KEY.match(key) or key in seen:
            raise ValidationError({"fields": _("Field %(n)s needs a unique short key.") % {"n": i}})
        if kind not in FieldType.values:
            raise ValidationError({"fields": _("Field %(n)s has an unknown type.") % {"n": i}})
        choices = [str(c).strip()[:100] for c in f.get("choices") or [] if str(c).strip()]
        if kind == FieldType.CHOICE and not choices:
            raise ValidationError({"fields": _("Field %(n)s needs its choices.") % {"n": i}})
        seen.add(key)
        out.append({"key": key, "label": label, "type": kind, "choices": choices, "required": bool(f.get("required"))})
    return out


def parse_field_lines(text: str) -> list[dict]:
    """The page's compact notation, one field per line: ``label | type | choice1, choice2 | required``."""
    fields = []
    for i, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        kind = parts[1] if len(parts) > 1 and parts[1] else FieldType.TEXT
        choices = [c for c in re.split(r"[,，、]", parts[2]) if c.strip()] if len(parts) > 2 else []
        required = len(parts) > 3 and parts[3].lower() in ("required", "必填", "1", "yes")
        fields.append({"key": f"f{i}", "label": parts[0], "type": kind, "choices": choices, "required": required})
    return fields


@transaction.atomic
def create_request(
    *,
    actor,
    organization: Organization,
    title: str,
    instructions: str = "",
    deadline: datetime.date | None,
    fields=(),
    targets=(),
    template=None,
    today: datetime.date | None = None,
) -> MaterialRequest:
    """Issue a request to organisations inside the requester's subtree: one 未报 submission each (bulk)."""
    _require_requester(actor, organization)
    today = today or timezone.localdate()
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the request a title.")
    if deadline is None:
        errors["deadline"] = _("Give the deadline.")
    elif deadline < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    targets = list(targets)
    if not targets:
        errors["targets"] = _("Choose the organisations that must submit.")
    elif any(not t.path.startswith(organization.path) or t.pk == organization.pk for t in targets):
        errors["targets"] = _("Choose organisations below %(org)s.") % {"org": organization}
    if errors:
        raise ValidationError(errors)
    cleaned = clean_fields(fields)
    request = MaterialRequest.objects.create(
        organization=organization,
        title=title.strip()[:200],
        instructions=(instructions or "").strip(),
        deadline=deadline,
        fields=cleaned,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Submission.objects.bulk_create(
        [Submission(request=request, organization=t) for t in {t.pk: t for t in targets}.values()], batch_size=1000
    )
    if template is not None:
        att = RequestTemplate(request=request)
        store_upload(att, template, kinds=("document",), user=actor)
        att.save()
    audit.record(
        actor, "collection.request", request, after={**audit.snapshot(request), "targets": [t.pk for t in targets]}
    )
    people = holders(targets, TARGET_ROLES)
    ids = sorted({uid for s in people.values() for uid in s})
    url = reverse("notices:request_detail", args=[request.pk])
    transaction.on_commit(
        lambda: events.notify.send(
            sender=MaterialRequest,
            kind="collection.requested",
            obj=request,
            recipients=ids,
            title=_("Material requested: %(title)s (by %(deadline)s)") % {"title": request.title, "deadline": deadline},
            url=url,
            urgent=False,
            organization_id=organization.pk,
        )
    )
    return request


def _check_answers(request: MaterialRequest, answers: dict, *, final: bool, files_present: set[str]) -> dict:
    out, errors = {}, []
    for f in request.fields:
        key, label, kind = f["key"], f["label"], f["type"]
        if kind == FieldType.FILE:
            if final and f.get("required") and key not in files_present:
                errors.append(_("%(label)s: attach the file.") % {"label": label})
            continue
        raw = answers.get(key)
        value = "" if raw is None else str(raw).strip()
        if not value:
            if final and f.get("required"):
                errors.append(_("%(label)s: this field is required.") % {"label": label})
            continue
        if kind == FieldType.NUMBER:
            try:
                float(value)
            except ValueError:
                errors.append(_("%(label)s: enter a number.") % {"label": label})
                continue
        elif kind == FieldType.DATE:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                errors.append(_("%(label)s: enter a date like 2026-03-05.") % {"label": label})
                continue
        elif kind == FieldType.CHOICE and value not in f.get("choices", []):
            errors.append(_("%(label)s: choose one of the options.") % {"label": label})
            continue
        out[key] = value[:2000]
    if errors:
        raise ValidationError({"answers": errors})
    return out


def _store_files(actor, submission: Submission, files: dict) -> None:
    """``files``: ``{field key or "": uploaded}``; a new file replaces the old one of the same key."""
    for key, uploaded in (files or {}).items():
        if uploaded is None:
            continue
        att = SubmissionFile(submission=submission, field_key=key)
        store_upload(att, uploaded, kinds=("image", "document"), user=actor)
        submission.files.filter(field_key=key).delete()
        att.save()


@transaction.atomic
def save_answer(
    *, actor, submission: Submission, answers=None, files=None, note: str = "", submit: bool = False, now=None
) -> Submission:
    """Save a draft, or submit (已报). A returned submission is fixed and submitted again the same way."""
    _require_target(actor, submission)
    now = now or timezone.now()
    submission = Submission.objects.select_for_update().select_related("request").get(pk=submission.pk)
    request = submission.request
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("This request is closed."))
    if submission.status not in ANSWERABLE:
        raise ValidationError(_("This submission is under review or accepted; it cannot be changed."))
    before = audit.snapshot(submission)
    _store_files(actor, submission, files)
    present = set(submission.files.values_list("field_key", flat=True))
    submission.answers = _check_answers(request, answers or {}, final=submit, files_present=present)
    if submit and not request.fields and "" not in present:
        raise ValidationError({"file": _("Attach the material file before submitting.")})
    submission.note = (note or "").strip()[:300]
    if submit:
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = now
        submission.first_submitted_at = submission.first_submitted_at or now
        submission.is_late = timezone.localdate(now) > request.deadline
    else:
        submission.status = (
            SubmissionStatus.DRAFT if submission.status == SubmissionStatus.PENDING else submission.status
        )
    submission.save()
    audit.record(
        actor,
        "collection.submit" if submit else "collection.draft",
        submission,
        before=before,
        after=audit.snapshot(submission),
    )
    return submission


def _review(actor, submission: Submission) -> Submission:
    submission = Submission.objects.select_for_update().select_related("request__organization").get(pk=submission.pk)
    _require_requester(actor, submission.request.organization)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted answer can be reviewed."))
    return submission


def _tell_target(submission: Submission, kind: str, title: str) -> None:
    people = holders([submission.organization], TARGET_ROLES).get(submission.organization_id, set())
    url = reverse("notices:submission_detail", args=[submission.pk])
    transaction.on_commit(
        lambda: events.notify.send(
            sender=Submission,
            kind=kind,
            obj=submission,
            recipients=sorted(people),
            title=title,
            url=url,
            urgent=False,
            organization_id=submission.organization_id,
        )
    )


@transaction.atomic
def accept_submission(*, actor, submission: Submission, now=None) -> Submission:
    submission = _review(actor, submission)
    before = audit.snapshot(submission)
    submission.status = SubmissionStatus.ACCEPTED
    submission.reviewed_at = now or timezone.now()
    submission.reviewed_by = actor if getattr(actor, "pk", None) else None
    submission.return_reason = ""
    submission.save()
    audit.record(actor, "collection.accept", submission, before=before, after=audit.snapshot(submission))
    _tell_target(submission, "collection.accepted", _("Accepted: %(title)s") % {"title": submission.request.title})
    return submission


@transaction.atomic
def return_submission(*, actor, submission: Submission, reason: str, now=None) -> Submission:
    submission = _review(actor, submission)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what must be fixed.")})
    before = audit.snapshot(submission)
    submission.status = SubmissionStatus.RETURNED
    submission.return_reason = reason.strip()[:300]
    submission.returned_count += 1
    submission.reviewed_at = now or timezone.now()
    submission.reviewed_by = actor if getattr(actor, "pk", None) else None
    submission.save()
    audit.record(actor, "collection.return", submission, before=before, after=audit.snapshot(submission))
    _tell_target(
        submission,
        f"collection.returned.{submission.returned_count}",
        _("Returned for changes: %(title)s. %(reason)s") % {"title": submission.request.title, "reason": reason},
    )
    return submission


@transaction.atomic
def close_request(*, actor, request: MaterialRequest) -> MaterialRequest:
    _require_requester(actor, request.organization)
    before = audit.snapshot(request)
    request.status = RequestStatus.CLOSED
    request.save(update_fields=["status"])
    audit.record(actor, "collection.close", request, before=before, after=audit.snapshot(request))
    return request
