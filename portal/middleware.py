from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Accounts created by an admin or an import must set their own password first."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/api/", "/i18n/", "/favicon.ico")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not request.session.get("sso")  # signed in through the identity platform: no portal password
        ):
            return redirect(reverse("password_change"))
        return self.get_response(request)


class QueryParamsMiddleware:
    """Every query parameter through ``branches.params`` before any view sees it (security review F8).

    API: a bad value is a 400 naming the parameter. Pages: a bad typed value (``org=abc``,
    ``year=99999999``) is dropped, as if absent; a value with control characters is a 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from branches.params import BadParameter, check, check_text

        api = request.path.startswith("/api/")
        dropped = []
        for name, values in request.GET.lists():
            for value in values:
                try:
                    check_text(name, value)
                except BadParameter as exc:
                    return self._refuse(request, name, str(exc), api)
                try:
                    check(name, value)
                except BadParameter as exc:
                    if api:
                        return self._refuse(request, name, str(exc), api)
                    dropped.append(name)
        if dropped:
            query = request.GET.copy()
            for name in dropped:
                query.pop(name, None)
            query._mutable = False
            request.GET = query
        return self.get_response(request)

    @staticmethod
    def _refuse(request, name, message, api):
        if api:  # shaped like DRF's validation errors: the field, and a detail for simple clients
            return JsonResponse({name: [message], "detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)
