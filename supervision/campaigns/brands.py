"""Every state change of 一支部一品牌: register, report results, the unit's review, the committee's naming."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.audit import snapshot
from branches.models import Organization, OrganizationKind
from branches.uploads import store_upload

from .models import BrandPhoto, BrandProject, BrandTheme

Status = BrandProject.Status
TEXT_FIELDS = ("name", "idea", "measures", "expected_results")


def _require(queryset, obj, message):
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def _locked(brand) -> BrandProject:
    return BrandProject.objects.select_for_update().select_related("organization").get(pk=brand.pk)


def _photos(actor, brand, files):
    for uploaded in files or ():
        photo = BrandPhoto(brand=brand)
        store_upload(photo, uploaded, kinds=("image",), user=actor)
        photo.save()


def _save(actor, brand, action, before, fields):
    brand.save(update_fields=fields)
    audit.record(actor, action, brand, before=before, after=snapshot(brand), organization=brand.organization)
    return brand


@transaction.atomic
def register(
    *, actor, organization: Organization, year: int, theme: BrandTheme, name, idea, measures, expected_results, files=()
) -> BrandProject:
    """A branch registers its brand project for the year (one per branch per year), with photos."""
    if not Organization.objects.visible_to(actor, "brands.apply").filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only the branch's secretary may register its brand."))
    if organization.kind != OrganizationKind.BRANCH:
        raise ValidationError(_("A brand project belongs to a branch."))
    values = {"name": name, "idea": idea, "measures": measures, "expected_results": expected_results}
    if any(not (v or "").strip() for v in values.values()):
        raise ValidationError(_("Fill in the name, idea, measures and expected results."))
    if theme is None:
        raise ValidationError(_("Pick a theme."))
    if not theme.is_active:
        raise ValidationError(_("The theme %(name)s is no longer offered; pick another.") % {"name": theme.name})
    if BrandProject.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(_("This branch already has a brand project for %(year)s.") % {"year": year})
    brand = BrandProject.objects.create(
        organization=organization,
        year=year,
        theme=theme,
        created_by=actor if getattr(actor, "pk", None) else None,
        **{k: v.strip() for k, v in values.items()},
    )
    _photos(actor, brand, files)
    audit.record(actor, "brands.register", brand, after=snapshot(brand), organization=organization)
    return brand


@transaction.atomic
def report_results(*, actor, brand: BrandProject, results: str, files=()) -> BrandProject:
    brand = _locked(brand)
    _require(BrandProject.objects.visible_to(actor, "brand"), brand, _("Only the branch may report its results."))
    if brand.status not in (Status.REGISTERED, Status.REPORTED):
        raise ValidationError(_("The results can no longer change: the brand is under review."))
    if not (results or "").strip():
        raise ValidationError(_("Describe the results."))
    before = snapshot(brand)
    brand.results, brand.status = results.strip(), Status.REPORTED
    _photos(actor, brand, files)
    return _save(actor, brand, "brands.report", before, ["results", "status"])


@transaction.atomic
def unit_review(*, actor, brand: BrandProject, score, opinion: str) -> BrandProject:
    """The unit's party committee scores (0–100) and gives its opinion, passing the brand up."""
    brand = _locked(brand)
    _require(BrandProject.objects.visible_to(actor, "review"), brand, _("Only the branch's unit may review it."))
    if brand.status != Status.REPORTED:
        raise ValidationError(_("The unit reviews a brand once its results are reported."))
    try:
        score = Decimal(str(score))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("The score must be between 0 and 100.")) from None
    if score < 0 or score > 100:
        raise ValidationError(_("The score must be between 0 and 100."))
    if not (opinion or "").strip():
        raise ValidationError(_("Give the unit's opinion."))
    before = snapshot(brand)
    brand.unit_score, brand.unit_opinion, brand.status = score, opinion.strip(), Status.UNIT_REVIEWED
    return _save(actor, brand, "brands.unit_review", before, ["unit_score", "unit_opinion", "status"])


@transaction.atomic
def committee_decide(*, actor, brand: BrandProject, named: bool, opinion: str = "", now=None) -> BrandProject:
    """The committee names the brand (it joins the showcase) or not."""
    brand = _locked(brand)
    _require(BrandProject.objects.visible_to(actor, "manage"), brand, _("Only work committee staff may name brands."))
    if brand.status != Status.UNIT_REVIEWED:
        raise ValidationError(_("The committee decides after the unit's review."))
    if not named and not (opinion or "").strip():
        raise ValidationError(_("Say why the brand is not named."))
    before = snapshot(brand)
    brand.status = Status.NAMED if named else Status.NOT_NAMED
    brand.committee_opinion = (opinion or "").strip()
    brand.named_at = (now or timezone.now()) if named else None
    return _save(actor, brand, "brands.decide", before, ["status", "committee_opinion", "named_at"])
