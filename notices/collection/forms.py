from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.forms import OrgChoiceField, OrgMultipleChoiceField
from branches.models import Organization

TARGET_MODES = [
    ("chosen", _("The chosen organisations")),
    ("branches", _("Every branch under the chosen organisations")),
    ("children", _("The organisations directly below the chosen ones")),
]


class RequestForm(forms.Form):
    organization = OrgChoiceField(label=_("Requesting organisation"), queryset=Organization.objects.none(), indent=True)
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    targets = OrgMultipleChoiceField(label=_("Organisations asked"), queryset=Organization.objects.none(), indent=True)
    target_mode = forms.ChoiceField(label=_("Who must submit"), choices=TARGET_MODES, initial="chosen")
    field_lines = forms.CharField(
        label=_("Form fields"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One field per line: label | type (text, number, date, choice, file) | choices separated by commas"
            " | required"
        ),
    )
    template = forms.FileField(label=_("Template file"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, "collection.request").only("id", "name", "path", "depth")
        self.fields["organization"].queryset = orgs
        self.fields["targets"].queryset = orgs
        self.fields["targets"].widget.attrs["size"] = 8

    def clean(self):
        data = super().clean()
        data["target_list"] = expand_targets(data.get("targets"), data.get("target_mode"))
        return data


def expand_targets(chosen, mode) -> list[Organization]:
    """The organisations asked: the chosen ones, every branch under them, or those directly below them."""
    chosen = list(chosen or [])
    if chosen and mode == "branches":
        q = Organization.objects.none()
        for org in chosen:
            q = q | Organization.objects.subtree_of(org).branches()
        return list(q.filter(is_active=True).distinct())
    if chosen and mode == "children":
        return list(Organization.objects.filter(parent__in=chosen, is_active=True))
    return chosen


class RelayForm(forms.Form):
    """Ask the organisations below the answering one the same questions (the relay of a request from above).

    The answering organisation itself is offered too, for "every branch under it"; asking it alone is refused.
    """

    targets = OrgMultipleChoiceField(label=_("Organisations asked"), queryset=Organization.objects.none(), indent=True)
    target_mode = forms.ChoiceField(label=_("Who must submit"), choices=TARGET_MODES, initial="branches")
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        below = (
            Organization.objects.visible_to(user, "collection.request")
            .filter(path__startswith=organization.path, is_active=True)
            .only("id", "name", "path", "depth")
        )
        self.fields["targets"].queryset = below
        self.fields["targets"].widget.attrs["size"] = 6

    def clean(self):
        data = super().clean()
        data["target_list"] = expand_targets(data.get("targets"), data.get("target_mode"))
        return data


class AnswerForm(forms.Form):
    """Built from the request's fields (data), plus the main material file and a note."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_obj = request
        for f in request.fields:
            label = f["label"]
            kind = f["type"]
            name = f"f_{f['key']}"
            if kind == "number":
                field = forms.CharField(label=label, required=False, widget=forms.NumberInput(attrs={"step": "any"}))
            elif kind == "date":
                field = forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
            elif kind == "choice":
                field = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—")] + [(c, c) for c in f["choices"]]
                )
            elif kind == "file":
                field = forms.FileField(label=label, required=False)
            else:
                field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
            if f.get("required"):
                field.label = f"{label} *"
            self.fields[name] = field
        self.fields["file"] = forms.FileField(label=_("Material file"), required=False)
        self.fields["note"] = forms.CharField(label=_("Note"), max_length=300, required=False)

    def answers(self) -> dict:
        return {
            f["key"]: self.cleaned_data.get(f"f_{f['key']}", "") for f in self.request_obj.fields if f["type"] != "file"
        }

    def files_by_key(self) -> dict:
        out = {f["key"]: self.cleaned_data.get(f"f_{f['key']}") for f in self.request_obj.fields if f["type"] == "file"}
        out[""] = self.cleaned_data.get("file")
        return {k: v for k, v in out.items() if v}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), max_length=300)
