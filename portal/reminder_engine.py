"""Old import path of ``portal.notifications.engine`` (moved in issue 26), kept while other
branches still import it; the very same module object, so its registry and globals are shared.
Remove once nothing imports ``portal.reminder_engine``."""

import sys

from .notifications import engine

sys.modules[__name__] = engine
