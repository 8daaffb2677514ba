"""Form fields shared by every app: the organisation pickers.

Same-named organisations sit under many units (each has its 办公室党支部), so a picker labels each option
with ``Organization.label`` (``市财政局 / 办公室党支部``). The field adds ``with_labels()`` to whatever
queryset it is given, so the unit's name arrives in the one query that lists the options.
"""

from django import forms
from django.utils.safestring import mark_safe

from .html import escape as _e  # a thousand calls a picker
from .models.tree import unit_label
from .params import BadParameter, parse_id

INDENT = "\u3000"  # an ideographic space per level below the unit-level organisations


def _attrs_html(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html`` in Python: False drops an attribute, True writes its bare name."""
    return "".join(
        f" {_e(name)}" if value is True else f' {_e(name)}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """Django's ``<select>`` written out in Python, byte for byte what its templates write.

    A picker over the whole tree lists about a thousand organisations; Django's templates include one
    template per option, which cost ~25 ms a page at ``city`` scale (issue 22), the options themselves
    ~2 ms. Selection follows ``ChoiceWidget.optgroups`` (only the first match is selected, option
    groups are written as ``<optgroup>``). Any select may use it; the organisation fields do. The form
    renderer is not consulted: the portal keeps Django's default widget templates (no ``FORM_RENDERER``,
    no override of ``select.html``).
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        values = self.format_value(value)
        parts = [f'<select name="{_e(name)}"{_attrs_html(attrs)}>']
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            group = isinstance(option_label, (list, tuple))
            if group:
                parts.append(f'\n  <optgroup label="{_e(option_value)}">')
            for subvalue, sublabel in option_label if group else [(option_value, option_label)]:
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{_e(subvalue)}"{" selected" if selected else ""}>'
                    f"{_e(sublabel)}</option>\n"  # select_option.html ends with a newline
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 (every name, value and label above goes through _e)


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    """``FastSelect`` for a multiple choice (``<select multiple>``; the data read as ``SelectMultiple`` reads it)."""


class _OrgChoiceIterator(forms.models.ModelChoiceIterator):
    """The options from the four columns a label needs, without a model instance per organisation.

    Same values and labels as the instances would give (``Organization.label`` of a row read with
    ``with_labels()`` is ``unit_label(name, label_unit_name)``); ``ModelChoiceIteratorValue.instance`` is
    None, no widget of the portal reads it. A field whose labels are computed differently (an overridden
    ``label_from_instance``) or a queryset without ``with_labels()`` keeps Django's iterator.
    """

    def __iter__(self):
        field = self.field
        queryset = self.queryset
        if (
            field.to_field_name
            or "label_from_instance" in vars(field)
            or type(field).label_from_instance is not _OrgLabels.label_from_instance
            or "label_unit_name" not in queryset.query.annotations
        ):
            yield from super().__iter__()
            return
        if field.empty_label is not None:
            yield ("", field.empty_label)
        for pk, name, depth, unit_name in queryset.values_list("pk", "name", "depth", "label_unit_name"):
            label = unit_label(name, unit_name)
            if field.indent:
                label = f"{INDENT * max(depth - 1, 0)}{label}"
            yield (forms.models.ModelChoiceIteratorValue(pk, None), label)


class _OrgLabels:
    """Mixin: label options with the unit, optionally indented by depth (``indent=True``)."""

    iterator = _OrgChoiceIterator

    def __init__(self, *args, indent: bool = False, **kwargs):
        self.indent = indent
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        if queryset is not None and hasattr(queryset, "with_labels"):
            queryset = queryset.with_labels()
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj):  # _OrgChoiceIterator writes the same labels from values_list rows
        if self.indent:
            return f"{INDENT * max(obj.depth - 1, 0)}{obj.label}"
        return obj.label


class OrgChoiceField(_OrgLabels, forms.ModelChoiceField):
    """Pick one organisation."""

    widget = FastSelect


class OrgMultipleChoiceField(_OrgLabels, forms.ModelMultipleChoiceField):
    """Pick several organisations."""

    def _check_values(self, value):
        # Django checks each value with an equality lookup (range-safe) but then reads them all with ``IN``,
        # which overflows on SQLite for an id beyond 64 bits: refuse those as the invalid values they are.
        for pk in value:
            try:
                parse_id(str(self.label), pk)
            except BadParameter:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                ) from None
        return super()._check_values(value)


class IndentedOrgChoiceField(OrgChoiceField):
    """Pick one organisation from a tree listed in path order (for ``ModelForm.field_classes``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("indent", True)
        super().__init__(*args, **kwargs)
