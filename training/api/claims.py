"""Study-hours claims through the API: a member claims (with evidence), the secretary approves or rejects.

The same form and services as the claim pages (``ClaimCreateView``, ``ClaimDetailView``): the same messages,
scope (404 outside) and audit records."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import form_schema, validated
from branches.api.base import ScopedReadOnlyViewSet

from .. import services
from ..forms import ClaimForm
from ..models import HoursClaim

ClaimInput = form_schema(ClaimForm, "HoursClaimInput")


class ClaimSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = HoursClaim
        fields = ["id", "member", "member_name", "title", "hours", "year", "status", "review_note", "reviewed_at"]
        read_only_fields = fields


class ClaimReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ClaimViewSet(ScopedReadOnlyViewSet):
    """Claims the caller may see: their own, and those of the members they review."""

    queryset = HoursClaim.objects.select_related("member").order_by("status", "-pk")
    serializer_class = ClaimSerializer
    filterset_fields = ["status", "year", "member"]

    @extend_schema(request={"multipart/form-data": ClaimInput}, responses={201: ClaimSerializer})
    def create(self, request):
        """Claim hours studied elsewhere, with the certificate (multipart, field ``evidence``)."""
        claim = services.submit_claim(actor=request.user, **validated(request, ClaimForm))
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClaimReviewInput, responses=ClaimSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve or reject a pending claim (never one's own)."""
        claim = self.get_object()
        data = ClaimReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        claim = services.review_claim(
            actor=request.user, claim=claim, approve=d["decision"] == "approve", note=d["note"]
        )
        return Response(ClaimSerializer(claim).data)
