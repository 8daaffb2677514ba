"""External channels. Each ``send_*`` raises ``ChannelError`` on failure; the caller records it.

The inbox is not a channel here: the ``Notification`` row *is* the inbox entry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse


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


def email_context(notification) -> dict:
    items = [(r.title, absolute(r.url)) for r in notification.reminders.all()] if notification.pk else []
    return {
        "portal_name": settings.PORTAL_NAME,
        "notification": notification,
        "items": items,
        "link": absolute(notification.url),
        "preferences_link": absolute(reverse("notifications:preferences")),
    }


def send_email(notification, address: str) -> None:
    """HTML with a plain-text alternative: the portal's name, the items, a link to the portal."""
    context = email_context(notification)
    try:
        with get_connection(timeout=settings.NOTIFY_CHANNEL_TIMEOUT_SECONDS) as connection:
            message = EmailMultiAlternatives(
                subject=f"[{settings.PORTAL_NAME}] {notification.title}"[:250],
                body=render_to_string("portal/email/notification.txt", context),
                to=[address],
                connection=connection,
            )
            message.attach_alternative(render_to_string("portal/email/notification.html", context), "text/html")
            message.send()
    except Exception as exc:  # SMTP, socket and DNS errors all mean: try again later
        raise ChannelError(f"{exc.__class__.__name__}: {exc}"[:500]) from exc


def robot_text_of(notification) -> str:
    """What a robot may carry: no item titles (a robot posts into a group chat), a count and a link."""
    from django.utils.translation import gettext as _

    title = notification.title if notification.is_digest else _("You have a new notification in the portal.")
    return f"{settings.PORTAL_NAME}: {title}\n{absolute(notification.url)}"


def send_webhook(notification, url: str) -> None:
    """A personal 企业微信 / 钉钉 robot: counts and a link only, split under the robot's size limit."""
    from ..robots import messages as robot_messages

    if not settings.NOTIFY_BASE_URL:
        raise ChannelError("NOTIFY_BASE_URL is not set: robot messages need absolute links", permanent=True)
    parts = robot_messages.split_text(robot_text_of(notification))
    try:
        robot_messages.post_parts(url=url, parts=parts, extra={"notification_id": notification.pk})
    except robot_messages.RobotError as exc:
        raise ChannelError(str(exc), permanent=exc.permanent) from exc
