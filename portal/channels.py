"""External channels. Each ``send_*`` raises ``ChannelError`` on failure; the caller records it.

The inbox is not a channel here: the ``Notification`` row *is* the inbox entry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from . import outbound


class ChannelError(Exception):
    """A failed send. ``permanent`` ones (a refused address) are not retried."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


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
        reply = outbound.send("POST", url, json=payload, timeout=settings.NOTIFY_CHANNEL_TIMEOUT_SECONDS)
    except outbound.UnsafeURL as exc:
        raise ChannelError("; ".join(exc.messages)[:500], permanent=True) from exc
    except outbound.SendError as exc:
        raise ChannelError(str(exc)[:500]) from exc
    # Only the status and the robot's error code are kept: never the body of the answer.
    if reply.status >= 300:
        raise ChannelError(f"HTTP {reply.status}")
    if isinstance(reply.data, dict) and reply.data.get("errcode") not in (None, 0):
        raise ChannelError(f"robot answered errcode {reply.data.get('errcode')}"[:500])


SENDERS = {"email": send_email, "webhook": send_webhook}
