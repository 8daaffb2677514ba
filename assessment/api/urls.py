from rest_framework.routers import DefaultRouter

from .views import AssessmentCycleViewSet, BranchAssessmentViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("assessment-cycles", AssessmentCycleViewSet, basename="assessment-cycle")
router.register("branch-assessments", BranchAssessmentViewSet, basename="branch-assessment")

urlpatterns = router.urls
