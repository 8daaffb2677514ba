from rest_framework.routers import DefaultRouter

from .api import NoticeViewSet
from .collection.api import MaterialRequestViewSet, SubmissionViewSet
from .plans.api import PlanReportViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("notices", NoticeViewSet, basename="notice")
router.register("material-requests", MaterialRequestViewSet, basename="material-request")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("plan-reports", PlanReportViewSet, basename="plan-report")

urlpatterns = [*router.urls]
