"""The round settings page: the weighting, and one formset each for the rating form, grades and daily record.

The forms only parse; ``configuration.update_settings`` holds every rule (sums, order, what is final).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from branches import metric_registry

from .models import RecordIndicator


class WeightForm(forms.Form):
    live_weight = forms.IntegerField(label=_("Live rating weight (%)"), min_value=0, max_value=100)
    record_weight = forms.IntegerField(label=_("Daily record weight (%)"), min_value=0, max_value=100)


class DimensionRow(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Rating item"), max_length=100)
    description = forms.CharField(label=_("What is rated"), max_length=300, required=False)
    weight = forms.IntegerField(label=_("weight"), min_value=1, max_value=10, initial=1)


class GradeRow(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Grade"), max_length=20)
    points = forms.DecimalField(label=_("Points per tap"), min_value=0, max_value=100, decimal_places=2)
    min_score = forms.DecimalField(label=_("From total score"), min_value=0, max_value=100, decimal_places=2)


def metric_choices():
    return sorted(
        ((name, f"{m.label}（{name}）") for name, m in metric_registry.available().items()), key=lambda c: c[0]
    )


class IndicatorRow(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    metric = forms.ChoiceField(label=_("Figure"), choices=())
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    weight = forms.IntegerField(label=_("weight"), min_value=0, max_value=100)
    method = forms.ChoiceField(label=_("Scored as"), choices=RecordIndicator.Method.choices, initial="rate")
    deduction = forms.DecimalField(
        label=_("deduction per count"), min_value=0, max_value=100, decimal_places=2, required=False
    )  # blank = no deduction (no initial: the empty extra row must stay unchanged)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A blank first choice: the empty extra row stays unchanged (and is skipped) unless a figure is picked.
        self.fields["metric"].choices = [("", "—"), *metric_choices()]


def _formset(form):
    return forms.formset_factory(form, extra=1, can_delete=True, max_num=30, validate_max=True)


DimensionFormSet = _formset(DimensionRow)
GradeFormSet = _formset(GradeRow)
IndicatorFormSet = _formset(IndicatorRow)


def settings_forms(data=None, *, initial: dict):
    """The weighting form and the three formsets, bound to ``data`` or filled from ``configuration.current``."""
    return {
        "weights": WeightForm(data, initial=initial, prefix="w"),
        "dimensions": DimensionFormSet(data, initial=initial["dimensions"], prefix="dim"),
        "grades": GradeFormSet(data, initial=initial["grades"], prefix="grade"),
        "indicators": IndicatorFormSet(data, initial=initial["indicators"], prefix="ind"),
    }


def rows(formset) -> list[dict]:
    """The kept (non-empty, not deleted) rows of a valid formset, in order."""
    out = []
    for form in formset.forms:
        d = form.cleaned_data
        if not d or d.get("DELETE"):
            continue
        out.append({k: v for k, v in d.items() if k != "DELETE"})
    return out
