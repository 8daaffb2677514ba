"""``manage.py refresh_summaries [--history] [--at ISO-DATETIME]``: recompute the dashboards' figures."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from branches import audit
from portal.dashboards import snapshots


class Command(BaseCommand):
    help = "Recompute the pre-computed dashboard figures for every metric and organisation."

    def add_arguments(self, parser):
        parser.add_argument("--history", action="store_true", help="also the past months, quarters and years")
        parser.add_argument("--at", help="as if at this time (ISO date-time)")

    def handle(self, *args, history, at, **options):
        now = timezone.now()
        if at:
            try:
                now = datetime.datetime.fromisoformat(at)
            except ValueError:
                raise CommandError(f"--at: not an ISO date-time: {at!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        started = time.monotonic()
        detail = snapshots.refresh_summaries(actor=audit.SYSTEM, now=now, history=history)
        self.stdout.write(
            f"{detail['rows']} figures for {detail['metrics']} metrics × {detail['organizations']} organisations "
            f"in {time.monotonic() - started:.1f}s"
        )
