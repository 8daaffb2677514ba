from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.forms import OrgChoiceField
from branches.models import Member, Organization

from ..forms import DateInput, MultipleFileField
from .models import ActivityKind, PartnerKind


class PairingForm(forms.Form):
    organization = OrgChoiceField(label=_("Our organisation"), queryset=Organization.objects.none())
    partner_name = forms.CharField(label=_("Partner organisation"), max_length=100)
    partner_kind = forms.ChoiceField(label=_("Partner type"), choices=PartnerKind.choices)
    partner_district = forms.CharField(label=_("District"), max_length=50, required=False)
    partner_contact = forms.CharField(
        label=_("Partner contact"),
        max_length=100,
        required=False,
        help_text=_("The partner's office or contact post; no personal ID numbers."),
    )
    partner_organization = OrgChoiceField(
        label=_("Partner in the tree"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Only when the partner is another organ's branch in this portal: its secretary can then log too."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    annual_plan = forms.CharField(label=_("Annual plan"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "practice.manage")
            .filter(is_active=True)
            .exclude(kind__in=["committee", "group"])
            .only("id", "name", "path")
            .order_by("path")
        )
        self.fields["partner_organization"].queryset = (
            Organization.objects.filter(is_active=True, kind="branch").only("id", "name", "path").order_by("path")
        )


class PairingEditForm(PairingForm):
    """The pairing form without what ``update_pairing`` keeps fixed (our side, the partner in the tree, the start)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("organization", "partner_organization", "start_date"):
            del self.fields[name]


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for ending"), max_length=300, required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity type"), choices=ActivityKind.choices)
    title = forms.CharField(label=pgettext_lazy("practice", "Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Our participants"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outside_count = forms.IntegerField(label=_("Outside participants (number)"), min_value=0, initial=0)
    results = forms.CharField(label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Photos"))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members if members is not None else Member.objects.none()
