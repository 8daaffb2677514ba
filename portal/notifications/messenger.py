"""Personal work notifications: 企业微信 应用消息 and 钉钉 工作通知, to the id mapped for the person.

Both need an access token from the application's credentials (cached until shortly before it
expires). Every request goes through the outbound gate (``portal/outbound.py``). The message is
the same as the inbox entry: a title, the items and an absolute link, under the platform's size.
企业微信 is asked to drop a repeat of the same text within 30 minutes (``enable_duplicate_check``),
which covers the one window the delivery claim cannot: a worker killed while the request was in flight.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from .. import outbound
from .channels import ChannelError, absolute
from .models import Channel, IdentityProvider

TEXT_LIMIT = 2000  # bytes, under both platforms' text limits

ERRORS = {
    40014: "invalid access token",
    42001: "access token expired",
    81013: "user not found in the WeCom application's visible range",
    60020: "server IP not in the WeCom trusted IP list",
    88: "DingTalk: the application has no permission for work notifications",
    33012: "DingTalk: invalid userid",
}


def configured_channel() -> str:
    """The messenger this portal sends work notifications through, or ''."""
    if settings.WECOM_CORP_ID and settings.WECOM_SECRET and settings.WECOM_AGENT_ID:
        return Channel.WECOM_APP
    if settings.DINGTALK_APP_KEY and settings.DINGTALK_APP_SECRET and settings.DINGTALK_AGENT_ID:
        return Channel.DINGTALK_APP
    return ""


PROVIDER_OF = {Channel.WECOM_APP: IdentityProvider.WECOM, Channel.DINGTALK_APP: IdentityProvider.DINGTALK}


def message_text(notification) -> str:
    link = absolute(notification.url)
    head = [f"{settings.PORTAL_NAME}: {notification.title}"]
    tail = [link] if link else []
    lines = []
    for reminder in notification.reminders.all() if notification.pk else []:
        candidate = "\n".join(head + lines + [f"· {reminder.title}"] + tail)
        if len(candidate.encode()) > TEXT_LIMIT:
            lines.append("……")
            break
        lines.append(f"· {reminder.title}")
    return "\n".join(head + lines + tail)


def _call(method: str, url: str, **kwargs) -> dict:
    try:
        reply = outbound.send(method, url, **kwargs)
    except outbound.UnsafeURL as exc:
        raise ChannelError("; ".join(exc.messages)[:500], permanent=True) from exc
    except outbound.SendError as exc:
        raise ChannelError(str(exc)[:500]) from exc
    if reply.status >= 300:
        raise ChannelError(f"HTTP {reply.status}")
    data = reply.data if isinstance(reply.data, dict) else {}
    code = data.get("errcode", 0)
    if code:
        cache.delete_many([_token_key("wecom"), _token_key("dingtalk")]) if code in (40014, 42001) else None
        raise ChannelError(f"errcode {code}: {ERRORS.get(code, 'refused')}")
    return data


def _token_key(platform: str) -> str:
    return f"messenger-token:{platform}"


def _token(platform: str) -> str:
    key = _token_key(platform)
    token = cache.get(key)
    if token:
        return token
    if platform == "wecom":
        data = _call(
            "GET",
            f"{settings.WECOM_API_BASE.rstrip('/')}/cgi-bin/gettoken?corpid={settings.WECOM_CORP_ID}"
            f"&corpsecret={settings.WECOM_SECRET}",
        )
    else:
        data = _call(
            "GET",
            f"{settings.DINGTALK_API_BASE.rstrip('/')}/gettoken?appkey={settings.DINGTALK_APP_KEY}"
            f"&appsecret={settings.DINGTALK_APP_SECRET}",
        )
    token = data.get("access_token")
    if not token:
        raise ChannelError("no access token in the answer")
    cache.set(key, token, timeout=max(60, int(data.get("expires_in", 7200)) - 300))
    return token


def send_wecom(notification, userid: str) -> None:
    token = _token("wecom")
    _call(
        "POST",
        f"{settings.WECOM_API_BASE.rstrip('/')}/cgi-bin/message/send?access_token={token}",
        json={
            "touser": userid,
            "msgtype": "text",
            "agentid": int(settings.WECOM_AGENT_ID)
            if str(settings.WECOM_AGENT_ID).isdigit()
            else settings.WECOM_AGENT_ID,
            "text": {"content": message_text(notification)},
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 1800,
        },
    )


def send_dingtalk(notification, userid: str) -> None:
    token = _token("dingtalk")
    _call(
        "POST",
        f"{settings.DINGTALK_API_BASE.rstrip('/')}/topapi/message/corpconversation/asyncsend_v2?access_token={token}",
        json={
            "agent_id": settings.DINGTALK_AGENT_ID,
            "userid_list": userid,
            "msg": {"msgtype": "text", "text": {"content": message_text(notification)}},
        },
    )
