"""Write audit entries. Every service calls ``record`` inside its transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile

# Models are read through the app registry: the models call back into this module (and
# ``audit_chain``) when they save, so importing them here would tie the two in a circle.


def _model(name: str):
    return apps.get_model("branches", name)


def __getattr__(name: str):  # ``audit.AuditEntry`` keeps working for callers
    if name == "AuditEntry":
        return _model("AuditEntry")
    raise AttributeError(name)


SYSTEM_ACTOR_NAME = "system"
# Fields that must never reach the audit log in clear.
SENSITIVE_FIELDS = {"id_number", "phone", "password", "id_number_hash", "phone_hash"}


class SystemActor:
    """The actor for changes made by the worker and management commands."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    id = None

    def __init__(self, name: str = SYSTEM_ACTOR_NAME):
        self.username = name

    def __str__(self):
        return self.username


SYSTEM = SystemActor()


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):  # never touch .url: an empty file field raises ValueError
        return value.name or ""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model | None, fields: list[str] | None = None) -> dict | None:
    """The auditable state of ``obj``: concrete fields, sensitive ones masked."""
    if obj is None:
        return None
    data = {}
    for field in obj._meta.concrete_fields:
        name = field.name
        if fields is not None and name not in fields:
            continue
        if name in SENSITIVE_FIELDS:
            data[name] = "***" if getattr(obj, field.attname) else ""
            continue
        data[name] = _plain(getattr(obj, field.attname))
    return data


def _organization_of(obj):
    Organization = _model("Organization")

    if obj is None:
        return None
    if isinstance(obj, Organization):
        return obj
    path = getattr(type(obj), "scope_field", None)
    if not path or path == "organizations":
        return None
    target = obj
    for part in path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if isinstance(target, Organization) else None


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    organization=None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    ip: str | None = None,
) -> AuditEntry:  # noqa: F821
    """Record one change. ``actor`` is a user or ``SYSTEM`` (or None for SYSTEM)."""
    actor = actor or SYSTEM
    is_user = getattr(actor, "pk", None) is not None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return _model("AuditEntry").objects.create(
        actor=actor if is_user else None,
        actor_name=getattr(actor, "username", str(actor)),
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:200],
        organization=organization if organization is not None else _organization_of(obj),
        before=_plain(before),
        after=_plain(after),
        ip=ip,
    )


def record_many(actor, action: str, objs, *, after=None, ip: str | None = None) -> list:
    """One entry per object, as ``record`` would write them, in one batch (imports, fan-outs).

    ``after`` is a function of the object giving its "after" values (e.g. a snapshot).
    """
    actor = actor or SYSTEM
    is_user = getattr(actor, "pk", None) is not None
    AuditEntry = _model("AuditEntry")
    entries = [
        AuditEntry(
            actor=actor if is_user else None,
            actor_name=getattr(actor, "username", str(actor)),
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            organization=_organization_of(obj),
            before=None,
            after=_plain(after(obj)) if after else None,
            ip=ip,
        )
        for obj in objs
    ]
    return AuditEntry.objects.bulk_create(entries)
