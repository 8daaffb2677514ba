from rest_framework.routers import DefaultRouter

from .views import OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = router.urls

from .register import MemberViewSet, TermViewSet, TransferViewSet  # noqa: E402
from .roster import MemberImportViewSet  # noqa: E402

router.register("members/import", MemberImportViewSet, basename="member-import")
router.register("members", MemberViewSet, basename="member")
router.register("terms", TermViewSet, basename="term")
router.register("transfers", TransferViewSet, basename="transfer")
urlpatterns = router.urls
