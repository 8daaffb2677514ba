"""Input parsing for the member file's pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CareKind, DisciplineKind, RecordKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, required=True):
    return forms.DateField(
        label=label, widget=DateInput(), required=required, initial=timezone.localdate if required else None
    )


class MobileForm(forms.Form):
    place = forms.CharField(label=_("Where"), max_length=200)
    since = date_field(_("Since"))
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    receiving_org = forms.CharField(
        label=_("Receiving mobile members' party organisation"), max_length=200, required=False
    )
    card_no = forms.CharField(label=_("Mobile member activity card number"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EndMobileForm(forms.Form):
    until = date_field(_("Back on"))


class MobileActivityForm(forms.Form):
    date = date_field(_("Date"))
    organization_name = forms.CharField(label=_("Held by"), max_length=200)
    content = forms.CharField(label=_("Content"), max_length=300)


class AbroadForm(forms.Form):
    destination = forms.CharField(label=_("Destination"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    departed_on = date_field(_("Departed on"))
    expected_return = date_field(_("Expected return"), required=False)


class ReturnForm(forms.Form):
    returned_on = date_field(_("Returned on"))


class LostContactForm(forms.Form):
    last_contact_on = date_field(_("Last contact on"))
    search_steps = forms.CharField(label=_("Search steps"), widget=forms.Textarea(attrs={"rows": 3}))


class FoundForm(forms.Form):
    found_on = date_field(_("Contact restored on"))


class RewardDisciplineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RecordKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    discipline = forms.ChoiceField(label=_("Discipline"), choices=[("", "—"), *DisciplineKind.choices], required=False)
    document_no = forms.CharField(label=_("Document number"), max_length=100)
    date = date_field(_("Date"))
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=200)
    ends_on = date_field(_("In force until (probation within the party)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CareForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CareKind.choices)
    date = date_field(_("Date"))
    situation = forms.CharField(label=_("Situation"), widget=forms.Textarea(attrs={"rows": 3}))
    help_given = forms.CharField(label=_("Help given"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    amount = forms.DecimalField(
        label=_("Amount given (yuan)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
