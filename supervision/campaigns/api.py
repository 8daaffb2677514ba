"""/api/v1/campaigns/, /api/v1/campaign-entries/, /api/v1/brand-projects/, /api/v1/brand-themes/: read, and every
write through the same services as the pages (same scope, same messages, same audit)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import form_schema, validated
from branches.api.base import ScopedReadOnlyViewSet
from branches.models import Organization

from . import brands, services, themes
from .forms import ThemeForm
from .models import BrandProject, BrandTheme, Campaign, CampaignEntry, Title


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "year",
            "organization",
            "apply_deadline",
            "status",
            "exemplary_min_score",
            "advanced_min_score",
            "recheck_months",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    apply_deadline = serializers.DateField()


class ApplySerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    plan = serializers.CharField()


class EntrySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    # Blank until a title is named: declared so the schema admits "" beside the choices.
    title = serializers.ChoiceField(choices=Title.choices, allow_blank=True, read_only=True)

    class Meta:
        model = CampaignEntry
        fields = [
            "id",
            "campaign",
            "organization",
            "organization_name",
            "plan",
            "status",
            "decision_note",
            "score",
            "title",
            "named_at",
            "recheck_due",
            "revoked_at",
        ]
        read_only_fields = fields


class DecideSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressSerializer(serializers.Serializer):
    content = serializers.CharField()


class EvaluateSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2))


class RecheckSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BrandSerializer(serializers.ModelSerializer):
    theme_name = serializers.CharField(source="theme.name", read_only=True)

    class Meta:
        model = BrandProject
        fields = [
            "id",
            "organization",
            "year",
            "name",
            "theme",
            "theme_name",
            "idea",
            "measures",
            "expected_results",
            "results",
            "status",
            "unit_score",
            "unit_opinion",
            "committee_opinion",
            "named_at",
        ]
        read_only_fields = fields


class BrandCreateSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    theme = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    idea = serializers.CharField()
    measures = serializers.CharField()
    expected_results = serializers.CharField()


class ResultsSerializer(serializers.Serializer):
    results = serializers.CharField()


class UnitReviewSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    opinion = serializers.CharField()


class BrandDecideSerializer(serializers.Serializer):
    named = serializers.BooleanField()
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


def _valid(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class CampaignViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Campaigns the caller organises or has entered. POST starts one (work committee); ``apply`` enters a unit."""

    queryset = Campaign.objects.order_by("-year", "-pk")
    serializer_class = CampaignSerializer
    filterset_fields = ["year", "status"]

    def get_serializer_class(self):
        return {"create": CampaignCreateSerializer, "apply": ApplySerializer}.get(self.action, CampaignSerializer)

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def create(self, request, *args, **kwargs):
        campaign = services.create_campaign(actor=request.user, **_valid(CampaignCreateSerializer, request))
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    def get_object(self):
        if self.action == "apply":  # an open call is open to every unit (as on the page)
            campaign = Campaign.objects.accepting().filter(pk=self.kwargs["pk"]).first()
            if campaign is not None:
                return campaign
        return super().get_object()

    def get_queryset(self):
        if self.action == "apply":
            return Campaign.objects.visible_to(self.request.user, "view")
        return super().get_queryset()

    @extend_schema(request=ApplySerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        campaign = self.get_object()
        v = _valid(ApplySerializer, request)
        org = Organization.objects.filter(pk=v["organization"]).first()
        if org is None:
            raise Http404
        entry = services.apply(actor=request.user, campaign=campaign, organization=org, plan=v["plan"])
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CampaignEntryViewSet(ScopedReadOnlyViewSet):
    """Entries of the caller's units (or of the campaigns they organise) and the steps of each."""

    queryset = CampaignEntry.objects.select_related("organization").order_by("campaign_id", "organization__path")
    serializer_class = EntrySerializer
    filterset_fields = ["campaign", "status", "title"]
    write_scope_action = "view"  # each service checks its own permission on the visible entry

    def get_serializer_class(self):
        return {
            "decide": DecideSerializer,
            "progress": ProgressSerializer,
            "evaluate": EvaluateSerializer,
            "recheck": RecheckSerializer,
        }.get(self.action, EntrySerializer)

    def _done(self, entry, code=status.HTTP_200_OK):
        entry = CampaignEntry.objects.select_related("organization").get(pk=entry.pk)
        return Response(EntrySerializer(entry).data, status=code)

    @extend_schema(request=DecideSerializer, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._done(
            services.decide(actor=request.user, entry=self.get_object(), **_valid(DecideSerializer, request))
        )

    @extend_schema(request=ProgressSerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        entry = self.get_object()
        services.report_progress(actor=request.user, entry=entry, **_valid(ProgressSerializer, request))
        return self._done(entry, status.HTTP_201_CREATED)

    @extend_schema(request=EvaluateSerializer, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        v = _valid(EvaluateSerializer, request)
        return self._done(services.evaluate(actor=request.user, entry=self.get_object(), scores=v["scores"]))

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"], url_path="name")
    def name_entry(self, request, pk=None):
        return self._done(services.name_entry(actor=request.user, entry=self.get_object()))

    @extend_schema(request=RecheckSerializer, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        return self._done(
            services.recheck(actor=request.user, entry=self.get_object(), **_valid(RecheckSerializer, request))
        )


class BrandProjectViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Brand projects of the caller's branches. POST registers one; ``results``, ``review``, ``decide`` follow."""

    queryset = BrandProject.objects.select_related("theme").order_by("-year", "organization__path")
    serializer_class = BrandSerializer
    filterset_fields = ["year", "status", "theme", "organization"]
    write_scope_action = "view"

    def get_serializer_class(self):
        return {
            "create": BrandCreateSerializer,
            "results": ResultsSerializer,
            "review": UnitReviewSerializer,
            "decide": BrandDecideSerializer,
        }.get(self.action, BrandSerializer)

    def _done(self, brand, code=status.HTTP_200_OK):
        return Response(
            BrandSerializer(BrandProject.objects.select_related("theme").get(pk=brand.pk)).data, status=code
        )

    @extend_schema(request=BrandCreateSerializer, responses={201: BrandSerializer})
    def create(self, request, *args, **kwargs):
        v = dict(_valid(BrandCreateSerializer, request))
        org = Organization.objects.filter(pk=v.pop("organization")).first()
        theme = BrandTheme.objects.filter(pk=v.pop("theme")).first()
        if org is None:
            raise Http404
        if theme is None:
            raise ValidationError(_("Pick a theme."))
        brand = brands.register(actor=request.user, organization=org, theme=theme, **v)
        return self._done(brand, status.HTTP_201_CREATED)

    @extend_schema(request=ResultsSerializer, responses=BrandSerializer)
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        v = _valid(ResultsSerializer, request)
        return self._done(brands.report_results(actor=request.user, brand=self.get_object(), **v))

    @extend_schema(request=UnitReviewSerializer, responses=BrandSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        v = _valid(UnitReviewSerializer, request)
        return self._done(brands.unit_review(actor=request.user, brand=self.get_object(), **v))

    @extend_schema(request=BrandDecideSerializer, responses=BrandSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        v = _valid(BrandDecideSerializer, request)
        return self._done(brands.committee_decide(actor=request.user, brand=self.get_object(), **v))


class ThemeSerializer(serializers.ModelSerializer):
    named_count = serializers.IntegerField(read_only=True)
    brand_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = BrandTheme
        fields = ["id", "name", "description", "order", "is_active", "named_count", "brand_count"]


ThemeSchema = form_schema(ThemeForm, "BrandThemeWrite")


class BrandThemeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The themes of 一支部一品牌 (reference data every member may read); committee staff add and change them
    (POST, PATCH) through the themes page's form and service."""

    serializer_class = ThemeSerializer
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return themes.with_counts()

    def _save(self, request, theme, code):
        if not themes.may_manage(request.user):
            raise PermissionDenied(_("Only work committee staff may change the brand themes."))
        data = validated(request, ThemeForm, instance=theme)
        if "is_active" not in request.data:  # left out: kept (new themes are offered); a form's unchecked box is off
            data["is_active"] = theme.is_active if theme is not None else True
        saved = themes.save_theme(actor=request.user, theme=theme, **data)
        return Response(ThemeSerializer(themes.with_counts().get(pk=saved.pk)).data, status=code)

    @extend_schema(request=ThemeSchema, responses={201: ThemeSerializer})
    def create(self, request, *args, **kwargs):
        return self._save(request, None, status.HTTP_201_CREATED)

    @extend_schema(request=ThemeSchema, responses=ThemeSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self._save(request, self.get_object(), status.HTTP_200_OK)
