"""Group robots (企业微信 / 钉钉 / 飞书 group webhooks): bound to an organisation, they post one
daily aggregate of its reminders and the weekly summary.

``models`` (``GroupRobot``, ``RobotPost``; app label ``portal``), ``services`` (bind, remove,
build and deliver posts), ``messages`` (text splitting and the signed POST shared with the
personal robot channel), ``forms``, ``views`` (routed from ``portal/notifications/urls.py``).
"""
