"""Every practice reminder that is due now, from each sub-package (the portal's engine reads ``due``)."""

from .deeds import reminders as deeds
from .service import reminders as service
from .village import reminders as village


def due(now):
    yield from service.due(now)
    yield from deeds.due(now)
    yield from village.due(now)
