"""Login auditing, the session registry, and ending sessions of disabled accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from branches import audit

from . import client_ip, services


def _user_agent(request) -> str:
    return (getattr(request, "META", {}).get("HTTP_USER_AGENT") or "")[:300]


@receiver(user_logged_in, dispatch_uid="portal.security.logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    ip = client_ip(request)
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        now = timezone.now()
        session["last_activity"] = now.timestamp()
        session["login_at"] = now.timestamp()
        services.register_session(user=user, session_key=session.session_key, ip=ip, user_agent=_user_agent(request))
    if not request.META:  # Client.force_login's stand-in request: no HTTP login happened
        return
    details = getattr(request, "login_details", None) or {"method": "password"}
    audit.record(user, "login.succeeded", user, after={"user_agent": _user_agent(request), **details}, ip=ip)


@receiver(user_login_failed, dispatch_uid="portal.security.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    locked = bool(getattr(request, "axes_locked_out", False))
    audit.record(
        audit.SYSTEM,
        "login.failed",
        object_type="portal.user",
        object_id=username[:64],
        object_repr=username[:200],
        after={
            "username": username[:150],
            "locked": locked,
            "user_agent": _user_agent(request) if request is not None else "",
        },
        ip=client_ip(request) if request is not None else None,
    )


@receiver(user_logged_out, dispatch_uid="portal.security.logged_out")
def on_logged_out(sender, request, user, **kwargs):
    if request is None or user is None:
        return
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        from portal.models import UserSession

        UserSession.objects.filter(session_key=key).delete()
    session = getattr(request, "session", None)
    platform = (session.get("sso") if session is not None else None) or {}
    audit.record(user, "logout", user, after={"platform": platform.get("provider", "")}, ip=client_ip(request))
    services.revoke_all_tokens(user, reason="logout", ip=client_ip(request))


@receiver(pre_save, sender=get_user_model(), dispatch_uid="portal.security.user_pre_save")
def remember_active(sender, instance, **kwargs):
    if instance.pk is None:
        instance._was_active = instance.is_active
        instance._password_changed = False
        return
    previous = sender.objects.filter(pk=instance.pk).values_list("is_active", "password").first()
    instance._was_active = previous[0] if previous is not None else instance.is_active
    instance._password_changed = previous is not None and previous[1] != instance.password


@receiver(post_save, sender=get_user_model(), dispatch_uid="portal.security.user_post_save")
def end_sessions_of_disabled(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_was_active", True) and not instance.is_active:
        ended = services.end_all_sessions(instance)
        audit.record(audit.SYSTEM, "user.disabled", instance, after={"sessions_ended": ended})
        services.revoke_all_tokens(instance, reason="disabled", actor=audit.SYSTEM)
    if not created and getattr(instance, "_password_changed", False):
        # Whoever changed it (the owner, an administrator, a command), API tokens die with the old password.
        services.revoke_all_tokens(instance, reason="password changed", actor=audit.SYSTEM)
