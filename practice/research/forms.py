from django import forms
from django.utils.translation import gettext_lazy as _

from branches.forms import OrgChoiceField
from branches.models import Member, Organization

from ..forms import DateInput, MultipleFileField
from .models import OutcomeKind


class TopicForm(forms.Form):
    organization = OrgChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Research topic"), max_length=200)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Member.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Team"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    plan = forms.CharField(label=_("Plan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Photos"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = (
            Organization.objects.visible_to(user, "practice.change")
            .filter(is_active=True)
            .exclude(kind__in=["committee", "group"])
            .only("id", "name", "path")
            .order_by("path")
        )
        self.fields["organization"].queryset = orgs
        people = Member.objects.visible_to(user).party_members().filter(organization__in=orgs.values("pk"))
        self.fields["leader"].queryset = people.for_choices()
        self.fields["members"].queryset = people.for_choices()


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of outcome"), choices=OutcomeKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))
    date = forms.DateField(label=_("Date"), widget=DateInput())


class PhotoForm(forms.Form):
    photos = MultipleFileField(label=_("Photos"), required=True)
