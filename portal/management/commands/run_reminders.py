"""``run_reminders [--at ISO-DATETIME]``: one reminder sweep now, or as if at that time."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.notifications.engine import run_sweep


class Command(BaseCommand):
    help = "Run one reminder sweep (now, or as if at --at) and deliver what is due; safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="ISO date-time, e.g. 2026-03-20T09:00 (portal time zone when naive)")

    def handle(self, *args, at=None, **options):
        now = timezone.now()
        if at:
            try:
                now = datetime.datetime.fromisoformat(at)
            except ValueError:
                raise CommandError(f"--at must be an ISO date-time such as 2026-03-20T09:00, got {at!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = run_sweep(now, run_inline=True)
        self.stdout.write(
            f"Reminders: {result.collected} due, {result.created} created; "
            f"notifications: {result.notifications} made; deliveries: {result.sent} sent."
        )
        if result.failed_providers:
            self.stderr.write("Providers that failed: " + ", ".join(result.failed_providers))
