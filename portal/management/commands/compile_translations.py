"""Compile every app's zh_Hans .po file to .mo with polib (no gettext tools needed at setup)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile .po translation files to .mo (pure Python)."

    def handle(self, *args, **options):
        count = 0
        base = Path(settings.BASE_DIR)
        found = set(base.glob("locale/*/LC_MESSAGES/*.po")) | set(base.glob("*/locale/*/LC_MESSAGES/*.po"))
        for po_path in sorted(found):
            if "node_modules" in po_path.parts or ".venv" in po_path.parts:
                continue
            po = polib.pofile(str(po_path))
            po.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"Compiled {count} translation file(s).")
