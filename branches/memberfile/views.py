"""Pages of the member file: the overview of a subtree, one member's file, the care list per year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from ..access import has_permission, primary_grant
from ..mixins import PaginatedMixin
from ..models import Member, Organization
from ..models.members import SECRET_FIELDS
from . import forms, services
from .models import AbroadRecord, CareRecord, LostContactRecord, MobileRecord, RewardDiscipline

# action -> (form class, service call taking (actor, member, record id, cleaned data))
ACTIONS = {
    "mobile": (forms.MobileForm, lambda a, m, r, d: services.record_mobile(actor=a, member=m, **d)),
    "mobile_end": (
        forms.EndMobileForm,
        lambda a, m, r, d: services.end_mobile(actor=a, record=_own(MobileRecord, m, r), **d),
    ),
    "mobile_activity": (
        forms.MobileActivityForm,
        lambda a, m, r, d: services.add_mobile_activity(actor=a, record=_own(MobileRecord, m, r), **d),
    ),
    "abroad": (forms.AbroadForm, lambda a, m, r, d: services.record_abroad(actor=a, member=m, **d)),
    "abroad_return": (
        forms.ReturnForm,
        lambda a, m, r, d: services.record_return(actor=a, record=_own(AbroadRecord, m, r), **d),
    ),
    "lost": (forms.LostContactForm, lambda a, m, r, d: services.record_lost_contact(actor=a, member=m, **d)),
    "found": (
        forms.FoundForm,
        lambda a, m, r, d: services.record_found(actor=a, record=_own(LostContactRecord, m, r), **d),
    ),
    "reward": (
        forms.RewardDisciplineForm,
        lambda a, m, r, d: services.record_reward_discipline(actor=a, member=m, **d),
    ),
    "care": (forms.CareForm, lambda a, m, r, d: services.record_care(actor=a, member=m, **d)),
}


def _own(model, member, record_id):
    return get_object_or_404(model, pk=record_id, member=member)


def _org_from(request, permission="memberfile.view") -> Organization:
    visible = Organization.objects.visible_to(request.user, permission)
    raw = request.GET.get("org", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(visible, pk=raw)
    grant = primary_grant(request.user)
    org = visible.filter(pk=grant.organization_id).first() if grant else None
    org = org or visible.order_by("path").first()
    if org is None:
        raise Http404
    return org


def _in(qs, org):
    return (
        qs.filter(member__organization__path__startswith=org.path)
        .select_related("member")
        .defer(*(f"member__{f}" for f in SECRET_FIELDS))
    )


class OverviewView(LoginRequiredMixin, PaginatedMixin, View):
    """Mobile, abroad and out-of-contact members, discipline in force and this month's political birthdays.

    The birthdays are paged: a whole city has some 1,700 of them a month (a 200 KB page)."""

    scoped = True
    model = MobileRecord

    def get(self, request):
        org = _org_from(request)
        today = timezone.localdate()
        members = Member.objects.filter(organization__path__startswith=org.path).party_members()
        ctx = {
            "org": org,
            "mobile": _in(MobileRecord.objects.filter(until__isnull=True), org).defer("contact"),
            "abroad": _in(AbroadRecord.objects.filter(returned_on__isnull=True), org),
            "lost": _in(LostContactRecord.objects.filter(found_on__isnull=True), org),
            "discipline": _in(RewardDiscipline.objects.filter(ends_on__gt=today, discipline="probation"), org),
            "birthdays": self.paginate(
                members.filter(join_date__month=today.month, join_date__year__lt=today.year)
                .only("id", "name", "join_date", "organization_id")
                .order_by("join_date__day", "name", "pk")
            ),
            "today": today,
            "can_see_care": has_permission(request.user, "care.view"),
        }
        return render(request, "memberfile/memberfile_overview.html", ctx)


class MemberFileView(LoginRequiredMixin, View):
    """One member's file, with the forms to add to it; care details only for ``care.view`` (audited)."""

    scoped = True
    model = Member

    def _member(self, request, pk, permission="memberfile.view"):
        orgs = Organization.objects.visible_to(request.user, permission)
        return get_object_or_404(
            Member.objects.filter(organization__in=orgs.values("pk"))
            .select_related("organization")
            .defer(*SECRET_FIELDS),
            pk=pk,
        )

    def _render(self, request, member, bound=None):
        user = request.user
        care = list(CareRecord.objects.filter(member=member))
        clear = services.may_see_care(user, member)
        if clear:
            services.care_viewed(user, care, organization=member.organization)
        mobile = list(MobileRecord.objects.filter(member=member).prefetch_related("activities"))
        ctx = {
            "member": member,
            "mobile": mobile,
            "abroad": AbroadRecord.objects.filter(member=member),
            "lost": LostContactRecord.objects.filter(member=member),
            "rewards": RewardDiscipline.objects.filter(member=member),
            "care": care,
            "care_in_clear": clear,
            "no_vote": services.has_voting_rights_restriction(member, timezone.localdate()),
            "can_change": Organization.objects.visible_to(user, "memberfile.change")
            .filter(pk=member.organization_id)
            .exists(),
            "forms": {
                name: (bound if bound and bound[0] == name else (name, cls()))[1] for name, (cls, _f) in ACTIONS.items()
            },
        }
        return render(request, "memberfile/member_file.html", ctx)

    def get(self, request, pk):
        return self._render(request, self._member(request, pk))

    def post(self, request, pk):
        member = self._member(request, pk)
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        form_class, call = ACTIONS[action]
        form = form_class(request.POST)
        if form.is_valid():
            try:
                call(request.user, member, request.POST.get("record", ""), form.cleaned_data)
            except ValidationError as exc:
                for m in exc.messages:
                    form.add_error(None, m)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The member's file is updated."))
                return redirect("memberfile:member_file", member.pk)
        messages.error(request, _("Nothing was saved: correct the form below."))
        return self._render(request, member, bound=(action, form))


class CareListView(LoginRequiredMixin, View):
    """The unit's care records of a year. Details in clear only for ``care.view`` holders (audited)."""

    scoped = True
    model = CareRecord

    def get(self, request):
        org = _org_from(request)
        try:
            year = int(request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        rows = list(_in(CareRecord.objects.visible_to(request.user).filter(date__year=year), org).order_by("date"))
        clear_orgs = set(
            Organization.objects.visible_to(request.user, "care.view")
            .filter(path__startswith=org.path)
            .values_list("pk", flat=True)
        )
        for r in rows:
            r.in_clear = r.member.organization_id in clear_orgs
        services.care_viewed(request.user, [r for r in rows if r.in_clear], organization=org)
        ctx = {"org": org, "year": year, "rows": rows}
        return render(request, "memberfile/care_list.html", ctx)
