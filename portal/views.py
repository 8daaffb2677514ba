from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from branches.access import primary_grant
from branches.models import Member, Organization
from branches.roles import Role

from . import services


@never_cache
def healthz(request):
    healthy, report = services.health()
    return JsonResponse(report, status=200 if healthy else 503)


@login_required
def home(request):
    """Send each person to the page that fits their role."""
    grant = primary_grant(request.user)
    if grant is None and not request.user.is_superuser:
        return redirect("me")
    if grant is not None and grant.role in (Role.COMMITTEE_STAFF, Role.UNIT_ADMIN):
        return redirect("dashboards:home")
    if request.user.is_superuser or grant.role in (Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.INSPECTOR):
        return redirect("branches:organization_list")
    if grant.role in (Role.SECRETARY, Role.BRANCH_COMMITTEE):
        return redirect("branches:organization_detail", pk=grant.organization_id)
    return redirect("me")


@login_required
def me(request):
    member = Member.objects.filter(user=request.user).select_related("organization", "unit").first()
    grants = list(request.user.grants.select_related("organization").order_by("organization__path"))
    branch = member.organization if member else None
    if branch is not None and not Organization.objects.visible_to(request.user).filter(pk=branch.pk).exists():
        branch = None
    return render(request, "portal/me.html", {"member": member, "grants": grants, "branch": branch})
