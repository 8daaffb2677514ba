from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from branches.forms import OrgChoiceField, OrgMultipleChoiceField
from branches.models import Organization
from branches.roles import Role

from .models import AudienceKind, Classification, NoticeCategory

PUBLISH_CHOICES = [
    ("now", _("Publish now")),
    ("later", _("Publish at a set time")),
    ("draft", _("Save as draft")),
]
AUDIENCE_ROLES = [("", _("Everyone in the organisations")), *[(r.value, r.label) for r in Role]]


def sender_orgs(user):
    return Organization.objects.visible_to(user, "notice.send").only("id", "name", "path", "depth")


class NoticeForm(forms.Form):
    organization = OrgChoiceField(label=_("Issuing organisation"), queryset=Organization.objects.none(), indent=True)
    category = forms.ChoiceField(label=_("Category"), choices=NoticeCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text, or simple formatting: paragraphs, bold, lists, links."),
    )
    audience_orgs = OrgMultipleChoiceField(
        label=_("Audience organisations"), queryset=Organization.objects.none(), indent=True, required=False
    )
    include_subtree = forms.BooleanField(
        label=_("Include their subordinate organisations"), required=False, initial=True
    )
    audience_role = forms.ChoiceField(label=_("Only holders of this role"), choices=AUDIENCE_ROLES, required=False)
    audience_people = forms.CharField(
        label=_("Named people (user names, one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    requires_receipt = forms.BooleanField(label=_("Require a receipt (签收)"), required=False)
    receipt_deadline = forms.DateField(
        label=_("Receipt deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    receipt_working_days = forms.IntegerField(
        label=_("Or within this many working days"), required=False, min_value=1, max_value=60
    )
    publish = forms.ChoiceField(label=_("Publication"), choices=PUBLISH_CHOICES, initial="now")
    publish_at = forms.DateTimeField(
        label=_("Publish at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    file = forms.FileField(label=_("Attachment"), required=False)
    doc_number = forms.CharField(label=_("Document number (文号)"), max_length=60, required=False)
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices, initial="public")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = sender_orgs(user)
        self.fields["organization"].queryset = orgs
        self.fields["audience_orgs"].queryset = orgs
        self.fields["audience_orgs"].widget.attrs["size"] = 8

    def clean(self):
        data = super().clean()
        people = []
        names = [n.strip() for n in (data.get("audience_people") or "").splitlines() if n.strip()]
        if names:
            found = {u.username: u for u in get_user_model().objects.filter(username__in=names, is_active=True)}
            missing = [n for n in names if n not in found]
            if missing:
                self.add_error("audience_people", _("No such user: %(names)s") % {"names": "、".join(missing)})
            people = [found[n] for n in names if n in found]
        if not data.get("audience_orgs") and not people and not self.errors:
            self.add_error("audience_orgs", _("Choose who receives the notice."))
        if data.get("publish") == "later" and not data.get("publish_at"):
            self.add_error("publish_at", _("Give the time of publication."))
        role = data.get("audience_role") or ""
        audience = [
            {
                "kind": AudienceKind.ROLE if role else AudienceKind.ORGANIZATION,
                "organization": org,
                "include_subtree": bool(data.get("include_subtree")),
                "role": role,
            }
            for org in data.get("audience_orgs") or []
        ]
        audience += [{"kind": AudienceKind.PERSON, "user": u} for u in people]
        data["audience"] = audience
        return data


class SignForm(forms.Form):
    reply = forms.CharField(label=_("Reply (optional)"), max_length=200, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=300)


class CorrectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    change_note = forms.CharField(label=_("What changed"), max_length=300)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    doc_number = forms.CharField(label=_("Document number (文号)"), max_length=60, required=False)
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices, initial="public")
