from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Organization, RoleGrant

from ..forms import DATE, PersonChoiceField, people_in
from ..models import FindingCategory


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def people_with_grants_in(organization: Organization):
    """Active accounts holding a role somewhere in the organisation's subtree (candidate raters)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=RoleGrant.objects.filter(organization__path__startswith=organization.path).values("user_id"),
        )
        .order_by("full_name", "username")
    )


class RoundForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("accountability", "Title"), max_length=200)
    year = forms.IntegerField(label=_("Year reported on"), min_value=2000, max_value=2100)
    report_deadline = forms.DateField(label=_("Report deadline"), widget=DATE)
    rating_starts = forms.DateField(label=_("Rating opens"), widget=DATE)
    rating_ends = forms.DateField(label=_("Rating closes"), widget=DATE)
    live_weight = forms.IntegerField(label=_("Live rating weight (%)"), min_value=0, max_value=100, initial=60)
    record_weight = forms.IntegerField(label=_("Daily record weight (%)"), min_value=0, max_value=100, initial=40)
    include_branches = forms.BooleanField(
        label=_("Branch secretaries also report, rated by their unit"), required=False
    )
    raters = PersonMultipleChoiceField(
        label=_("Raters (committee members and representatives)"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raters"].queryset = people_with_grants_in(organization)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("Written report"), widget=forms.Textarea(attrs={"rows": 10}))


class ProblemForm(forms.Form):
    description = forms.CharField(
        label=pgettext_lazy("accountability", "Problem"), widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=FindingCategory.objects.filter(is_active=True), required=False
    )
    measures = forms.CharField(label=_("Rectification measures required"), required=False)
    owner_person = PersonChoiceField(
        label=_("Responsible person"), queryset=get_user_model().objects.none(), required=False
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_person"].queryset = people_in(organization)


class RaterForm(forms.Form):
    user = PersonChoiceField(label=_("Rater"), queryset=get_user_model().objects.none())

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_with_grants_in(organization)
