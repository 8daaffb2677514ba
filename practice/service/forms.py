from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.forms import OrgChoiceField
from branches.models import Organization

from ..forms import DateInput


class ResidenceForm(forms.Form):
    community = forms.CharField(label=_("Residential community"), max_length=100)
    district = forms.CharField(label=_("District"), max_length=50, required=False)


class ServiceForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    community = forms.CharField(label=_("Community served"), max_length=100)
    activity = forms.CharField(label=_("Service activity"), max_length=200)
    hours = forms.DecimalField(label=pgettext_lazy("practice", "Hours"), min_value=0.1, max_value=24, decimal_places=1)


class ConfirmForm(forms.Form):
    confirmer = forms.CharField(label=_("Community contact who confirmed"), max_length=100, required=False)
    decision = forms.ChoiceField(
        label=pgettext_lazy("practice", "Decision"),
        choices=[("confirm", _("Confirmed by the community")), ("reject", _("Not confirmed"))],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CommunityReportForm(forms.Form):
    organization = OrgChoiceField(label=_("Our organisation"), queryset=Organization.objects.none())
    community = forms.CharField(label=_("Community"), max_length=100)
    district = forms.CharField(label=_("District"), max_length=50, required=False)
    contact = forms.CharField(label=_("Community contact"), max_length=100, required=False)
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "practice.manage")
            .filter(is_active=True)
            .exclude(kind__in=["committee", "group"])
            .only("id", "name", "path")
            .order_by("path")
        )
