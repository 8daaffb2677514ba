from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.forms import OrgChoiceField
from branches.models import Organization

from ..forms import DATE
from .models import BrandTheme


class CampaignForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("campaigns", "Title"), max_length=200)
    year = forms.IntegerField(label=_("Campaign year"), min_value=2000, max_value=2100)
    apply_deadline = forms.DateField(label=_("Application deadline"), widget=DATE)


class ApplyForm(forms.Form):
    organization = OrgChoiceField(label=_("Unit party organisation"), queryset=Organization.objects.none())
    plan = forms.CharField(label=_("Creation plan"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "campaigns.apply")
            .filter(is_active=True)
            .exclude(kind__in=["group", "committee"])
            .order_by("path")
        )


class ProgressForm(forms.Form):
    content = forms.CharField(label=_("Progress this half-year"), widget=forms.Textarea(attrs={"rows": 4}))
    files = forms.FileField(label=_("Evidence (PDF, Word, images)"), required=False)


class BrandForm(forms.Form):
    organization = OrgChoiceField(label=_("Branch"), queryset=Organization.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Brand name"), max_length=100)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=BrandTheme.objects.filter(is_active=True))
    idea = forms.CharField(label=_("Idea"), widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("Measures"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_results = forms.CharField(label=_("Expected results"), widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.ImageField(label=_("Photo"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "brands.apply").filter(kind="branch", is_active=True).order_by("path")
        )


class ThemeForm(forms.ModelForm):
    """A brand theme (the committee's page and the API parse with it; ``themes.save_theme`` decides)."""

    class Meta:
        model = BrandTheme
        fields = ["name", "description", "order", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def validate_unique(self):  # the service says it, in the same words for the page and the API
        pass
