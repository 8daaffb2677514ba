from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views
from .api.views import ObtainTokenView
from .security import views as security_views
from .sso import views as sso_views

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include("branches.api.urls")),
    path("", include("supervision.api.urls")),
    path("", include("portal.api.urls")),
    path("", include("assessment.api.urls")),
    path("", include("training.api.urls")),
    path("", include("branches.meetings.api_urls")),
    path("", include("notices.api_urls")),
    path("", include("supervision.accountability.api_urls")),
    path("", include("practice.api_urls")),
    path("", include("dues.api_urls")),
    path("", include("supervision.campaigns.api_urls")),
    path("", include("branches.memberfile.api_urls")),
    path("", include("branches.documents.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", sso_views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", sso_views.logout, name="logout"),
    path("accounts/password/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("orgs/", include("branches.urls")),
    path("supervision/", include("supervision.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("assessment/", include("assessment.urls")),
    path("training/", include("training.urls")),
    path("meetings/", include("branches.meetings.urls")),
    path("notices/", include("notices.urls")),
    path("accountability/", include("supervision.accountability.urls")),
    path("practice/", include("practice.urls")),
    path("dues/", include("dues.urls")),
    path("campaigns/", include("supervision.campaigns.urls")),
    path("memberfile/", include("branches.memberfile.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="schema")), name="api-docs"),
]

urlpatterns += [path("", include("portal.security.urls"))]
urlpatterns += [path("", include("portal.sso.urls"))]
urlpatterns += [path("dashboard/", include("portal.dashboards.urls"))]
if settings.DEBUG or settings.BENCH:
    from .dashboards.views import bench_floor

    urlpatterns += [path("bench/floor", bench_floor, name="bench-floor")]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
