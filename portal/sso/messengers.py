"""企业微信 and 钉钉 web sign-in: their OAuth2 code flows (QR code on a computer, in-app on a phone).

Neither platform speaks OpenID Connect, so the code is exchanged with their own APIs (through the
outbound gate, with the application credentials of the work notifications, ``portal/messenger.py``).
The platform's user id (企业微信 ``userid``, 钉钉 ``userid``) is the subject stored in
``ExternalIdentity``, which is also where work notifications are sent. Neither platform offers a
logout the portal could call: signing out ends the portal session only.

* 企业微信: ``wwlogin/sso/login`` (QR, computer) or ``connect/oauth2/authorize`` inside the
  企业微信 app, then ``cgi-bin/auth/getuserinfo`` (code → userid) and, to match by mobile,
  ``cgi-bin/user/get``.
* 钉钉: ``login.dingtalk.com/oauth2/auth`` (QR or in-app), then ``v1.0/oauth2/userAccessToken``
  (code → user token), ``v1.0/contact/users/me`` (unionId, mobile) and
  ``topapi/user/getbyunionid`` (unionId → userid).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.conf import settings

from portal.notifications import messenger

from .services import PlatformIdentity

WECOM = "wecom"
DINGTALK = "dingtalk"


class MessengerSignInError(Exception):
    pass


def enabled() -> list[str]:
    found = []
    if settings.SSO_WECOM and settings.WECOM_CORP_ID and settings.WECOM_AGENT_ID and settings.WECOM_SECRET:
        found.append(WECOM)
    if settings.SSO_DINGTALK and settings.DINGTALK_APP_KEY and settings.DINGTALK_APP_SECRET:
        found.append(DINGTALK)
    return found


def authorize_url(platform: str, *, redirect_uri: str, state: str, in_app: bool) -> str:
    if platform == WECOM:
        if in_app:  # inside the 企业微信 app: silent authorisation, no QR code
            query = urlencode(
                {
                    "appid": settings.WECOM_CORP_ID,
                    "redirect_uri": redirect_uri,
                    "response_type": "code",
                    "scope": "snsapi_base",
                    "state": state,
                    "agentid": settings.WECOM_AGENT_ID,
                },
                quote_via=quote,
            )
            return f"{settings.WECOM_OAUTH_URL}?{query}#wechat_redirect"
        query = urlencode(
            {
                "login_type": "CorpApp",
                "appid": settings.WECOM_CORP_ID,
                "agentid": settings.WECOM_AGENT_ID,
                "redirect_uri": redirect_uri,
                "state": state,
            },
            quote_via=quote,
        )
        return f"{settings.WECOM_QR_LOGIN_URL}?{query}"
    query = urlencode(
        {
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "client_id": settings.DINGTALK_APP_KEY,
            "scope": "openid corpid",
            "state": state,
            "prompt": "consent",
        },
        quote_via=quote,
    )
    return f"{settings.DINGTALK_LOGIN_URL}?{query}"


def _call(method: str, url: str, **kwargs) -> dict:
    try:
        return messenger._call(method, url, **kwargs)
    except messenger.ChannelError as exc:
        raise MessengerSignInError(str(exc)) from exc


def _wecom_identity(code: str) -> PlatformIdentity:
    base = settings.WECOM_API_BASE.rstrip("/")
    token = _token(WECOM)
    info = _call("GET", f"{base}/cgi-bin/auth/getuserinfo?access_token={quote(token)}&code={quote(code)}")
    userid = str(info.get("userid") or info.get("UserId") or "")
    if not userid:
        # An open_userid / openid only: the person is not a member of this 企业微信 organisation.
        raise MessengerSignInError("not a member of the organisation")
    match_value, name = userid, ""
    if settings.SSO_MATCH_BY == "mobile":
        person = _call("GET", f"{base}/cgi-bin/user/get?access_token={quote(token)}&userid={quote(userid)}")
        match_value, name = str(person.get("mobile") or ""), str(person.get("name") or "")
    return PlatformIdentity(provider=WECOM, subject=userid, match_value=match_value, name=name)


def _dingtalk_identity(code: str) -> PlatformIdentity:
    new_base = settings.DINGTALK_NEW_API_BASE.rstrip("/")
    grant = _call(
        "POST",
        f"{new_base}/v1.0/oauth2/userAccessToken",
        json={
            "clientId": settings.DINGTALK_APP_KEY,
            "clientSecret": settings.DINGTALK_APP_SECRET,
            "code": code,
            "grantType": "authorization_code",
        },
    )
    user_token = str(grant.get("accessToken") or "")
    if not user_token:
        raise MessengerSignInError("no user access token")
    me = _call("GET", f"{new_base}/v1.0/contact/users/me", headers={"x-acs-dingtalk-access-token": user_token})
    union_id = str(me.get("unionId") or "")
    if not union_id:
        raise MessengerSignInError("no unionId")
    found = _call(
        "POST",
        f"{settings.DINGTALK_API_BASE.rstrip('/')}/topapi/user/getbyunionid?access_token={quote(_token(DINGTALK))}",
        json={"unionid": union_id},
    )
    userid = str((found.get("result") or {}).get("userid") or "")
    if not userid:
        raise MessengerSignInError("not a member of the organisation")
    match_value = str(me.get("mobile") or "") if settings.SSO_MATCH_BY == "mobile" else userid
    return PlatformIdentity(provider=DINGTALK, subject=userid, match_value=match_value, name=str(me.get("nick") or ""))


def _token(platform: str) -> str:
    try:
        return messenger._token(platform)
    except messenger.ChannelError as exc:
        raise MessengerSignInError(str(exc)) from exc


def identity(platform: str, code: str) -> PlatformIdentity:
    """The person the platform's one-time code stands for; raises MessengerSignInError or UnsafeURL."""
    if not code or len(code) > 512:
        raise MessengerSignInError("no code")
    return _wecom_identity(code) if platform == WECOM else _dingtalk_identity(code)
