"""State changes for accounts, sessions and second factors. Every change is audited."""

from __future__ import annotations

import datetime
import gzip
import json
import secrets

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from branches import audit
from branches.audit_chain import record_pruned
from branches.models import AuditEntry
from portal.models import UserSession

RECOVERY_CODES = 10


def _session_store(key: str) -> SessionBase:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key=key)


# --- Sessions ---------------------------------------------------------------


def register_session(*, user, session_key: str, ip: str | None, user_agent: str, now=None) -> UserSession:
    now = now or timezone.now()
    row, _created = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "ip": ip, "user_agent": (user_agent or "")[:300], "last_seen": now},
    )
    return row


@transaction.atomic
def end_session(*, actor, session: UserSession, ip: str | None = None) -> None:
    if actor.pk != session.user_id and not actor.has_perm("portal.manage_security"):
        raise PermissionDenied(_("You can only end your own sessions."))
    _session_store(session.session_key).delete()
    audit.record(
        actor,
        "session.ended",
        session.user,
        before={"session": session.session_key[:6] + "…", "ip": session.ip, "user_agent": session.user_agent},
        ip=ip,
    )
    session.delete()


def end_all_sessions(user, *, except_key: str | None = None) -> int:
    rows = list(UserSession.objects.filter(user=user).exclude(session_key=except_key or ""))
    for row in rows:
        _session_store(row.session_key).delete()
    UserSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


# --- API tokens ---------------------------------------------------------------


def issue_token(*, user, ip: str | None = None):
    """A new token (a new key every time); returns (row, key). The key is shown once, stored as a digest."""
    from knox.models import AuthToken

    row, key = AuthToken.objects.create(user=user)
    audit.record(
        user, "token.issued", user, after={"token": row.token_key[:8] + "…", "expires": row.expiry.isoformat()}, ip=ip
    )
    return row, key


@transaction.atomic
def revoke_token(*, actor, token, ip: str | None = None) -> None:
    """The owner, or a security administrator, revokes one token."""
    if actor.pk != token.user_id and not actor.has_perm("portal.manage_security"):
        raise PermissionDenied(_("You can only revoke your own tokens."))
    audit.record(actor, "token.revoked", token.user, before={"token": token.token_key[:8] + "…"}, ip=ip)
    type(token).objects.filter(digest=token.digest).delete()


def revoke_all_tokens(user, *, reason: str, actor=None, ip: str | None = None) -> int:
    """Every token of the user dies (logout, password change, disabled account)."""
    from knox.models import AuthToken

    count, _detail = AuthToken.objects.filter(user=user).delete()
    if count:
        audit.record(actor or user, "token.revoked_all", user, after={"tokens": count, "reason": reason}, ip=ip)
    return count


def active_tokens(user=None):
    """Tokens that have not expired: the user's, or everybody's (security administrators)."""
    from knox.models import AuthToken

    rows = AuthToken.objects.filter(expiry__gt=timezone.now()).select_related("user").order_by("-created")
    return rows.filter(user=user) if user is not None else rows


# --- Second factor ----------------------------------------------------------


def pending_totp_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def confirm_totp(
    *,
    actor,
    device,
    token: str,
    current_token: str = "",
    session_verified: bool = False,
    ip: str | None = None,
) -> list[str]:
    """Confirm an enrolment with a first code; returns fresh recovery codes (shown once).

    A first enrolment (no confirmed device yet) needs only the password session. Replacing a
    device needs a session that has already passed the current second factor *and* a fresh
    code (or recovery code) of the current device: a password alone never replaces a factor
    (security review F1). The account holder is told either way.
    """
    from django.core.exceptions import ValidationError
    from django_otp import match_token
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied(_("This authenticator belongs to someone else."))
    replacing = has_confirmed_device(actor)
    if replacing:
        if not session_verified:
            raise PermissionDenied(_("Verify your current second factor before replacing it."))
        current = (current_token or "").strip().replace(" ", "")
        if not current or match_token(actor, current) is None:
            raise ValidationError(
                {"current_token": _("The code of your current authenticator is wrong or expired. Try the newest code.")}
            )
    if not (token or "").strip().isdigit() or not device.verify_token(token.strip()):
        raise ValidationError(
            {"otp_token": _("The code is wrong or expired. Check the time on your phone and try again.")}
        )
    type(device).objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=actor).delete()
    static = StaticDevice.objects.create(user=actor, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    action = "otp.replaced" if replacing else "otp.enrolled"
    audit.record(actor, action, actor, after={"device": device.name, "recovery_codes": RECOVERY_CODES}, ip=ip)
    _tell_holder(
        actor,
        kind="security.otp_replaced" if replacing else "security.otp_enrolled",
        title=(
            _(
                "Your authenticator app was replaced and new recovery codes were issued. If this was not you, "
                "ask a security administrator to reset your second factor at once."
            )
            if replacing
            else _(
                "Two-step verification was turned on for your account. If this was not you, "
                "ask a security administrator at once."
            )
        ),
    )
    return codes


def _tell_holder(user, *, kind: str, title: str) -> None:
    """An urgent notice to the account holder after commit (inbox and their channels)."""
    from django.urls import reverse

    from branches import events

    transaction.on_commit(
        lambda: events.notify.send(
            sender=type(user),
            kind=kind,
            obj=user,
            recipients=[user.pk],
            title=title,
            url=reverse("session-list"),
            urgent=True,
        )
    )


def session_key_rotated(*, old_key: str | None, new_key: str) -> None:
    """Keep the "my sessions" registry on the new key after a rotation."""
    if old_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


@transaction.atomic
def reset_second_factor(*, actor, user, ip: str | None = None) -> None:
    """Security administrator: remove someone's devices (lost phone); they enrol again."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not actor.has_perm("portal.manage_security"):
        raise PermissionDenied(_("Only a security administrator can reset a second factor."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_all_sessions(user)
    audit.record(actor, "otp.reset", user, ip=ip)


def has_confirmed_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


# --- Lockout ----------------------------------------------------------------


def address_throttled(ip: str | None, *, now=None) -> bool:
    """More than ``LOGIN_ADDRESS_FAILURE_LIMIT`` failed logins from one address within the window."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    if not ip:
        return False
    since = (now or timezone.now()) - settings.LOGIN_ADDRESS_WINDOW
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return (total or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def locked_until(*, username: str | None, ip: str | None, address: bool = False):
    """When a lock ends: the newest counted failure plus the cool-off (or the address window)."""
    from axes.models import AccessAttempt
    from django.db.models import Max

    attempts = AccessAttempt.objects.all()
    if address:
        attempts, span = attempts.filter(ip_address=ip), settings.LOGIN_ADDRESS_WINDOW
    else:
        attempts, span = attempts.filter(username=username), settings.AXES_COOLOFF_TIME
    last = attempts.aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + span


def locked_accounts():
    """Usernames locked now (failures within the cool-off at or over the limit), newest first."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return list(
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")[:200]
    )


@transaction.atomic
def unlock(*, actor, username: str | None = None, ip_address: str | None = None) -> int:
    from axes.models import AccessAttempt

    if not (getattr(actor, "pk", None) is None or actor.has_perm("portal.manage_security")):
        raise PermissionDenied(_("Only a security administrator can unlock accounts."))
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    count, _detail = attempts.delete()
    audit.record(
        actor,
        "login.unlocked",
        object_type="portal.user",
        object_id=username or "",
        object_repr=username or ip_address or "",
        after={"username": username, "ip": ip_address, "attempts_cleared": count},
    )
    return count


# --- Audit retention ----------------------------------------------------------


def retention_cutoff(now) -> datetime.datetime:
    months = settings.AUDIT_RETENTION_MONTHS
    year, month = now.year, now.month - months
    while month <= 0:
        month += 12
        year -= 1
    day = min(now.day, 28)
    return now.replace(year=year, month=month, day=day)


def archive_and_prune_audit(*, actor=audit.SYSTEM, now=None, batch: int = 5000) -> dict:
    """Write every entry older than the retention period to a gzip JSON-lines file, then delete them.

    The file is complete and fsynced before anything is deleted; entries are
    deleted by the ids that were written, so a crash in between leaves both.
    """
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    old = AuditEntry.objects.filter(at__lt=cutoff).order_by("id")
    ids = list(old.values_list("id", flat=True))
    if not ids:
        return {"archived": 0, "file": None}
    folder = settings.AUDIT_ARCHIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-before-{cutoff:%Y%m%d}-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}.jsonl.gz"
    fields = ["id", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr"]
    fields += ["organization_id", "before", "after", "ip", "chain", "seq", "mac"]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for start in range(0, len(ids), batch):
            for row in AuditEntry.objects.filter(id__in=ids[start : start + batch]).values(*fields):
                row["at"] = row["at"].isoformat()
                fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        fh.flush()
    with open(path, "rb") as raw:
        import os

        os.fsync(raw.fileno())
    with transaction.atomic():
        # The chain stays verifiable: each pruned range and its bridging MAC go into the sealed heads.
        bridges = record_pruned(ids)
        for start in range(0, len(ids), batch):
            AuditEntry.objects.prune(ids[start : start + batch])
        audit.record(
            actor,
            "audit.archived",
            object_type="branches.auditentry",
            object_repr=path.name,
            after={"archived": len(ids), "before": cutoff.isoformat(), "file": str(path), "chain_ranges": bridges},
        )
    return {"archived": len(ids), "file": str(path)}
