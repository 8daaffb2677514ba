from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.forms import FastSelectMultiple, OrgChoiceField
from branches.models import Member, MemberCategory, Organization
from branches.roles import Role

from .models import ItemKind, QuestionKind, StudyModule


def _orgs(user, permission="study.manage"):
    return Organization.objects.visible_to(user, permission).order_by("path")


class ModuleForm(forms.Form):
    organization = OrgChoiceField(label=pgettext_lazy("training", "Owner"), queryset=Organization.objects.none())
    title = forms.CharField(label=pgettext_lazy("training", "Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    description = forms.CharField(
        label=pgettext_lazy("training", "Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _orgs(user)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    title = forms.CharField(label=pgettext_lazy("training", "Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (HTML allowed: paragraphs, headings, lists, links)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    url = forms.URLField(label=_("Link"), required=False)
    file = forms.FileField(label=_("File (PDF or MP4)"), required=False)
    credit_hours = forms.DecimalField(label=_("Study hours"), min_value=0, max_digits=5, decimal_places=1, initial=1)
    min_minutes = forms.IntegerField(label=_("Minimum minutes of study"), min_value=0, initial=10)
    min_watch_percent = forms.IntegerField(label=_("Minimum watched (%)"), min_value=0, max_value=100, initial=90)
    duration_seconds = forms.IntegerField(label=_("Video length (seconds)"), min_value=0, initial=0)
    pass_percent = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100, initial=60)
    question_count = forms.IntegerField(label=_("Questions drawn"), min_value=1, initial=5)
    attempt_limit = forms.IntegerField(label=_("Attempt limit"), min_value=1, initial=3)
    time_limit_minutes = forms.IntegerField(label=_("Time limit (minutes)"), min_value=1, initial=20)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Question type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label=_("Choices, one per line; start correct ones with *"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For true/false write two lines: *正确 and 错误 (or the other way round)."),
    )
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean_choices(self):
        lines = [ln.strip() for ln in self.cleaned_data["choices"].splitlines() if ln.strip()]
        return [(ln.lstrip("*").strip(), ln.startswith("*")) for ln in lines]


class AssignForm(forms.Form):
    organization = OrgChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    include_subtree = forms.BooleanField(label=_("Include its whole subtree"), required=False, initial=True)
    role = forms.ChoiceField(
        label=_("Only people holding the role"), choices=[("", "—")] + Role.choices, required=False
    )
    category = forms.ChoiceField(
        label=_("Only members of the category"), choices=[("", "—")] + MemberCategory.choices, required=False
    )
    # Up to 500 names: written in Python, not an option template each (issue 22).
    people = forms.ModelMultipleChoiceField(
        label=_("Or named people"), queryset=Member.objects.none(), required=False, widget=FastSelectMultiple
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_days = forms.IntegerField(label=_("Or due this many days after assignment"), min_value=1, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _orgs(user)
        # At most 500 names in the list (a whole city would be 20,000); larger audiences use organisations.
        first = Member.objects.visible_to(user, "change").active().order_by("name").values("pk")[:500]
        self.fields["people"].queryset = Member.objects.filter(pk__in=first).order_by("name").for_choices()

    def clean(self):
        data = super().clean()
        if (data.get("due_date") is None) == (data.get("due_days") is None):
            raise forms.ValidationError(_("Give either a due date or a number of days after assignment, not both."))
        return data


class ClaimForm(forms.Form):
    title = forms.CharField(label=_("What you studied"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.1, max_value=100, max_digits=5, decimal_places=1)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    evidence = forms.FileField(label=_("Certificate or other evidence (PDF or image)"))


class SignInForm(forms.Form):
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=12,
        error_messages={"required": _("Enter the sign-in code shown in the session.")},
    )


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("training", "Reason for leave"),
        max_length=200,
        error_messages={"required": _("Give the reason for leave.")},
    )


class LectureForm(forms.Form):
    organization = OrgChoiceField(label=_("Held in"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Topic"), max_length=200)
    speaker = forms.CharField(label=_("Speaker"), max_length=50)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    audience_count = forms.IntegerField(label=_("Audience"), min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _orgs(user)


class ClassForm(forms.Form):
    organization = OrgChoiceField(label=_("Organiser"), queryset=Organization.objects.none())
    title = forms.CharField(label=pgettext_lazy("training", "Title"), max_length=200)
    roster_org = OrgChoiceField(label=_("Trainees from"), queryset=Organization.objects.none())
    roster_role = forms.ChoiceField(
        label=_("Only people holding the role"), choices=[("", "—")] + Role.choices, required=False
    )
    makeup_module = forms.ModelChoiceField(
        label=_("Make-up module for absentees"), queryset=StudyModule.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _orgs(user)
        self.fields["roster_org"].queryset = _orgs(user)
        self.fields["makeup_module"].queryset = StudyModule.objects.visible_to(user, "change")


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Session title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=5, decimal_places=1, initial=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
