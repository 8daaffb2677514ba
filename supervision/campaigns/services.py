"""Every state change of the model-organ campaign (模范机关创建): apply, decide, progress, evaluate, name,
re-check, revoke (also on a red card). One transaction each, keyword-only ``actor``, audited, history kept
as ``TitleEvent`` rows."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.audit import snapshot
from branches.models import Organization
from branches.uploads import store_upload

from .models import (
    Campaign,
    CampaignEntry,
    CampaignFile,
    CampaignProgress,
    CampaignStandard,
    EntryScore,
    Title,
    TitleEvent,
    half_label,
)

# The checklist a new campaign starts from (local practice; the campaign's rows are the data).
DEFAULT_STANDARDS = [
    ("政治建设：坚决做到“两个维护”，第一议题制度落实", 20),
    ("思想建设：理论学习中心组学习、党员教育常态化", 15),
    ("组织建设：支部标准化规范化，三会一课严格落实", 20),
    ("作风建设：调查研究，为群众办实事", 15),
    ("纪律建设：廉政风险防控，警示教育", 15),
    ("党建与业务融合：让党中央放心、让人民群众满意", 15),
]
Status = CampaignEntry.Status


def _now(now=None):
    return now or timezone.now()


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _require(queryset, obj, message):
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def _event(entry, kind, *, actor, now, note="", card=None):
    TitleEvent.objects.create(
        entry=entry, kind=kind, title=entry.title, note=note, card=card, actor=_user_or_none(actor), at=now
    )


def _save(actor, entry, action, before, fields):
    entry.save(update_fields=fields)
    audit.record(actor, action, entry, before=before, after=snapshot(entry), organization=entry.organization)
    return entry


def _locked(entry) -> CampaignEntry:
    return CampaignEntry.objects.select_for_update().select_related("campaign", "organization").get(pk=entry.pk)


def _manage(actor, entry):
    _require(CampaignEntry.objects.visible_to(actor, "manage"), entry, _("Only the campaign's organisers may do this."))


@transaction.atomic
def create_campaign(*, actor, title, year, apply_deadline, organization=None, standards=None) -> Campaign:
    managed = Organization.objects.visible_to(actor, "campaigns.manage")
    organization = organization or managed.order_by("depth", "path").first()
    if organization is None or not managed.filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only work committee staff may start a campaign."))
    if not (title or "").strip():
        raise ValidationError(_("Give the campaign a title."))
    if apply_deadline is None or not year:
        raise ValidationError(_("Give the campaign year and the application deadline."))
    campaign = Campaign.objects.create(
        title=title.strip(), year=year, organization=organization, apply_deadline=apply_deadline
    )
    CampaignStandard.objects.bulk_create(
        [
            CampaignStandard(campaign=campaign, name=n, max_score=Decimal(m), order=i)
            for i, (n, m) in enumerate(standards or DEFAULT_STANDARDS)
        ]
    )
    audit.record(actor, "campaigns.campaign_create", campaign, after=snapshot(campaign))
    return campaign


@transaction.atomic
def apply(*, actor, campaign: Campaign, organization: Organization, plan: str, now=None) -> CampaignEntry:
    """A unit applies to join the campaign year with its plan."""
    if not Organization.objects.visible_to(actor, "campaigns.apply").filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only the unit's party committee may apply for it."))
    now = _now(now)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.OPEN or timezone.localdate(now) > campaign.apply_deadline:
        raise ValidationError(_("This campaign no longer accepts applications."))
    if not organization.path.startswith(campaign.organization.path) or organization.pk == campaign.organization_id:
        raise ValidationError(_("This organisation is not under the campaign's organiser."))
    if not (plan or "").strip():
        raise ValidationError(_("Attach the creation plan."))
    if CampaignEntry.objects.filter(campaign=campaign, organization=organization).exists():
        raise ValidationError(_("This unit has already applied to this campaign."))
    entry = CampaignEntry.objects.create(
        campaign=campaign, organization=organization, plan=plan.strip(), applied_at=now, applied_by=_user_or_none(actor)
    )
    audit.record(actor, "campaigns.apply", entry, after=snapshot(entry), organization=organization)
    return entry


@transaction.atomic
def decide(*, actor, entry: CampaignEntry, accept: bool, note: str = "") -> CampaignEntry:
    entry = _locked(entry)
    _manage(actor, entry)
    if entry.status != Status.APPLIED:
        raise ValidationError(_("This application has already been decided."))
    if not accept and not (note or "").strip():
        raise ValidationError(_("Say why the application is not accepted."))
    before = snapshot(entry)
    entry.status = Status.ACCEPTED if accept else Status.REJECTED
    entry.decision_note = (note or "").strip()
    return _save(actor, entry, "campaigns.decide", before, ["status", "decision_note"])


def half_of(day: datetime.date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


@transaction.atomic
def report_progress(*, actor, entry: CampaignEntry, content: str, files=(), half: str | None = None, now=None):
    """The unit files its half-yearly progress with evidence (one per half-year)."""
    entry = _locked(entry)
    _require(CampaignEntry.objects.visible_to(actor, "apply"), entry, _("Only the unit's party committee may report."))
    if entry.status not in (Status.ACCEPTED, Status.NAMED):
        raise ValidationError(_("Progress can be reported once the application is accepted."))
    if not (content or "").strip():
        raise ValidationError(_("Describe the progress."))
    now = _now(now)
    half = half or half_of(timezone.localdate(now))
    if entry.progress.filter(half=half).exists():
        raise ValidationError(_("The progress for %(half)s is already filed.") % {"half": half_label(half)})
    progress = CampaignProgress.objects.create(
        entry=entry, half=half, content=content.strip(), submitted_by=_user_or_none(actor), submitted_at=now
    )
    for uploaded in files or ():
        attachment = CampaignFile(progress=progress)
        store_upload(attachment, uploaded, kinds=("image", "document"), user=actor)
        attachment.save()
    audit.record(actor, "campaigns.progress", progress, after=snapshot(progress), organization=entry.organization)
    return progress


@transaction.atomic
def evaluate(*, actor, entry: CampaignEntry, scores: dict, now=None) -> CampaignEntry:
    """Score the entry on every standard of the checklist (0 … the standard's maximum)."""
    entry = _locked(entry)
    _manage(actor, entry)
    if entry.status not in (Status.ACCEPTED, Status.EVALUATED):
        raise ValidationError(_("Only an accepted entry can be evaluated."))
    standards = {s.pk: s for s in entry.campaign.standards.all()}
    try:
        values = {int(k): Decimal(str(v)) for k, v in (scores or {}).items() if v not in (None, "")}
    except (TypeError, ValueError, InvalidOperation):
        raise ValidationError(_("Give a score for every standard.")) from None
    if set(values) != set(standards):
        raise ValidationError(_("Give a score for every standard."))
    for pk, value in values.items():
        if value < 0 or value > standards[pk].max_score:
            raise ValidationError(
                _("The score for “%(name)s” must be between 0 and %(max)s.")
                % {"name": standards[pk].name, "max": standards[pk].max_score}
            )
    before = snapshot(entry)
    EntryScore.objects.filter(entry=entry).delete()
    EntryScore.objects.bulk_create([EntryScore(entry=entry, standard_id=pk, score=v) for pk, v in values.items()])
    entry.score = sum(values.values(), Decimal(0))
    entry.status = Status.EVALUATED
    return _save(actor, entry, "campaigns.evaluate", before, ["score", "status"])


def title_for(campaign: Campaign, score) -> str:
    if score is None:
        return ""
    if score >= campaign.exemplary_min_score:
        return Title.EXEMPLARY
    if score >= campaign.advanced_min_score:
        return Title.ADVANCED
    return ""


@transaction.atomic
def name_entry(*, actor, entry: CampaignEntry, now=None) -> CampaignEntry:
    """Name the unit by its score: 创建示范单位 or 先进单位 (thresholds of the campaign)."""
    entry = _locked(entry)
    _manage(actor, entry)
    if entry.status != Status.EVALUATED:
        raise ValidationError(_("Evaluate the entry before naming it."))
    title = title_for(entry.campaign, entry.score)
    if not title:
        raise ValidationError(
            _("A score of %(score)s is below the threshold of a title (%(min)s).")
            % {"score": entry.score, "min": entry.campaign.advanced_min_score}
        )
    now = _now(now)
    before = snapshot(entry)
    entry.status, entry.title, entry.named_at, entry.revoked_at = Status.NAMED, title, now, None
    entry.recheck_due = _add_months(timezone.localdate(now), entry.campaign.recheck_months)
    _save(actor, entry, "campaigns.name", before, ["status", "title", "named_at", "revoked_at", "recheck_due"])
    _event(entry, TitleEvent.Kind.NAMED, actor=actor, now=now)
    return entry


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


@transaction.atomic
def recheck(*, actor, entry: CampaignEntry, passed: bool, note: str = "", now=None) -> CampaignEntry:
    """Re-check a named unit: a pass sets the next re-check, a failure revokes the title (history kept)."""
    entry = _locked(entry)
    _manage(actor, entry)
    if entry.status != Status.NAMED:
        raise ValidationError(_("Only a named unit can be re-checked."))
    if not passed and not (note or "").strip():
        raise ValidationError(_("Say what the re-check found."))
    now = _now(now)
    if passed:
        before = snapshot(entry)
        entry.recheck_due = _add_months(timezone.localdate(now), entry.campaign.recheck_months)
        _save(actor, entry, "campaigns.recheck_pass", before, ["recheck_due"])
        _event(entry, TitleEvent.Kind.RECHECK_PASSED, actor=actor, now=now, note=(note or "").strip())
        return entry
    _event(entry, TitleEvent.Kind.RECHECK_FAILED, actor=actor, now=now, note=note.strip())
    return _revoke(actor, entry, now=now, note=note.strip())


def _revoke(actor, entry, *, now, note, card=None):
    before = snapshot(entry)
    entry.status, entry.revoked_at, entry.recheck_due = Status.REVOKED, now, None
    _save(actor, entry, "campaigns.revoke", before, ["status", "revoked_at", "recheck_due"])
    _event(entry, TitleEvent.Kind.REVOKED, actor=actor, now=now, note=note, card=card)
    return entry


@transaction.atomic
def revoke_for_red_card(card) -> list[CampaignEntry]:
    """动态管理: a red card to a named unit (or anything inside it) revokes the unit's title. System action."""
    if card.colour != "red":
        return []
    org = Organization.objects.only("path").get(pk=card.organization_id)
    ancestors = _prefixes(org.path)
    entries = list(
        CampaignEntry.objects.select_for_update()
        .filter(status=Status.NAMED, organization__path__in=ancestors)
        .select_related("organization")
    )
    now = card.issued_at or _now()
    note = _("Red card: %(reason)s") % {"reason": card.reason}
    return [_revoke(audit.SYSTEM, e, now=now, note=note, card=card) for e in entries]


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
