"""Pages for second factors, sessions, lockout and the audit log."""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import audit
from branches.audit_chain import latest_verification, verify_and_record
from branches.models import AuditEntry
from portal.models import UserSession

from . import client_ip, requires_second_factor, services
from .forms import AuditFilterForm, EnrolForm, TokenForm


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this when a login is refused: the login page (or JSON) saying until when."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    address = bool(getattr(request, "login_address_throttled", False))
    until = services.locked_until(username=username, ip=client_ip(request), address=address)
    when = timezone.localtime(until).strftime("%H:%M")
    if address:
        message = _(
            "Too many failed logins from this network address. Try again after %(time)s. "
            "Accounts with two-step verification can still log in."
        ) % {"time": when}
    else:
        message = _(
            "Too many failed logins: this account is locked until %(time)s. "
            "Try again then, or ask a security administrator to unlock it."
        ) % {"time": when}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "retry_after": until.isoformat()}, status=429)
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(request, data=None)
    return render(request, "registration/login.html", {"form": form, "lockout_message": message}, status=429)


@login_required
@permission_required("portal.manage_security", raise_exception=True)
def lockout_list(request):
    """Security administrators: the accounts locked now, each with an audited unlock."""
    if request.method == "POST":
        username = (request.POST.get("username") or "").strip()[:150]
        if username:
            services.unlock(actor=request.user, username=username)
            messages.success(request, _("%(username)s was unlocked.") % {"username": username})
        return redirect("lockout-list")
    return render(request, "portal/lockout_list.html", {"locked": services.locked_accounts()})


# --- Second factor ----------------------------------------------------------


def _verified(request) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _after_second_factor(request, device) -> None:
    """Mark the session verified, then give it a new key (fixation after the second factor, F12)."""
    from django_otp import login as otp_login

    otp_login(request, device)
    old_key = request.session.session_key
    request.session.cycle_key()
    services.session_key_rotated(old_key=old_key, new_key=request.session.session_key)


@login_required
def otp_setup(request):
    """First enrolment, or replacing the authenticator from a session that passed it.

    A session that has only the password never reaches the enrolment of an account that already
    has a confirmed device: it is sent to verification first (security review F1).
    """
    replacing = services.has_confirmed_device(request.user)
    if replacing and not _verified(request):
        messages.info(request, _("Verify with your current authenticator before you replace it."))
        return redirect(f"{reverse('otp-verify')}?next={reverse('otp-setup')}")
    device = services.pending_totp_device(request.user)
    form = EnrolForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp(
                actor=request.user,
                device=device,
                token=form.cleaned_data["otp_token"],
                current_token=form.cleaned_data.get("current_token", ""),
                session_verified=_verified(request),
                ip=client_ip(request),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            _after_second_factor(request, device)
            return render(request, "portal/otpdevice_codes.html", {"codes": codes, "next": _safe_next(request)})
    qr = segno.make(device.config_url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True, title=_("Scan with your authenticator app"))
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": buffer.getvalue().decode(),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": requires_second_factor(request.user),
        "has_device": replacing,
        "next": request.GET.get("next", ""),
    }
    return render(request, "portal/otpdevice_setup.html", context)


@login_required
def otp_verify(request):
    from django_otp import match_token

    if not services.has_confirmed_device(request.user):
        return redirect("otp-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp_token"].strip().replace(" ", ""))
        if device is not None:
            _after_second_factor(request, device)
            audit.record(
                request.user,
                "otp.verified",
                request.user,
                after={"device": type(device).__name__},
                ip=client_ip(request),
            )
            return redirect(_safe_next(request))
        audit.record(request.user, "otp.failed", request.user, ip=client_ip(request))
        form.add_error("otp_token", _("The code is wrong or expired. Try the newest code, or a recovery code."))
    return render(request, "portal/otpdevice_verify.html", {"form": form, "next": request.GET.get("next", "")})


# --- Sessions -----------------------------------------------------------------


@login_required
def session_list(request):
    sessions = list(UserSession.objects.filter(user=request.user).order_by("-last_seen")[:50])
    return render(
        request,
        "portal/usersession_list.html",
        {"sessions": sessions, "current_key": request.session.session_key},
    )


@login_required
@require_POST
def session_end(request, pk):
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.session_key == request.session.session_key:
        messages.warning(request, _("This is the session you are using: log out instead."))
        return redirect("session-list")
    services.end_session(actor=request.user, session=session, ip=client_ip(request))
    messages.success(request, _("The session was ended; that browser must log in again."))
    return redirect("session-list")


@login_required
def token_list(request):
    """API tokens: your own; security administrators see everyone's. Revoking is audited."""
    may_manage = request.user.has_perm("portal.manage_security")
    show_all = may_manage and request.GET.get("all") == "1"
    if request.method == "POST":
        from knox.models import AuthToken

        rows = AuthToken.objects.all() if may_manage else AuthToken.objects.filter(user=request.user)
        token = get_object_or_404(rows, digest=request.POST.get("digest", "")[:128])
        services.revoke_token(actor=request.user, token=token, ip=client_ip(request))
        messages.success(request, _("The token was revoked."))
        return redirect(f"{reverse('token-list')}{'?all=1' if show_all else ''}")
    tokens = services.active_tokens(None if show_all else request.user)[:200]
    return render(
        request, "portal/authtoken_list.html", {"tokens": tokens, "show_all": show_all, "may_manage": may_manage}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password clears the first-login flag and ends the other sessions."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            UserSession._meta.get_field("user").related_model.objects.filter(pk=user.pk).update(
                must_change_password=False
            )
            user.must_change_password = False
        ended = services.end_all_sessions(user, except_key=self.request.session.session_key)
        audit.record(user, "password.changed", user, after={"other_sessions_ended": ended}, ip=client_ip(self.request))
        update_session_auth_hash(self.request, user)
        return response


# --- Audit log ----------------------------------------------------------------

AUDIT_PAGE_SIZE = 50
EXPORT_LIMIT = 50000


@login_required
@permission_required("portal.view_audit_log", raise_exception=True)
def audit_list(request):
    form = AuditFilterForm(request.GET or None, user=request.user)
    entries = AuditEntry.objects.select_related("organization__unit").order_by("-at", "-id")
    if request.GET:
        entries = form.filter(entries)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.changes = _changes(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/auditentry_list.html",
        {
            "form": form,
            "page_obj": page,
            "entries": page.object_list,
            "query": query.urlencode(),
            "can_export": request.user.has_perm("portal.export_audit_log"),
            "retention_months": settings.AUDIT_RETENTION_MONTHS,
            "verification": latest_verification(),
        },
    )


@login_required
@permission_required("portal.view_audit_log", raise_exception=True)
@require_POST
def audit_verify(request):
    """Verify the HMAC-SM3 audit chains now (issue 24); the result shows on the audit page."""
    result = verify_and_record(actor=request.user, ip=client_ip(request))
    if result["ok"]:
        messages.success(
            request, _("The audit log is intact: %(count)d entries checked.") % {"count": result["checked"]}
        )
    else:
        messages.error(request, _("The audit log was tampered with. The first broken link is shown below."))
    return redirect("audit-list")


@login_required
@permission_required("portal.export_audit_log", raise_exception=True)
def audit_export(request):
    from branches.documents import xlsx

    form = AuditFilterForm(request.GET or None, user=request.user)
    entries = AuditEntry.objects.select_related("organization__unit").order_by("-at", "-id")
    if request.GET:
        entries = form.filter(entries)
    book = xlsx.Book()
    sheet = book.sheet(
        _("Audit log"),
        [
            _("Time"),
            _("Actor"),
            _("Action"),
            _("Object type"),
            _("Object"),
            _("Organisation"),
            _("IP address"),
            _("Before"),
            _("After"),
        ],
        title=_("Audit log"),
        widths=[19, 16, 20, 20, 30, 24, 15, 40, 40],
        landscape=True,
    )
    count = 0
    for e in entries[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.append(
            [
                e.at,
                e.actor_name,
                e.action,
                e.object_type,
                e.object_repr,
                e.organization.label if e.organization else "",
                e.ip or "",
                _json(e.before),
                _json(e.after),
            ]
        )
        count += 1
    audit.record(
        request.user,
        "audit.exported",
        object_type="branches.auditentry",
        object_repr=_("Audit log export"),
        after={"filters": request.GET.dict(), "rows": count},
        ip=client_ip(request),
    )
    return book.response(f"audit-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


def _json(value) -> str:
    import json

    from portal.security.logfilters import mask_text

    return mask_text(json.dumps(value, ensure_ascii=False, default=str)) if value else ""


def _changes(entry) -> str:
    """Before → after, one field a line, personal numbers masked."""
    lines = []
    before, after = entry.before or {}, entry.after or {}
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key, ""), after.get(key, "")
            if old != new or not before:
                lines.append(f"{key}: {old} → {new}" if before else f"{key}: {new}")
    from portal.security.logfilters import mask_text

    return mask_text("\n".join(lines))
