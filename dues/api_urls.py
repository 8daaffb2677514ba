from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import (
    ArrearsActionViewSet,
    CollectionAPIView,
    DuesBaseViewSet,
    DuesReductionViewSet,
    LifeCaseViewSet,
    MyDuesAPIView,
    PaymentViewSet,
    StatementViewSet,
)

router = DefaultRouter()
router.include_root_view = False
router.register("dues-bases", DuesBaseViewSet, basename="dues-base")
router.register("dues-reductions", DuesReductionViewSet, basename="dues-reduction")
router.register("dues-payments", PaymentViewSet, basename="dues-payment")
router.register("dues-statements", StatementViewSet, basename="dues-statement")
router.register("dues-arrears-actions", ArrearsActionViewSet, basename="dues-arrears-action")
router.register("dues-life-cases", LifeCaseViewSet, basename="dues-life-case")

urlpatterns = [
    path("dues-collection/", CollectionAPIView.as_view(), name="dues-collection"),
    path("dues-mine/", MyDuesAPIView.as_view(), name="dues-mine"),
    *router.urls,
]
