"""Sane bounds for every date a record of this project carries (security review F6).

A meeting that "started in year 0001" broke every page and list that included it. Every
``DateField``/``DateTimeField`` of the project's own models gets a validator (as a field-instance
default validator, so migrations do not change): ModelForms and DRF ModelSerializers run it, and a
``pre_save`` check refuses an out-of-range value from any service as a ``ValidationError``.

Bounds (``branches.params.record_date_bounds``): from 1921 (1900 for birth dates) to the end of next
year + 1; dates that are plans (deadlines, due dates, term ends, validity) up to ten years ahead.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

_ROOT = Path(__file__).resolve().parent.parent
PLAN_WORDS = (
    "deadline",
    "due",
    "end",
    "until",
    "expires",
    "expiry",
    "valid",
    "publish",
    "scheduled",
    "planned",
    "cutoff",
)


def _ours(model) -> bool:
    module = sys.modules.get(model.__module__)
    path = getattr(module, "__file__", None) or ""
    return path.startswith(str(_ROOT)) and "site-packages" not in path


class RecordDateValidator:
    def __init__(self, field):
        name = field.name.lower()
        self.field = field
        self.birth = "birth" in name
        self.plan = any(word in name for word in PLAN_WORDS)

    def __call__(self, value):
        from .params import record_date_bounds

        if value is None or value == "":
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not isinstance(day, datetime.date):
            return
        first, last = record_date_bounds(birth=self.birth, plan=self.plan)
        if not first <= day <= last:
            raise ValidationError(
                _("%(field)s must be between %(first)s and %(last)s."),
                code="date_out_of_range",
                params={
                    "field": str(self.field.verbose_name).capitalize(),
                    "first": date_format(first, "DATE_FORMAT"),
                    "last": date_format(last, "DATE_FORMAT"),
                },
            )

    def __eq__(self, other):
        return isinstance(other, RecordDateValidator) and other.field is self.field

    def __hash__(self):
        return id(self.field)


def attach(sender, **kwargs) -> None:
    """``class_prepared``: give the model's own date fields the validator."""
    if not _ours(sender):
        return
    for field in sender._meta.local_fields:
        if isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add):
            field.default_validators = [*type(field).default_validators, RecordDateValidator(field)]


def check_on_save(sender, instance, raw=False, **kwargs) -> None:
    """``pre_save``: nothing out of range is stored, whichever service saves it."""
    if raw or not _ours(sender):
        return
    errors = {}
    for field in sender._meta.concrete_fields:
        for validator in getattr(field, "default_validators", ()):
            if isinstance(validator, RecordDateValidator):
                try:
                    validator(getattr(instance, field.attname))
                except ValidationError as exc:
                    errors[field.name] = exc.messages
    if errors:
        raise ValidationError(errors)
