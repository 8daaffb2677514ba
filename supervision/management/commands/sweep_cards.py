"""``python manage.py sweep_cards [--at ISO-DATETIME]``: one card sweep now (or as if at that time)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from supervision import services


class Command(BaseCommand):
    help = "Apply the escalation policy once: issue the yellow and red cards that are due, clear fixed ones."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="ISO date-time to sweep as of (default: now)")

    def handle(self, *args, at=None, **options):
        now = timezone.now()
        if at:
            try:
                now = datetime.datetime.fromisoformat(at)
            except ValueError:
                raise CommandError(f"--at must be an ISO date-time such as 2026-04-07T09:00, got {at!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = services.sweep_cards(now=now)
        self.stdout.write(f"Cards issued: {result['issued']}; cleared: {result['cleared']}.")
