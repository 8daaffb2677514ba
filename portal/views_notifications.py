"""The inbox: list, open, mark read, and preferences. Each person sees only their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.access import has_permission

from . import notifications as service
from .forms_notifications import PreferenceForm
from .models_notifications import Notification, Reminder

FILTERS = {
    "unread": {"read_at__isnull": True},
    "digest": {"kind": service.DIGEST_KIND},
    "urgent": {"urgent": True},
}


def own_notifications(user):
    return Notification.objects.filter(recipient=user).prefetch_related(
        Prefetch("reminders", queryset=Reminder.objects.order_by("due_at", "id"))
    )


@login_required
def notification_list(request):
    show = request.GET.get("show", "")
    queryset = own_notifications(request.user).filter(**FILTERS.get(show, {}))
    page_obj = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notification_list.html",
        {
            "page_obj": page_obj,
            "show": show,
            "filters": [
                ("", _("All")),
                ("unread", _("Unread")),
                ("digest", _("Daily digests")),
                ("urgent", _("Urgent")),
            ],
        },
    )


@login_required
def notification_detail(request, pk):
    """GET only shows (a prefetch or a link preview never marks anything read, F13); POST opens it."""
    notification = get_object_or_404(own_notifications(request.user), pk=pk)
    if request.method == "POST":
        service.mark_read(actor=request.user, notification=notification)
        if not notification.is_digest and notification.url and request.POST.get("go"):
            return redirect(notification.url)
        return redirect("notifications:detail", pk=notification.pk)
    return render(request, "portal/notification_detail.html", {"notification": notification})


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(own_notifications(request.user), pk=pk)
    service.mark_read(actor=request.user, notification=notification)
    if request.headers.get("HX-Request"):
        return render(request, "portal/_notification_row.html", {"n": notification, "oob": True})
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = service.mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
def preferences(request):
    return _preferences_page(request, defaults=False)


@login_required
def default_preferences(request):
    if not has_permission(request.user, "notifications.defaults"):
        raise PermissionDenied
    return _preferences_page(request, defaults=True)


def _preferences_page(request, *, defaults: bool):
    current = service.default_preferences() if defaults else service.preferences_for([request.user.pk])[request.user.pk]
    form = PreferenceForm(
        request.POST or None, instance=None, initial={f: getattr(current, f) for f in service.PREF_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.update_preferences(actor=request.user, data=form.cleaned_data, defaults=defaults)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:defaults" if defaults else "notifications:preferences")
    return render(
        request,
        "portal/notificationpreference_form.html",
        {
            "form": form,
            "defaults": defaults,
            "can_set_defaults": has_permission(request.user, "notifications.defaults"),
            "has_email": bool(request.user.email),
        },
    )
