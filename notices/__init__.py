"""Notices down the tree and materials, plans and summaries back up (issue 17, DOMAIN.md §10).

A middle-floor app: it imports ``branches`` only. Sub-packages by concept:
``notices`` (this package: notices, their files and receipts), ``notices.collection``
(material requests and submissions) and ``notices.plans`` (annual plans and summaries).
"""
