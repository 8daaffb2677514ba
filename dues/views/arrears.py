"""Arrears: the 3- and 6-month cases of a subtree, talks and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from branches.models import Member, Organization

from .. import arrears as services
from .. import lifecases
from ..collection import subtree_members
from ..forms import DecisionForm, TalkForm
from ..models import ArrearsAction, DuesSettings, LifeCase
from .common import add_errors, can, org_from


class ArrearsListView(LoginRequiredMixin, View):
    """Members behind with their dues; ``?minimum=6`` is the unit's list of Article 9 cases."""

    scoped = True
    model = ArrearsAction

    def get(self, request):
        org = org_from(request)
        conf = DuesSettings.current()
        try:
            minimum = max(1, int(request.GET.get("minimum") or conf.talk_after_months))
        except ValueError:
            minimum = conf.talk_after_months
        found = services.cases(subtree_members(org), timezone.localdate(), minimum=minimum)
        ctx = {
            "org": org,
            "cases": found,
            "minimum": minimum,
            "conf": conf,
            "can_change": can(request, "dues.change"),
            "can_decide": can(request, "dues.approve"),
            "life_cases": None,
        }
        if minimum >= conf.handle_after_months:  # the unit's Article 9 list: also six months without life
            ctx["life_cases"] = list(
                LifeCase.objects.visible_to(request.user)
                .filter(organization__path__startswith=org.path, closed_at__isnull=True)
                .select_related("member", "organization__unit")
                .defer("member__id_number", "member__phone")
                .order_by("organization__path", "member__name")
            )
        return render(request, "dues/arrears_list.html", ctx)


class ArrearsMemberView(LoginRequiredMixin, View):
    """One member's case: the talks and decisions so far, and the forms to record the next."""

    scoped = True
    model = Member

    def _member(self, request, pk, permission="dues.view"):
        orgs = Organization.objects.visible_to(request.user, permission)
        return get_object_or_404(
            Member.objects.filter(organization__in=orgs.values("pk"))
            .select_related("organization")
            .defer("id_number", "phone"),
            pk=pk,
        )

    def _render(self, request, member, talk_form=None, decision_form=None):
        today = timezone.localdate()
        found = services.cases(Member.objects.filter(pk=member.pk), today, minimum=1)
        ctx = {
            "member": member,
            "case": found[0] if found else None,
            "actions": ArrearsAction.objects.filter(member=member).select_related("created_by"),
            "talk_form": talk_form or TalkForm(),
            "decision_form": decision_form or DecisionForm(),
            "can_change": can(request, "dues.change"),
            "can_decide": can(request, "dues.approve"),
            "conf": DuesSettings.current(),
            "life_case": lifecases.open_case_of(member),
        }
        return render(request, "dues/arrears_member.html", ctx)

    def get(self, request, pk):
        return self._render(request, self._member(request, pk))

    def post(self, request, pk):
        member = self._member(request, pk)
        today = timezone.localdate()
        is_decision = request.POST.get("action") == "decision"
        form = (DecisionForm if is_decision else TalkForm)(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if is_decision:
                    services.record_decision(
                        actor=request.user,
                        member=member,
                        date=d["date"],
                        outcome=d["outcome"],
                        note=d["note"],
                        today=today,
                    )
                else:
                    services.record_talk(actor=request.user, member=member, date=d["date"], note=d["note"], today=today)
            except ValidationError as exc:
                add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Recorded."))
                return redirect("dues:arrears_member", member.pk)
        if is_decision:
            return self._render(request, member, decision_form=form)
        return self._render(request, member, talk_form=form)
