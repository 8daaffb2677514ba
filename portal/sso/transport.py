"""A ``requests`` transport that sends through the outbound gate (portal/outbound.py).

Authlib and python-cas speak HTTP through a ``requests.Session``; mounting this adapter on it makes
every request to an identity platform pass the same checks as robots and messenger APIs: https in
production, no loopback/private/metadata address unless ``OUTBOUND_ALLOWED_NETWORKS`` allows it,
checked after DNS resolution and pinned to the checked address, no redirects followed.
"""

from __future__ import annotations

import requests
from django.conf import settings
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from portal import outbound

DROPPED_HEADERS = {"host", "connection", "content-length"}


class OutboundAdapter(BaseAdapter):
    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in DROPPED_HEADERS}
        limit = timeout if isinstance(timeout, int | float) else settings.SSO_TIMEOUT_SECONDS
        try:
            reply = outbound.send(request.method, request.url, data=body, headers=headers, timeout=limit)
        except outbound.SendError as exc:
            raise requests.ConnectionError(str(exc), request=request) from exc
        response = requests.Response()
        response.status_code = reply.status
        response._content = reply.body
        response.headers = CaseInsensitiveDict({"Content-Type": reply.content_type})
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        response.reason = ""
        return response

    def close(self):
        pass


def mount(session: requests.Session) -> requests.Session:
    adapter = OutboundAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False  # no proxy from the environment: the gate decides where we connect
    return session


def session() -> requests.Session:
    return mount(requests.Session())
