from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from branches.access import primary_grant
from branches.models import Member, Organization
from branches.roles import Role

from . import services


def favicon(request):
    """Pages name their icon in <head>; this answers browsers and pages that ask /favicon.ico (admin, API docs)."""
    return redirect(static("portal/favicon.svg"))


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
    if grant is not None and grant.role == Role.INSPECTOR:
        return redirect("supervision:task_list")  # 我的督查任务: the tasks they are assigned to
    if request.user.is_superuser:
        return redirect("branches:organization_list")
    if grant.role == Role.SECRETARY:
        return redirect("dashboards:todo")  # 我的待办, with the branch summary on top
    if grant.role == Role.BRANCH_COMMITTEE:
        return redirect("branches:organization_detail", pk=grant.organization_id)
    return redirect("me")


@login_required
def me(request):
    """The member's home: register entry, study due, hours against target, meetings ahead, notices."""
    from django.utils import timezone

    from branches.models import Meeting, MeetingStatus
    from training import services as training_services
    from training.models import Assignment

    from .models import Notification

    member = Member.objects.filter(user=request.user).select_related("organization", "unit").first()
    grants = list(request.user.grants.select_related("organization").order_by("organization__path"))
    branch = member.organization if member else None
    if branch is not None and not Organization.objects.visible_to(request.user).filter(pk=branch.pk).exists():
        branch = None
    today = timezone.localdate()
    context = {"member": member, "grants": grants, "branch": branch, "today": today}
    if member is not None:
        hours = training_services.hours_in_year(member, today.year)
        target = training_services.target_hours(member)
        context.update(
            study_due=list(
                Assignment.objects.filter(member=member, completed_at__isnull=True)
                .select_related("module")
                .order_by("due_date", "pk")[:5]
            ),
            hours=hours,
            target=target,
            hours_percent=min(100, round(100 * hours / target)) if target else 100,
            meetings_ahead=list(
                Meeting.objects.filter(
                    attendances__member=member,
                    start__gte=timezone.now(),
                    status__in=[MeetingStatus.PLANNED, MeetingStatus.DRAFT],
                )
                .select_related("organization")
                .order_by("start")[:5]
            ),
        )
    context["notices"] = list(
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).order_by("-created_at")[:5]
    )
    return render(request, "portal/me.html", context)
