"""API actions through the page's own form and service (API parity, issue 26).

A page validates its input with a Django form and calls one service. The API does the same with
the same form class and the same service call, so messages, scope and audit are identical; only
the parsing (JSON or multipart) and the answer (JSON) differ. ``form_schema`` turns the form's
fields into a serializer for the OpenAPI document only.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError

_FIELDS = [
    (forms.BooleanField, serializers.BooleanField),
    (forms.ModelMultipleChoiceField, lambda **kw: serializers.ListField(child=serializers.IntegerField(), **kw)),
    (forms.ModelChoiceField, serializers.IntegerField),
    (forms.MultipleChoiceField, lambda **kw: serializers.ListField(child=serializers.CharField(), **kw)),
    (forms.ChoiceField, "choice"),
    (forms.DateTimeField, serializers.DateTimeField),
    (forms.DateField, serializers.DateField),
    (forms.DecimalField, serializers.DecimalField),
    (forms.IntegerField, serializers.IntegerField),
    (forms.FileField, serializers.FileField),
    (forms.CharField, serializers.CharField),
]


def form_schema(form_class: type[forms.Form], name: str, extra: dict | None = None) -> type[serializers.Serializer]:
    """A serializer describing the form's fields (for the OpenAPI document; input is parsed by the form)."""
    attrs = {}
    for field_name, field in form_class.base_fields.items():
        for form_type, make in _FIELDS:
            if isinstance(field, form_type):
                kwargs = {"required": field.required, "help_text": str(field.label or "")}
                if field.initial not in (None, "") and not callable(field.initial):
                    kwargs = {**kwargs, "required": False, "default": field.initial}  # the preset, as ``valid_form``
                if make == "choice":
                    attrs[field_name] = serializers.ChoiceField(choices=[c for c, _label in field.choices], **kwargs)
                    break
                if make is serializers.DecimalField:
                    kwargs.update(max_digits=field.max_digits or 12, decimal_places=field.decimal_places or 2)
                if make is serializers.CharField and not field.required:
                    kwargs["allow_blank"] = True
                if make is serializers.BooleanField:
                    kwargs["required"] = False
                attrs[field_name] = make(**kwargs)
                break
    attrs.update(extra or {})
    return type(name, (serializers.Serializer,), attrs)


def valid_form(request, form_class: type[forms.Form], **form_kwargs) -> forms.Form:
    """The page's form bound to ``request.data`` (and files), valid; errors answer 400 with its messages.

    For forms that map their data to the service's arguments (``form.service_kwargs()``)."""
    data = request.data
    if hasattr(data, "dict") and not hasattr(data, "getlist"):
        data = data.dict()
    # A field left out takes the value the page's form shows preset (e.g. a term's schedule "regular").
    fields = form_class.base_fields.items()
    presets = {name: f.initial for name, f in fields if f.initial not in (None, "") and not callable(f.initial)}
    missing = [name for name in presets if name not in data]
    if missing:
        data = data.copy()
        for name in missing:
            data[name] = presets[name]
    form = form_class(data, request.FILES or None, **form_kwargs)
    if not form.is_valid():
        _refuse_out_of_scope_choices(form)
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    return form


def _refuse_out_of_scope_choices(form: forms.Form) -> None:
    """An id the form's scoped choices do not hold is answered like a URL outside the scope: 404, whether
    the object exists elsewhere or not (so the answer tells nothing about other organisations)."""
    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        if not isinstance(field, forms.ModelChoiceField) or isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if any(e.code == "invalid_choice" for e in errors) and str(form.data.get(name, "")).strip().isdigit():
            raise NotFound(_("Not found, or outside your scope."))


def validated(request, form_class: type[forms.Form], **form_kwargs) -> dict:
    """Validate ``request.data`` (and files) with the page's form; errors answer 400 with its messages."""
    return valid_form(request, form_class, **form_kwargs).cleaned_data
