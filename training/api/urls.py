from rest_framework.routers import DefaultRouter

from .claims import ClaimViewSet
from .views import AssignmentViewSet, StudyModuleViewSet

router = DefaultRouter()
router.register("study-modules", StudyModuleViewSet, basename="study-module")
router.register("assignments", AssignmentViewSet, basename="api-assignment")
router.register("study-claims", ClaimViewSet, basename="study-claim")

urlpatterns = router.urls

from .classes import LectureViewSet, TrainingClassViewSet  # noqa: E402

router.register("training-classes", TrainingClassViewSet, basename="training-class")
router.register("lectures", LectureViewSet, basename="lecture")
urlpatterns = router.urls
