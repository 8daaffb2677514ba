"""External channels. Each ``send_*`` raises ``ChannelError`` on failure; the caller records it.

The inbox is not a channel here: the ``Notification`` row *is* the inbox entry.
"""

from __future__ import annotations

import requests
from django.conf import settings
from django.core.mail import EmailMessage, get_connection


class ChannelError(Exception):
    pass


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.NOTIFY_BASE_URL.rstrip("/") + url if settings.NOTIFY_BASE_URL else url


def text_of(notification) -> str:
    lines = [notification.title]
    if notification.body:
        lines += ["", notification.body]
    link = absolute(notification.url)
    if link:
        lines += ["", link]
    return "\n".join(lines)


def send_email(notification, address: str) -> None:
    try:
        with get_connection(timeout=settings.NOTIFY_CHANNEL_TIMEOUT_SECONDS) as connection:
            EmailMessage(
                subject=f"[机关党建门户] {notification.title}"[:250],
                body=text_of(notification),
                to=[address],
                connection=connection,
            ).send()
    except Exception as exc:  # SMTP, socket and DNS errors all mean: try again later
        raise ChannelError(f"{exc.__class__.__name__}: {exc}"[:500]) from exc


def send_webhook(notification, url: str) -> None:
    """A JSON POST understood by WeCom (企业微信) and DingTalk (钉钉) group robots."""
    payload = {
        "msgtype": "text",
        "text": {"content": text_of(notification)},
        "notification_id": notification.pk,
    }
    try:
        response = requests.post(url, json=payload, timeout=settings.NOTIFY_CHANNEL_TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise ChannelError(f"{exc.__class__.__name__}: {exc}"[:500]) from exc
    if response.status_code >= 300:
        raise ChannelError(f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        data = response.json()
    except ValueError:
        return
    if isinstance(data, dict) and data.get("errcode") not in (None, 0):
        raise ChannelError(f"robot answered errcode {data.get('errcode')}: {data.get('errmsg', '')}"[:500])


SENDERS = {"email": send_email, "webhook": send_webhook}
