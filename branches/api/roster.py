"""The roster import over the API: the same dry run and apply as the page (``branches.register.excel``),
the same scope (``member.change``), messages and audit."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..access import has_permission
from ..register import excel
from ..roster import staging


class ImportCheckSerializer(serializers.Serializer):
    file = serializers.FileField()
    mode = serializers.ChoiceField(choices=["create", "update"], default="create")


class ImportApplySerializer(serializers.Serializer):
    upload = serializers.UUIDField()
    pick = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    confirm = serializers.BooleanField(default=False)


class RowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())


class ChangeSerializer(serializers.Serializer):
    key = serializers.CharField()
    member_id = serializers.IntegerField()
    member_name = serializers.CharField()
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class MissingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    upload = serializers.UUIDField(allow_null=True)
    mode = serializers.CharField()
    header_row = serializers.IntegerField()
    mapping = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    ignored = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)
    added = serializers.ListField(child=serializers.IntegerField())
    changes = ChangeSerializer(many=True)
    unchanged = serializers.IntegerField()
    missing = MissingSerializer(many=True)


class AppliedSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    changed = serializers.IntegerField()


class MemberImportViewSet(viewsets.ViewSet):
    """``check``: the dry run (nothing saved; a correct file is kept encrypted for 30 minutes under
    ``upload``). ``apply``: import it, all or nothing (update mode: only the keys in ``pick``)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def _require(self, request):
        if not has_permission(request.user, "member.change"):
            raise PermissionDenied

    @extend_schema(request=ImportCheckSerializer, responses=PreviewSerializer)
    @action(detail=False, methods=["post"])
    def check(self, request):
        self._require(request)
        data = ImportCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        content = upload.read()
        mode = data.validated_data["mode"]
        preview = excel.dry_run(request.user, content, mode=mode)
        staged = staging.stage(request.user, content, mode=mode, filename=upload.name) if preview.ok else None
        body = {
            "upload": staged.pk if staged else None,
            "mode": mode,
            "header_row": preview.header_row,
            "mapping": [list(m) for m in preview.mapping],
            "ignored": preview.ignored,
            "rows": [r for r in preview.results if r.reasons or r.warnings or r.notes],
            "added": [r.row for r in preview.added],
            "changes": preview.changes,
            "unchanged": preview.unchanged,
            "missing": preview.missing,
        }
        return Response(PreviewSerializer(body).data)

    @extend_schema(request=ImportApplySerializer, responses=AppliedSerializer)
    @action(detail=False, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def apply(self, request):
        self._require(request)
        data = ImportApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = staging.fetch(request.user, data.validated_data["upload"])
        if found is None:
            raise serializers.ValidationError(
                {"upload": [_("Upload the file again: the checked file was not found or has expired.")]}
            )
        upload, content = found
        result = excel.import_members(
            actor=request.user,
            content=content,
            mode=upload.mode,
            selected=set(data.validated_data["pick"]),
            confirmed=data.validated_data["confirm"],
        )
        staging.discard(upload)
        if upload.mode == "create":
            return Response({"added": len(result), "changed": 0})
        return Response({"added": len(result["added"]), "changed": result["changed"]})
