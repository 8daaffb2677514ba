"""三员 in the Django admin (security review F2): who may change which account and grant, all audited.

- The system administrator (系统管理员) manages ordinary accounts only: superusers, staff and the
  holders of a 三员 group are read-only to him, so he can neither reset their passwords nor disable them.
- Privileged role grants (committee-wide, on the root, inspector, or unmasking ID numbers across a
  unit) need the security administrator (安全管理员); nobody but the superuser grants to himself.
- Every change made in the admin (add, change, delete, password reset) reaches the portal audit log
  with before and after, whatever the model: ``audit_every_admin()`` wraps each registered ModelAdmin.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from branches import audit

DUTY_GROUPS = ("系统管理员", "安全管理员", "审计管理员")


def is_protected_account(user) -> bool:
    """Accounts only the superuser may change: superusers, staff and the 三员 themselves."""
    if user is None or user.pk is None:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name__in=DUTY_GROUPS).exists()


def is_privileged_grant(*, role: str, organization, include_subtree: bool) -> bool:
    """Grants above the system administrator's threshold."""
    from branches.models import OrganizationKind
    from branches.roles import Role, roles_with

    if role in (Role.COMMITTEE_STAFF, Role.INSPECTOR) or organization.parent_id is None:
        return True
    unit_wide = include_subtree and organization.kind not in (OrganizationKind.BRANCH, OrganizationKind.GROUP)
    return unit_wide and role in roles_with("member.unmask")


def check_grant(*, actor, user, role: str, organization, include_subtree: bool) -> None:
    """Raise PermissionDenied when ``actor`` may not make (or keep) this grant in the admin."""
    if actor.is_superuser:
        return
    if user.pk == actor.pk:
        raise PermissionDenied(_("Nobody may grant a role to himself; ask the security administrator."))
    if is_privileged_grant(role=role, organization=organization, include_subtree=include_subtree):
        if not actor.has_perm("portal.manage_security"):
            raise PermissionDenied(
                _(
                    "Committee-wide grants, inspector grants and grants that unmask ID numbers across a unit "
                    "need the security administrator."
                )
            )
    elif not (actor.has_perm("branches.add_rolegrant") or actor.has_perm("portal.manage_security")):
        raise PermissionDenied(_("You may not grant roles."))


def _client_ip(request):
    from . import client_ip

    return client_ip(request)


def _label(obj) -> str:
    return obj._meta.label_lower


class AuditedAdminMixin:
    """Every add, change and delete made through this admin goes to the portal audit log."""

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj)._base_manager.filter(pk=obj.pk).first()) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj)
        if change and before == after and not getattr(form, "changed_data", None):
            return
        audit.record(
            request.user,
            f"admin.{'changed' if change else 'added'}",
            obj,
            before=before,
            after={**(after or {}), "_fields": list(getattr(form, "changed_data", []) or [])},
            ip=_client_ip(request),
        )

    def save_related(self, request, form, formsets, change):
        before = {f: list(form.initial.get(f) or []) for f in ("groups", "user_permissions") if f in form.initial}
        super().save_related(request, form, formsets, change)
        changed = [f for f in ("groups", "user_permissions") if f in getattr(form, "changed_data", [])]
        if changed:
            obj = form.instance
            after = {f: sorted(getattr(obj, f).values_list("pk", flat=True)) for f in changed}
            before = {f: sorted(_pk(v) for v in before.get(f, [])) for f in changed}
            audit.record(request.user, "admin.changed", obj, before=before, after=after, ip=_client_ip(request))

    def delete_model(self, request, obj):
        before = audit.snapshot(obj)
        audit.record(request.user, "admin.deleted", obj, before=before, ip=_client_ip(request))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(request.user, "admin.deleted", obj, before=audit.snapshot(obj), ip=_client_ip(request))
        super().delete_queryset(request, queryset)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if _mentions_password(message):
            audit.record(
                request.user, "admin.password_reset", obj, after={"by": request.user.username}, ip=_client_ip(request)
            )
        return entry


def _pk(value):
    return getattr(value, "pk", value)


def _mentions_password(message) -> bool:
    if isinstance(message, str):
        return "password" in message.lower()
    for part in message or []:
        fields = (part.get("changed") or {}).get("fields") or []
        if any("password" in str(f).lower() for f in fields):
            return True
    return False


def audit_every_admin(site=None) -> None:
    """Re-register every ModelAdmin with the audit mixin (called once from ``PortalConfig.ready``)."""
    site = site or admin.site
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if issubclass(cls, AuditedAdminMixin):
            continue
        site.unregister(model)
        site.register(model, type(f"Audited{cls.__name__}", (AuditedAdminMixin, cls), {"__module__": cls.__module__}))
