from rest_framework.routers import DefaultRouter

from .deeds.api import DeedViewSet
from .pairing.api import JointActivityViewSet, PairingViewSet
from .research.api import ResearchTopicViewSet
from .service.api import CommunityReportViewSet, ResidenceViewSet, VolunteerServiceViewSet
from .village.api import FirstSecretaryViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("pairings", PairingViewSet, basename="pairing")
router.register("joint-activities", JointActivityViewSet, basename="joint-activity")
router.register("community-reports", CommunityReportViewSet, basename="community-report")
router.register("residences", ResidenceViewSet, basename="residence")
router.register("volunteer-services", VolunteerServiceViewSet, basename="volunteer-service")
router.register("deeds", DeedViewSet, basename="deed")
router.register("research-topics", ResearchTopicViewSet, basename="research-topic")
router.register("first-secretaries", FirstSecretaryViewSet, basename="first-secretary")

urlpatterns = router.urls
