"""/api/v1/documents/: the documents API, through the same services as the pages.

- ``GET documents/`` the numbers issued (发文登记) the caller may see (``?kind=``); ``documents/{id}/`` one.
- ``GET document-kinds/`` what can be produced and which kinds carry a 发文字号.
- ``GET documents/{kind}/{ref}/{docx|pdf}/`` download (never numbers; a draft before the number is issued).
- ``POST documents/{kind}/{ref}/number/`` issue the 发文字号: 201 when issued now, 200 when it already had one.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api.base import ScopedReadOnlyViewSet
from ..models import IssuedNumber
from . import DOCX, PDF, kinds, services


class IssuedNumberSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = IssuedNumber
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "organization",
            "organization_name",
            "year",
            "sequence",
            "issued_on",
            "object_type",
            "object_id",
        ]
        read_only_fields = fields


class IssuedNumberViewSet(ScopedReadOnlyViewSet):
    queryset = IssuedNumber.objects.select_related("organization").order_by("-year", "-sequence", "-id")
    serializer_class = IssuedNumberSerializer

    @extend_schema(parameters=[OpenApiParameter("kind", str, description="document kind")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        kind = self.request.query_params.get("kind")
        return qs.filter(kind=kind) if kind else qs


class DocumentKindsAPIView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "DocumentKind",
            {"name": serializers.CharField(), "label": serializers.CharField(), "numbered": serializers.BooleanField()},
            many=True,
        )
    )
    def get(self, request):
        return Response(
            [
                {"name": k.name, "label": str(k.label), "numbered": k.numbered is not None}
                for k in (kinds.get(n) for n in kinds.names())
            ]
        )


class RefuseInJson(BaseContentNegotiation):
    """A download's refusals are JSON whatever the client accepts (``Accept: application/pdf`` included):
    the file itself is not rendered by DRF, so there is nothing else to negotiate."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


class DocumentDownloadAPIView(APIView):
    """The document as .docx or PDF, for whoever may see its record (404 outside)."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = RefuseInJson
    scoped = True
    scope_model = IssuedNumber  # the permission walk's sample: a numbered document inside branch_a1

    @extend_schema(
        operation_id="document_download",
        parameters=[
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["docx", "pdf"]),
            OpenApiParameter("kind", str, OpenApiParameter.PATH, description="a kind of GET document-kinds/"),
            OpenApiParameter("ref", str, OpenApiParameter.PATH, description="the record's id (or key)"),
        ],
        responses={
            (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="The .docx or the PDF, as fmt says."),
            (200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="The .docx or the PDF, as fmt says."),
        },
    )
    def get(self, request, kind, ref, fmt):
        return services.download(request.user, kind, ref, fmt)


class DocumentNumberAPIView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="document_number",
        request=None,
        responses={200: IssuedNumberSerializer, 201: IssuedNumberSerializer},
    )
    def post(self, request, kind, ref):
        issued, created = services.number(actor=request.user, kind_name=kind, ref=ref)
        return Response(
            IssuedNumberSerializer(issued).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
