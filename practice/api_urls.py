from rest_framework.routers import DefaultRouter

from .pairing.api import JointActivityViewSet, PairingViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("pairings", PairingViewSet, basename="pairing")
router.register("joint-activities", JointActivityViewSet, basename="joint-activity")

urlpatterns = router.urls
