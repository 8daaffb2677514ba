"""Events inside supervision that its own sub-packages act on.

``card_issued`` is sent inside the transaction that issues a card (kwargs: ``card``), so whatever a
receiver changes (e.g. the campaign revoking a named unit's title) commits or rolls back with the card.
"""

from django.dispatch import Signal

card_issued = Signal()
