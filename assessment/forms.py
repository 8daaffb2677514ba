from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Organization, OrganizationKind

from .models import Indicator, IndicatorSystem


class DateInput(forms.DateInput):
    input_type = "date"


class OpenCycleForm(forms.Form):
    system = forms.ModelChoiceField(label=_("Indicator system"), queryset=IndicatorSystem.objects.none())
    root = forms.ModelChoiceField(
        label=_("Scope (every branch below is assessed)"), queryset=Organization.objects.none()
    )
    name = forms.CharField(label=_("Name"), max_length=100)
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


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "dimension",
            "code",
            "name",
            "max_score",
            "method",
            "config",
            "guidance",
            "required_evidence",
            "order",
        ]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = system.dimensions.all()
        self.fields["config"].help_text = _(
            'For example: scale {"levels": [{"name": "好", "points": 10}]}; checklist {"items": [...], '
            '"points_per_item": 2}; deduction {"per_occurrence": 1}; bonus {"per_item": 1}; computed '
            '{"metric": "meetings.compliance_rate", "table": [{"min": 95, "points": 10}]}'
        )
