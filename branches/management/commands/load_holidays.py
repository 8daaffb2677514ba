"""Load one year's holiday list into the working-day calendar (replacing that year's rows).

    manage.py load_holidays 2028 holidays-2028.csv
    manage.py load_holidays 2026 --builtin

Each line: ``YYYY-MM-DD[~YYYY-MM-DD],holiday|workday|休|班,name`` (``#`` starts a comment).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from branches import audit, holidays
from branches.models import CalendarDay


class Command(BaseCommand):
    help = "Load a year's public holidays and make-up working days (调休) into the working-day calendar."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file", nargs="?", help="CSV lines: date[~date],holiday|workday,name")
        parser.add_argument("--builtin", action="store_true", help="use the rows shipped with the portal")
        parser.add_argument("--unconfirmed", action="store_true", help="mark the rows as not yet confirmed")

    @transaction.atomic
    def handle(self, year, file=None, builtin=False, unconfirmed=False, **options):
        if builtin:
            rows = [(d, k, n) for d, k, n, _ok in holidays.builtin_rows() if d.year == year]
        elif file:
            try:
                with open(file, encoding="utf-8-sig") as fh:
                    rows = holidays.parse_lines(fh)
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from None
        else:
            raise CommandError("Give a file or --builtin.")
        outside = [d for d, _k, _n in rows if d.year != year]
        if outside:
            raise CommandError(f"{outside[0]} is not in {year}.")
        if not any(k == "holiday" for _d, k, _n in rows):
            raise CommandError(f"No holiday for {year} in the list.")
        before = CalendarDay.objects.filter(date__year=year).count()
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind=k, name=n[:50], confirmed=not unconfirmed) for d, k, n in rows]
        )
        audit.record(
            audit.SYSTEM,
            "calendar.load",
            None,
            object_type="branches.calendarday",
            before={"year": year, "rows": before},
            after={"year": year, "rows": len(rows)},
        )
        self.stdout.write(f"{year}: {len(rows)} calendar days loaded.")
