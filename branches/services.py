"""State changes of the organisation tree, role grants and the member core.

Every function is one transaction, takes a keyword-only ``actor``, checks the
invariants (raising ``ValidationError`` / ``PermissionDenied`` with messages a
person can act on) and writes the audit record.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from . import audit, idnumbers
from .crypto import blind_index
from .models import Member, MemberCategory, Organization, OrganizationKind, RoleGrant, Unit
from .models.tree import ALLOWED_CHILDREN, path_for
from .stats import REGISTER_FIGURES

ORG_FIELDS = ["name", "kind", "parent", "unit", "order", "is_active"]


def _require(actor, permission: str, organization: Organization) -> None:
    if actor is audit.SYSTEM or getattr(actor, "is_superuser", False):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this for %(org)s.") % {"org": organization})


def _check_kind(kind: str, parent: Organization | None) -> None:
    if parent is None:
        if kind != OrganizationKind.COMMITTEE:
            raise ValidationError({"parent": _("Only the work committee may be the root; choose a parent.")})
        return
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        raise ValidationError(
            {
                "kind": _("A %(kind)s cannot be placed under a %(parent)s.")
                % {"kind": OrganizationKind(kind).label, "parent": OrganizationKind(parent.kind).label}
            }
        )


@transaction.atomic
def create_organization(
    *, actor, name: str, kind: str, parent: Organization | None, unit: Unit | None = None, order: int = 0
) -> Organization:
    if parent is not None:
        _require(actor, "org.manage", parent)
    elif actor is not audit.SYSTEM and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only a system administrator can create the root organisation."))
    elif Organization.objects.filter(parent__isnull=True).exists():
        raise ValidationError(
            {"parent": _("The portal already has its root organisation (the work committee): choose a parent.")}
        )
    _check_kind(kind, parent)
    if unit is None and parent is not None:
        unit = parent.unit
    org = Organization(name=name.strip(), kind=kind, parent=parent, unit=unit, order=order)
    org.full_clean(exclude=["path", "depth"])
    org.save()
    org.path = path_for(parent, org.pk)
    org.depth = (parent.depth + 1) if parent else 0
    org.save(update_fields=["path", "depth"])
    audit.record(actor, "organization.create", org, after=audit.snapshot(org, ORG_FIELDS))
    return org


@transaction.atomic
def update_organization(*, actor, organization: Organization, **changes) -> Organization:
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _require(actor, "org.manage", org)
    before = audit.snapshot(org, ORG_FIELDS)
    for field in ("name", "unit", "order", "is_active"):
        if field in changes:
            setattr(org, field, changes[field])
    if "kind" in changes and changes["kind"] != org.kind:
        _check_kind(changes["kind"], org.parent)
        for child in org.children.all():
            if child.kind not in ALLOWED_CHILDREN[changes["kind"]]:
                raise ValidationError({"kind": _("Its children would no longer fit under the new kind.")})
        org.kind = changes["kind"]
    org.full_clean(exclude=["path", "depth"])
    org.save()
    audit.record(actor, "organization.update", org, before=before, after=audit.snapshot(org, ORG_FIELDS))
    return org


@transaction.atomic
def move_organization(*, actor, organization: Organization, new_parent: Organization) -> Organization:
    """Move a node (with its subtree) under ``new_parent``; refuses cycles."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    _require(actor, "org.manage", org)
    _require(actor, "org.manage", new_parent)
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": _("An organisation cannot be moved under itself or its own subtree.")})
    _check_kind(org.kind, new_parent)
    before = audit.snapshot(org, ORG_FIELDS + ["path"])
    old_path, old_depth = org.path, org.depth
    new_path = path_for(new_parent, org.pk)
    depth_shift = new_parent.depth + 1 - old_depth
    # One UPDATE rewrites the prefix of every path in the subtree (the node included).
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    REGISTER_FIGURES.changed()  # the subtree's members now count under other ancestors (no signal for update)
    org.refresh_from_db()
    # Re-check inside the transaction: the actor must still see what they moved.
    _require(actor, "org.manage", org)
    audit.record(actor, "organization.move", org, before=before, after=audit.snapshot(org, ORG_FIELDS + ["path"]))
    return org


@transaction.atomic
def grant_role(*, actor, user, organization: Organization, role: str, include_subtree: bool = True) -> RoleGrant:
    _require(actor, "org.manage", organization)
    grant, created = RoleGrant.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"include_subtree": include_subtree}
    )
    if not created and grant.include_subtree != include_subtree:
        grant.include_subtree = include_subtree
        grant.save(update_fields=["include_subtree"])
    audit.record(
        actor,
        "role.grant",
        grant,
        organization=organization,
        after={"user": user.username, "role": role, "include_subtree": include_subtree},
    )
    return grant


@transaction.atomic
def revoke_role(*, actor, grant: RoleGrant) -> None:
    _require(actor, "org.manage", grant.organization)
    audit.record(
        actor,
        "role.revoke",
        grant,
        organization=grant.organization,
        before={"user": grant.user.username, "role": grant.role, "include_subtree": grant.include_subtree},
    )
    grant.delete()


# --- Member core ----------------------------------------------------------------

MEMBER_FIELDS = [f.name for f in Member._meta.concrete_fields if f.name not in {"created_at", "updated_at"}]


def set_id_number(member: Member, value: str) -> None:
    """Validate and set the citizen ID number and its blind index (not saved)."""
    value = idnumbers.normalise(value)
    if not value:
        member.id_number, member.id_number_hash = "", None
        return
    reason = idnumbers.problem(value)
    if reason:
        raise ValidationError({"id_number": reason})
    digest = blind_index(value)
    clash = Member.objects.filter(id_number_hash=digest).exclude(pk=member.pk)
    if clash.exists():
        # F11: the person may be registered in another unit; never say where.
        raise ValidationError(
            {"id_number": _("This person cannot be added here; ask the unit admin or start a transfer.")}
        )
    member.id_number, member.id_number_hash = value, digest
    if member.birth_date is None:
        member.birth_date = idnumbers.birth_date(value)


def _member_event(member: Member, kind: str, actor, detail: str = "", date=None) -> None:
    from django.utils import timezone

    from .models import MemberEvent

    MemberEvent.objects.create(
        member=member,
        kind=kind,
        date=date or timezone.localdate(),
        detail=detail[:300],
        organization=member.organization,
        actor_name=getattr(actor, "username", "") or str(actor),
    )


def _history_of_update(member: Member, before: dict, actor) -> None:
    """Append the changes that belong to a member's history (category, status, organisation)."""
    from .models import MemberStatus

    if before["category"] != member.category:
        old = MemberCategory(before["category"]).label if before["category"] else ""
        _member_event(member, "category", actor, f"{old} → {MemberCategory(member.category).label}")
    if before["status"] != member.status:
        _member_event(
            member, "status", actor, f"{MemberStatus(before['status']).label} → {MemberStatus(member.status).label}"
        )
    if before["organization"] != member.organization_id:
        old = Organization.objects.filter(pk=before["organization"]).values_list("name", flat=True).first() or ""
        _member_event(member, "organization", actor, f"{old} → {member.organization}")


@transaction.atomic
def create_member(*, actor, organization: Organization, id_number: str = "", **fields) -> Member:
    _require(actor, "member.change", organization)
    member = Member(organization=organization, **fields)
    set_id_number(member, id_number)
    member.full_clean(exclude=["id_number_hash"])
    member.save()
    _member_event(member, "registered", actor, detail=str(member.organization))
    audit.record(actor, "member.create", member, after=audit.snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def update_member(*, actor, member: Member, id_number: str | None = None, **changes) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require(actor, "member.change", member.organization)
    before = audit.snapshot(member, MEMBER_FIELDS)
    for field, value in changes.items():
        setattr(member, field, value)
    if id_number is not None:
        set_id_number(member, id_number)
    member.full_clean(exclude=["id_number_hash"])
    member.save()
    _require(actor, "member.change", member.organization)
    _history_of_update(member, before, actor)
    audit.record(actor, "member.update", member, before=before, after=audit.snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def unmask_member(*, actor, member: Member, field: str = "id_number", ip: str | None = None) -> str:
    """Return a sensitive value in clear; needs ``member.unmask`` and is always audited."""
    if field not in {"id_number", "phone"}:
        raise ValidationError(_("This field cannot be unmasked."))
    if not Member.objects.visible_to(actor, "unmask").filter(pk=member.pk).exists():
        raise PermissionDenied(_("You may not view this person's full personal data."))
    audit.record(actor, f"member.unmask.{field}", member, ip=ip)
    return getattr(member, field)
