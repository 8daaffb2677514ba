from django import forms
from django.utils.translation import gettext_lazy as _

from branches.forms import OrgChoiceField
from branches.models import Organization

from .models import RobotPlatform


class GroupRobotForm(forms.Form):
    organization = OrgChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Group name"), max_length=100)
    platform = forms.ChoiceField(label=_("Platform"), choices=RobotPlatform.choices)
    webhook_url = forms.CharField(
        label=_("Robot webhook URL"),
        max_length=500,
        required=False,
        help_text=_("Copied from the group's robot settings. Leave empty on a change to keep the stored one."),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("DingTalk 加签: the secret starting with SEC. Leave empty to keep the stored one."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored signing secret"), required=False)
    keyword = forms.CharField(
        label=_("Keyword (DingTalk)"),
        max_length=20,
        required=False,
        help_text=_("If the DingTalk robot's security setting is a custom keyword, enter it here."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, user, robot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.robot = robot
        self.fields["organization"].queryset = Organization.objects.visible_to(user, "robots.manage").only(
            "id", "name", "path"
        )
        if robot is not None:
            self.fields["organization"].disabled = True
            self.fields["organization"].initial = robot.organization_id
        else:
            self.fields["webhook_url"].required = True
            del self.fields["clear_secret"]
