"""Single sign-on through the office's identity platform (issue 21; docs/configuration.md).

* ``oidc``: OpenID Connect, authorization code + PKCE, ID token checked against the platform's
  keys, RP-initiated logout (Authlib's Django client).
* ``cas``: CAS 2.0/3.0 service tickets and logout (python-cas, the protocol layer of django-cas-ng).
* ``services``: a platform identity finds its portal account once (employee number, mobile or user
  name) and is stored as an ``ExternalIdentity``; sign-ins and links are audited.
* ``transport``: every request to a platform goes through ``portal/outbound.py``.
"""
