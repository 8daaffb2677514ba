"""Start the test identity provider: ``python -m tests.sso.idp.serve`` prints ``READY <port>``.

Environment: IDP_DB (a fresh SQLite path), IDP_CLIENT_ID, IDP_CLIENT_SECRET, IDP_REDIRECT_URIS and
IDP_LOGOUT_URIS (space-separated). Serves until killed.
"""

import os


def main():
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.idp.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    for username, profile in settings.PROFILES.items():
        user = User(username=username, first_name=profile["name"])
        user.set_password(settings.PASSWORD)
        user.save()
    Application = get_application_model()
    Application.objects.create(
        name="portal",
        client_id=os.environ["IDP_CLIENT_ID"],
        client_secret=os.environ["IDP_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
        redirect_uris=os.environ["IDP_REDIRECT_URIS"],
        post_logout_redirect_uris=os.environ.get("IDP_LOGOUT_URIS", ""),
    )
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    httpd.daemon_threads = True
    httpd.set_app(get_wsgi_application())
    print(f"READY {httpd.server_port}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
