from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.forms import OrgChoiceField
from branches.models import Member, Organization

from ..forms import DateInput
from .models import DeedStatus


def _orgs(user, permission):
    return (
        Organization.objects.visible_to(user, permission)
        .filter(is_active=True)
        .exclude(kind__in=["committee", "group"])
        .only("id", "name", "path")
        .order_by("path")
    )


class DeedForm(forms.Form):
    organization = OrgChoiceField(label=_("Unit keeping the list"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Practical item"), max_length=200)
    problem = forms.CharField(label=_("Problem it solves"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_organization = OrgChoiceField(
        label=_("Responsible organisation"), queryset=Organization.objects.none(), required=False
    )
    responsible_person = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=Member.objects.none(), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = _orgs(user, "practice.change")
        self.fields["organization"].queryset = orgs
        self.fields["responsible_organization"].queryset = orgs
        self.fields["responsible_person"].queryset = (
            Member.objects.visible_to(user).party_members().filter(organization__in=orgs.values("pk")).for_choices()
        )


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DeedStatus.choices)
    result = forms.CharField(
        label=pgettext_lazy("deeds", "Result"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    satisfaction = forms.IntegerField(
        label=_("Satisfaction of the people served (%)"), min_value=0, max_value=100, required=False
    )
