"""Deterministic demo data: ``seed_demo [--scale small|city|province] [--seed N]``.

Each app contributes through ``<app>/demo.py`` (a ``seed(ctx)`` function),
called ground floor first, so every app fills its own tables and the command
never has to know their models.
"""

import random
import time
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import translation

from branches import audit
from branches.models import Organization
from portal.services import forget_cached_figures

SCALES = {
    # units, branches per unit (approx.), members per branch (approx.), history in years
    "small": {"units": 5, "branches": 20, "members": 300, "years": 2},
    "city": {"units": 80, "branches": 600, "members": 20000, "years": 2},
    "province": {"units": 400, "branches": 3000, "members": 100000, "years": 2},
}


class DemoContext:
    """What the app seeders share: the scale, a seeded RNG and the objects made so far."""

    def __init__(self, scale: str, seed: int, stdout):
        self.scale = scale
        self.size = SCALES[scale]
        self.seed = seed
        self.rng = random.Random(seed)  # nosec B311: deterministic demo data, not security
        self.stdout = stdout
        self.data: dict = {}

    def log(self, message: str) -> None:
        self.stdout.write(message)


class Command(BaseCommand):
    help = "Create deterministic demo data and the demo accounts (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when organisations exist")

    def handle(self, *args, scale, seed, force, if_empty, **options):
        if not (settings.DEBUG or settings.SEED_DEMO_ALLOWED or force):
            raise CommandError(
                "seed_demo creates demo accounts with a published password; it refuses to run with DEBUG off. "
                "Use --force (or SEED_DEMO_ALLOWED=true) only on a test system."
            )
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("Organisations exist already; demo data not loaded.")
                return
            raise CommandError("The database already holds organisations; seed_demo runs on an empty database.")
        ctx = DemoContext(scale, seed, self.stdout)
        started = time.monotonic()
        # The demo data is what a Chinese committee would have typed: labels such as the meeting kind in a
        # title are rendered in the portal's language, whatever locale the command happens to run in.
        with translation.override(settings.LANGUAGE_CODE):
            self._seed_apps(ctx)
        with transaction.atomic():
            audit.record(audit.SYSTEM, "demo.seed", object_type="demo", after={"scale": scale, "seed": seed})
        if connection.vendor == "postgresql":
            # Bulk loads leave the planner's statistics stale and the visibility map empty until autovacuum
            # gets round to them: refresh both now, so the first pages are planned on the real row counts and
            # counts can read the indexes alone (index-only scans). Outside any transaction, as VACUUM must be.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")
        # A cache that outlived an earlier database (a reseed with the same Redis) must not serve its figures.
        forget_cached_figures()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ({scale}, seed {seed}) ready in {time.monotonic() - started:.1f}s.")
        )

    def _seed_apps(self, ctx):
        """Each app's ``demo.seed(ctx)``, in the order of INSTALLED_APPS, each in its own transaction."""
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            step = time.monotonic()
            with transaction.atomic():
                module.seed(ctx)
            if connection.vendor == "postgresql":
                # The next app reads what this one loaded (the dashboards' two-year history reads them all):
                # planned on statistics from before the load, a count over 20,000 members joined a nested loop
                # over every organisation, seconds per query, and the province history took 37 minutes.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(f"  {config.label}: {time.monotonic() - step:.1f}s")
