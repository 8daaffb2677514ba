"""The Content Security Policy, plus the identity platforms' origins in form-action.

Signing out is a form POST whose answer redirects to the platform's logout endpoint; browsers
check every hop of a form's redirects against form-action, so the platforms must be listed.
Read at each response, so a deployment (or a test) that changes the settings needs no restart.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware

from . import config


class SignOnCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        origins = sorted({f"{p.scheme}://{p.netloc}" for p in map(urlsplit, config.platform_urls()) if p.netloc})
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return super().process_response(request, response)
