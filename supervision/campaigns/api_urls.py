from rest_framework.routers import DefaultRouter

from .api import BrandProjectViewSet, BrandThemeViewSet, CampaignEntryViewSet, CampaignViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("campaign-entries", CampaignEntryViewSet, basename="campaign-entry")
router.register("brand-projects", BrandProjectViewSet, basename="brand-project")
router.register("brand-themes", BrandThemeViewSet, basename="brand-theme")

urlpatterns = router.urls
