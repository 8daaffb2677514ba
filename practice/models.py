"""The models of every practice sub-package, so Django finds them under the ``practice`` label."""

from .pairing.models import ActivityKind, ActivityPhoto, JointActivity, Pairing, PartnerKind  # noqa: F401
from .service.models import (  # noqa: F401
    CommunityReport,
    ResidenceRegistration,
    ServiceSettings,
    ServiceStatus,
    VolunteerService,
)
