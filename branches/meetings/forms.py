from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..forms import FastSelect, OrgChoiceField
from ..models import Meeting, MeetingKind, Member, Organization


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PlanForm(forms.Form):
    organization = OrgChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Meeting kind"), choices=MeetingKind.choices, widget=FastSelect)
    title = forms.CharField(label=pgettext_lazy("meetings", "Title"), max_length=200)
    start = forms.DateTimeField(label=_("Start"), widget=DateTimeInput())
    end = forms.DateTimeField(label=_("End"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    # The branch's members, twice: written in Python (FastSelect), not an option template each (issue 22).
    host = forms.ModelChoiceField(label=_("Host"), queryset=Member.objects.none(), required=False, widget=FastSelect)
    recorder = forms.ModelChoiceField(
        label=_("Recorder"), queryset=Member.objects.none(), required=False, widget=FastSelect
    )
    first_topic = forms.CharField(label=_("First topic (第一议题)"), max_length=300, required=False)
    first_topic_material = forms.CharField(label=_("Material studied"), max_length=300, required=False)
    other_topics = forms.CharField(
        label=_("Other topics"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line.")
    )
    send_notice = forms.BooleanField(label=_("Send the notice to attendees"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, "meeting.change").exclude(kind="committee").order_by("path")
        self.fields["organization"].queryset = orgs
        members = (
            Member.objects.visible_to(user).party_members().filter(organization__in=orgs.values("pk")).for_choices()
        )
        self.fields["host"].queryset = members
        self.fields["recorder"].queryset = members

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The meeting must end after it starts."))
        org = data.get("organization")
        for name in ("host", "recorder"):
            person = data.get(name)
            if person and org and person.organization_id != org.pk:
                self.add_error(name, _("Choose a member of this organisation."))
        return data

    def service_kwargs(self) -> dict:
        """``services.plan_meeting``'s arguments (the page and the API plan through this one mapping)."""
        d = self.cleaned_data
        fields = ("organization", "kind", "title", "start", "end", "place", "host", "recorder", "send_notice")
        return {**{name: d[name] for name in fields}, "topics": self.topics()}

    def topics(self):
        data = self.cleaned_data
        out = []
        if data.get("first_topic"):
            out.append({"title": data["first_topic"], "is_first_topic": True, "material": data["first_topic_material"]})
        out += [{"title": line.strip()} for line in (data.get("other_topics") or "").splitlines() if line.strip()]
        return out


class RecordForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["title", "start", "end", "place", "minutes", "resolutions", "problems", "rectifications"]
        widgets = {
            "start": DateTimeInput(attrs={"class": "form-control"}),
            "end": DateTimeInput(attrs={"class": "form-control"}),
            "minutes": forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
            "resolutions": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "problems": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "rectifications": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        }


class SignInForm(forms.Form):
    code = forms.CharField(label=_("Sign-in code"), max_length=8)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Photo or document"))


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for correction"),
        max_length=300,
        help_text=_("The record as it was is kept as a version with this reason."),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))
    resolutions = forms.CharField(label=_("Resolutions"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def service_kwargs(self) -> dict:
        """``services.correct_meeting``'s arguments (page and API)."""
        d = self.cleaned_data
        return {
            "reason": d["reason"],
            "fields": {"place": d["place"], "minutes": d["minutes"], "resolutions": d["resolutions"]},
        }
