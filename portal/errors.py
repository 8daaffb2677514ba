"""Django's error views, answering JSON under /api/ (issue 26: an API path never answers an HTML page).

DRF views already answer their refusals as ``{"detail": ...}`` (``branches.api.errors``); these handlers
cover what happens before a view runs: a URL that matches no view (``/api/v1/meetings/-1/``), a CSRF or
permission refusal from Django itself, a request Django cannot read, and an unhandled error.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse({"detail": str(exception) or _("You do not have permission to do this.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("Not found, or outside your scope.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse(
            {"detail": _("The server could not complete this request. It has been logged; please try again later.")},
            status=500,
        )
    return defaults.server_error(request)
