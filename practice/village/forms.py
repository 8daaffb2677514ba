from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.forms import OrgChoiceField
from branches.models import Member, Organization

from ..forms import DateInput, MultipleFileField, MultipleFileInput


class PostingForm(forms.Form):
    organization = OrgChoiceField(label=_("Dispatching unit"), queryset=Organization.objects.none())
    member = forms.ModelChoiceField(label=_("Cadre"), queryset=Member.objects.none())
    village = forms.CharField(label=_("Village"), max_length=100)
    township = forms.CharField(label=_("Township and county"), max_length=100, required=False)
    term_start = forms.DateField(label=pgettext_lazy("village", "Term start"), widget=DateInput())
    term_end = forms.DateField(label=pgettext_lazy("village", "Term end"), widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = (
            Organization.objects.visible_to(user, "practice.manage")
            .filter(is_active=True)
            .exclude(kind="group")
            .only("id", "name", "path")
            .order_by("path")
        )
        self.fields["organization"].queryset = orgs
        self.fields["member"].queryset = (
            Member.objects.visible_to(user).party_members().filter(organization__in=orgs.values("pk")).for_choices()
        )


class ReportForm(forms.Form):
    quarter = forms.CharField(label=_("Quarter"), max_length=7, help_text=_("e.g. 2026-Q1"))
    content = forms.CharField(label=_("Work report"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(
        label=_("Files (the signed report, photos)"),
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".pdf,.ofd,.doc,.docx,.wps,image/*"}),
    )
