from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import config


class PortalAuthenticationForm(AuthenticationForm):
    """The password login; refused for roles that must use the identity platform (``SSO_PASSWORD_LOGIN``)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "use_platform": _(
            "This portal signs you in through the unified identity platform: click "
            "“Sign in with the unified identity platform”."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not config.password_login_allowed(user):
            raise ValidationError(self.error_messages["use_platform"], code="use_platform")
