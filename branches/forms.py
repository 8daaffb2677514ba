"""Form fields shared by every app: the organisation pickers.

Same-named organisations sit under many units (each has its 办公室党支部), so a picker labels each option
with ``Organization.label`` (``市财政局 / 办公室党支部``). The field adds ``with_labels()`` to whatever
queryset it is given, so the unit's name arrives in the one query that lists the options.
"""

from django import forms

INDENT = "\u3000"  # an ideographic space per level below the unit-level organisations


class _OrgLabels:
    """Mixin: label options with the unit, optionally indented by depth (``indent=True``)."""

    def __init__(self, *args, indent: bool = False, **kwargs):
        self.indent = indent
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        if queryset is not None and hasattr(queryset, "with_labels"):
            queryset = queryset.with_labels()
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj):
        if self.indent:
            return f"{INDENT * max(obj.depth - 1, 0)}{obj.label}"
        return obj.label


class OrgChoiceField(_OrgLabels, forms.ModelChoiceField):
    """Pick one organisation."""


class OrgMultipleChoiceField(_OrgLabels, forms.ModelMultipleChoiceField):
    """Pick several organisations."""


class IndentedOrgChoiceField(OrgChoiceField):
    """Pick one organisation from a tree listed in path order (for ``ModelForm.field_classes``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("indent", True)
        super().__init__(*args, **kwargs)
