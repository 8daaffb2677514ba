"""Single sign-on settings (issue 21; docs/configuration.md "Single sign-on"), read from the environment.

Star-imported by ``portal/settings.py``; kept apart so the settings module stays readable.
"""

from portal.env import ConfigError, env_bool, env_int, env_list, env_str, env_url

__all__ = [
    "SSO_OIDC_ISSUER", "SSO_OIDC_CLIENT_ID", "SSO_OIDC_CLIENT_SECRET", "SSO_OIDC_SCOPES", "SSO_OIDC_SUBJECT_CLAIM",
    "SSO_CAS_SERVER_URL", "SSO_CAS_VERSION", "SSO_MATCH_BY", "SSO_OIDC_MATCH_CLAIM", "SSO_CAS_MATCH_ATTRIBUTE",
    "SSO_CREATE_ACCOUNTS", "SSO_PASSWORD_LOGIN", "SSO_TRUST_PLATFORM_MFA", "SSO_MFA_AMR_VALUES",
    "SSO_MFA_ACR_VALUES", "SSO_CAS_MFA_ATTRIBUTE", "SSO_CAS_MFA_VALUES", "SSO_TIMEOUT_SECONDS",
]  # fmt: skip

# OpenID Connect (authorization code + PKCE) against the issuer's discovery document, and CAS 2/3.
SSO_OIDC_ISSUER = env_url("SSO_OIDC_ISSUER").rstrip("/")
SSO_OIDC_CLIENT_ID = env_str("SSO_OIDC_CLIENT_ID", "")
SSO_OIDC_CLIENT_SECRET = env_str("SSO_OIDC_CLIENT_SECRET", "")
SSO_OIDC_SCOPES = env_str("SSO_OIDC_SCOPES", "openid profile")
SSO_OIDC_SUBJECT_CLAIM = env_str("SSO_OIDC_SUBJECT_CLAIM", "sub")
if SSO_OIDC_ISSUER and not (SSO_OIDC_CLIENT_ID and SSO_OIDC_CLIENT_SECRET):
    raise ConfigError("SSO_OIDC_CLIENT_ID", "and SSO_OIDC_CLIENT_SECRET are required when SSO_OIDC_ISSUER is set")
SSO_CAS_SERVER_URL = env_url("SSO_CAS_SERVER_URL")
if SSO_CAS_SERVER_URL and not SSO_CAS_SERVER_URL.endswith("/"):
    SSO_CAS_SERVER_URL += "/"
SSO_CAS_VERSION = env_int("SSO_CAS_VERSION", 3, minimum=2)
if SSO_CAS_VERSION not in (2, 3):
    raise ConfigError("SSO_CAS_VERSION", f"must be 2 or 3, got {SSO_CAS_VERSION}")
# How a platform identity finds its portal account the first time (then it is stored): by the account's
# employee number, the mobile number in the member register, or the user name.
SSO_MATCH_BY = env_str("SSO_MATCH_BY", "username")
if SSO_MATCH_BY not in {"username", "employee_number", "mobile"}:
    raise ConfigError("SSO_MATCH_BY", f"must be username, employee_number or mobile, got {SSO_MATCH_BY!r}")
_MATCH_DEFAULTS = {
    "username": ("preferred_username", ""),
    "employee_number": ("employee_number", "employeeNumber"),
    "mobile": ("phone_number", "mobile"),
}
# The OIDC claim / CAS attribute holding that value (for CAS, empty means the CAS user name itself).
SSO_OIDC_MATCH_CLAIM = env_str("SSO_OIDC_MATCH_CLAIM", _MATCH_DEFAULTS[SSO_MATCH_BY][0])
SSO_CAS_MATCH_ATTRIBUTE = env_str("SSO_CAS_MATCH_ATTRIBUTE", _MATCH_DEFAULTS[SSO_MATCH_BY][1])
# Create an account (no roles, no password) for a platform identity that matches none; off by default.
SSO_CREATE_ACCOUNTS = env_bool("SSO_CREATE_ACCOUNTS", False)
# Who may still log in with a portal password once sign-on is configured: "all", "none", or roles
# (superuser, staff, security_admin, committee_staff, inspector, unit_admin, secretary, member ...).
SSO_PASSWORD_LOGIN = env_list("SSO_PASSWORD_LOGIN", ["all"])
# Let the platform's own second factor count for the portal's (amr / acr claims, or a CAS attribute).
SSO_TRUST_PLATFORM_MFA = env_bool("SSO_TRUST_PLATFORM_MFA", False)
SSO_MFA_AMR_VALUES = env_list("SSO_MFA_AMR_VALUES", ["mfa", "otp", "hwk", "swk", "sms", "tel", "face", "fpt", "sc"])
SSO_MFA_ACR_VALUES = env_list("SSO_MFA_ACR_VALUES", [])
SSO_CAS_MFA_ATTRIBUTE = env_str("SSO_CAS_MFA_ATTRIBUTE", "authnMethod")
SSO_CAS_MFA_VALUES = env_list("SSO_CAS_MFA_VALUES", ["mfa"])
SSO_TIMEOUT_SECONDS = env_int("SSO_TIMEOUT_SECONDS", 10, minimum=1)
