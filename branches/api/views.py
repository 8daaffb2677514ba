import django_filters
from rest_framework import viewsets

from ..models import Organization
from .serializers import OrganizationSerializer


class OrganizationFilter(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="subtree of organisation id")

    class Meta:
        model = Organization
        fields = ["kind", "parent", "unit", "is_active"]

    def filter_within(self, queryset, name, value):
        root = Organization.objects.filter(pk=value).only("path").first()
        return queryset.filter(path__startswith=root.path) if root else queryset.none()


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """The organisation tree, limited to the caller's scope."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    search_fields = ["name"]
    ordering_fields = ["path", "name", "order"]
    scoped = True

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user).select_related("unit").order_by("path")
