from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from .api import DocumentDownloadAPIView, DocumentKindsAPIView, DocumentNumberAPIView, IssuedNumberViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("documents", IssuedNumberViewSet, basename="document")

urlpatterns = [
    path("document-kinds/", DocumentKindsAPIView.as_view(), name="document-kinds"),
    re_path(
        r"^documents/(?P<kind>[\w-]+)/(?P<ref>[\w-]+)/(?P<fmt>docx|pdf)/$",
        DocumentDownloadAPIView.as_view(),
        name="document-download",
    ),
    path("documents/<slug:kind>/<str:ref>/number/", DocumentNumberAPIView.as_view(), name="document-number"),
    *router.urls,
]
