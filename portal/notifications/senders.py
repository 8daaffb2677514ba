"""Every channel a delivery can go out on, by its ``Channel`` value.

Above both ``channels`` (mail, webhooks, personal robots) and ``messenger`` (企业微信 / 钉钉 work
notifications, which build on ``channels``), so neither has to import the other to be listed.
"""

from . import channels, messenger


def send_wecom_app(notification, userid: str) -> None:
    messenger.send_wecom(notification, userid)


def send_dingtalk_app(notification, userid: str) -> None:
    messenger.send_dingtalk(notification, userid)


SENDERS = {
    "email": channels.send_email,
    "webhook": channels.send_webhook,
    "wecom_app": send_wecom_app,
    "dingtalk_app": send_dingtalk_app,
}
