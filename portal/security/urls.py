from django.urls import path

from . import views

urlpatterns = [
    path("accounts/2fa/setup/", views.otp_setup, name="otp-setup"),
    path("accounts/2fa/verify/", views.otp_verify, name="otp-verify"),
    path("accounts/sessions/", views.session_list, name="session-list"),
    path("accounts/sessions/<int:pk>/end/", views.session_end, name="session-end"),
    path("security/lockouts/", views.lockout_list, name="lockout-list"),
    path("accounts/tokens/", views.token_list, name="token-list"),
    path("security/audit/", views.audit_list, name="audit-list"),
    path("security/audit/export.xlsx", views.audit_export, name="audit-export"),
    path("security/audit/verify/", views.audit_verify, name="audit-verify"),
]
