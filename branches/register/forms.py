"""Forms of the register pages. Choice fields only offer what the user may see or manage."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import idnumbers, picker
from ..forms import FastSelect, IndentedOrgChoiceField
from ..models import (
    CommitteePosition,
    Member,
    MemberCategory,
    MemberStatus,
    Organization,
    OrganizationKind,
    StepKind,
    TermChange,
    TransferScope,
)
from ..models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES
from ..params import BadParameter, parse_id
from ..querysets import covers_whole_tree

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def managed_orgs(user, permission="member.change"):
    return Organization.objects.visible_to(user, permission).filter(is_active=True).order_by("path")


class MemberForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        required=False,
        help_text=_("18 characters; the check digit is verified. Stored encrypted and shown masked."),
    )

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "organization",
            "party_group",
            "category",
            "status",
            "join_date",
            "full_date",
            "phone",
            "education",
            "job_title",
        ]
        widgets = {"birth_date": DATE, "join_date": DATE, "full_date": DATE}
        field_classes = {"organization": IndentedOrgChoiceField, "party_group": IndentedOrgChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = managed_orgs(user)
        self.fields["organization"].queryset = orgs.exclude(kind=OrganizationKind.GROUP)
        self.fields["party_group"].queryset = orgs.filter(kind=OrganizationKind.GROUP)
        self.fields["party_group"].required = False
        if self.instance.pk:
            self.fields["id_number"].help_text = _("Currently %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.id_number_masked or "—"
            }
            self.initial["phone"] = ""
            self.fields["phone"].help_text = _("Currently %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.phone_masked or "—"
            }
        else:
            self.fields["id_number"].required = True

    def clean_id_number(self):
        value = idnumbers.normalise(self.cleaned_data.get("id_number", ""))
        if value:
            problem = idnumbers.problem(value)
            if problem:
                raise forms.ValidationError(problem)
        return value

    def clean(self):
        data = super().clean()
        group, org = data.get("party_group"), data.get("organization")
        if group and org and group.parent_id != org.pk:
            self.add_error("party_group", _("The party group must belong to the chosen organisation."))
        if data.get("join_date") and data.get("full_date") and data["full_date"] < data["join_date"]:
            self.add_error("full_date", _("The full-membership date is before the join date."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk and not data.get("phone"):
            data.pop("phone", None)
        if self.instance.pk and not data.get("id_number"):
            data.pop("id_number", None)
        return data


class MemberFilterForm(forms.Form):
    SORTS = [
        ("name", _("Person's name")),
        ("organization", _("Organisation")),
        ("category", _("Category")),
        ("-join_date", _("Join date (newest)")),
        ("join_date", _("Join date (oldest)")),
    ]
    q = forms.CharField(label=_("Name or ID number"), required=False)
    # An ID number searched for travels as its keyed hash, never in clear in a URL (F10).
    idh = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput)
    org = IndentedOrgChoiceField(
        label=_("Organisation (with its subtree)"), queryset=Organization.objects.none(), required=False
    )
    # The list's selects are written in Python (FastSelect: the same HTML as Django's templates, issue 22).
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories"))] + MemberCategory.choices,
        required=False,
        widget=FastSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses"))] + MemberStatus.choices, required=False, widget=FastSelect
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[("", _("Everyone")), ("party", _("Party members")), ("pipeline", _("In development"))],
        required=False,
        widget=FastSelect,
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False, widget=FastSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            f.widget.attrs["class"] = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
        field = self.fields["org"]
        field.empty_label = _("All I may see")
        scope = Organization.objects.visible_to(user, "member.view").exclude(kind=OrganizationKind.GROUP)
        # Any organisation in scope may be named (the tree's links name branches); the select lists fewer.
        field.queryset = scope.order_by("path")
        whole = covers_whole_tree(user, "member.view")
        field.widget.choices = _shown_organisations(
            field, scope, self.data.get("org") if self.is_bound else None, whole_tree=whole
        )


def _shown_organisations(field, scope, chosen, *, whole_tree=False):
    """The select's options, as the organisation picker opens the tree (``branches.picker``): the scope's top
    organisations and the level below them, and the way down to the chosen one with the level below it. Each
    filter opens one level more. Listing the whole scope wrote 3,400 options (250 KB) into every view of a
    province committee's register (issue 22)."""
    try:
        chosen_pk = parse_id("org", chosen) if chosen else None
    except BadParameter:
        chosen_pk = None
    found = scope.filter(pk=chosen_pk).only("path").first() if chosen_pk else None
    way = [*found.ancestor_ids(), found.pk] if found is not None else []
    choices = field.iterator(field)
    where = picker.opened(picker.roots_of(scope, whole_tree=whole_tree).values("pk"), way)
    choices.queryset = scope.filter(where).with_labels().order_by("path")
    return choices


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, label) for k, label in OrganizationKind.choices if k != OrganizationKind.COMMITTEE],
    )
    parent = IndentedOrgChoiceField(label=_("Parent organisation"), queryset=Organization.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = managed_orgs(user, "org.manage").exclude(kind=OrganizationKind.GROUP)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=100, error_messages={"required": _("Enter a name.")})


class MoveForm(forms.Form):
    parent = IndentedOrgChoiceField(
        label=_("Move under"),
        queryset=Organization.objects.none(),
        error_messages={"required": _("Choose where to move it.")},
    )

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            managed_orgs(user, "org.manage")
            .exclude(kind=OrganizationKind.GROUP)
            .exclude(path__startswith=organization.path)
        )


class TermForm(forms.Form):
    start = forms.DateField(label=_("Term start"), widget=DATE)
    end = forms.DateField(
        label=_("Term end"),
        widget=DATE,
        required=False,
        help_text=_("Empty: the regular length for this kind of organisation."),
    )
    election_date = forms.DateField(label=_("Election date"), widget=DATE, required=False)
    expected_voters = forms.IntegerField(
        label=_("Members entitled to vote (应到)"),
        min_value=0,
        required=False,
        help_text=_("Full members only: probationary members have no vote."),
    )
    present_voters = forms.IntegerField(label=_("Members present (实到)"), min_value=0, required=False)
    change = forms.ChoiceField(label=_("Schedule"), choices=TermChange.choices, initial=TermChange.REGULAR)
    approval_authority = forms.CharField(
        label=_("Approved by"),
        max_length=100,
        required=False,
        help_text=_("The higher committee that approved an early or late election."),
    )
    approval_reference = forms.CharField(
        label=_("Approval document"),
        max_length=100,
        required=False,
        help_text=_("Required for an early or late election."),
    )
    approval_date = forms.DateField(label=_("Approval date"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SeatForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    position = forms.ModelChoiceField(label=_("Position"), queryset=CommitteePosition.objects.all())
    votes = forms.IntegerField(label=_("Votes received"), min_value=0, required=False)
    start = forms.DateField(label=_("From"), widget=DATE, required=False, help_text=_("Empty: the start of the term."))

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Member.objects.visible_to(user, "change")
            .filter(
                organization__path__startswith=organization.path,
                category__in=PARTY_MEMBER_CATEGORIES,
                status__in=ACTIVE_STATUSES,
            )
            .order_by("name")
            .for_choices()
        )


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=StepKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    months = forms.IntegerField(label=_("Extension (months)"), min_value=1, max_value=24, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TransferForm(forms.Form):
    to_org = IndentedOrgChoiceField(
        label=_("Receiving organisation"),
        queryset=Organization.objects.none(),
        help_text=_("Any branch or committee of the tree may receive a member."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=TransferScope.choices)
    letter_number = forms.CharField(label=_("Letter number"), max_length=40, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The directory of organisations is public inside the portal: a letter goes to another unit.
        qs = Organization.objects.filter(is_active=True).exclude(kind=OrganizationKind.GROUP).order_by("path")
        if member is not None:
            qs = qs.exclude(pk=member.organization_id)
        self.fields["to_org"].queryset = qs


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx or .xls)"))
    mode = forms.ChoiceField(
        label=_("Import as"),
        choices=[
            ("create", _("New people only")),
            ("update", _("Update: add new people and change existing ones")),
        ],
        initial="create",
        widget=forms.RadioSelect,
    )
