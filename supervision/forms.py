from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.forms import FastSelect, OrgChoiceField, OrgMultipleChoiceField
from branches.models import Organization, RoleGrant
from branches.roles import Role

from .models import FindingCategory, Severity, Stage, TaskKind
from .services.tasks import creation_scope

DATE = forms.DateInput(attrs={"type": "date"})


class PersonChoiceField(forms.ModelChoiceField):
    """A person picker (rater, responsible person): the account holders of a subtree, a thousand in a city's
    round, written in Python (``FastSelect``: Django's HTML without an option template each)."""

    widget = FastSelect

    def label_from_instance(self, obj):
        return obj.display_name


def people_in(organization: Organization):
    """Active accounts of the people registered in an organisation's subtree (owners of rectifications)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, member__organization__path__startswith=organization.path)
        .order_by("full_name", "username")
    )


class RectificationForm(forms.Form):
    """A further rectification for a finding: owner organisation and person, measures, deadline."""

    owner_org = OrgChoiceField(label=_("Owner organisation"), queryset=Organization.objects.none())
    owner_person = PersonChoiceField(
        label=_("Responsible person"), queryset=get_user_model().objects.none(), required=False
    )
    measures = forms.CharField(label=_("Rectification measures required"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE)

    def __init__(self, *args, finding, **kwargs):
        super().__init__(*args, **kwargs)
        org = finding.target.organization
        self.fields["owner_org"].queryset = Organization.objects.filter(path__startswith=org.path, is_active=True)
        self.fields["owner_org"].initial = org.pk
        self.fields["owner_person"].queryset = people_in(org)


class TaskForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("supervision", "Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    basis = forms.CharField(label=_("Basis document"), max_length=300, required=False)
    basis_file = forms.FileField(label=_("Basis document file (PDF, Word, image)"), required=False)
    requirements = forms.CharField(label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    targets = OrgMultipleChoiceField(
        label=_("Target organisations"), queryset=Organization.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    issue_now = forms.BooleanField(label=_("Issue now (notify the targets)"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope, self.as_inspector = creation_scope(user)
        if self.as_inspector:
            # An inspector's own task: they are its inspector (services.create_task).
            del self.fields["inspectors"]
        self.fields["targets"].queryset = (
            (scope if scope is not None else Organization.objects.none())
            .filter(is_active=True)
            .exclude(kind="group")
            .order_by("path")
        )
        if self.as_inspector:
            return
        self.fields["inspectors"].queryset = (
            get_user_model()
            .objects.filter(pk__in=RoleGrant.objects.filter(role=Role.INSPECTOR).values("user_id"))
            .order_by("username")
        )
        self.fields["inspectors"].label_from_instance = lambda u: getattr(u, "full_name", "") or u.username

    def service_kwargs(self, files=()) -> dict:
        """``services.create_task``'s arguments (the page and the API alike)."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in ("title", "kind", "basis", "requirements", "deadline")},
            "targets": list(data["targets"]),
            "inspectors": list(data.get("inspectors") or []),
            "files": files,
        }


class AcknowledgeForm(forms.Form):
    pass


class StageReportForm(forms.Form):
    stage = forms.ChoiceField(label=pgettext_lazy("supervision", "Stage"), choices=Stage.choices)
    content = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=pgettext_lazy("supervision", "Evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", pgettext_lazy("supervision", "Accept")), ("0", pgettext_lazy("supervision", "Send back"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=pgettext_lazy("supervision", "Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=FindingCategory.objects.filter(is_active=True))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    description = forms.CharField(
        label=pgettext_lazy("supervision", "Description"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=pgettext_lazy("supervision", "Evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    measures = forms.CharField(label=_("Rectification measures required"), widget=forms.Textarea(attrs={"rows": 2}))
    rectification_deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE)
    owner_person = PersonChoiceField(
        label=_("Responsible person"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Someone with a portal account in the target organisation; leave empty for the secretary."),
    )
    systemic_scope = OrgChoiceField(
        label=_("Systemic: self-inspection across"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Leave empty unless every organisation in a scope must check itself for the same problem."),
    )

    def __init__(self, *args, user, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        if target is not None:
            self.fields["owner_person"].queryset = people_in(target.organization)
        self.fields["systemic_scope"].queryset = Organization.objects.visible_to(user, "supervision.manage").exclude(
            kind__in=["branch", "group"]
        )


class PlanForm(forms.Form):
    plan = forms.CharField(label=pgettext_lazy("supervision", "Plan"), widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(forms.Form):
    content = forms.CharField(label=pgettext_lazy("supervision", "Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=pgettext_lazy("supervision", "Evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RecheckForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed")), ("0", pgettext_lazy("supervision", "Failed"))],
        coerce=lambda v: v == "1",
    )
    method = forms.CharField(label=pgettext_lazy("supervision", "Method"), max_length=100)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=pgettext_lazy("supervision", "Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(forms.Form):
    """The committee's supervision rules (``SupervisionSettings``)."""

    inspectors_create_tasks = forms.BooleanField(
        label=_("Inspectors may create and run supervision tasks within the organisations their grant covers"),
        required=False,
    )
    pause_while_waiting_on_inspector = forms.BooleanField(
        label=_("Pause a rectification's deadline while it waits on the inspector (plan approval, recheck)"),
        required=False,
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("supervision", "Reason"), widget=forms.Textarea(attrs={"rows": 2}))
