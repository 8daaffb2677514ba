from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.forms import OrgChoiceField
from branches.models import Organization


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class EnrolForm(TokenForm):
    """Enrolling an authenticator; replacing one also asks for a code of the current one."""

    current_token = forms.CharField(
        label=_("Code from your current authenticator"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The code your current app shows now, or one of your recovery codes."),
    )
    field_order = ["current_token", "otp_token"]

    def __init__(self, *args, replacing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing:
            self.fields["otp_token"].label = _("Code from the new authenticator")
            self.fields["otp_token"].widget.attrs.pop("autofocus", None)
            self.fields["current_token"].widget.attrs["autofocus"] = True
        else:
            del self.fields["current_token"]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    object = forms.CharField(label=_("Object"), required=False, max_length=200)
    action = forms.CharField(label=_("Action"), required=False, max_length=80)
    organization = OrgChoiceField(label=_("Organisation"), required=False, queryset=Organization.objects.none())
    start = forms.DateField(
        label=pgettext_lazy("security", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=pgettext_lazy("security", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Audit administrators read the whole log; the choice lists the tree in order.
        self.fields["organization"].queryset = Organization.objects.order_by("path").only("id", "name", "path")
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ModelChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def filter(self, qs):
        if not self.is_valid():
            return qs.none()
        import datetime

        from django.db.models import Q
        from django.utils import timezone

        d = self.cleaned_data
        if d.get("actor"):
            qs = qs.filter(actor_name__icontains=d["actor"])
        if d.get("object"):
            term = d["object"]
            qs = qs.filter(Q(object_repr__icontains=term) | Q(object_id=term) | Q(object_type__icontains=term))
        if d.get("action"):
            qs = qs.filter(action__icontains=d["action"])
        if d.get("organization"):
            qs = qs.filter(organization__path__startswith=d["organization"].path)
        tz = timezone.get_current_timezone()
        if d.get("start"):
            qs = qs.filter(at__gte=datetime.datetime.combine(d["start"], datetime.time.min, tzinfo=tz))
        if d.get("end"):
            qs = qs.filter(
                at__lt=datetime.datetime.combine(d["end"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
            )
        return qs
