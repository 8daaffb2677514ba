from django.urls import path

from . import views

urlpatterns = [
    path("accounts/sso/<str:protocol>/login/", views.start, name="sso-login"),
    path("accounts/sso/oidc/callback/", views.oidc_callback, name="sso-oidc-callback"),
    path("accounts/sso/cas/callback/", views.cas_callback, name="sso-cas-callback"),
    path("accounts/sso/<str:protocol>/callback/", views.messenger_callback, name="sso-messenger-callback"),
]
