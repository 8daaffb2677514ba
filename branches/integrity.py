"""Integrity of access-control data: role grants and account flags carry an HMAC-SM3.

GB/T 39786-2021 level 3 asks for the integrity of important data such as access-control
information. Each ``RoleGrant`` row and each account's privilege flags (is_active, is_staff,
is_superuser) are sealed with ``crypto.integrity_mac`` when the application writes them, and
checked whenever they are read for a decision (``access.grants_of``, ``access.has_permission``,
``AccountIntegrityMiddleware``), from the row already loaded: no extra query. A row whose MAC
does not match (edited in the database) is ignored (deny) and raises an alert: an
``integrity.violation`` audit entry and an ERROR log line.
"""

from __future__ import annotations

import json
import logging

from . import crypto

logger = logging.getLogger("portal.security.integrity")
ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


def grant_content(user_id, organization_id, role, include_subtree) -> bytes:
    return json.dumps(["grant", user_id, organization_id, role, bool(include_subtree)]).encode()


def grant_mac(grant) -> str:
    return crypto.integrity_mac(grant_content(grant.user_id, grant.organization_id, grant.role, grant.include_subtree))


def grant_ok(grant) -> bool:
    body = grant_content(grant.user_id, grant.organization_id, grant.role, grant.include_subtree)
    return crypto.integrity_ok(body, grant.mac)


def account_content(username, is_active, is_staff, is_superuser) -> bytes:
    return json.dumps(["account", username, bool(is_active), bool(is_staff), bool(is_superuser)]).encode()


def account_mac(user) -> str:
    return crypto.integrity_mac(account_content(user.username, *(getattr(user, f) for f in ACCOUNT_FLAGS)))


def account_ok(user) -> bool:
    """Whether a user's privilege flags are as the application wrote them (True for non-users)."""
    if getattr(user, "pk", None) is None or not hasattr(user, "integrity_mac"):
        return True
    checked = getattr(user, "_integrity_checked", None)
    if checked is None:
        body = account_content(user.username, *(getattr(user, f) for f in ACCOUNT_FLAGS))
        checked = crypto.integrity_ok(body, user.integrity_mac)
        user._integrity_checked = checked
        if not checked:
            alert("account", user, {f: getattr(user, f) for f in ACCOUNT_FLAGS})
    return checked


def alert(kind: str, obj, detail: dict) -> None:
    """A tampered access-control row: log it and write an audit entry (its own transaction)."""
    from django.db import transaction

    from . import audit

    logger.error("Integrity violation: %s %s failed its HMAC-SM3 check %s", kind, getattr(obj, "pk", ""), detail)
    try:
        with transaction.atomic():
            audit.record(
                audit.SYSTEM,
                "integrity.violation",
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                after={"kind": kind, **{k: str(v) for k, v in detail.items()}},
            )
    except Exception:  # the alert must never turn a denial into an error page
        logger.exception("Could not audit the integrity violation")


def loaded_state(instance, fields: tuple[str, ...]) -> None:
    """Remember the sealed fields as loaded (``from_db``): a row altered in the database is never
    re-sealed by an ordinary save (such as the last-login update), which would launder the change."""
    if all(f in instance.__dict__ for f in fields):
        instance._loaded_seal = tuple(instance.__dict__[f] for f in fields)


def may_reseal(instance, content_of, mac: str) -> bool:
    """False when the row was loaded with a MAC that did not match: it stays denied until repaired."""
    loaded = getattr(instance, "_loaded_seal", None)
    if loaded is None or getattr(instance, "_integrity_repair", False):
        return True
    return crypto.integrity_ok(content_of(*loaded[:-1]), loaded[-1])


class AccountIntegrityMiddleware:
    """After authentication: an account whose privilege flags were altered in the database is
    treated as signed out (and alerted). Uses the user row already loaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not account_ok(user):
            from django.contrib.auth.models import AnonymousUser

            request.user = AnonymousUser()
        return self.get_response(request)


# --- Group memberships (三员 groups and every other group carrying permissions) -------------


def groups_content(user_id, group_ids) -> bytes:
    return json.dumps(["groups", user_id, sorted(group_ids)]).encode()


def seal_groups(user_ids) -> dict[int, str]:
    """Re-seal the group memberships of these users (after the application changed them)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    memberships: dict[int, list[int]] = {pk: [] for pk in user_ids}
    column = f"{User._meta.model_name}_id"
    rows = User.groups.through.objects.filter(**{f"{column}__in": user_ids}).values_list(column, "group_id")
    for user_id, group_id in rows:
        memberships[user_id].append(group_id)
    macs = {}
    for user_id, group_ids in memberships.items():
        macs[user_id] = crypto.integrity_mac(groups_content(user_id, group_ids)) if group_ids else ""
        User.objects.filter(pk=user_id).update(groups_mac=macs[user_id])
    return macs


def _memberships_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # group.user_set.clear(): remember who loses the group
        instance._clearing_user_ids = list(instance.user_set.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        instance.groups_mac = seal_groups([instance.pk])[instance.pk]
        instance.__dict__.pop("_group_perm_cache", None)
        instance.__dict__.pop("_perm_cache", None)
        return
    user_ids = list(pk_set) if pk_set else getattr(instance, "_clearing_user_ids", [])
    if user_ids:
        seal_groups(user_ids)


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    m2m_changed.connect(_memberships_changed, sender=get_user_model().groups.through, dispatch_uid="seal-groups")
