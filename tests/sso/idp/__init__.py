"""A real identity provider for the sign-on tests, run as its own process on loopback.

django-oauth-toolkit serves OpenID Connect (authorization code + PKCE, RP-initiated logout) under
``/o/`` and django-mama-cas serves CAS 1/2/3 under ``/cas/``. The people it knows are in
``settings.PROFILES``. ``serve.py`` migrates a fresh SQLite file, creates them and the portal's
client, and serves on a free port; ``tests/sso/fixtures.py`` starts and stops it.
"""
