"""Drive the test identity provider's login forms with ``requests`` (loopback only)."""

from urllib.parse import urljoin, urlsplit

import requests

from tests.sso.idp.settings import PASSWORD


def _follow_to_portal(session: requests.Session, url: str, platform: str) -> str:
    """Follow the platform's redirects until one leaves it; that URL (the portal callback) is returned."""
    for _ in range(10):
        if urlsplit(url).netloc != platform:
            return url
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (301, 302, 303, 307, 308):
            url = urljoin(url, response.headers["Location"])
            continue
        if "csrfmiddlewaretoken" in response.text and "password" in response.text:
            return url  # a login form: the caller posts it
        raise AssertionError(f"unexpected answer {response.status_code} from {url}")
    raise AssertionError("too many redirects")


def sign_in_at_platform(platform_url: str, username: str, *, session: requests.Session | None = None) -> str:
    """Open ``platform_url`` (authorize or CAS login), sign in as ``username``; the portal callback URL."""
    session = session or requests.Session()
    session.trust_env = False
    platform = urlsplit(platform_url).netloc
    url = _follow_to_portal(session, platform_url, platform)
    if urlsplit(url).netloc != urlsplit(platform_url).netloc:
        return url  # already signed in at the platform
    form = session.get(url, timeout=10)
    token = session.cookies.get("idp_csrf")
    data = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    if 'name="next"' in form.text:
        from urllib.parse import parse_qs

        data["next"] = parse_qs(urlsplit(form.url).query).get("next", [""])[0]
    response = session.post(url, data=data, allow_redirects=False, timeout=10, headers={"Referer": url})
    assert response.status_code in (302, 303), response.text[:500]
    return _follow_to_portal(session, urljoin(url, response.headers["Location"]), platform)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
