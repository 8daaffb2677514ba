"""Connected in ``SupervisionConfig.ready``: a red card revokes a named unit's model-organ title."""

from django.dispatch import receiver

from ..signals import card_issued
from . import services


@receiver(card_issued, dispatch_uid="campaigns.revoke_on_red_card")
def revoke_title_on_red_card(sender, card, **kwargs):
    services.revoke_for_red_card(card)
