"""The organisation tree: read in the caller's scope; create, rename and move as the tree pages do.

The writes go through the pages' forms (``OrganizationCreateForm``, ``RenameForm``, ``MoveForm``) and the same
services, so the messages, the scope (404 outside ``org.manage``) and the audit records are the pages'."""

import django_filters
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from ..access import has_permission
from ..models import Organization
from ..register.forms import MoveForm, OrganizationCreateForm, RenameForm
from .actions import form_schema, valid_form
from .base import ScopedReadOnlyViewSet
from .serializers import OrganizationSerializer

OrganizationInput = form_schema(OrganizationCreateForm, "OrganizationCreateInput")
RenameInput = form_schema(RenameForm, "OrganizationRenameInput")
MoveInput = form_schema(MoveForm, "OrganizationMoveInput")


class OrganizationFilter(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="subtree of organisation id")

    class Meta:
        model = Organization
        fields = ["kind", "parent", "unit", "is_active"]

    def filter_within(self, queryset, name, value):
        root = Organization.objects.filter(pk=value).only("path").first()
        return queryset.filter(path__startswith=root.path) if root else queryset.none()


class OrganizationViewSet(ScopedReadOnlyViewSet):
    """The organisation tree, limited to the caller's scope; its managers (``org.manage``) change it."""

    queryset = Organization.objects.select_related("unit").order_by("path")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    search_fields = ["name"]
    ordering_fields = ["path", "name", "order"]
    write_scope_action = "manage"

    def _answer(self, org, code=status.HTTP_200_OK):
        return Response(OrganizationSerializer(self.queryset.get(pk=org.pk)).data, status=code)

    @extend_schema(request=OrganizationInput, responses={201: OrganizationSerializer})
    def create(self, request):
        """Create an organisation under a parent the caller manages (the page "new organisation")."""
        if not has_permission(request.user, "org.manage"):
            raise PermissionDenied
        form = valid_form(request, OrganizationCreateForm, user=request.user)
        org = services.create_organization(actor=request.user, **form.cleaned_data)
        return self._answer(org, status.HTTP_201_CREATED)

    @extend_schema(request=RenameInput, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def rename(self, request, pk=None):
        """Rename the organisation."""
        org = self.get_object()
        name = valid_form(request, RenameForm).cleaned_data["name"]
        return self._answer(services.update_organization(actor=request.user, organization=org, name=name))

    @extend_schema(request=MoveInput, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the organisation (with its subtree) under another one the caller manages."""
        org = self.get_object()
        parent = valid_form(request, MoveForm, user=request.user, organization=org).cleaned_data["parent"]
        return self._answer(services.move_organization(actor=request.user, organization=org, new_parent=parent))
