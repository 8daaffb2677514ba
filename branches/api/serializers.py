from rest_framework import serializers

from ..models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "parent",
            "unit",
            "unit_name",
            "order",
            "depth",
            "is_active",
            "term_start",
            "term_end",
        ]
        read_only_fields = ["depth", "term_start", "term_end"]
