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

from . import services as service
from .forms import EmailChangeForm, PreferenceForm
from .models import Notification, Reminder

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
            "can_manage_robots": has_permission(request.user, "robots.manage"),
            "has_email": bool(request.user.email),
        },
    )


# --- Own e-mail address --------------------------------------------------------------


@login_required
def email_change(request):
    from . import email_addresses

    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            email_addresses.request_change(actor=request.user, address=form.cleaned_data["email"])
        except ValidationError as exc:
            form.add_error("email", exc.messages)
        else:
            messages.success(
                request,
                _("A confirmation link was sent to %(email)s. Open it within a day to use this address.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("notifications:preferences")
    return render(request, "portal/email_change.html", {"form": form})


@login_required
def email_verify(request, token):
    from . import email_addresses

    error = ""
    if request.method == "POST":
        try:
            email_addresses.confirm_change(actor=request.user, token=token)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("Your e-mail address is confirmed."))
            return redirect("notifications:preferences")
    else:
        try:
            data = email_addresses.read_token(token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if data.get("u") != request.user.pk:
                error = _("This confirmation link belongs to another account.")
    return render(request, "portal/email_verify.html", {"error": error}, status=400 if error else 200)


# --- Delivery failures (committee staff) ------------------------------------------------


@login_required
def delivery_failures(request):
    if not has_permission(request.user, "notifications.defaults"):
        raise PermissionDenied
    from ..robots.models import RobotPost
    from .models import Delivery, DeliveryState

    failed = (
        Delivery.objects.filter(state=DeliveryState.FAILED)
        .select_related("notification__recipient")
        .only("channel", "attempts", "last_error", "next_attempt_at", "notification__title",
              "notification__recipient__username", "notification__recipient__full_name")
        .order_by("-next_attempt_at", "-id")
    )  # fmt: skip
    waiting = Delivery.objects.filter(state=DeliveryState.PENDING, attempts__gt=0).count()
    posts = (
        RobotPost.objects.filter(state=DeliveryState.FAILED)
        .select_related("robot__organization")
        .only("day", "attempts", "last_error", "robot__name", "robot__organization__name")
        .order_by("-day", "-id")[:50]
    )
    page_obj = Paginator(failed, 30).get_page(request.GET.get("page"))
    return render(request, "portal/delivery_failures.html", {"page_obj": page_obj, "posts": posts, "retrying": waiting})
