from django import forms
from django.utils.translation import gettext_lazy

from branches.forms import OrgChoiceField
from branches.models import Organization

from . import services
from .models import ReportKind


class ReportForm(forms.Form):
    organization = OrgChoiceField(label=gettext_lazy("Organisation"), queryset=Organization.objects.none(), indent=True)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ReportKind.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    file = forms.FileField(label=gettext_lazy("Document"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "plan.file")
            .filter(kind__in=services.FILING_KINDS)
            .only("id", "name", "path", "depth")
        )
