from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of four character classes: lower, upper, digit, symbol."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols."),
                code="password_classes",
            )

    def get_help_text(self):
        return _("Use at least three of: lower-case letters, upper-case letters, digits, symbols.")


class AdminLengthValidator:
    """Administrators (staff, superusers, work committee staff) need longer passwords."""

    def __init__(self, min_length: int | None = None):
        self.min_length = min_length

    def _length(self) -> int:
        from django.conf import settings

        return self.min_length or settings.ADMIN_PASSWORD_MIN_LENGTH

    def validate(self, password, user=None):
        from portal.security import is_admin_account

        if user is not None and is_admin_account(user) and len(password) < self._length():
            raise ValidationError(
                _("Administrator passwords must be at least %(min_length)d characters long.")
                % {"min_length": self._length()},
                code="password_too_short_admin",
            )

    def get_help_text(self):
        return _("Administrators need at least %(min_length)d characters.") % {"min_length": self._length()}
