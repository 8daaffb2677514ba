from django import forms
from django.utils.translation import gettext_lazy as _

from .. import outbound
from .models import NotificationPreference

HOURS = [("", _("— none —"))] + [(h, f"{h:02d}:00") for h in range(24)]


class PreferenceForm(forms.ModelForm):
    digest_hour = forms.TypedChoiceField(label=_("Daily digest hour"), choices=HOURS[1:], coerce=int)
    quiet_start = forms.TypedChoiceField(
        label=_("Quiet hours from"), choices=HOURS, coerce=int, required=False, empty_value=None
    )
    quiet_end = forms.TypedChoiceField(
        label=_("Quiet hours until"), choices=HOURS, coerce=int, required=False, empty_value=None
    )

    class Meta:
        model = NotificationPreference
        fields = ["email", "webhook", "webhook_url", "messenger", "digest_hour", "quiet_start", "quiet_end"]
        help_texts = {
            "email": _("Send reminders to the email address of your account."),
            "webhook": _("Post reminders to a WeCom or DingTalk group robot."),
            "webhook_url": _("Leave empty to use the portal's group robot."),
            "messenger": _("Send your reminders to you personally in WeCom or DingTalk, where the office uses them."),
        }

    def clean_webhook_url(self):
        url = self.cleaned_data.get("webhook_url", "")
        if url:
            try:
                outbound.check_url(url)
            except outbound.UnsafeURL as exc:
                raise forms.ValidationError(
                    _("This robot address cannot be used: %(reason)s") % {"reason": "; ".join(exc.messages)}
                ) from None
        return url


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("New e-mail address"), max_length=254)
