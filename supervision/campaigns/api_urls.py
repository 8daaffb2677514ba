from rest_framework.routers import DefaultRouter

from .api import BrandProjectViewSet, CampaignEntryViewSet, CampaignViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("campaign-entries", CampaignEntryViewSet, basename="campaign-entry")
router.register("brand-projects", BrandProjectViewSet, basename="brand-project")

urlpatterns = router.urls
