from rest_framework.routers import DefaultRouter

from .api import NoticeViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("notices", NoticeViewSet, basename="notice")

urlpatterns = [*router.urls]
