"""The models of every practice sub-package, so Django finds them under the ``practice`` label."""

from .deeds.models import Deed, DeedStatus  # noqa: F401
from .pairing.models import ActivityKind, ActivityPhoto, JointActivity, Pairing, PartnerKind  # noqa: F401
from .research.models import OutcomeKind, ResearchOutcome, ResearchPhoto, ResearchReport, ResearchTopic  # noqa: F401
from .service.models import (  # noqa: F401
    CommunityReport,
    ResidenceRegistration,
    ServiceSettings,
    ServiceStatus,
    VolunteerService,
)
from .village.models import FirstSecretary, VillageReport, VillageReportFile  # noqa: F401
