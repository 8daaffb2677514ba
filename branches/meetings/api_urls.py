from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import ComplianceAPIView, MeetingViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("meetings", MeetingViewSet, basename="meeting")

urlpatterns = [
    path("meeting-compliance/", ComplianceAPIView.as_view(), name="meeting-compliance"),
    *router.urls,
]
