"""What the test platform says about a person: OIDC claims and CAS attributes from PROFILES."""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def _profile(user) -> dict:
    return settings.PROFILES.get(user.get_username(), {})


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # release every claim below whatever the scope (a test platform)

    def get_additional_claims(self, request):
        profile = _profile(request.user)
        return {
            "preferred_username": request.user.get_username(),
            "name": profile.get("name", ""),
            "employee_number": profile.get("employee_number", ""),
            "phone_number": profile.get("phone_number", ""),
            # RFC 8176 methods; "otp" when the platform itself asked for a second factor.
            "amr": ["pwd", "otp"] if profile.get("mfa") else ["pwd"],
            "acr": "urn:test:mfa" if profile.get("mfa") else "urn:test:pwd",
        }


def cas_attributes(user, service):
    profile = _profile(user)
    return {
        "employeeNumber": profile.get("employee_number", ""),
        "mobile": profile.get("phone_number", ""),
        "displayName": profile.get("name", ""),
        "authnMethod": "mfa" if profile.get("mfa") else "pwd",
    }
