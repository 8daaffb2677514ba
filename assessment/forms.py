from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.forms import OrgChoiceField
from branches.models import MeetingKind, Organization, OrganizationKind

from . import params
from .models import Indicator, IndicatorSystem, Method


class DateInput(forms.DateInput):
    """A browser date picker: its value must be ISO (YYYY-MM-DD) whatever the locale's date format."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 (Django's argument name)
        super().__init__(attrs, format=format)


class OpenCycleForm(forms.Form):
    system = forms.ModelChoiceField(label=_("Indicator system"), queryset=IndicatorSystem.objects.none())
    root = OrgChoiceField(label=_("Scope (every branch below is assessed)"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    opens_on = forms.DateField(
        label=_("Self-assessment opens"), widget=DateInput, required=False, help_text=_("Empty: today.")
    )
    self_due = forms.DateField(label=_("Self-assessment closes"), widget=DateInput)
    review_due = forms.DateField(label=_("Review closes"), widget=DateInput)
    cutoff = forms.DateField(label=_("Data cut-off"), widget=DateInput)
    calibration_due = forms.DateField(label=_("Calibration closes"), widget=DateInput)
    notice_until = forms.DateField(label=_("Public notice until"), widget=DateInput)
    appeal_until = forms.DateField(label=_("Appeals until"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = IndicatorSystem.objects.published()
        self.fields["root"].queryset = (
            Organization.objects.visible_to(user, "assessment.manage")
            .exclude(kind=OrganizationKind.GROUP)
            .order_by("path")
        )


class CycleWindowsForm(forms.Form):
    """The committee moves the dates of a running cycle (an extension, a later notice)."""

    self_due = forms.DateField(label=_("Self-assessment closes"), widget=DateInput)
    review_due = forms.DateField(label=_("Review closes"), widget=DateInput)
    cutoff = forms.DateField(label=_("Data cut-off"), widget=DateInput)
    calibration_due = forms.DateField(label=_("Calibration closes"), widget=DateInput)
    notice_until = forms.DateField(label=_("Public notice until"), widget=DateInput)
    appeal_until = forms.DateField(label=_("Appeals until"), widget=DateInput)


# ---------------------------------------------------------------- the indicator editor


class IndicatorForm(forms.ModelForm):
    """The indicator itself; its scoring parameters come from the method's section (``IndicatorEditor``)."""

    class Meta:
        model = Indicator
        fields = ["dimension", "code", "name", "max_score", "method", "guidance", "required_evidence", "order"]
        widgets = {
            "guidance": forms.Textarea(attrs={"rows": 2}),
            "method": forms.Select(attrs={"data-method-select": ""}),
            "max_score": forms.NumberInput(attrs={"step": "0.5", "min": "0", "data-max-score": ""}),
        }

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = system.dimensions.all()
        self.fields["dimension"].label = _("Dimension")
        self.fields["max_score"].help_text = _(
            "The most points the indicator can give; checklists and bonuses are capped here. A veto has 0."
        )
        self.fields["order"].required = False

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the indicator a name."))
        return name

    def clean(self):
        data = super().clean()
        method, max_score = data.get("method"), data.get("max_score")
        if method == Method.VETO:
            data["max_score"] = Decimal("0")  # a veto carries no points, whatever was typed
        elif max_score is not None and max_score <= 0:
            self.add_error("max_score", _("Give the indicator a max score above 0."))
        if data.get("order") is None:
            data["order"] = 0
        return data


def _metric_choices(current=""):
    metrics = sorted(metric_registry.available().values(), key=lambda m: m.name)
    choices = [("", _("— choose a metric —"))] + [(m.name, f"{m.label}（{m.unit}） · {m.name}") for m in metrics]
    if current and current not in {m.name for m in metrics}:
        choices.append((current, _("%(name)s (not provided yet)") % {"name": current}))
    return choices


class MethodParamsForm(forms.Form):
    """The single-value parameters of each method; only the chosen method's are read."""

    points_per_item = forms.DecimalField(
        label=_("Points per ticked item"), required=False, max_digits=5, decimal_places=1, min_value=0
    )
    per_occurrence = forms.DecimalField(
        label=_("Points deducted per occurrence"), required=False, max_digits=5, decimal_places=1, min_value=0
    )
    per_item = forms.DecimalField(
        label=_("Points added per item"), required=False, max_digits=5, decimal_places=1, min_value=0
    )
    condition = forms.CharField(
        label=_("Situation that triggers the veto"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    metric = forms.ChoiceField(label=_("Metric"), required=False, choices=())

    def __init__(self, *args, current_metric="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = _metric_choices(current_metric)


class _RowForm(forms.Form):
    def __init__(self, *args, max_score=None, **kwargs):
        self.max_score = max_score
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "DELETE":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
                field.widget.attrs.setdefault("aria-label", str(field.label))

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(data.get(f) in (None, "") for f in self.row_fields)

    def _check_points(self, data):
        points = data.get("points")
        if points is not None:
            problem = params.points_problem(points, self.max_score)
            if problem:
                self.add_error("points", problem)


class LevelForm(_RowForm):
    row_fields = ("name", "points")
    name = forms.CharField(label=_("Level"), required=False, max_length=30)
    points = forms.DecimalField(label=_("Points"), required=False, max_digits=5, decimal_places=1)

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Every level needs a name."))
        if data.get("points") is None and "points" not in self.errors:
            self.add_error("points", _("Enter the points as a number."))
        self._check_points(data)
        return data


class ItemForm(_RowForm):
    row_fields = ("text",)
    text = forms.CharField(label=_("Item"), required=False, max_length=100)


class RangeForm(_RowForm):
    row_fields = ("low", "high", "points")
    low = forms.DecimalField(label=_("Lower bound (inclusive)"), required=False, max_digits=8, decimal_places=2)
    high = forms.DecimalField(label=_("Upper bound (inclusive)"), required=False, max_digits=8, decimal_places=2)
    points = forms.DecimalField(label=_("Points"), required=False, max_digits=5, decimal_places=1)

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        low, high = data.get("low"), data.get("high")
        if low is None and high is None and not {"low", "high"} & set(self.errors):
            self.add_error("low", _("Give where the range starts, ends, or both."))
        if low is not None and high is not None and low > high:
            self.add_error("high", _("The end of the range comes before its start."))
        if data.get("points") is None and "points" not in self.errors:
            self.add_error("points", _("Enter the points as a number."))
        self._check_points(data)
        return data


class _EveryRowFormSet(forms.BaseFormSet):
    """Every posted row is validated, also one equal to its initial value (rows are read by content)."""

    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = False
        return super()._construct_form(i, **kwargs)


class _RowFormSet(_EveryRowFormSet):
    """Blank rows and rows ticked for removal are left out; the rest keep their order."""

    def rows(self) -> list[dict]:
        out = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.is_blank():
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            out.append(form.cleaned_data)
        return out


# Without JavaScript these blank rows are the room to add (save, then edit again for more);
# static/assessment/editor.js adds and removes rows in place.
NEW_ROWS, MORE_ROWS = 4, 2


def _row_formset(form, rows):
    extra = MORE_ROWS if rows else NEW_ROWS
    return formset_factory(form, formset=_RowFormSet, extra=extra, can_delete=True)


def _initial_rows(method, config):
    config = config or {}
    levels = items = table = []
    if method == Method.SCALE:
        levels = [{"name": lv.get("name", ""), "points": lv.get("points")} for lv in config.get("levels", [])]
    elif method == Method.CHECKLIST:
        items = [{"text": i} for i in config.get("items", [])]
    elif method == Method.COMPUTED:
        table = [
            {"low": r.get("min"), "high": r.get("max"), "points": r.get("points")} for r in config.get("table", [])
        ]
    return levels, items, table


class IndicatorEditor:
    """The indicator form, the method's single-value parameters and its rows (levels, items or ranges).

    Every section is posted (without JavaScript all of them show); only the chosen method's is read.
    ``config`` is the structure ``scoring.py`` reads.
    """

    def __init__(self, data=None, *, system, instance=None):
        self.system = system
        self.instance = instance
        self.bound = data is not None
        self.form = IndicatorForm(data, system=system, instance=instance)
        config = instance.config if instance else {}
        method = instance.method if instance else ""
        self.params = MethodParamsForm(
            data,
            initial={
                "points_per_item": config.get("points_per_item"),
                "per_occurrence": config.get("per_occurrence"),
                "per_item": config.get("per_item"),
                "condition": config.get("condition", ""),
                "metric": config.get("metric", ""),
            },
            current_metric=config.get("metric", "") if method == Method.COMPUTED else "",
        )
        max_score = None
        if self.bound and self.form.is_valid():
            max_score = self.form.cleaned_data["max_score"]
        levels, items, table = _initial_rows(method, config)
        kw = {"form_kwargs": {"max_score": max_score}}
        self.levels = _row_formset(LevelForm, levels)(data, prefix="levels", initial=levels or None, **kw)
        self.items = _row_formset(ItemForm, items)(data, prefix="items", initial=items or None, **kw)
        self.table = _row_formset(RangeForm, table)(data, prefix="table", initial=table or None, **kw)
        self.section_errors: list[str] = []
        self.config: dict = {}

    @property
    def method(self):
        if self.bound:
            return self.form.data.get("method", "")
        return self.instance.method if self.instance else ""

    def _section(self, method):
        p = self.params.cleaned_data
        if method == Method.SCALE:
            if not self.levels.is_valid():
                return None
            return {
                "levels": [
                    {"name": r["name"].strip(), "points": params.as_json_number(r["points"])}
                    for r in self.levels.rows()
                ]
            }
        if method == Method.CHECKLIST:
            if not self.items.is_valid():
                return None
            return {
                "items": [r["text"].strip() for r in self.items.rows()],
                "points_per_item": None
                if p["points_per_item"] is None
                else params.as_json_number(p["points_per_item"]),
            }
        if method == Method.DEDUCTION:
            value = p["per_occurrence"]
            return {"per_occurrence": None if value is None else params.as_json_number(value)}
        if method == Method.BONUS:
            value = p["per_item"]
            return {"per_item": None if value is None else params.as_json_number(value)}
        if method == Method.VETO:
            return {"condition": (p["condition"] or "").strip()}
        if method == Method.COMPUTED:
            if not self.table.is_valid():
                return None
            rows = []
            for r in self.table.rows():
                row = {}
                if r["low"] is not None:
                    row["min"] = params.as_json_number(r["low"])
                if r["high"] is not None:
                    row["max"] = params.as_json_number(r["high"])
                row["points"] = params.as_json_number(r["points"])
                rows.append(row)
            return {"metric": p["metric"], "table": rows}
        return None

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        params_ok = self.params.is_valid()
        if not (form_ok and params_ok):
            # Still check the section so every mistake shows at once.
            if params_ok and self.method in Method.values:
                self._section(self.method)
            return False
        method = self.form.cleaned_data["method"]
        config = self._section(method)
        if config is None:
            return False
        self.section_errors = params.problems(method, config, self.form.cleaned_data["max_score"])
        if self.section_errors:
            return False
        self.config = config
        return True

    def fields(self) -> dict:
        """What the services take: the model fields and ``config``."""
        data = dict(self.form.cleaned_data)
        data["config"] = self.config
        return data

    def add_error(self, messages):
        self.section_errors.extend(messages)


# ---------------------------------------------------------------- grades, dimensions, quota


class SystemSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    top_quota_percent = forms.IntegerField(
        label=_("Quota on the top grade per parent organisation (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty for no quota."),
        error_messages={
            "min_value": _("The quota is a percentage from 0 to 100."),
            "max_value": _("The quota is a percentage from 0 to 100."),
        },
    )
    review_margin = forms.DecimalField(
        label=_("Review margin"),
        max_digits=5,
        decimal_places=1,
        min_value=0,
        help_text=_("A reviewer gives a reason when their score differs from the self-score by more than this."),
    )


class DimensionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Dimension"), max_length=50, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("name", "order"):
            self.fields[field].widget.attrs.update(
                {"class": "form-control form-control-sm", "aria-label": str(self.fields[field].label)}
            )

    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not (data.get("name") or "").strip()


class BaseDimensionFormSet(_EveryRowFormSet):
    def clean(self):
        if any(f.errors for f in self.forms):
            return
        rows = [f.cleaned_data for f in self.forms if not f.is_blank()]
        names = [(r.get("name") or "").strip() for r in rows]
        if any(not n for n in names):
            raise ValidationError(_("Every dimension needs a name."))
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValidationError(
                _("Each dimension needs its own name: %(names)s appears twice.") % {"names": "、".join(dupes)}
            )
        if not rows:
            raise ValidationError(_("Give at least one dimension."))

    def rows(self) -> list[dict]:
        out = []
        for i, f in enumerate(self.forms):
            if f.is_blank():
                continue
            d = f.cleaned_data
            out.append(
                {"id": d.get("id"), "name": d["name"].strip(), "order": d["order"] if d.get("order") is not None else i}
            )
        return out


DimensionFormSet = formset_factory(DimensionForm, formset=BaseDimensionFormSet, extra=0)


class GradeForm(_RowForm):
    row_fields = ("label", "min_score")
    label = forms.CharField(label=_("Grade"), max_length=20, required=False)
    min_score = forms.DecimalField(label=_("From a total of"), max_digits=5, decimal_places=1, required=False)


class BaseGradeFormSet(_RowFormSet):
    """Top grade first; thresholds strictly descending; the last grade takes every lower total (0)."""

    def __init__(self, *args, total_max=None, **kwargs):
        self.total_max = total_max
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(f.errors for f in self.forms):
            return
        rows = self.rows()
        problems = params.grade_problems(
            [{"label": (r.get("label") or "").strip(), "min_score": r.get("min_score")} for r in rows], self.total_max
        )
        if problems:
            raise ValidationError(problems)


GradeFormSet = formset_factory(GradeForm, formset=BaseGradeFormSet, extra=2, can_delete=True)


# ---------------------------------------------------------------- the meeting picker


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + list(MeetingKind.choices)
