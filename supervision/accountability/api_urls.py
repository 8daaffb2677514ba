from rest_framework.routers import DefaultRouter

from .api import ReviewReporterViewSet, ReviewRoundViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("review-rounds", ReviewRoundViewSet, basename="review-round")
router.register("review-reporters", ReviewReporterViewSet, basename="review-reporter")

urlpatterns = router.urls
