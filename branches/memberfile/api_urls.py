from rest_framework.routers import DefaultRouter

from .api import (
    AbroadRecordViewSet,
    CareRecordViewSet,
    LostContactViewSet,
    MobileRecordViewSet,
    RewardDisciplineViewSet,
)

router = DefaultRouter()
router.include_root_view = False
router.register("member-mobility", MobileRecordViewSet, basename="member-mobility")
router.register("member-abroad", AbroadRecordViewSet, basename="member-abroad")
router.register("member-lost-contact", LostContactViewSet, basename="member-lost-contact")
router.register("member-rewards", RewardDisciplineViewSet, basename="member-reward")
router.register("member-care", CareRecordViewSet, basename="member-care")

urlpatterns = router.urls
