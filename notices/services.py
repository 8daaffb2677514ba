"""State changes of notices. One transaction each, keyword-only ``actor``, audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit, events, jobs
from branches.bulk import insert_rows
from branches.models import Member, Organization, RoleGrant
from branches.roles import Role
from branches.uploads import store_upload

from . import audience as audience_rules
from .deadlines import add_working_days
from .formatting import sanitise
from .models import (
    AudienceKind,
    Classification,
    Notice,
    NoticeAudience,
    NoticeCategory,
    NoticeFile,
    NoticeRecipient,
    NoticeStatus,
    NoticeVersion,
)

INSERT_BATCH = 2000


def _is_system(actor) -> bool:
    return actor is audit.SYSTEM or getattr(actor, "is_superuser", False)


def _require_sender(actor, organization: Organization) -> None:
    if _is_system(actor):
        return
    if not Organization.objects.visible_to(actor, "notice.send").filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You may not send notices for %(org)s.") % {"org": organization})


def _url(notice) -> str:
    return reverse("notices:notice_detail", args=[notice.pk])


def _clean_audience(organization: Organization, lines) -> list[NoticeAudience]:
    """Audience lines as unsaved rows; every organisation and person must lie in the sender's subtree."""
    rows = []
    for raw in lines or []:
        kind = raw.get("kind")
        org = raw.get("organization")
        if kind not in AudienceKind.values:
            raise ValidationError({"audience": _("Choose who receives the notice.")})
        if kind == AudienceKind.PERSON:
            user = raw.get("user")
            if user is None:
                raise ValidationError({"audience": _("Choose the person who receives the notice.")})
            inside = (
                Member.objects.filter(user=user, organization__path__startswith=organization.path).exists()
                or RoleGrant.objects.filter(user=user, organization__path__startswith=organization.path).exists()
            )
            if not inside:
                raise ValidationError(
                    {"audience": _("%(name)s is not in %(org)s.") % {"name": user, "org": organization}}
                )
            rows.append(NoticeAudience(kind=kind, user=user, include_subtree=False))
            continue
        if org is None or not org.path.startswith(organization.path):
            raise ValidationError({"audience": _("Choose organisations within %(org)s.") % {"org": organization}})
        role = raw.get("role") or ""
        if kind == AudienceKind.ROLE and role not in Role.values:
            raise ValidationError({"audience": _("Choose the role whose holders receive the notice.")})
        rows.append(
            NoticeAudience(
                kind=kind,
                organization=org,
                include_subtree=bool(raw.get("include_subtree", True)),
                role=role if kind == AudienceKind.ROLE else "",
            )
        )
    if not rows:
        raise ValidationError({"audience": _("Choose who receives the notice.")})
    return rows


def receipt_deadline_for(*, deadline: datetime.date | None, working_days: int | None, today: datetime.date):
    if deadline is None and working_days:
        if working_days < 1 or working_days > 60:
            raise ValidationError({"receipt_working_days": _("Give between 1 and 60 working days.")})
        return add_working_days(today, working_days)
    return deadline


@transaction.atomic
def create_notice(
    *,
    actor,
    organization: Organization,
    category: str,
    title: str,
    body: str = "",
    audience=(),
    requires_receipt: bool = False,
    receipt_deadline: datetime.date | None = None,
    receipt_working_days: int | None = None,
    files=(),
    publish: bool = False,
    publish_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Notice:
    """A draft notice with its audience; published at once (or for ``publish_at``) when ``publish``."""
    _require_sender(actor, organization)
    now = now or timezone.now()
    errors = {}
    if category not in NoticeCategory.values:
        errors["category"] = _("Choose a category from the list.")
    if not (title or "").strip():
        errors["title"] = _("Give the notice a title.")
    deadline = receipt_deadline_for(
        deadline=receipt_deadline, working_days=receipt_working_days, today=timezone.localdate(now)
    )
    if requires_receipt and deadline is None:
        errors["receipt_deadline"] = _("A notice that requires a receipt needs a deadline.")
    elif requires_receipt and deadline < timezone.localdate(now):
        errors["receipt_deadline"] = _("The receipt deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    lines = _clean_audience(organization, audience)
    notice = Notice.objects.create(
        organization=organization,
        category=category,
        title=title.strip()[:200],
        body=sanitise(body),
        requires_receipt=bool(requires_receipt),
        receipt_deadline=deadline if requires_receipt else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for line in lines:
        line.notice = notice
    NoticeAudience.objects.bulk_create(lines)
    audit.record(actor, "notice.create", notice, after=audit.snapshot(notice))
    for uploaded, doc_number, classification in files:
        _attach(actor, notice, uploaded, doc_number, classification)
    if publish:
        _publish(actor, notice, publish_at=publish_at, now=now)
    return notice


def _publish(actor, notice: Notice, *, publish_at=None, now) -> None:
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    if publish_at is not None and publish_at < now - datetime.timedelta(minutes=5):
        raise ValidationError({"publish_at": _("The publication time cannot be in the past.")})
    before = audit.snapshot(notice)
    found = audience_rules.resolve(notice.audience.select_related("organization"))
    if not found:
        raise ValidationError({"audience": _("Nobody is in this audience yet.")})
    # A notice to the whole register is some 20,000 rows: inserted without model instances (branches.bulk).
    insert_rows(
        NoticeRecipient,
        ["notice_id", "user_id", "organization_id", "reply"],
        [(notice.pk, uid, oid, "") for uid, oid in found.items()],
        INSERT_BATCH,
        ignore_conflicts=True,
    )
    notice.status = NoticeStatus.PUBLISHED
    notice.published_at = publish_at or now
    notice.recipient_count = len(found)
    notice.scheduled = publish_at is not None and publish_at > now
    notice.save(update_fields=["status", "published_at", "recipient_count", "scheduled", "updated_at"])
    audit.record(actor, "notice.publish", notice, before=before, after=audit.snapshot(notice))
    if not notice.scheduled:
        # Scheduled notices are announced by the reminder sweep once their time comes (reminders.py).
        jobs.enqueue_on_commit("notices.tasks.announce_notice", notice.pk, "notices.published")


@transaction.atomic
def publish_notice(*, actor, notice: Notice, publish_at=None, now=None) -> Notice:
    _require_sender(actor, notice.organization)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _publish(actor, notice, publish_at=publish_at, now=now or timezone.now())
    return notice


def announce(notice_id: int, kind: str) -> int:
    """Tell every recipient (worker side): published, corrected or withdrawn. Idempotent per kind."""
    notice = Notice.objects.select_related("organization").get(pk=notice_id)
    ids = list(NoticeRecipient.objects.filter(notice=notice).values_list("user_id", flat=True))
    titles = {
        "notices.published": _("New %(category)s: %(title)s"),
        "notices.corrected": _("Corrected (version %(version)s): %(title)s. What changed: %(note)s"),
        "notices.withdrawn": _("Withdrawn: %(title)s"),
    }
    title = titles.get(kind.split(".v")[0], titles["notices.published"]) % {
        "category": notice.get_category_display(),
        "title": notice.title,
        "version": notice.version,
        "note": getattr(notice.versions.first(), "change_note", ""),
    }
    events.notify.send(
        sender=Notice,
        kind=kind,
        obj=notice,
        recipients=ids,
        title=title,
        url=_url(notice),
        urgent=notice.requires_receipt,
        organization_id=notice.organization_id,
    )
    return len(ids)


@transaction.atomic
def add_file(
    *, actor, notice: Notice, uploaded, doc_number: str = "", classification: str = Classification.PUBLIC
) -> NoticeFile:
    _require_sender(actor, notice.organization)
    if notice.status == NoticeStatus.WITHDRAWN:
        raise ValidationError(_("A withdrawn notice cannot take new files."))
    return _attach(actor, notice, uploaded, doc_number, classification)


def _attach(actor, notice, uploaded, doc_number, classification) -> NoticeFile:
    if classification not in Classification.values:
        raise ValidationError({"classification": _("Only public or internal documents belong in the portal.")})
    att = NoticeFile(notice=notice, doc_number=(doc_number or "").strip()[:60], classification=classification)
    store_upload(att, uploaded, kinds=("image", "document"), user=actor)
    att.save()
    audit.record(actor, "notice.file_add", notice, after={"file": att.original_name, "doc_number": att.doc_number})
    return att


def _recipient(actor, notice: Notice) -> NoticeRecipient:
    row = NoticeRecipient.objects.select_for_update().filter(notice=notice, user_id=getattr(actor, "pk", None)).first()
    if row is None:
        raise PermissionDenied(_("Only the recipients of a notice can sign for it."))
    return row


@transaction.atomic
def record_read(*, actor, notice: Notice, now=None) -> bool:
    """The first opening by a recipient; later openings change nothing. A conditional update, no lock."""
    now = now or timezone.now()
    return bool(
        NoticeRecipient.objects.filter(notice=notice, user_id=getattr(actor, "pk", None), read_at__isnull=True).update(
            read_at=now
        )
    )


@transaction.atomic
def sign_notice(*, actor, notice: Notice, reply: str = "", now=None) -> NoticeRecipient:
    """签收: an explicit act of a recipient, once, with an optional short reply."""
    now = now or timezone.now()
    row = _recipient(actor, notice)
    notice = Notice.objects.get(pk=notice.pk)
    if not notice.requires_receipt:
        raise ValidationError(_("This notice does not ask for a receipt."))
    if notice.status == NoticeStatus.WITHDRAWN:
        raise ValidationError(_("This notice has been withdrawn."))
    if row.signed_at is not None:
        raise ValidationError(_("You have already signed for this notice."))
    before = audit.snapshot(row)
    row.signed_at = now
    row.read_at = row.read_at or now
    row.reply = (reply or "").strip()[:200]
    row.save(update_fields=["signed_at", "read_at", "reply"])
    audit.record(actor, "notice.sign", row, before=before, after=audit.snapshot(row))
    return row


@transaction.atomic
def remind_unsigned(*, actor, notice: Notice, now=None) -> int:
    """One click: notify every recipient who has not signed (once per person and day)."""
    _require_sender(actor, notice.organization)
    now = now or timezone.now()
    if not notice.requires_receipt or notice.status != NoticeStatus.PUBLISHED:
        raise ValidationError(_("Only a published notice that asks for a receipt can be chased."))
    unsigned = NoticeRecipient.objects.filter(notice=notice, signed_at__isnull=True)
    ids = list(unsigned.values_list("user_id", flat=True))
    unsigned.update(reminded_at=now)
    audit.record(actor, "notice.remind", notice, after={"reminded": len(ids)})
    kind = f"notices.remind.{timezone.localdate(now):%Y%m%d}"
    title = _("Please sign for: %(title)s (by %(deadline)s)") % {
        "title": notice.title,
        "deadline": notice.receipt_deadline,
    }
    transaction.on_commit(
        lambda: events.notify.send(
            sender=Notice,
            kind=kind,
            obj=notice,
            recipients=ids,
            title=title,
            url=_url(notice),
            urgent=True,
            organization_id=notice.organization_id,
        )
    )
    return len(ids)


@transaction.atomic
def withdraw_notice(*, actor, notice: Notice, reason: str, now=None) -> Notice:
    """Withdrawn notices stay in history and in the recipients' lists, marked withdrawn."""
    _require_sender(actor, notice.organization)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.PUBLISHED:
        raise ValidationError(_("Only a published notice can be withdrawn."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the notice is withdrawn.")})
    before = audit.snapshot(notice)
    notice.status = NoticeStatus.WITHDRAWN
    notice.withdrawn_at = now or timezone.now()
    notice.withdraw_reason = reason.strip()[:300]
    notice.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "updated_at"])
    audit.record(actor, "notice.withdraw", notice, before=before, after=audit.snapshot(notice))
    jobs.enqueue_on_commit("notices.tasks.announce_notice", notice.pk, "notices.withdrawn")
    return notice


@transaction.atomic
def correct_notice(*, actor, notice: Notice, title: str, body: str, change_note: str) -> Notice:
    """A correction keeps the previous text as a version and tells the recipients what changed."""
    _require_sender(actor, notice.organization)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.PUBLISHED:
        raise ValidationError(_("Only a published notice can be corrected."))
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the notice a title.")
    if not (change_note or "").strip():
        errors["change_note"] = _("Say what the correction changes.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(notice)
    NoticeVersion.objects.create(
        notice=notice,
        number=notice.version,
        title=notice.title,
        body=notice.body,
        change_note=change_note.strip()[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    notice.title = title.strip()[:200]
    notice.body = sanitise(body)
    notice.version += 1
    notice.save(update_fields=["title", "body", "version", "updated_at"])
    audit.record(
        actor, "notice.correct", notice, before=before, after={**audit.snapshot(notice), "change_note": change_note}
    )

    kind = f"notices.corrected.v{notice.version}"
    jobs.enqueue_on_commit("notices.tasks.announce_notice", notice.pk, kind)
    return notice


def log_download(*, actor, file: NoticeFile) -> None:
    """Every download of a notice file by a person (the distribution log)."""
    from .models import FileDownload

    if getattr(actor, "pk", None):
        FileDownload.objects.create(file=file, user=actor)
